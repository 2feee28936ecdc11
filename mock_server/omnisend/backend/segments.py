"""Segments (omnisend.md §6.6, mock decision): fixture rules evaluated on every read, never cached.

Installed into the contacts slice through ``contacts.set_segment_resolver`` so contact output
``segments`` and the ``segmentID`` list filter see the same evaluation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from mock_server.core.errors import ValidationFailed
from mock_server.omnisend import constants as C
from mock_server.omnisend.backend import Brand, segment_filters, segments_api
from mock_server.omnisend.backend import contacts as contact_rules
from mock_server.omnisend.backend.events import LOG, event_moment, events_of

Record = dict[str, Any]
DAY = 86400.0
# Contact output fields (§5.1) a condition may name, besides customProperties.<name>.
FIELDS = ("email", "contactID", "createdAt", *contact_rules.STRING_FIELDS, "phone", "birthdate", "status",
          "tags", "statuses", "optIns", "consents", "identifiers")


def definitions(brand: Brand) -> list[Record]:
    """The brand's segment definitions in fixture order."""
    found: list[Record] = brand.config.get("segments") or []
    return found


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _comparable(a: Any, b: Any) -> bool:
    # Evaluated on every contact answer (its ``segments``): plain calls, no generator.
    return (_number(a) and _number(b)) or (isinstance(a, str) and isinstance(b, str))


def _present(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != {}


FIELD_OPS: Mapping[str, Callable[[Any, Any], bool]] = {
    "eq": lambda v, w: bool(v == w),
    "neq": lambda v, w: bool(v != w),
    "in": lambda v, w: isinstance(w, list) and v in w,
    "contains": lambda v, w: (isinstance(v, list) and w in v) or (isinstance(v, str) and isinstance(w, str)
                                                                 and w in v),
    "exists": lambda v, w: _present(v),
    "not_exists": lambda v, w: not _present(v),
    "gt": lambda v, w: _comparable(v, w) and v > w,
    "gte": lambda v, w: _comparable(v, w) and v >= w,
    "lt": lambda v, w: _comparable(v, w) and v < w,
    "lte": lambda v, w: _comparable(v, w) and v <= w,
}


def _event_count(brand: Brand, record: Record, condition: Record) -> int:
    logged = events_of(brand, record["contactID"])
    if not logged:  # most contacts: no clock read
        return 0
    since = None
    if condition.get("withinDays") is not None:
        since = brand.ctx.clock.time() - float(condition["withinDays"]) * DAY
    count = 0
    for entry in logged:
        if entry["eventName"] != condition["event"]:
            continue
        if since is not None:
            moment = event_moment(entry)
            if moment is None or moment < since:
                continue
        count += 1
    return count


def _event_condition(brand: Brand, record: Record, condition: Record) -> bool:
    count = _event_count(brand, record, condition)
    if condition["op"] == "count_eq":
        return bool(count == condition["value"])
    return bool(count >= condition["value"])


def matches(brand: Brand, record: Record, segment: Record) -> bool:
    """Whether the stored contact ``record`` is a member of ``segment`` now (the contact answers'
    ``segments`` and the ``segmentID`` filter's member index both ask here)."""
    # A loop rather than any()/all() over a generator (this runs for every segment on every contact
    # answer); the same short-circuit: "any" stops at the first match, "all" at the first miss.
    wanted, tests = _compiled(segment)
    for test in tests:
        if test(brand, record) is wanted:
            return wanted
    return not wanted


def _getter(name: str) -> Callable[[Record], Any]:
    """The value a condition on field ``name`` compares, as a function of the record (chosen once)."""
    if name.startswith("customProperties."):
        prop = name.split(".", 1)[1]
        return lambda record: (record.get("customProperties") or {}).get(prop)
    if name == "email":
        return lambda record: contact_rules.email_of(record) or ""
    if name == "phone":
        return lambda record: contact_rules.phones_of(record) or None
    if name == "status":
        return contact_rules.email_status
    if name == "tags":
        return lambda record: list(record.get("tags") or [])
    if name in contact_rules.STRING_FIELDS or name == "birthdate":
        return lambda record: record.get(name) or ""
    return lambda record: record.get(name)


Test = Callable[[Brand, Record], bool]


def _compile(condition: Record) -> Test:
    """One condition as a test of (brand, record), the condition read once."""
    if "event" in condition:
        return lambda brand, record: _event_condition(brand, record, condition)
    get, op, value = _getter(condition["field"]), condition["op"], condition.get("value")
    if op == "eq":
        return lambda brand, record: bool(get(record) == value)
    if op == "contains" and isinstance(value, str):
        return lambda brand, record: value in found if isinstance(found := get(record), (list, str)) else False
    test = FIELD_OPS[op]
    return lambda brand, record: bool(test(get(record), value))


# The compiled conditions of a segment definition, by its identity (definitions are replaced whole when
# the rules change: fixture load, a test's or the control plane's new list): (that definition, whether
# "any" matches, its tests). The definition is held so its id is never reused while the entry is kept.
_COMPILED: dict[int, tuple[Record, bool, list[Test]]] = {}


def _compiled(segment: Record) -> tuple[bool, list[Test]]:
    cached = _COMPILED.get(id(segment))
    if cached is None or cached[0] is not segment:
        if len(_COMPILED) > 1024:  # old configs (fixture reloads, tests): let them go
            _COMPILED.clear()
        cached = _COMPILED[id(segment)] = (segment, segment.get("match") == "any",
                                           [_compile(c) for c in segment.get("conditions") or []])
    return cached[1], cached[2]


def segments_for(brand: Brand, record: Record) -> list[str]:
    """IDs of the segments the contact matches: fixture rules first, then API segments (the contacts resolver).

    Runs on every contact answer: each definition's conditions are compiled once (:func:`_compiled`).
    """
    ids = [s["segmentID"] for s in definitions(brand) if matches(brand, record, s)]
    ids.extend(segments_api.segments_of(brand, record))
    return ids


def membership_changes(brand: Brand) -> list[float]:
    """The mock times, sorted, just after which a ``withinDays`` condition stops counting a logged event.

    Between two of these times every membership is the same (only writes change it otherwise), so an
    answer computed at one mock time holds until the next of them.
    """
    spans: dict[str, set[float]] = {}
    for segment in definitions(brand):
        for cond in segment.get("conditions") or []:
            if "event" in cond and cond.get("withinDays") is not None:
                spans.setdefault(cond["event"], set()).add(float(cond["withinDays"]) * DAY)
    if not spans:
        return []
    times: set[float] = set()
    for entry in brand.col(LOG).values():
        windows = spans.get(entry.get("eventName", ""))
        moment = event_moment(entry) if windows else None
        if windows and moment is not None:
            times.update(moment + span for span in windows)
    return sorted(times)


def find(brand: Brand, segment_id: str) -> Record | None:
    """One segment definition, or None."""
    return next((s for s in definitions(brand) if s["segmentID"] == segment_id), None)


def member_predicate(brand: Brand, segment_id: str) -> Callable[[Record], bool]:
    """A contact predicate for the ``segmentID`` filter; an unknown segment matches nobody."""
    segment = find(brand, segment_id)
    if segment is None:
        api = brand.col(segments_api.COLLECTION).peek(segment_id)
        if api is None:
            return lambda record: False
        return lambda record: segment_filters.matches(brand, record, api["conditionGroups"])
    return lambda record: matches(brand, record, segment)


def members_known(brand: Brand, segment_id: str) -> bool:
    """Whether ``segment_id`` names a fixture rule segment or an API segment of the brand."""
    return find(brand, segment_id) is not None or segment_id in brand.col(segments_api.COLLECTION)


def members(brand: Brand, segment_id: str) -> list[str]:
    """The contactIDs of a segment's members, in creation order ([] for an unknown segment)."""
    test = member_predicate(brand, segment_id)
    return [key for key, record in brand.col("contacts").items() if test(record)]


def describe(brand: Brand) -> list[Record]:
    """Every segment in the OAS3 ``segments-output`` shape (for the control plane)."""
    out = []
    for segment in definitions(brand):
        created = str(segment.get("createdAt") or brand.config.get("createdAt") or brand.now())
        out.append({"segmentID": segment["segmentID"], "name": segment.get("name", segment["segmentID"]),
                    "description": segment.get("description", ""),
                    "memberCount": len(members(brand, segment["segmentID"])), "creationDate": created[:10]})
    return out


def validate_definitions(segments: Any) -> None:
    """Check fixture segment rules; raise ValidationFailed with a path under ``segments``."""
    seen: set[str] = set()
    for i, segment in enumerate(segments or []):
        def bad(message: str, *path: str | int, index: int = i) -> ValidationFailed:
            return ValidationFailed([(("segments", index, *path), message)])

        if not isinstance(segment.get("segmentID"), str) or not segment["segmentID"]:
            raise bad("field required but not found in Json", "segmentID")
        if segment["segmentID"] in seen:
            raise bad(f"duplicate segmentID {segment['segmentID']!r}", "segmentID")
        seen.add(segment["segmentID"])
        if segment.get("match", "all") not in ("all", "any"):
            raise bad("invalid value, allowed values: all, any", "match")
        conditions = segment.get("conditions")
        if not isinstance(conditions, list):
            raise bad("invalid type, expected array", "conditions")
        for j, cond in enumerate(conditions):
            _validate_condition(cond, lambda message, *path, j=j: bad(message, "conditions", j, *path))


def _validate_condition(cond: Any, bad: Callable[..., ValidationFailed]) -> None:
    if not isinstance(cond, dict):
        raise bad("invalid type, expected object")
    if "event" in cond:
        if not isinstance(cond["event"], str):
            raise bad("invalid type, expected string", "event")
        if cond.get("op") not in C.SEGMENT_EVENT_OPS:
            raise bad(f"invalid value, allowed values: {', '.join(C.SEGMENT_EVENT_OPS)}", "op")
        if not isinstance(cond.get("value"), int) or isinstance(cond["value"], bool) or cond["value"] < 0:
            raise bad("must be an integer >= 0", "value")
        days = cond.get("withinDays")
        if days is not None and (not isinstance(days, (int, float)) or isinstance(days, bool) or days <= 0):
            raise bad("must be a number > 0", "withinDays")
        return
    field = cond.get("field")
    if not isinstance(field, str) or not (field in FIELDS or field.startswith("customProperties.")):
        raise bad(f"unknown contact field {field!r}", "field")
    if cond.get("op") not in C.SEGMENT_FIELD_OPS:
        raise bad(f"invalid value, allowed values: {', '.join(C.SEGMENT_FIELD_OPS)}", "op")
    if cond["op"] == "in" and not isinstance(cond.get("value"), list):
        raise bad("invalid type, expected array", "value")


contact_rules.set_segment_resolver(segments_for)
