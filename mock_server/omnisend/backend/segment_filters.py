"""The 2026 segment rule model (§5.8): validation and evaluation against a brand's real data.

``conditionGroups`` are OR-ed, each group's ``conditions`` AND-ed, each condition's ``filters`` joined by
its ``junction``. Contact filters read the stored contact (fields, tags, consents, channel statuses,
custom properties, order totals from its events); event filters count the contact's logged events.
Nothing is cached, so membership follows every write.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from mock_server.core.clock import parse_date, parse_datetime, sort_time
from mock_server.core.errors import ValidationFailed
from mock_server.omnisend import marketing_constants as M
from mock_server.omnisend.backend import Brand
from mock_server.omnisend.backend import contacts as contact_rules
from mock_server.omnisend.backend.events import event_moment, events_of

Record = dict[str, Any]
Problems = list[tuple[tuple[str | int, ...], str]]
DAY = 86400.0


# -- validation ----------------------------------------------------------------------------------------
def validate(groups: Any) -> Problems:
    """Check ``conditionGroups``; return every problem (paths drop array indices, as the API does)."""
    problems: Problems = []
    if not isinstance(groups, list):
        return [(("conditionGroups",), "invalid type, expected array")]
    for group in groups:
        if not isinstance(group, dict) or not isinstance(group.get("conditions"), list) or not group["conditions"]:
            problems.append((("conditionGroups", "conditions"), "required"))
            continue
        for cond in group["conditions"]:
            problems.extend(_validate_condition(cond))
    return problems


def _validate_condition(cond: Any) -> Problems:
    base = ("conditionGroups", "conditions")
    if not isinstance(cond, dict):
        return [(base, "invalid type, expected object")]
    out: Problems = []
    if cond.get("entity") not in M.ENTITIES:
        out.append(((*base, "entity"), f"invalid value, allowed values: {', '.join(M.ENTITIES)}"))
    if cond.get("junction", "and") not in M.JUNCTIONS:
        out.append(((*base, "junction"), f"invalid value, allowed values: {', '.join(M.JUNCTIONS)}"))
    filters = cond.get("filters")
    if not isinstance(filters, list) or not filters:
        return [*out, ((*base, "filters"), "required")]
    check = _validate_event_filter if cond.get("entity") == "event" else _validate_contact_filter
    for item in filters:
        out.extend(((*base, "filters", *path), message) for path, message in check(item))
    return out


def _validate_contact_filter(item: Any) -> Problems:
    if not isinstance(item, dict):
        return [((), "invalid type, expected object")]
    out: Problems = []
    prop, op = item.get("property"), item.get("operator")
    if prop not in M.CONTACT_PROPERTIES:
        out.append((("property",), "invalid value: unknown contact property"))
    if op not in M.CONTACT_OPERATORS:
        out.append((("operator",), f"invalid value, allowed values: {', '.join(M.CONTACT_OPERATORS)}"))
    if prop == "custom":
        if not isinstance(item.get("name"), str) or not item["name"]:
            out.append((("name",), "required"))
        if item.get("valueType") not in M.CUSTOM_VALUE_TYPES:
            out.append((("valueType",), f"invalid value, allowed values: {', '.join(M.CUSTOM_VALUE_TYPES)}"))
    if prop == "subscriptionStatus":
        channels = item.get("channels")
        if not isinstance(channels, list) or not channels or any(c not in M.SUBSCRIPTION_CHANNELS for c in channels):
            out.append((("channels",), f"required, items from: {', '.join(M.SUBSCRIPTION_CHANNELS)}"))
    if op in ("anyOf", "noneOf") and not isinstance(item.get("value"), list):
        out.append((("value",), "invalid type, expected array"))
    if op == "between" and ("valueFrom" not in item or "valueTo" not in item):
        out.append((("valueFrom",), "required"))
    needs_value = op not in ("exists", "doesNotExist", "between")
    if needs_value and "value" not in item:
        out.append((("value",), "required"))
    return out


def _validate_event_filter(item: Any) -> Problems:
    if not isinstance(item, dict):
        return [((), "invalid type, expected object")]
    out: Problems = []
    if not isinstance(item.get("name"), str) or not item["name"]:
        out.append((("name",), "required"))
    if item.get("operator") not in M.EVENT_OPERATORS:
        out.append((("operator",), f"invalid value, allowed values: {', '.join(M.EVENT_OPERATORS)}"))
    if item.get("count") not in M.EVENT_COUNTS:
        out.append((("count",), f"invalid value, allowed values: {', '.join(M.EVENT_COUNTS)}"))
    value = item.get("value")
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        out.append((("value",), "required, an integer >= 0"))
    period = item.get("period")
    if period is not None:
        if not isinstance(period, dict) or period.get("operator") not in M.PERIOD_OPERATORS:
            out.append((("period", "operator"), f"invalid value, allowed values: {', '.join(M.PERIOD_OPERATORS)}"))
        elif period["operator"] in ("inTheLast", "notInTheLast") and (
                period.get("unit") not in M.PERIOD_UNITS or not _positive_int(period.get("value"))):
            out.append((("period",), "unit (days|weeks|months|years) and a positive integer value are required"))
        elif period["operator"] in ("equals", "before", "after") and parse_date(str(period.get("value"))) is None:
            out.append((("period", "value"), "invalid_format, expected YYYY-MM-DD"))
        elif period["operator"] == "between" and (parse_date(str(period.get("valueFrom"))) is None
                                                  or parse_date(str(period.get("valueTo"))) is None):
            out.append((("period", "valueFrom"), "invalid_format, expected YYYY-MM-DD"))
    return out


def _positive_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def check(groups: Any) -> None:
    """Raise ValidationFailed with every problem of ``conditionGroups``."""
    problems = validate(groups)
    if problems:
        raise ValidationFailed(problems)


# -- evaluation ----------------------------------------------------------------------------------------
def matches(brand: Brand, record: Record, groups: list[Record]) -> bool:
    """Whether the stored contact ``record`` satisfies the rule now."""
    return any(all(_condition(brand, record, cond) for cond in group["conditions"]) for group in groups)


def _condition(brand: Brand, record: Record, cond: Record) -> bool:
    test: Callable[[Record], bool]
    if cond["entity"] == "event":
        entries = events_of(brand, record["contactID"])
        now = brand.now_ts()
        def test(item: Record) -> bool:
            return _event_filter(entries, item, now)
    else:
        def test(item: Record) -> bool:
            return _contact_filter(brand, record, item)
    results = (test(item) for item in cond["filters"])
    return any(results) if cond.get("junction") == "or" else all(results)


def _event_filter(entries: list[Record], item: Record, now: float) -> bool:
    count = sum(1 for e in entries if e["eventName"] == item["name"]
                and (item.get("origin") is None or e.get("origin") == item["origin"])
                and _in_period(event_moment(e), item.get("period"), now)
                and all(_property_ok(e.get("properties") or {}, f) for f in item.get("filters") or []))
    found = count == item["value"] if item["count"] == "equals" else count >= item["value"]
    return found if item["operator"] == "has" else not found


def _property_ok(properties: Record, item: Record) -> bool:
    """A property sub-filter ``{path|property, operator, value}``; ``[]`` in a path means any item."""
    path = str(item.get("path") or item.get("property") or item.get("field") or "")
    values = _resolve(properties, [p for p in path.split(".") if p and p != "raw"] if path else [])
    return any(_compare(item.get("operator"), v, item) for v in values) if values else \
        item.get("operator") == "doesNotExist"


def _resolve(value: Any, parts: list[str]) -> list[Any]:
    if not parts:
        return [value]
    head, rest = parts[0], parts[1:]
    if head == "[]":
        return [found for v in value for found in _resolve(v, rest)] if isinstance(value, list) else []
    if isinstance(value, dict) and head in value:
        return _resolve(value[head], rest)
    return []


def _in_period(moment: float | None, period: Record | None, now: float) -> bool:
    if period is None:
        return True
    if moment is None:
        return False
    op = period["operator"]
    if op in ("inTheLast", "notInTheLast"):
        inside = moment >= now - period["value"] * M.PERIOD_UNITS[period["unit"]] * DAY
        return inside if op == "inTheLast" else not inside
    if op == "between":
        start = parse_date(str(period["valueFrom"]))
        end = parse_date(str(period["valueTo"]))
        assert start is not None and end is not None
        return start.timestamp() <= moment < end.timestamp() + DAY
    day = parse_date(str(period["value"]))
    assert day is not None
    if op == "before":
        return moment < day.timestamp()
    if op == "after":
        return moment >= day.timestamp() + DAY
    return day.timestamp() <= moment < day.timestamp() + DAY


def order_totals(brand: Brand, record: Record) -> list[float]:
    """The contact's paid order totals from its logged ``paid for order`` events (else ``placed order``)."""
    entries = events_of(brand, record["contactID"])
    for name in (M.PAID_EVENT, M.ORDER_EVENT):
        totals = [float((e.get("properties") or {}).get("totalPrice") or 0) for e in entries if e["eventName"] == name
                  and isinstance((e.get("properties") or {}).get("totalPrice"), (int, float))]
        if totals:
            return totals
    return []


def contact_value(brand: Brand, record: Record, item: Record) -> Any:
    """The value a contact filter looks at (None when absent)."""
    prop = item["property"]
    if prop == "email":
        return contact_rules.email_of(record)
    if prop == "phoneNumber":
        phones = contact_rules.phones_of(record)
        return phones[0] if phones else None
    if prop == "tags":
        return list(record.get("tags") or [])
    if prop == "consent":
        return [c.get("channel") for c in record.get("consents") or []]
    if prop in ("totalSpent", "averageOrderValue"):
        totals = order_totals(brand, record)
        if prop == "totalSpent":
            return round(sum(totals), 2)
        return round(sum(totals) / len(totals), 2) if totals else None
    if prop == "dateAdded":
        return record.get("createdAt")
    if prop == "country":
        # The examples filter by ISO code (["US"]); the stored name matches too (mock decision).
        return [v for v in (record.get("countryCode"), record.get("country")) if v]
    if prop == "birthday":
        return record.get("birthdate")
    if prop == "custom":
        return (record.get("customProperties") or {}).get(item["name"])
    if prop == "subscriptionStatus":
        return [contact_rules.channel_status(record, ch) for ch in item["channels"]]
    return record.get(prop) or None


def _contact_filter(brand: Brand, record: Record, item: Record) -> bool:
    value = contact_value(brand, record, item)
    if item["property"] == "subscriptionStatus":
        return any(_compare(item["operator"], v, item) for v in value)
    return _compare(item["operator"], value, item, now=brand.now_ts())


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value))
    except ValueError:
        return None


def _moment(value: Any) -> float | None:
    return sort_time(value) if isinstance(value, str) else None


def _compare(op: Any, value: Any, item: Record, now: float = 0.0) -> bool:
    want = item.get("value")
    present = value not in (None, "", [], {})
    if op == "exists":
        return present
    if op == "doesNotExist":
        return not present
    if not present:
        return op in ("notEquals", "doesNotContain", "noneOf")
    if isinstance(value, list):
        if op in ("anyOf", "contains", "equals"):
            wanted = want if isinstance(want, list) else [want]
            return any(_same(v, w) for v in value for w in wanted)
        if op in ("noneOf", "doesNotContain", "notEquals"):
            wanted = want if isinstance(want, list) else [want]
            return not any(_same(v, w) for v in value for w in wanted)
        return False
    text, wanted_text = str(value).lower(), str(want).lower()
    if op == "equals":
        return _same(value, want)
    if op == "notEquals":
        return not _same(value, want)
    if op == "anyOf":
        return isinstance(want, list) and any(_same(value, w) for w in want)
    if op == "noneOf":
        return isinstance(want, list) and not any(_same(value, w) for w in want)
    if op == "contains":
        return wanted_text in text
    if op == "doesNotContain":
        return wanted_text not in text
    if op == "startsWith":
        return text.startswith(wanted_text)
    if op == "endsWith":
        return text.endswith(wanted_text)
    if op in ("moreThan", "lessThan"):
        a, b = _number(value), _number(want)
        if a is None or b is None:
            return False
        return a > b if op == "moreThan" else a < b
    if op == "between":
        a, lo, hi = _number(value), _number(item.get("valueFrom")), _number(item.get("valueTo"))
        if a is not None and lo is not None and hi is not None:
            return lo <= a <= hi
        m, start, end = _moment(value), _moment(item.get("valueFrom")), _moment(item.get("valueTo"))
        return m is not None and start is not None and end is not None and start <= m < end + DAY
    return _date_compare(op, value, item, now)


def _date_compare(op: str, value: Any, item: Record, now: float) -> bool:
    moment = _moment(value)
    if moment is None:
        return False
    if op in ("inTheLast", "notInTheLast"):
        unit = M.PERIOD_UNITS.get(str(item.get("unit") or "days"), 1)
        inside = moment >= now - float(_number(item.get("value")) or 0) * unit * DAY
        return inside if op == "inTheLast" else not inside
    if op in ("before", "after"):
        day = _moment(item.get("value"))
        if day is None:
            return False
        return moment < day if op == "before" else moment >= day + DAY
    if op == "anniversaryIsInTheNext":
        return _anniversary_within(moment, item, now)
    return False


def _anniversary_within(moment: float, item: Record, now: float) -> bool:
    born = datetime.fromtimestamp(moment, UTC)
    today = datetime.fromtimestamp(now, UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    unit = M.PERIOD_UNITS.get(str(item.get("unit") or "days"), 1)
    horizon = today + timedelta(days=float(_number(item.get("value")) or 0) * unit)
    for year in (today.year, today.year + 1):
        try:
            next_day = born.replace(year=year, hour=0, minute=0, second=0, microsecond=0)
        except ValueError:  # 29 February in a common year
            next_day = born.replace(year=year, month=3, day=1, hour=0, minute=0, second=0, microsecond=0)
        if today <= next_day <= horizon:
            return True
    return False


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower()
    na, nb = _number(a), _number(b)
    if na is not None and nb is not None and not isinstance(a, str) and not isinstance(b, str):
        return na == nb
    return bool(a == b)


def parse_when(value: str) -> float | None:
    """An RFC 3339 date-time or a date, as POSIX seconds."""
    parsed = parse_datetime(value) or parse_date(value)
    return parsed.timestamp() if parsed else None
