"""Data deletion / GDPR anonymisation (ometria.md §3.8, §6.9, §7.6).

Stored in ``data_deletions`` keyed by the request id, in the §7.6 shape plus META::

    "_meta": {"id", "created", "updated", "due": POSIX s, "pending": bool, "email": lower-cased (pending only)}

In ``sync`` mode a request is processed as soon as it is created (the 202 still shows it pending). In
``async`` mode it waits for the queue delay: it is processed by :func:`process_pending_deletions`, which
the vendor's drain calls, and by any later data-deletion request of the account that finds it due.
"""

from __future__ import annotations

import hashlib
from typing import Any

from marshmallow import RAISE

from mock_server.core import schema as S
from mock_server.core.errors import NotFound
from mock_server.core.paging import QueryArgs, parse_list_query, run_list
from mock_server.core.store import Collection, CollectionSpec, Record, clone
from mock_server.ometria import constants as C
from mock_server.ometria.backend import COLLECTIONS, META, Account, register_collection, register_seeder, updated_at
from mock_server.ometria.backend import contacts as contact_rules
from mock_server.ometria.backend import profiles as P
from mock_server.ometria.backend.transactional import load_object
from mock_server.ometria.listing import bare_list
from mock_server.ometria.schemas.messaging import DataDeletionSchema

DELETIONS = "data_deletions"
CUSTOM_EVENTS = "custom_events"
FIELDS = ("action", "comment", "id", "identities", "source", "summary", "timestamp_completed",
          "timestamp_created")
LIST_SPEC = bare_list(DELETIONS)
_schema = DataDeletionSchema()

register_collection(DELETIONS, CollectionSpec(sort_keys={C.ORDER_UPDATED: updated_at}))


def hashed_email(email: str) -> str:
    """``<md5 of the lower-cased email>@anonymous.ometria`` (MD5 is a mock decision)."""
    return hashlib.md5(email.strip().lower().encode("utf-8"), usedforsecurity=False).hexdigest() \
        + C.ANONYMOUS_DOMAIN


def render(record: Record) -> Record:
    """The §7.6 shape."""
    return {name: clone(record.get(name)) for name in FIELDS}


# -- fixtures (requests made "in app", already completed) -------------------------------------------
class UserSchema(S.BaseSchema):
    """``source.user`` of an in-app request."""

    class Meta:
        unknown = RAISE

    email = S.EmailStr(required=True)
    name = S.Str(allow_none=True)


class SourceSchema(S.BaseSchema):
    """``source``."""

    class Meta:
        unknown = RAISE

    api_request_id = S.Str(allow_none=True)
    origin = S.Str(required=True, validate=S.one_of(("api", "app")))
    user = S.Nested(UserSchema, allow_none=True)


class HashedSchema(S.BaseSchema):
    """One identity."""

    class Meta:
        unknown = RAISE

    hashed_email = S.Str(required=True)


class DeletionFixtureSchema(S.BaseSchema):
    """One entry of ``data_deletion_requests.json`` (a completed request)."""

    class Meta:
        unknown = RAISE

    id = S.Str(required=True, validate=S.length(1, None))
    action = S.Str(validate=S.one_of((C.DELETION_ACTION,)))
    comment = S.Str(allow_none=True)
    identities = S.List(S.Nested(HashedSchema), required=True)
    source = S.Nested(SourceSchema, required=True)
    summary = S.Str(allow_none=True)
    timestamp_created = S.DateTimeStr(required=True)
    timestamp_completed = S.DateTimeStr(allow_none=True)


def _seed(account: Account, entry: dict[str, Any]) -> None:
    data = S.load(S.shared(DeletionFixtureSchema), entry)
    now = account.now_ts()
    record = {"action": C.DELETION_ACTION, "comment": None, "summary": None, "timestamp_completed": None, **data}
    source = record["source"]
    record["source"] = {"api_request_id": source.get("api_request_id"), "origin": source["origin"],
                        "user": source.get("user")}
    record[META] = {"id": data["id"], "created": now, "updated": now, "due": now, "pending": False}
    account.col(DELETIONS).insert(data["id"], record)


register_seeder("data_deletion_requests", _seed, order=90)


# -- create / process ---------------------------------------------------------------------------------
def create(account: Account, body: Any, api_request_id: str) -> Record:
    """``POST /data-deletion-requests``: 202 with the new request (``timestamp_completed: null``);
    ``source.api_request_id`` is the HTTP request's own id (``X-Mock-Request-Id``)."""
    data = load_object(_schema, body)
    process_pending_deletions(account, due_only=True)
    settings = account.ctx.settings
    request_id = account.new_uuid()
    now = account.now_ts()
    record: Record = {
        "action": C.DELETION_ACTION, "comment": data.get("comment"), "id": request_id,
        "identities": [{"hashed_email": hashed_email(data["email"])}],
        "source": {"api_request_id": api_request_id, "origin": C.DELETION_ORIGIN_API, "user": None},
        "summary": None, "timestamp_completed": None, "timestamp_created": account.now(),
        META: {"id": request_id, "created": now, "updated": now, "pending": True,
               "due": now if settings.ometria_queue_mode == "sync" else now + settings.ometria_queue_delay,
               "email": data["email"].strip().lower()},
    }
    account.col(DELETIONS).insert(request_id, record)
    answer = render(record)
    if settings.ometria_queue_mode == "sync":
        process_pending_deletions(account)
    return answer


def _anonymise_profile(account: Account, profile_id: str, hashed: str) -> int:
    """Anonymise every listing and order of one profile; return the number of listings."""
    profile = account.col(P.PROFILES).get(profile_id)
    if profile is None:  # pragma: no cover - owners are live profiles
        return 0
    listings = P.listings_of(account, profile)
    for listing in listings:
        meta = listing[META]
        contact_rules.apply(account, {"@collection": meta["collection"], "id": meta["id"], "email": hashed,
                                      **dict.fromkeys(C.ANONYMISED_LISTING_FIELDS)})
    orders = account.tenant.find_collection(P.ORDERS)
    for order_id in profile["orders"]:
        order = orders.get(order_id) if orders is not None else None
        if order is None:
            continue
        customer = order.get("customer")
        if isinstance(customer, dict):
            customer["email"] = hashed
            customer.pop("firstname", None)
            customer.pop("lastname", None)
        order.pop("shipping_address", None)
        order.pop("billing_address", None)
        if isinstance(order.get(META), dict):
            order[META]["updated"] = account.now_ts()
        assert orders is not None
        orders.replace(order_id, order)
    live = P.resolve(account, profile_id)
    if live is not None:
        P.refresh(account, live)
    return len(listings)


def _anonymise_events(account: Account, email: str, hashed: str) -> int:
    events = account.tenant.find_collection(CUSTOM_EVENTS)
    if events is None:
        return 0
    done = 0
    matching = [key for key, stored in events.items()
                if isinstance(stored.get("identity_email"), str) and stored["identity_email"].strip().lower() == email]
    for key in matching:
        event = events.get(key)
        assert event is not None
        event["identity_email"] = hashed
        events.replace(key, event)
        done += 1
    return done


def process(account: Account, request_id: str) -> None:
    """Anonymise everything of the request's email, then complete it (summary, outbox)."""
    col = account.col(DELETIONS)
    record = col.get(request_id)
    if record is None or not record[META].get("pending"):
        return
    email = record[META].pop("email")
    hashed = hashed_email(email)
    contacts = 0
    # Anonymising a listing can merge profiles; re-resolve owners until none holds the email.
    for profile_id in P.find_owners(account, "email", email):
        live = P.resolve(account, profile_id)
        if live is not None:
            contacts += _anonymise_profile(account, live, hashed)
    events = _anonymise_events(account, email, hashed)
    summary = C.DELETION_SUMMARY.format(contacts=contacts, events=events)
    record["summary"] = summary
    record["timestamp_completed"] = account.now()
    record[META].update(pending=False, updated=account.now_ts())
    col.replace(request_id, record)
    account.outbox({"kind": C.OUTBOX_DATA_DELETION, "account": account.account_id, "id": request_id,
                    "summary": summary})


def process_pending_deletions(account: Account, *, due_only: bool = False) -> int:
    """Process waiting requests in creation order (only those past their delay when ``due_only``)."""
    col = account.tenant.find_collection(DELETIONS)
    if col is None:
        return 0
    now = account.now_ts()
    waiting = [key for key, record in col.items() if record[META].get("pending")
               and (not due_only or float(record[META]["due"]) <= now)]
    for key in waiting:
        process(account, key)
    return len(waiting)


# -- reads --------------------------------------------------------------------------------------------
def list_requests(account: Account, args: QueryArgs) -> list[Record]:
    """``GET /data-deletion-requests``, paged."""
    query = parse_list_query(LIST_SPEC, args, account.ctx.codec)
    process_pending_deletions(account, due_only=True)
    col = account.tenant.find_collection(DELETIONS) or Collection(COLLECTIONS[DELETIONS])
    return [render(item) for item in run_list(LIST_SPEC, col, query, account.ctx.codec).items]


def get_request(account: Account, request_id: str) -> Record:
    """``GET /data-deletion-requests/{id}``."""
    process_pending_deletions(account, due_only=True)
    col = account.tenant.find_collection(DELETIONS)
    record = col.peek(request_id) if col is not None else None
    if record is None:
        raise NotFound(C.ERR_DELETION_NOT_FOUND)
    return render(record)
