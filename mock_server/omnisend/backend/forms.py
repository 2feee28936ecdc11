"""Forms reports (§5.15), as far as the reference documents them; forms are defined in fixtures.

A form's ``activity`` is its log of views, interactions, submits and signups (each with a time, a device
and, for signups, the contact and the values submitted; A/B forms also carry the ``splitValue`` shown).
Every report is counted from that log; nothing is stored pre-aggregated.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from mock_server.core.clock import parse_datetime, sort_time
from mock_server.core.errors import NotFound, ValidationFailed
from mock_server.core.store import CollectionSpec, clone
from mock_server.omnisend import marketing_constants as M
from mock_server.omnisend.backend import Brand, created_key, register_collection, register_seeder
from mock_server.omnisend.backend import contacts as contact_rules

Record = dict[str, Any]
COLLECTION = "forms"
COUNTS = {"view": "views", "interaction": "interactions", "submit": "submits", "signup": "signups"}
DAY = 86400.0

register_collection(COLLECTION, CollectionSpec(sort_keys={"createdAt": created_key}))


def find(brand: Brand, form_id: str) -> Record:
    """The stored form, or 404."""
    record = brand.col(COLLECTION).peek(form_id)
    if record is None:
        raise NotFound(M.ERR_FORM_NOT_FOUND)
    return record


def summary(record: Record) -> Record:
    """A form in the list: ``{id, name, type, status, createdAt}``."""
    return {key: record[key] for key in ("id", "name", "type", "status", "createdAt") if key in record}



def _range(created_from: str | None, created_to: str | None) -> tuple[float, float]:
    problems: list[tuple[tuple[str | int, ...], str]] = []
    start = parse_datetime(created_from) if created_from else None
    end = parse_datetime(created_to) if created_to else None
    if start is None:
        problems.append((("createdAtFrom",), "required, an RFC 3339 date-time"))
    if end is None:
        problems.append((("createdAtTo",), "required, an RFC 3339 date-time"))
    if problems:
        raise ValidationFailed(problems)
    assert start is not None and end is not None
    if end < start:
        raise ValidationFailed([(("createdAtTo",), "must not be before createdAtFrom")])
    return start.timestamp(), end.timestamp()


def _inside(form: Record, start: float, end: float) -> list[Record]:
    return [a for a in form.get("activity") or [] if start <= (sort_time(a.get("at")) or -1) <= end]


def _count(items: list[Record]) -> Record:
    out = {name: 0 for name in COUNTS.values()}
    for item in items:
        out[COUNTS[item["kind"]]] += 1
    return out


def report(brand: Brand, form_id: str, created_from: str | None, created_to: str | None) -> Record:
    """GET /forms/{formID}/report: totals and per-device totals (both dates inclusive)."""
    form = find(brand, form_id)
    items = _inside(form, *_range(created_from, created_to))
    by_device = {device: _count([i for i in items if i.get("device") == device]) for device in M.FORM_DEVICES}
    return {"formID": form_id, "statistics": _count(items),
            "statisticsByDevice": {d: c for d, c in by_device.items() if any(c.values())}}


def _allowed(span_days: float) -> tuple[str, tuple[str, ...]]:
    """(default granularity, allowed granularities) for a range of ``span_days`` (§5.15): hour needs one
    day, day at most a month, week at most three months, month over a month up to two years, year beyond."""
    rules = (("hour", span_days <= 1), ("day", span_days <= 31), ("week", span_days <= 92),
             ("month", 31 < span_days <= 731), ("year", span_days > 731))
    default = "hour" if span_days <= 1 else "day" if span_days <= 31 else "month" if span_days <= 731 else "year"
    return default, tuple(name for name, ok in rules if ok)


def _period(moment: float, granularity: str, zone: Any) -> str:
    local = datetime.fromtimestamp(moment, zone)
    start = local.replace(minute=0, second=0, microsecond=0)
    if granularity != "hour":
        start = start.replace(hour=0)
    if granularity == "week":
        start -= timedelta(days=start.weekday())
    elif granularity == "month":
        start = start.replace(day=1)
    elif granularity == "year":
        start = start.replace(month=1, day=1)
    return start.isoformat()


def periodic(brand: Brand, form_id: str, created_from: str | None, created_to: str | None,
             granularity: str | None) -> Record:
    """GET /forms/{formID}/report/periodic: one row per bucket in the brand's timezone; 400 when the
    granularity does not fit the range."""
    form = find(brand, form_id)
    start, end = _range(created_from, created_to)
    default, allowed = _allowed((end - start) / DAY)
    chosen = granularity or default
    if chosen not in M.FORM_GRANULARITIES or chosen not in allowed:
        raise ValidationFailed([(("granularity",), M.ERR_GRANULARITY.format(granularity=chosen))])
    zone = brand.zone()
    buckets: dict[str, list[Record]] = {}
    for item in _inside(form, start, end):
        buckets.setdefault(_period(sort_time(item["at"]) or 0.0, chosen, zone), []).append(item)
    rows = [{"period": period, **_count(items)} for period, items in sorted(buckets.items())]
    return {"formID": form_id, "granularity": chosen, "rows": rows}


def signups(brand: Brand, form_id: str) -> list[Record]:
    """GET /forms/{formID}/contacts: who signed up, with what they submitted, by contact creation time."""
    form = find(brand, form_id)
    out = []
    for item in form.get("activity") or []:
        if item["kind"] != "signup":
            continue
        contact = brand.col("contacts").peek(item.get("contactID") or "") or {}
        values = item.get("values") or {}
        phones: list[Any] = contact_rules.phones_of(contact) or [values.get("phone")]
        out.append({"contactID": item.get("contactID"), "email": contact_rules.email_of(contact) or values.get(
            "email"), "phone": phones[0],
            "firstName": contact.get("firstName") or values.get("firstName"),
            "customProperties": {k: {"type": _type(v), "value": v} for k, v in (values.get("custom") or {}).items()},
            "submittedAt": item["at"], "createdAt": contact.get("createdAt") or item["at"]})
    return sorted(out, key=lambda r: (sort_time(r["createdAt"]) or 0.0, str(r["contactID"])))


def _type(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, list):
        return "list"
    if isinstance(value, str) and parse_datetime(value) is not None:
        return "date"
    return "string"


def ab_setup_reports(brand: Brand, form_id: str) -> Record:
    """GET /forms/{formID}/ab-setup-reports: one report per A/B setup (200 with [] when none)."""
    form = find(brand, form_id)
    reports = []
    for setup in form.get("abSetups") or []:
        start = sort_time(setup.get("startedAt")) or 0.0
        end = sort_time(setup.get("completedAt")) or float("inf")
        items = [a for a in form.get("activity") or [] if start <= (sort_time(a.get("at")) or -1) <= end]
        versions = sorted({str(a.get("splitValue")) for a in items if a.get("splitValue") is not None})
        entry: Record = {"startedAt": setup.get("startedAt"),
                         "versionStatistics": [{"splitValue": v, **_count(
                             [a for a in items if str(a.get("splitValue")) == v])} for v in versions]}
        for key in ("completedAt", "winner"):
            if setup.get(key) is not None:
                entry[key] = setup[key]
        reports.append(entry)
    return {"reports": reports}


def _seed(brand: Brand, record: Record) -> None:
    """A fixture form ``{id, name, type?, status?, createdAt?, activity[], abSetups[]}``."""
    data = clone(record)
    problems: list[tuple[tuple[str | int, ...], str]] = []
    if not isinstance(data.get("id"), str) or len(data["id"]) != 24 or data["id"] in brand.col(COLLECTION):
        problems.append((("id",), "required, a unique 24-character id"))
    if not isinstance(data.get("name"), str):
        problems.append((("name",), "required"))
    for index, item in enumerate(data.get("activity") or []):
        if not isinstance(item, dict) or item.get("kind") not in COUNTS or sort_time(item.get("at")) is None:
            problems.append((("activity", index), "kind (view|interaction|submit|signup) and at are required"))
        elif item.get("email") and not item.get("contactID"):
            item["contactID"] = contact_rules.find_by_email(brand, item["email"])
    if problems:
        raise ValidationFailed(problems)
    data.setdefault("createdAt", brand.now())
    data.setdefault("status", "published")
    data.setdefault("type", "popup")
    brand.col(COLLECTION).insert(data["id"], data)


register_seeder(COLLECTION, _seed, order=50)
