"""Records keyed by id (orders, products, custom events) and the REST POST every record type shares
(ometria.md §3.2-3.4, §5, §6.1).

A :class:`KeyedResource` validates a record against its schema, merges it into the stored one (or
replaces it on ``@merge: false``), runs the write hooks and stores it: all of it or, on any invalid
field, none of it. Push processing and REST POSTs go through the same two steps, ``validate`` then
``apply``; push logs the problems in ``/push/_errors``, a REST POST answers them with a 400.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from marshmallow import Schema

from mock_server.core import schema as S
from mock_server.core.errors import MockError, NotFound, ValidationFailed
from mock_server.core.limits import record_fits
from mock_server.core.paging import ListSpec, parse_list_query, run_list
from mock_server.core.store import Collection, CollectionSpec, Record
from mock_server.ometria import constants as C
from mock_server.ometria.backend import META, Account, contacts, register_collection, run_write_hooks, updated_at
from mock_server.ometria.backend.merge import CONTROL_KEYS, merge, strip_control
from mock_server.ometria.backend.queue import register_processor

Path = tuple[str | int, ...]
Problems = list[tuple[Path, str]]
# Control keys only contacts act on; other record types ignore them (with a warning).
CONTACT_ONLY_KEYS = tuple(k for k in CONTROL_KEYS if k not in ("@type", "@merge"))


class PayloadRejected(MockError):
    """A REST POST refused as a whole before its fields are looked at (not an object, too large)."""

    status = 400


class RecordKind(Protocol):
    """What the REST POST needs from one record type."""

    record_type: str

    def validate(self, account: Account, record: dict[str, Any]) -> Problems:
        """Field-level problems (empty when the record can be applied)."""

    def apply(self, account: Account, record: dict[str, Any]) -> tuple[Record, bool]:
        """Upsert a validated record; return (stored record, created)."""

    def render(self, stored: Record) -> Record:
        """The GET shape of a stored record."""


class KeyedResource:
    """One resource whose records are keyed by ``id`` alone, in the store collection ``collection``."""

    def __init__(self, record_type: str, collection: str, schema: Schema, not_found: str,
                 required_on_create: tuple[str, ...] = ()) -> None:
        self.record_type = record_type
        self.collection = collection
        self.schema = schema
        self.not_found = not_found
        self.required_on_create = required_on_create
        register_collection(collection, CollectionSpec(sort_keys={C.ORDER_UPDATED: updated_at}))
        register_processor(record_type, self.process)

    # -- writes -------------------------------------------------------------------------------
    def validate(self, account: Account, record: dict[str, Any]) -> Problems:
        """Field-level problems of ``record``, in path order."""
        problems: Problems = []
        if "@merge" in record and not isinstance(record["@merge"], bool):
            problems.append((("@merge",), C.MSG_INVALID))
        try:
            S.load(self.schema, {k: v for k, v in record.items() if not k.startswith("@")})
        except ValidationFailed as exc:
            problems.extend(exc.problems)
        if not problems:
            creating = record.get("@merge") is False or account.col(self.collection).peek(record["id"]) is None
            problems.extend(self.check(account, record, creating))
        return S.sort_problems(problems)

    def check(self, account: Account, record: dict[str, Any], creating: bool) -> Problems:
        """Rules beyond the schema; ``creating`` = no stored record (or ``@merge: false``)."""
        if not creating:
            return []
        return [((name,), S.REQUIRED) for name in self.required_on_create if record.get(name) is None]

    def prepare(self, account: Account, fields: dict[str, Any], meta: dict[str, Any], creating: bool) -> None:
        """Adjust the pushed fields (and the bookkeeping) before they are merged in."""

    def after_write(self, account: Account, stored: Record, created: bool) -> None:
        """Side effects of an applied write (outbox entries)."""

    def apply(self, account: Account, record: dict[str, Any]) -> tuple[Record, bool]:
        """Upsert a validated record (merge unless ``@merge: false``); return (stored, created)."""
        col = account.col(self.collection)
        stored = col.peek(record["id"])  # read-only here: merge() copies what it keeps
        for key in CONTACT_ONLY_KEYS:
            if key in record:
                account.warn(f"root > {key}", C.WARN_CONTROL_IGNORED.format(id=record["id"]))
        fields = strip_control(record, "id")
        now = account.now_ts()
        creating = stored is None or record.get("@merge") is False
        base = {} if stored is None or creating else {k: v for k, v in stored.items() if k != META}
        meta = {**(stored[META] if stored is not None else {"created": now}), "updated": now, "id": record["id"]}
        # Remarks belong to the write that made them.
        meta.pop("warnings", None)
        self.prepare(account, fields, meta, creating)
        result = merge(base, fields)
        result[META] = meta
        run_write_hooks(account, self.collection, result)
        col.upsert(record["id"], result)
        self.after_write(account, result, stored is None)
        return result, stored is None

    def process(self, account: Account, record: dict[str, Any]) -> Problems:
        """The push processor: validate, then apply atomically (all fields or none)."""
        problems = self.validate(account, record)
        if not problems:
            self.apply(account, record)
        return problems

    def seed(self, account: Account, record: dict[str, Any]) -> None:
        """Load one fixture record exactly as if it were pushed (``@type`` optional)."""
        seed_record(self, account, record)

    # -- reads --------------------------------------------------------------------------------
    def render(self, stored: Record) -> Record:
        """The GET shape: ``@type``, ``id`` and the stored fields (bookkeeping never shown).

        ``stored`` must be a caller-owned copy (its nested values are reused, copied once per read).
        """
        out: Record = {"@type": self.record_type, "id": stored[META]["id"]}
        out.update((k, v) for k, v in stored.items() if k != META)
        return out

    def found(self, account: Account) -> Collection:
        """The account's collection (reads never create one)."""
        return account.tenant.find_collection(self.collection) or Collection()

    def get(self, account: Account, record_id: str) -> Record:
        """One record, or 404 with the resource's text."""
        stored = self.found(account).get(record_id)
        if stored is None:
            raise NotFound(self.not_found)
        return self.render(stored)

    def page(self, account: Account, spec: ListSpec, args: list[tuple[str, str]]) -> list[Record]:
        """One page (limit / offset / orderby, the spec's filters) as a bare list."""
        query = parse_list_query(spec, args, account.ctx.codec)
        result = run_list(spec, self.found(account), query, account.ctx.codec)
        return [self.render(item) for item in result.items]


def seed_record(kind: RecordKind, account: Account, record: Any) -> None:
    """Load one fixture record of ``kind`` as if it were pushed; raise ValidationFailed on a problem."""
    if not isinstance(record, dict):
        raise ValidationFailed([((), "invalid type, expected object")])
    if record.get("@type", kind.record_type) != kind.record_type:
        raise ValidationFailed([(("@type",), f"must be {kind.record_type}")])
    if not isinstance(record.get("id"), str):
        raise ValidationFailed([(("id",), S.REQUIRED)])
    problems = kind.validate(account, record)
    if problems:
        raise ValidationFailed(problems)
    kind.apply(account, record)


def rest_post(account: Account, kind: RecordKind, body: Any, identity: Mapping[str, str]) -> tuple[Record, bool]:
    """``POST /<resource>/{id}``: one record, validated synchronously; return (rendered, created).

    ``identity`` holds the keys the path fixes (``id``, and ``@collection`` for contacts). The body may
    repeat them (and ``@type``) but not contradict them (mock decision).
    """
    if not isinstance(body, dict):
        raise PayloadRejected(C.ERR_NOT_OBJECT)
    if not record_fits(body, C.MAX_RECORD_BYTES):
        raise PayloadRejected(C.ERR_RECORD_TOO_LARGE)
    fixed = {"@type": kind.record_type, **identity}
    problems: Problems = [((key,), C.MSG_INVALID) for key, value in fixed.items()
                          if key in body and body[key] != value]
    record = {**body, **fixed}
    problems.extend(kind.validate(account, record))
    if problems:
        raise ValidationFailed(S.sort_problems(problems))
    stored, created = kind.apply(account, record)
    return kind.render(stored), created


class ContactKind:
    """Contact listings seen as a :class:`RecordKind` (their rules live in :mod:`.contacts`)."""

    record_type = "contact"

    def validate(self, account: Account, record: dict[str, Any]) -> Problems:
        """Field-level problems of a listing."""
        return contacts.validate(account, record)

    def apply(self, account: Account, record: dict[str, Any]) -> tuple[Record, bool]:
        """Upsert a validated listing."""
        return contacts.apply(account, record)

    def render(self, stored: Record) -> Record:
        """The GET shape of a listing."""
        return contacts.render(stored)


CONTACTS = ContactKind()
