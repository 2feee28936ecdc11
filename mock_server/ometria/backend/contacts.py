"""Contact listings (ometria.md §3.3, §5.1, §6.2): processing pushed records and reading them back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mock_server.core import schema as S
from mock_server.core.errors import NotFound, ValidationFailed
from mock_server.core.store import Collection, CollectionSpec, Record, clone
from mock_server.ometria import constants as C
from mock_server.ometria.backend import (
    META,
    Account,
    contact_collection,
    register_collection,
    run_write_hooks,
    updated_at,
)
from mock_server.ometria.backend.merge import merge_owned, strip_control
from mock_server.ometria.backend.queue import register_processor
from mock_server.ometria.backend.sms import SMS_COLLECTIONS, collection_effects
from mock_server.ometria.schemas import is_id
from mock_server.ometria.schemas.contact import ContactRecordSchema, plain_listing

Problems = list[tuple[tuple[str | int, ...], str]]
register_collection("contacts", CollectionSpec(sort_keys={"timestamp_update": updated_at}))
_schema = ContactRecordSchema()
IDENTITY_FIELDS = ("email", "customer_id", "phone_number")
# Extra processing checks of control keys (e.g. @add_to_lists must name STATIC lists, §6.7), plugged in
# by the modules that own those rules. Signature: check(account, record) -> problems.
ControlCheck = Callable[[Account, dict[str, Any]], Problems]
CONTROL_CHECKS: list[ControlCheck] = []
CONTROL_CHECKED_KEYS: set[str] = set()  # the keys the checks read (a record without any needs none of them)
# Control keys write hooks get to see under META["control"] (removed again before storing).
OBSERVED_CONTROL_KEYS = (C.FORCE_OPTIN_KEY, C.ADD_TO_LISTS_KEY, C.REMOVE_FROM_LISTS_KEY)


def register_control_check(check: ControlCheck, keys: tuple[str, ...]) -> None:
    """Add a processing check of a contact record's control ``keys``: it reads no other key of the record and
    finds no problem in a record without any of them (such a record is not shown to it)."""
    CONTROL_CHECKS.append(check)
    CONTROL_CHECKED_KEYS.update(keys)


def plain_record(record: dict[str, Any]) -> bool:
    """Whether ContactRecordSchema finds no problem in ``record`` (a listing with its ``@`` keys) without
    asking it (:func:`plain_listing`; False only means "ask the schema")."""
    return plain_listing({k: v for k, v in record.items() if not k.startswith("@")})


def validate(account: Account, record: dict[str, Any]) -> Problems:
    """Field-level problems of a contact record (empty when it can be applied)."""
    return _validate(account, record)[0]


def _validate(account: Account, record: dict[str, Any]) -> tuple[Problems, Record | None, Collection | None]:
    """The problems, and the stored listing when it was read (a copy :func:`apply` may take over) with its
    store collection (None when there are problems)."""
    problems: Problems = []
    collection = record.get("@collection", C.DEFAULT_COLLECTION)
    if "@collection" in record and not is_id(collection):  # the default is an id
        problems.append((("@collection",), C.MSG_INVALID))
    fields = {k: v for k, v in record.items() if not k.startswith("@")}
    if not plain_listing(fields):  # a plain listing passes the schema: no need to run it
        try:
            S.load(_schema, fields)
        except ValidationFailed as exc:
            problems.extend(exc.problems)
    if not CONTROL_CHECKED_KEYS.isdisjoint(record):  # a record without any finds no problem: not asked
        for check in CONTROL_CHECKS:
            problems.extend(check(account, record))
    if problems:
        return S.sort_problems(problems), None, None
    col = account.col(contact_collection(collection))
    stored = col.peek(record["id"])
    if stored is None and not any(record.get(name) is not None for name in IDENTITY_FIELDS):
        return [(("email",), S.REQUIRED)], None, None
    return [], stored, col


def apply(account: Account, record: dict[str, Any]) -> tuple[Record, bool]:
    """Upsert a validated record (merge unless ``@merge: false``); return (stored, created)."""
    collection = record.get("@collection", C.DEFAULT_COLLECTION)
    return _apply(account, record, account.col(contact_collection(collection)).get(record["id"]))


def _apply(account: Account, record: dict[str, Any], stored: Record | None, col: Collection | None = None
           ) -> tuple[Record, bool]:
    """:func:`apply` with the stored listing already read (a copy of it this call owns and changes), and
    maybe its store collection."""
    collection = record.get("@collection", C.DEFAULT_COLLECTION)
    if col is None:
        col = account.col(contact_collection(collection))
    fields = strip_control(record, "id", "@collection")
    now = account.now_ts()
    if stored is None or record.get("@merge") is False:
        meta = (stored or {}).get(META) or {"created": now}
        result = merge_owned({}, fields)
    else:
        meta = stored.pop(META)
        # ``stored`` is this write's own decoded copy: merged into in place, not copied again.
        result = merge_owned(stored, fields)
    result[META] = {**meta, "updated": now, "id": record["id"], "collection": collection}
    if collection in SMS_COLLECTIONS:
        collection_effects(account, collection, result)
    # Hooks see the write's control keys (@force_optin, list operations); they are never stored.
    result[META]["control"] = {k: record[k] for k in OBSERVED_CONTROL_KEYS if k in record}
    run_write_hooks(account, "contacts", result)
    result[META].pop("control", None)
    col.upsert(record["id"], result)
    return result, stored is None


def process(account: Account, record: dict[str, Any]) -> Problems:
    """The push processor: validate, then apply atomically (all fields or none); the stored listing
    is read once for both."""
    problems, stored, col = _validate(account, record)
    if not problems:
        _apply(account, record, stored, col)
    return problems


register_processor("contact", process)


def render(record: Record) -> Record:
    """The GET shape: ``@type``, ``id``, ``@collection`` and the stored fields."""
    meta = record[META]
    out: Record = {"@type": "contact", "id": meta["id"], "@collection": meta["collection"]}
    # Derived: the profile the listing belongs to (kept in META by the profile write hook).
    out[C.PROFILE_ID_KEY] = meta.get("profile")
    out.update((k, clone(v)) for k, v in record.items() if k != META)
    return out


def collections(account: Account) -> list[dict[str, Any]]:
    """``[{"collection", "count"}]`` for collections with at least one listing, sorted by name."""
    return [{"collection": name, "count": len(col)}
            for name, col in sorted(account.contact_collections().items()) if len(col)]


def get(account: Account, collection: str, record_id: str) -> Record:
    """One listing, or 404."""
    found = account.tenant.find_collection(contact_collection(collection))
    record = found.peek(record_id) if found is not None else None
    if record is None:
        raise NotFound(C.ERR_CONTACT_NOT_FOUND)
    return render(record)
