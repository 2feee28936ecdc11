"""Matching for automations (§5.9): event filters and filter groups, audience (contact) filters."""

from __future__ import annotations

from typing import Any

from mock_server.omnisend import marketing_constants as M
from mock_server.omnisend.backend import Brand, segments

Record = dict[str, Any]


def resolve(data: Any, field: str) -> list[Any]:
    parts = [p for p in field.split(".") if p]
    if parts and parts[0] == "properties" and isinstance(data, dict) and "properties" not in data:
        parts = parts[1:]
    found = [data]
    for part in parts:
        nxt: list[Any] = []
        for value in found:
            if part == "[]" and isinstance(value, list):
                nxt.extend(value)
            elif isinstance(value, dict) and part in value:
                nxt.append(value[part])
        found = nxt
    return found


def compare(op: str, value: Any, want: Any) -> bool:
    if op in ("eq", "neq"):
        same = str(value).lower() == str(want).lower() if isinstance(value, str) and isinstance(want, str) \
            else value == want
        return same if op == "eq" else not same
    if op in M.NUMERIC_OPERATORS:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        return bool({"gt": value > want, "gte": value >= want, "lt": value < want, "lte": value <= want}[op])
    text, wanted = str(value).lower(), str(want).lower()
    if op == "contains":
        return wanted in text if not isinstance(value, list) else want in value
    if op == "notContains":
        return wanted not in text if not isinstance(value, list) else want not in value
    if op == "startsWith":
        return text.startswith(wanted)
    if op == "endsWith":
        return text.endswith(wanted)
    if op == "in":
        return isinstance(want, list) and value in want
    if op == "notIn":
        return isinstance(want, list) and value not in want
    return False


def event_filter_ok(data: Any, item: Record) -> bool:
    """One event filter against an event (its properties, or the whole entry for top-level fields)."""
    values = resolve(data, item["field"])
    if item["operator"] == "exists":
        return bool(values) and values[0] is not None
    if item["operator"] == "notExists":
        return not values or values[0] is None
    return any(compare(item["operator"], v, item.get("value")) for v in values)


def group_ok(group: Record | None, test: Any) -> bool:
    """A ``{logicalOperator, filters}`` group with ``test(filter)``; no group passes."""
    if not group:
        return True
    results = [test(f) for f in group.get("filters") or []]
    return any(results) if group.get("logicalOperator") == "or" else all(results)


def event_matches(condition: Record, entry: Record) -> bool:
    if condition.get("event") != entry.get("eventName"):
        return False
    if condition.get("origin") and condition["origin"] != entry.get("origin"):
        return False
    properties = entry.get("properties") or {}
    return all(group_ok(g, lambda f: event_filter_ok(properties, f)) for g in condition.get("filterGroups") or [])


def audience_ok(brand: Brand, contact: Record, item: Record) -> bool:
    """One audience (contact) filter: segmentID, tag, dateAdded, name and address fields, gender."""
    field, op, want = item["field"], item["operator"], item.get("value")
    if field == "segmentID":
        inside = contact["contactID"] in segments.members(brand, str(want))
        return inside if op == "eq" else not inside
    if field == "tag":
        has = str(want).lower() in [t.lower() for t in contact.get("tags") or []]
        return has if op == "eq" else not has
    if field == "dateAdded":
        day = str(contact.get("createdAt") or "")[:10]
        return {"eq": day == want, "neq": day != want, "gt": day > str(want), "lt": day < str(want)}.get(op, False)
    value = contact.get("countryCode") if field == "country" else contact.get(field)
    return compare(op, value or "", want)
