"""Analytics reports and statistics (§5.14), computed from the sandbox's own data, never constants.

Messages are the brand's outbox entries of kind email / sms sent by campaigns and automations (test
sends excluded; a skipped send counts as ``failed``). Engagement comes from the contact's logged
``opened message`` / ``clicked message`` / ``marked message as spam`` events naming the message
(``messageID``) or the campaign / automation; revenue is the ``paid for order`` events of a recipient
within 5 days after a message, credited to the latest one (mock decisions: no public catalogue).
Reports bucket by send date; statistics bucket by the date of the event counted.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from mock_server.core.clock import parse_date, parse_datetime, sort_time
from mock_server.core.errors import ValidationFailed
from mock_server.omnisend import marketing_constants as M
from mock_server.omnisend.backend import Brand
from mock_server.omnisend.backend.events import event_moment

Record = dict[str, Any]
Problems = list[tuple[tuple[str | int, ...], str]]
RATES = {"failRate": "failed", "openRate": "openedUnique", "clickRate": "clickedUnique",
         "markedAsSpamRate": "spam"}


# -- validation ----------------------------------------------------------------------------------------

def _when(value: Any, zone: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    found = parse_datetime(value)
    if found is not None:
        return found
    day = parse_date(value)
    return day.replace(tzinfo=zone) if day is not None else None


def _interval(brand: Brand, name: str) -> tuple[datetime, datetime]:
    """A named interval in the brand's timezone, as [from, to)."""
    zone = brand.zone()
    today = datetime.fromtimestamp(brand.now_ts(), zone).replace(hour=0, minute=0, second=0, microsecond=0)
    if name == "lastMonth":
        first = today.replace(day=1)
        start = (first - timedelta(days=1)).replace(day=1)
        return start, first
    days = {"last30Days": 30, "last7Days": 7, "yesterday": 1, "today": 0}[name]
    if name == "today":
        return today, today + timedelta(days=1)
    return today - timedelta(days=days), today


def _range(brand: Brand, given: Any, *, statistics: bool) -> tuple[datetime, datetime] | str:
    if not isinstance(given, dict):
        return "required"
    zone = brand.zone()
    if not statistics and given.get("interval") is not None:
        if given["interval"] not in M.INTERVALS:
            return f"interval must be one of: {', '.join(M.INTERVALS)}"
        return _interval(brand, given["interval"])
    start, end = _when(given.get("from"), zone), _when(given.get("to"), zone)
    if start is None or end is None:
        return "from and to are required dates"
    if not statistics and parse_datetime(str(given["to"])) is None:
        end += timedelta(days=1)  # a report's "to" date is inclusive (mock decision)
    if end <= start:
        return "to must be after from"
    if (end - start).total_seconds() > M.MAX_RANGE_SECONDS:
        return "a range spans at most one year"
    return start, end


def _check_query(brand: Brand, query: Any, *, statistics: bool) -> Problems:
    base: tuple[str | int, ...] = ("queries",)
    if not isinstance(query, dict):
        return [(base, "invalid type, expected object")]
    out: Problems = []
    metrics = query.get("metrics")
    if not isinstance(metrics, list) or not metrics:
        out.append(((*base, "metrics"), "required, at least one metric"))
    else:
        for metric in metrics:
            if not isinstance(metric, dict) or metric.get("name") not in M.METRICS:
                out.append(((*base, "metrics", "name"), f"unknown metric; known: {', '.join(M.METRICS)}"))
    dimensions = query.get("dimensions") or []
    names = []
    for dim in dimensions if isinstance(dimensions, list) else [None]:
        if not isinstance(dim, dict) or dim.get("name") not in M.REPORT_DIMENSIONS:
            out.append(((*base, "dimensions", "name"), f"unknown dimension; known: {', '.join(M.REPORT_DIMENSIONS)}"))
            continue
        names.append(dim["name"])
        if dim["name"] == "timestamp" and dim.get("granularity") not in M.GRANULARITIES:
            out.append(((*base, "dimensions", "granularity"), f"required: {', '.join(M.GRANULARITIES)}"))
    if statistics and "timestamp" not in names:
        out.append(((*base, "dimensions"), "a timestamp dimension is required"))
    for item in query.get("filters") or []:
        if not isinstance(item, dict) or item.get("name") not in M.REPORT_DIMENSIONS[1:] \
                or item.get("operator") not in M.FILTER_OPS or not isinstance(item.get("values"), list):
            out.append(((*base, "filters"), "name (a dimension), operator in|notIn and values[] are required"))
    window = _range(brand, query.get("dateRange"), statistics=statistics)
    if isinstance(window, str):
        out.append(((*base, "dateRange"), window))
    else:
        span = (window[1] - window[0]).total_seconds()
        for dim in dimensions if isinstance(dimensions, list) else []:
            limit = M.GRANULARITY_SPAN.get(str((dim or {}).get("granularity")))
            if isinstance(dim, dict) and dim.get("name") == "timestamp" and limit is not None and span > limit:
                out.append(((*base, "dateRange"), f"{dim['granularity']} granularity covers at most "
                                                  f"{int(limit // 86400)} days"))
    return out


def check(brand: Brand, data: Any, *, statistics: bool) -> list[Record]:
    """Validate a request body; return its queries (400 with every problem)."""
    queries = data.get("queries") if isinstance(data, dict) else None
    if not isinstance(queries, list) or not 1 <= len(queries) <= M.MAX_QUERIES:
        raise ValidationFailed([(("queries",), f"1-{M.MAX_QUERIES} queries are required")])
    problems: Problems = []
    for query in queries:
        problems.extend(_check_query(brand, query, statistics=statistics))
    if problems:
        raise ValidationFailed(problems)
    return queries


# -- facts ---------------------------------------------------------------------------------------------
def _messages(brand: Brand) -> list[Record]:
    out = []
    for entry in brand.tenant.extra.get("outbox", []):
        if entry.get("kind") not in (M.OUT_EMAIL, M.OUT_SMS) or entry.get("test"):
            continue
        if entry.get("source") not in ("campaign", "automation"):
            continue
        activity = entry.get("campaignID") if entry["source"] == "campaign" else entry.get("automationID")
        out.append({"messageID": entry.get("messageID"), "activityID": activity,
                    "activityType": "Campaign" if entry["source"] == "campaign" else "Automation",
                    "channel": entry["kind"], "contactID": entry.get("contactID"),
                    "at": sort_time(entry.get("at")) or 0.0, "failed": bool(entry.get("skipped"))})
    return out


def _engagement(brand: Brand, message: Record, name: str) -> float | None:
    """When the contact first did ``name`` for this message (its event's time), else None."""
    log = brand.col("eventLog")
    first = None
    for key in log.find("contact", message["contactID"]) if message["contactID"] else []:
        entry = log.peek(key)
        if entry is None or entry["eventName"] != name:
            continue
        props = entry.get("properties") or {}
        mine = props.get("messageID") == message["messageID"] or (
            "messageID" not in props and message["activityID"] in (props.get("campaignID"), props.get("automationID")))
        moment = event_moment(entry)
        if mine and moment is not None and moment >= message["at"] and (first is None or moment < first):
            first = moment
    return first


def _orders(brand: Brand, messages: list[Record]) -> list[tuple[Record, float, float]]:
    """(message, order time, amount) for each order credited to the latest message before it."""
    by_contact: dict[str, list[Record]] = {}
    for message in messages:
        if not message["failed"] and message["contactID"]:
            by_contact.setdefault(message["contactID"], []).append(message)
    out = []
    log = brand.col("eventLog")
    for contact_id, sent in by_contact.items():
        for key in log.find("contact", contact_id):
            entry = log.peek(key)
            if entry is None or entry["eventName"] != M.PAID_EVENT:
                continue
            moment = event_moment(entry)
            if moment is None:
                continue
            before = [m for m in sent if m["at"] <= moment <= m["at"] + M.ATTRIBUTION_SECONDS]
            if before:
                amount = (entry.get("properties") or {}).get("totalPrice")
                value = float(amount) if isinstance(amount, (int, float)) and not isinstance(amount, bool) else 0.0
                out.append((max(before, key=lambda m: m["at"]), moment, value))
    return out


# -- aggregation ---------------------------------------------------------------------------------------
def _bucket(moment: float, granularity: str, zone: Any) -> str:
    local = datetime.fromtimestamp(moment, zone)
    if granularity == "hour":
        start = local.replace(minute=0, second=0, microsecond=0)
    else:
        start = local.replace(hour=0, minute=0, second=0, microsecond=0)
        if granularity == "week":
            start -= timedelta(days=start.weekday())
        elif granularity == "month":
            start = start.replace(day=1)
    return start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _keys(message: Record, moment: float, dimensions: list[Record], zone: Any) -> tuple[tuple[str, str], ...]:
    values = {"marketingActivityID": message["activityID"], "marketingActivityType": message["activityType"],
              "messageChannel": message["channel"]}
    out = []
    for dim in dimensions:
        name = dim["name"]
        out.append((name, _bucket(moment, dim["granularity"], zone) if name == "timestamp" else str(values[name])))
    return tuple(out)


def _passes(message: Record, filters: Iterable[Record]) -> bool:
    values = {"marketingActivityID": message["activityID"], "marketingActivityType": message["activityType"],
              "messageChannel": message["channel"]}
    for item in filters:
        inside = str(values[item["name"]]) in [str(v) for v in item["values"]]
        if inside != (item["operator"] == "in"):
            return False
    return True


def _run(brand: Brand, query: Record, *, statistics: bool) -> Record:
    window = _range(brand, query["dateRange"], statistics=statistics)
    assert not isinstance(window, str)
    start, end = window[0].timestamp(), window[1].timestamp()
    zone = brand.zone()
    dimensions = list(query.get("dimensions") or [])
    messages = [m for m in _messages(brand) if _passes(m, query.get("filters") or [])]
    counts: dict[tuple[tuple[str, str], ...], dict[str, float]] = {}

    def add(message: Record, moment: float, name: str, value: float = 1.0) -> None:
        sent_inside = start <= message["at"] < end
        counted_inside = start <= moment < end if statistics else sent_inside
        if counted_inside:
            key = _keys(message, moment if statistics else message["at"], dimensions, zone)
            row = counts.setdefault(key, {})
            row[name] = row.get(name, 0.0) + value

    for message in messages:
        add(message, message["at"], "failed" if message["failed"] else "sent")
        if message["failed"]:
            continue
        for name, event in (("openedUnique", M.OPENED_EVENT), ("clickedUnique", M.CLICKED_EVENT),
                            ("spam", M.SPAM_EVENT)):
            moment = _engagement(brand, message, event)
            if moment is not None:
                add(message, moment, name)
    for message, moment, amount in _orders(brand, messages):
        add(message, moment, "attributedOrders")
        add(message, moment, "attributedRevenue", amount)
    wanted = [m["name"] for m in query["metrics"]]
    rows = []
    for key in sorted(counts):
        row: Record = dict(key)
        facts = counts[key]
        total = facts.get("sent", 0.0) + facts.get("failed", 0.0)
        for name in wanted:
            if name in RATES:
                base = total if name == "failRate" else facts.get("sent", 0.0)
                row[name] = round(facts.get(RATES[name], 0.0) / base, 4) if base else 0.0
            elif name == "attributedRevenue":
                row[name] = round(facts.get(name, 0.0), 2)
            else:
                row[name] = int(facts.get(name, 0.0))
        rows.append(row)
    return {"alias": query.get("alias") or "", "dimensions": [{k: d[k] for k in ("name", "granularity") if k in d}
                                                              for d in dimensions],
            "metrics": [{"name": n} for n in wanted], "rows": rows}


def reports(brand: Brand, data: Any) -> Record:
    """POST /analytics/reports: aggregates by message send date."""
    return {"reports": [_run(brand, q, statistics=False) for q in check(brand, data, statistics=False)]}


def statistics(brand: Brand, data: Any) -> Record:
    """POST /analytics/statistics: aggregates by event date; a timestamp dimension is required."""
    return {"statistics": [_run(brand, q, statistics=True) for q in check(brand, data, statistics=True)]}
