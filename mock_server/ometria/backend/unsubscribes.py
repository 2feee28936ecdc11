"""Unsubscribes (ometria.md §3.7, §6.6, §7.4): fixture entries and simulated (non-API) unsubscribes.

Stored in ``unsubscribes`` keyed by a sequence number (internal-id order = the order they happened)::

    {"email_address", "profile_id", "reason", "timestamp", "type", "_meta": {"id", "created", "updated"}}
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from marshmallow import RAISE

from mock_server.core import schema as S
from mock_server.core.clock import parse_datetime, sort_time
from mock_server.core.collection import field_values
from mock_server.core.errors import InvalidParameters, NotFound, ValidationFailed
from mock_server.core.filters import FilterSpec
from mock_server.core.paging import ListSpec, QueryArgs, parse_list_query, run_list
from mock_server.core.spans import Span
from mock_server.core.store import Collection, CollectionSpec, Record
from mock_server.ometria import constants as C
from mock_server.ometria.backend import COLLECTIONS, META, Account, register_collection, register_seeder, updated_at
from mock_server.ometria.backend import contacts as contact_rules
from mock_server.ometria.backend import profiles as P
from mock_server.ometria.listing import bare_list

UNSUBSCRIBES = "unsubscribes"
STATE = "unsubscribes"  # tenant.extra key: {"seq": entry sequence}
FIELDS = ("email_address", "profile_id", "reason", "timestamp", "type")

# The ``type`` filter reads a filter index (a rare type pages without walking the others); ``since`` /
# ``before`` read a range of the (internal, never a query's sort key) ``timestamp`` order.
TIMESTAMP = "_timestamp"
register_collection(UNSUBSCRIBES, CollectionSpec(
    sort_keys={C.ORDER_UPDATED: updated_at, TIMESTAMP: lambda record: sort_time(record.get("timestamp"))},
    filters={"type": field_values("type")}))


class UnsubscribeFixtureSchema(S.BaseSchema):
    """One entry of ``unsubscribes.json`` (the §7.4 shape; ``profile_id`` found by email when absent)."""

    class Meta:
        unknown = RAISE

    email_address = S.EmailStr(required=True)
    profile_id = S.Str(allow_none=True)
    reason = S.Str(allow_none=True)
    timestamp = S.DateTimeStr(required=True)
    type = S.Str(required=True, validate=S.one_of(C.UNSUBSCRIBE_TYPES))


def _store(account: Account, entry: dict[str, Any]) -> Record:
    state: dict[str, int] = account.tenant.extra.setdefault(STATE, {"seq": 0})
    state["seq"] += 1
    key = str(state["seq"])
    now = account.now_ts()
    record = {name: entry.get(name) for name in FIELDS}
    record[META] = {"id": key, "created": now, "updated": now}
    account.col(UNSUBSCRIBES).insert(key, record)
    return render(record)


def _seed(account: Account, entry: dict[str, Any]) -> None:
    data = S.load(S.shared(UnsubscribeFixtureSchema), entry)
    if data.get("profile_id") is None:
        owners = P.find_owners(account, "email", data["email_address"])
        data["profile_id"] = owners[0] if owners else None
    if data["profile_id"] is not None:
        # A seeded unsubscribe leaves the profile opted out, as a simulated one does (mock decision).
        live = P.resolve(account, data["profile_id"])
        if live is None:
            raise ValidationFailed([(("profile_id",), "no such profile")])
        _opt_out(account, live)
    _store(account, data)


def _opt_out(account: Account, profile_id: str) -> None:
    profile = account.col(P.PROFILES).get(profile_id)
    assert profile is not None
    for listing in P.listings_of(account, profile):
        meta = listing[META]
        contact_rules.apply(account, {"@collection": meta["collection"], "id": meta["id"],
                                      "marketing_optin": C.OPTOUT})


# After contacts (and before lists, whose DYNAMIC baselines then see the opt-outs).
register_seeder("unsubscribes", _seed, order=75)


def render(record: Record) -> Record:
    """The §7.4 shape."""
    return {name: record.get(name) for name in FIELDS}


def simulate_unsubscribe(account: Account, *, kind: str, email: str | None = None,
                         profile_id: str | None = None, reason: str | None = None) -> Record:
    """A non-API unsubscribe (preference centre, list-unsubscribe, SMS stop word...): add an entry and
    set ``EXPLICITLY_OPTEDOUT`` on every listing of the profile (mock decision, §6.6)."""
    if kind not in C.UNSUBSCRIBE_TYPES:
        raise ValidationFailed([(("type",), C.MSG_INVALID)])
    live = None
    if profile_id is not None:
        live = P.resolve(account, profile_id)
        if live is None:
            raise NotFound(C.ERR_PROFILE_NOT_FOUND)
    elif email is not None:
        owners = P.find_owners(account, "email", email)
        if not owners:
            raise NotFound(C.ERR_PROFILE_EMAIL_NOT_FOUND)
        live = owners[0]
    else:
        raise ValidationFailed([(("email",), S.REQUIRED)])
    _opt_out(account, live)
    profile = account.col(P.PROFILES).get(live)
    assert profile is not None
    view = P.derive(account, profile)
    return _store(account, {"email_address": email or view["email"], "profile_id": live, "reason": reason,
                            "timestamp": account.now(), "type": kind})


def _limit(name: str, raw: str) -> float:
    # Format YYYY-MM-DDTHH:MM:SS in UTC (vendor); any RFC 3339 date-time too (mock decision).
    moment = parse_datetime(raw)
    if moment is None:
        raise InvalidParameters(fields=[(name, "invalid format")])
    return moment.timestamp()


def _bound(name: str, upper: bool) -> Any:
    def build(raw: str, context: Mapping[str, Any]) -> Any:
        limit = _limit(name, raw)

        def check(record: Record) -> bool:
            ts = sort_time(record.get("timestamp"))
            return ts is not None and (ts < limit if upper else ts >= limit)
        return check
    return build


def _range(name: str, upper: bool) -> Any:
    """``since`` / ``before`` as a range of the ``timestamp`` order (core.spans): a page reads the slice."""
    def narrow(raw: str, context: Mapping[str, Any]) -> Any:
        limit = _limit(name, raw)
        return TIMESTAMP, Span(high=limit, high_open=True) if upper else Span(low=limit)
    return narrow


def _type(raw: str, context: Mapping[str, Any]) -> Any:
    if raw not in C.UNSUBSCRIBE_TYPES:
        raise InvalidParameters(fields=[(C.UNSUB_TYPE_PARAM, "invalid value")])
    return lambda record: record.get("type") == raw


LIST_SPEC: ListSpec = dataclasses.replace(bare_list(UNSUBSCRIBES), filters=(
    FilterSpec(C.UNSUB_SINCE_PARAM, "custom", builder=_bound(C.UNSUB_SINCE_PARAM, upper=False),
               narrower=_range(C.UNSUB_SINCE_PARAM, upper=False)),
    FilterSpec(C.UNSUB_BEFORE_PARAM, "custom", builder=_bound(C.UNSUB_BEFORE_PARAM, upper=True),
               narrower=_range(C.UNSUB_BEFORE_PARAM, upper=True)),
    FilterSpec(C.UNSUB_TYPE_PARAM, "custom", builder=_type, index="type"),
))


def list_unsubscribes(account: Account, args: QueryArgs) -> list[Record]:
    """``GET /unsubscribes``: ``since`` inclusive, ``before`` exclusive, ``type``, paged."""
    query = parse_list_query(LIST_SPEC, args, account.ctx.codec)
    col = account.tenant.find_collection(UNSUBSCRIBES) or Collection(COLLECTIONS[UNSUBSCRIBES])
    return [render(item) for item in run_list(LIST_SPEC, col, query, account.ctx.codec).items]
