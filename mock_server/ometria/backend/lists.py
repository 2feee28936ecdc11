"""Lists (segments) (ometria.md §3.6, §6.7, §7.2, §7.3): fixtures, STATIC membership, DYNAMIC rules.

Stored in ``lists`` keyed by the list id (a string)::

    {"id", "title", "description", "type", "archived", "match", "conditions", "timestamp_created",
     "members": [profile ids] (STATIC), "last_eval": [profile ids] (DYNAMIC), "refreshed": POSIX s | None,
     "_meta": {"id", "created", "updated"}}

Changes live in ``list_changes:<list id>`` keyed by a sequence number, oldest first.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from marshmallow import RAISE, ValidationError, validates_schema

from mock_server.core import schema as S
from mock_server.core.clock import iso_ms, parse_date, parse_datetime, sort_time
from mock_server.core.errors import InvalidParameters, NotFound, ValidationFailed
from mock_server.core.filters import FilterSpec
from mock_server.core.paging import ListSpec, QueryArgs, parse_list_query, run_list
from mock_server.core.spans import Span
from mock_server.core.store import Collection, CollectionSpec, Record
from mock_server.ometria import constants as C
from mock_server.ometria.backend import (
    COLLECTIONS,
    META,
    Account,
    register_collection,
    register_seeder,
    updated_at,
)
from mock_server.ometria.backend import profiles as P
from mock_server.ometria.backend.contacts import Problems, register_control_check
from mock_server.ometria.listing import bare_list
from mock_server.ometria.schemas import is_id

LISTS = "lists"
CHANGES = "list_changes"
STATE = "lists"  # tenant.extra key: {"changes": change sequence}

# ``mode`` reads the ``archived`` filter index; a list's changes ``since`` read a range of the (internal,
# never a query's sort key) ``timestamp`` order (core.spans).
TIMESTAMP = "_timestamp"
register_collection(LISTS, CollectionSpec(sort_keys={C.ORDER_UPDATED: updated_at},
                                          filters={"archived": lambda record: [bool(record.get("archived"))]}))
register_collection(CHANGES, CollectionSpec(sort_keys={C.ORDER_UPDATED: updated_at,
                                                       TIMESTAMP: lambda record: sort_time(record.get("timestamp"))}))


def list_id_of(value: Any) -> str | None:
    """List ids may be sent as strings or integers (§5.1); None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value:
        return value
    return None


# -- fixtures ---------------------------------------------------------------------------------------
class ConditionSchema(S.BaseSchema):
    """One field condition of the omnisend.md §6.6 rule model, over profile fields (mock decision)."""

    class Meta:
        unknown = RAISE

    field = S.Str(required=True, validate=S.length(1, None))
    op = S.Str(required=True, validate=S.one_of(C.RULE_FIELD_OPS))
    value = S.Any_(allow_none=True)

    @validates_schema
    def _value(self, data: dict[str, Any], **kwargs: Any) -> None:
        op = data.get("op")
        if op not in ("exists", "not_exists") and "value" not in data:
            raise ValidationError(S.REQUIRED, "value")
        if op == "in" and not isinstance(data.get("value"), list):
            raise ValidationError(S.type_message("array"), "value")


class ListFixtureSchema(S.BaseSchema):
    """One entry of ``lists.json``."""

    class Meta:
        unknown = RAISE

    id = S.Any_(required=True)
    title = S.Str(required=True)
    description = S.Str(allow_none=True)
    type = S.Str(required=True, validate=S.one_of(C.LIST_TYPES))
    archived = S.Bool()
    match = S.Str(validate=S.one_of(C.RULE_MATCH))
    # Each condition is loaded with ConditionSchema on its own (see _load_conditions).
    conditions = S.List(S.Obj())
    timestamp_created = S.DateTimeStr()
    # STATIC only: initial members, as emails of profiles seeded before the lists.
    members = S.List(S.EmailStr())


def _load_conditions(conditions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Load conditions one by one: core's error flattening would drop the ``value`` step of a nested
    error whose only key is ``value`` (it reads it as a Dict field's value error)."""
    loaded = []
    for index, condition in enumerate(conditions):
        try:
            loaded.append(S.load(S.shared(ConditionSchema), condition))
        except ValidationFailed as exc:
            raise ValidationFailed([(("conditions", index, *path), message) for path, message in exc.problems]
                                   ) from exc
    return loaded


def _seed_list(account: Account, entry: dict[str, Any]) -> None:
    data = S.load(S.shared(ListFixtureSchema), entry)
    data["conditions"] = _load_conditions(data.get("conditions") or [])
    list_id = list_id_of(data["id"])
    if list_id is None or not is_id(list_id):
        raise ValidationFailed([(("id",), "invalid value")])
    col = account.col(LISTS)
    if list_id in col:
        raise ValidationFailed([(("id",), f"duplicate list id {list_id!r}")])
    if data["type"] == "STATIC" and data.get("conditions"):
        raise ValidationFailed([(("conditions",), "only DYNAMIC lists have conditions")])
    if data["type"] == "DYNAMIC" and data.get("members"):
        raise ValidationFailed([(("members",), "only STATIC lists have members")])
    members: list[str] = []
    for index, email in enumerate(data.get("members") or []):
        owners = P.find_owners(account, "email", email)
        if not owners:
            raise ValidationFailed([(("members", index), f"no profile with email {email!r}")])
        if owners[0] not in members:
            members.append(owners[0])
    now = account.now_ts()
    record: Record = {
        "id": list_id, "title": data["title"], "description": data.get("description"), "type": data["type"],
        "archived": data.get("archived", False), "match": data.get("match", "all"),
        "conditions": data.get("conditions") or [],
        "timestamp_created": data.get("timestamp_created") or account.now(),
        "members": members, "last_eval": None, "refreshed": None,
        META: {"id": list_id, "created": now, "updated": now},
    }
    if record["type"] == "DYNAMIC":
        # The seeded state is the baseline: the first read records only later differences.
        record["last_eval"] = evaluate(account, record, P.all_views(account))
        record["refreshed"] = now
    col.insert(list_id, record)


# After contacts (10) and orders, so that members and DYNAMIC baselines see the seeded profiles.
register_seeder("lists", _seed_list, order=80)


# -- rules (omnisend.md §6.6 model over profile fields) -------------------------------------------
def _field(view: Mapping[str, Any], path: str) -> Any:
    value: Any = view
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _compare(left: Any, right: Any) -> tuple[Any, Any] | None:
    if isinstance(left, bool) or isinstance(right, bool):
        return None
    if isinstance(left, (int, float)) and isinstance(right, (int, float)):
        return left, right
    if isinstance(left, str) and isinstance(right, str):
        lt, rt = sort_time(left), sort_time(right)
        return (lt, rt) if lt is not None and rt is not None else (left, right)
    return None


def condition_holds(condition: Mapping[str, Any], view: Mapping[str, Any]) -> bool:
    """Evaluate one field condition against a profile's derived fields."""
    op, target = condition["op"], condition.get("value")
    value = _field(view, condition["field"])
    if op == "exists":
        return value is not None
    if op == "not_exists":
        return value is None
    if op == "eq":
        return bool(value == target)
    if op == "neq":
        return bool(value != target)
    if op == "in":
        return isinstance(target, list) and value in target
    if op == "contains":
        if isinstance(value, list):
            return target in value
        return isinstance(value, str) and isinstance(target, str) and target in value
    pair = _compare(value, target)
    if pair is None:
        return False
    left, right = pair
    return bool({"gt": left > right, "gte": left >= right, "lt": left < right, "lte": left <= right}[op])


def matches(record: Mapping[str, Any], view: Mapping[str, Any]) -> bool:
    """Whether a profile satisfies a DYNAMIC list's conditions (``match`` all / any)."""
    results = (condition_holds(c, view) for c in record["conditions"])
    return any(results) if record.get("match") == "any" else all(results)


def evaluate(account: Account, record: Mapping[str, Any], views: list[Record]) -> list[str]:
    """The ids of the profiles a DYNAMIC list holds now, oldest profile first."""
    return [str(view["id"]) for view in views if matches(record, view)]


def static_members(account: Account, record: Mapping[str, Any]) -> list[str]:
    """Members of a STATIC list (merged-away ids resolve to their survivors)."""
    out: list[str] = []
    for pid in record["members"]:
        live = P.resolve(account, pid)
        if live is not None and live not in out:
            out.append(live)
    return out


def _resolved(account: Account, pids: list[str]) -> list[str]:
    return [live for pid in pids if (live := P.resolve(account, pid)) is not None]


# -- changes ----------------------------------------------------------------------------------------
def _record_change(account: Account, list_id: str, kind: str, profile_id: str, email: Any) -> None:
    state: dict[str, int] = account.tenant.extra.setdefault(STATE, {"changes": 0})
    state["changes"] += 1
    now = account.now_ts()
    account.col(f"{CHANGES}:{list_id}").insert(str(state["changes"]), {
        "type": kind, "profile_id": profile_id, "email": email, "timestamp": account.now(),
        META: {"id": str(state["changes"]), "created": now, "updated": now}})


def _touch(account: Account, record: Record) -> None:
    now = account.now_ts()
    record[META]["updated"] = now
    record["refreshed"] = now
    account.col(LISTS).replace(record["id"], record)


def refresh_dynamic(account: Account, record: Record, views: list[Record]) -> Record:
    """Evaluate a DYNAMIC list now; record enter / exit changes against the previous evaluation."""
    current = evaluate(account, record, views)
    previous = _resolved(account, record["last_eval"] or [])
    emails = {str(v["id"]): v.get("email") for v in views}
    changed = False
    for pid in current:
        if pid not in previous:
            _record_change(account, record["id"], C.LIST_ENTER, pid, emails.get(pid))
            changed = True
    for pid in previous:
        if pid not in current:
            _record_change(account, record["id"], C.LIST_EXIT, pid, emails.get(pid))
            changed = True
    record["last_eval"] = current
    record["refreshed"] = account.now_ts()
    if changed:
        record[META]["updated"] = record["refreshed"]
    account.col(LISTS).replace(record["id"], record)
    return record


# -- contact control keys (§5.1, §6.7) --------------------------------------------------------------
def check_list_operations(account: Account, record: dict[str, Any]) -> Problems:
    """Each id of ``@add_to_lists`` / ``@remove_from_lists`` must name an existing STATIC list."""
    problems: Problems = []
    col = account.tenant.find_collection(LISTS)
    for key in (C.ADD_TO_LISTS_KEY, C.REMOVE_FROM_LISTS_KEY):
        if key not in record:
            continue
        ids = record[key]
        if not isinstance(ids, list):
            problems.append(((key,), C.MSG_INVALID))
            continue
        for index, item in enumerate(ids):
            list_id = list_id_of(item)
            found = col.peek(list_id) if col is not None and list_id is not None else None
            if found is None or found["type"] != "STATIC":
                problems.append(((key, index), C.MSG_INVALID))
    return problems


register_control_check(check_list_operations, (C.ADD_TO_LISTS_KEY, C.REMOVE_FROM_LISTS_KEY))


def apply_list_operations(account: Account, profile_id: str, listing: Record, control: Mapping[str, Any]
                          ) -> None:
    """Add the listing's profile to / remove it from STATIC lists (validated beforehand)."""
    col = account.tenant.find_collection(LISTS)
    if col is None:
        return
    email = listing.get("email")
    for key, entering in ((C.ADD_TO_LISTS_KEY, True), (C.REMOVE_FROM_LISTS_KEY, False)):
        for item in control.get(key) or []:
            list_id = list_id_of(item)
            record = col.get(list_id) if list_id is not None else None
            if list_id is None or record is None or record["type"] != "STATIC":
                continue
            members = static_members(account, record)
            if entering and profile_id not in members:
                record["members"] = [*members, profile_id]
                _record_change(account, list_id, C.LIST_ENTER, profile_id, email)
                _touch(account, record)
            elif not entering and profile_id in members:
                record["members"] = [pid for pid in members if pid != profile_id]
                _record_change(account, list_id, C.LIST_EXIT, profile_id, email)
                _touch(account, record)


# -- reads (§3.6) -----------------------------------------------------------------------------------
def lists_of(account: Account, profile_id: str, view: Mapping[str, Any]) -> list[Record]:
    """The ``lists`` field of a profile: ``[{"id", "title", "type"}]`` in list order."""
    col = account.tenant.find_collection(LISTS)
    out: list[Record] = []
    for record in col.values() if col is not None else []:
        member = (profile_id in static_members(account, record) if record["type"] == "STATIC"
                  else matches(record, view))
        if member:
            out.append({"id": record["id"], "title": record["title"], "type": record["type"]})
    return out


def _iso(ts: float | None) -> str | None:
    return None if ts is None else iso_ms(datetime.fromtimestamp(ts, UTC))


def render(account: Account, record: Record, views: list[Record]) -> Record:
    """The GET shape of one list (§7.2); ``archived`` is not returned."""
    if record["type"] == "STATIC":
        members = static_members(account, record)
        refreshed = _iso(record["refreshed"]) or record["timestamp_created"]
    else:
        members = [str(v) for v in record["last_eval"] or []]
        refreshed = _iso(record["refreshed"])
    by_id = {str(v["id"]): v for v in views}
    stats = [by_id[pid]["stats"] for pid in members if pid in by_id]
    return {
        "@type": "list",
        "id": record["id"],
        "title": record["title"],
        "description": record["description"],
        "size": len(members),
        "status": C.LIST_STATUS_READY,
        "type": record["type"],
        "timestamp_created": record["timestamp_created"],
        "timestamp_last_refreshed": refreshed,
        "timestamp_stats_updated": account.now(),
        "total_orders": sum(int(s["orders"]) for s in stats),
        "total_revenue": round(sum(float(s["revenue"]) for s in stats), 2),
    }


def _mode(raw: str, context: Mapping[str, Any]) -> Any:
    if raw not in C.LIST_MODES:
        raise InvalidParameters(fields=[(C.LIST_MODE_PARAM, "invalid value")])
    if raw == "all":
        return lambda record: True
    wanted = raw == "archived"
    return lambda record: bool(record.get("archived")) == wanted


def _mode_index(raw: str, context: Mapping[str, Any]) -> Any:
    return None if raw == "all" else ("archived", raw == "archived")


def _since_limit(raw: str) -> float:
    bound = parse_date(raw) or parse_datetime(raw)
    if bound is None:
        raise InvalidParameters(fields=[(C.LIST_SINCE_PARAM, "invalid format")])
    return bound.timestamp()


def _since(raw: str, context: Mapping[str, Any]) -> Any:
    limit = _since_limit(raw)
    return lambda record: (sort_time(record.get("timestamp")) or 0.0) >= limit


def _since_range(raw: str, context: Mapping[str, Any]) -> Any:
    limit = _since_limit(raw)
    # An entry without a time counts as 0: a bound at or before 1970 keeps it, and it is in no range.
    return (TIMESTAMP, Span(low=limit)) if limit > 0 else None


LIST_SPEC: ListSpec = dataclasses.replace(bare_list(LISTS), filters=(
    FilterSpec(C.LIST_MODE_PARAM, "custom", builder=_mode, narrower=_mode_index),))
CHANGES_SPEC: ListSpec = dataclasses.replace(bare_list(CHANGES), filters=(
    FilterSpec(C.LIST_SINCE_PARAM, "custom", builder=_since, narrower=_since_range),))


def list_lists(account: Account, args: QueryArgs) -> list[Record]:
    """``GET /lists``: ``mode`` active (default) / archived / all, paged."""
    if not any(key == C.LIST_MODE_PARAM for key, _ in args):
        args = [*args, (C.LIST_MODE_PARAM, "active")]
    query = parse_list_query(LIST_SPEC, args, account.ctx.codec)
    col = account.tenant.find_collection(LISTS) or Collection(COLLECTIONS[LISTS])
    page = run_list(LIST_SPEC, col, query, account.ctx.codec).items
    views = P.all_views(account)
    out = []
    for item in page:
        record = col.get(item["id"])
        assert record is not None
        if record["type"] == "DYNAMIC":
            record = refresh_dynamic(account, record, views)
        out.append(render(account, record, views))
    return out


def _find(account: Account, list_id: str) -> Record:
    col = account.tenant.find_collection(LISTS)
    record = col.get(list_id) if col is not None else None
    if record is None:
        raise NotFound(C.ERR_LIST_NOT_FOUND)
    return record


def get_list(account: Account, list_id: str) -> Record:
    """``GET /lists/{id}`` (a DYNAMIC list is evaluated on the read)."""
    record = _find(account, list_id)
    views = P.all_views(account)
    if record["type"] == "DYNAMIC":
        record = refresh_dynamic(account, record, views)
    return render(account, record, views)


def list_changes(account: Account, list_id: str, args: QueryArgs) -> list[Record]:
    """``GET /lists/{id}/changes``: entries oldest first, ``since`` inclusive."""
    query = parse_list_query(CHANGES_SPEC, args, account.ctx.codec)
    record = _find(account, list_id)
    if record["type"] == "DYNAMIC":
        refresh_dynamic(account, record, P.all_views(account))
    col = account.tenant.find_collection(f"{CHANGES}:{list_id}") or Collection(COLLECTIONS[CHANGES])
    items = run_list(CHANGES_SPEC, col, query, account.ctx.codec).items
    return [{k: v for k, v in item.items() if k != META} for item in items]
