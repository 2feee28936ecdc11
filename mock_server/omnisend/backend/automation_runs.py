"""What an enabled automation does (§5.9): triggers, runs, waits on the mock clock, steps in the outbox.

Matching lives in ``automation_matching``; enable / disable (and enrolling existing contacts) in
``automation_switch``.

A run is one contact inside one flow. Its ``queue`` holds the ids of the blocks still to do; a split or
A/B block puts its chosen branch in front, so branches rejoin on the blocks after them. A delay sets
``dueAt`` (mock seconds) and the run rests until :func:`run_due` finds it due, which the drain, the
clock control and the background worker call. Every step the sandbox carries out is one outbox entry
with a ``kind`` (email, sms, push, wait, tag, webhook, split, automation).
"""

from __future__ import annotations

import hashlib
import json
import weakref
from datetime import UTC, datetime, timedelta
from typing import Any

from mock_server.core.clock import iso_ms
from mock_server.core.collection import Collection
from mock_server.core.store import CollectionSpec, clone
from mock_server.omnisend import marketing_constants as M
from mock_server.omnisend.backend import Brand, email_content, register_collection, segments, webhooks
from mock_server.omnisend.backend import automations as flows
from mock_server.omnisend.backend import contacts as contact_rules
from mock_server.omnisend.backend.automation_matching import audience_ok, event_filter_ok, event_matches, group_ok
from mock_server.omnisend.backend.events import add_event_hook, events_of

Record = dict[str, Any]
RUNS = "automationRuns"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MAX_STEPS = 500  # guard against a flow that never waits (mock decision)


def _by_contact(record: Record) -> list[Any]:
    return [record["contactID"]]


register_collection(RUNS, CollectionSpec(lookups={"contact": _by_contact}))


# -- triggers ------------------------------------------------------------------------------------------
def _enabled(brand: Brand) -> list[Record]:
    col = brand.col(flows.COLLECTION)
    if not len(col):  # no automation (seeding a million contacts asks twice per contact)
        return []
    return [a for a in col.values() if a["isEnabled"]]


def _runs_of(brand: Brand, contact_id: str, automation_id: str | None = None) -> list[Record]:
    col = brand.col(RUNS)
    out = []
    for key in col.find("contact", contact_id):
        run = col.peek(key)
        if run is not None and (automation_id is None or run["automationID"] == automation_id):
            out.append(run)
    return out


def on_event(brand: Brand, entry: Record) -> None:
    """An accepted event: exit conditions first, then triggers (the events hook)."""
    contact_id = entry.get("contactID")
    if not contact_id:
        return
    for automation in _enabled(brand):
        for run in _runs_of(brand, contact_id, automation["id"]):
            if run["status"] in ("active", "waiting") and any(
                    event_matches({"event": x["event"], "origin": x.get("origin"),
                                    "filterGroups": [x["filterGroup"]] if x.get("filterGroup") else []}, entry)
                    for x in automation.get("exitConditions") or []):
                finish(brand, run, "exited", reason=f"exit condition: {entry['eventName']}")
        if event_matches(automation["trigger"]["condition"], entry):
            enter(brand, automation, contact_id, entry)
    _check_segments(brand, contact_id)


def on_contact(brand: Brand, contact: Record, before: str) -> None:
    """A contact write: "subscribed to marketing" when the email became subscribed, segment entries."""
    if not len(brand.col(flows.COLLECTION)):
        # No automation to enter or to watch a segment for (a fixture load of a million contacts asks once
        # per contact): only the state _check_segments leaves.
        if contact["contactID"] in brand.col("contacts"):
            known_members(brand)
        return
    if before != "subscribed" and contact_rules.email_status(contact) == "subscribed":
        for automation in _enabled(brand):
            if automation["trigger"]["condition"]["event"] == M.TRIGGER_SUBSCRIBED:
                enter(brand, automation, contact["contactID"], None)
    _check_segments(brand, contact["contactID"])


def segment_of(automation: Record) -> str | None:
    condition = automation["trigger"]["condition"]
    if condition["event"] != M.TRIGGER_ENTERED_SEGMENT:
        return None
    for group in condition.get("filterGroups") or []:
        for item in group.get("filters") or []:
            if item.get("field") == "segment_id":
                return str(item.get("value"))
    return None


def known_members(brand: Brand) -> dict[str, list[str]]:
    found: dict[str, list[str]] = brand.tenant.extra.setdefault("automationSegmentMembers", {})
    return found


# automations collection -> (its version, whether an enabled automation has a segment trigger): every contact
# write asks, and most brands have none (no automation is then decoded on a write).
_SEGMENT_TRIGGERED: weakref.WeakKeyDictionary[Collection, tuple[int, bool]] = weakref.WeakKeyDictionary()


def _check_segments(brand: Brand, contact_id: str) -> None:
    col = brand.col(flows.COLLECTION)
    seen = _SEGMENT_TRIGGERED.get(col)
    watching: list[tuple[Record, str]] = []
    if seen is None or seen[0] != col.version or seen[1]:
        version = col.version
        watching = [(automation, segment_id) for automation in _enabled(brand)
                    if (segment_id := segment_of(automation)) is not None]
        _SEGMENT_TRIGGERED[col] = (version, bool(watching))
    if not watching:  # no segment trigger: the contact is not even read (seeding a million contacts)
        if contact_id in brand.col("contacts"):
            known_members(brand)  # the state it always had after a contact write
        return
    contact = brand.col("contacts").peek(contact_id)
    if contact is None:
        return
    known = known_members(brand)
    for automation, segment_id in watching:
        members = known.setdefault(automation["id"], [])
        inside = segments.member_predicate(brand, segment_id)(contact)
        if inside and contact_id not in members:
            members.append(contact_id)
            enter(brand, automation, contact_id, None)
        elif not inside and contact_id in members:
            members.remove(contact_id)


def enter(brand: Brand, automation: Record, contact_id: str, entry: Record | None,
          *, started_at: float | None = None) -> Record | None:
    """Start (or, with inactivity settings, restart the quiet timer of) one contact's run."""
    contact = brand.col("contacts").peek(contact_id)
    if contact is None:
        return None
    trigger = automation["trigger"]
    if not group_ok(trigger.get("audienceFilterGroup"), lambda f: audience_ok(brand, contact, f)):
        return None
    runs = _runs_of(brand, contact_id, automation["id"])
    inactivity = trigger.get("inactivitySettings")
    if inactivity:
        waiting = next((r for r in runs if r["status"] == "waiting"), None)
        due = brand.now_ts() + seconds(inactivity["duration"])
        if waiting is not None:
            waiting.update({"dueAt": due, "event": _event_view(entry), "updatedAt": brand.now()})
            brand.col(RUNS).replace(waiting["runID"], waiting)
            return waiting
    if not _frequency_ok(brand, automation, runs) or not _overlap_ok(brand, automation, contact_id):
        return None
    run: Record = {"runID": brand.new_id(), "automationID": automation["id"], "contactID": contact_id,
                   "status": "waiting" if inactivity else "active", "queue": [b["id"] for b in automation["blocks"]],
                   "dueAt": None, "event": _event_view(entry), "enteredAt": brand.now(),
                   "enteredTs": started_at if started_at is not None else brand.now_ts(), "updatedAt": brand.now()}
    if inactivity:
        run["dueAt"] = brand.now_ts() + seconds(inactivity["duration"])
    brand.col(RUNS).insert(run["runID"], run)
    _record(brand, run, M.OUT_AUTOMATION, {"step": "entered", "trigger": trigger["condition"]["event"],
                                           "eventID": (entry or {}).get("eventID")})
    if not inactivity:
        _advance(brand, run)
    return run


def _event_view(entry: Record | None) -> Record:
    if entry is None:
        return {}
    return {"eventID": entry.get("eventID"), "eventName": entry.get("eventName"), "origin": entry.get("origin"),
            "eventTime": entry.get("eventTime"), "properties": clone(entry.get("properties") or {})}


def _frequency_ok(brand: Brand, automation: Record, runs: list[Record]) -> bool:
    limiter = automation["settings"].get("frequencyLimiter")
    if not limiter or not runs:
        return True
    if limiter["mode"] == "once":
        return False
    last = max(float(r.get("enteredTs") or 0) for r in runs)
    return brand.now_ts() - last >= seconds({"amount": limiter["duration"]["amount"],
                                               "units": limiter["duration"]["units"]})


def _overlap_ok(brand: Brand, automation: Record, contact_id: str) -> bool:
    overlap = automation["settings"].get("overlapLimiter")
    if not overlap:
        return True
    since = brand.now_ts() - 86400 * int(overlap.get("withinDays") or 0)
    for run in _runs_of(brand, contact_id):
        if run["automationID"] not in overlap["automationIDs"]:
            continue
        if run["status"] in ("active", "waiting"):
            return False
        if overlap["mode"] == "recentlyIn" and float(run.get("enteredTs") or 0) >= since:
            return False
    return True


def seconds(duration: Record) -> float:
    return float(duration["amount"]) * M.DELAY_UNITS[duration["units"]]


# -- running -------------------------------------------------------------------------------------------
def run_due(brand: Brand) -> int:
    """Move every run whose wait is over; return how many steps ran."""
    now = brand.now_ts()
    due = sorted((r for r in brand.col(RUNS).values() if r["status"] in ("active", "waiting")
                  and r.get("dueAt") is not None and r["dueAt"] <= now), key=lambda r: (r["dueAt"], r["runID"]))
    steps = 0
    for run in due:
        stored = brand.col(RUNS).get(run["runID"])
        if stored is None:
            continue
        stored["status"] = "active"
        stored["dueAt"] = None
        steps += _advance(brand, stored)
    return steps


def _index(automation: Record) -> dict[str, Record]:
    return {b["id"]: b for b in flows.walk(automation["blocks"])}


def _advance(brand: Brand, run: Record) -> int:
    """Carry out blocks until a wait, the end, or a stop; store the run; return the steps done."""
    automation = brand.col(flows.COLLECTION).peek(run["automationID"])
    steps = 0
    if automation is None or (not automation["isEnabled"] and run.get("mode") != "keep"):
        finish(brand, run, "exited", reason="automation disabled or deleted")
        return 0
    blocks = _index(automation)
    while run["queue"] and steps < MAX_STEPS:
        block = blocks.get(run["queue"].pop(0))
        if block is None:
            continue
        steps += 1
        outcome = _step(brand, automation, run, block)
        if outcome == "wait":
            brand.col(RUNS).replace(run["runID"], run)
            return steps
        if outcome == "stop":
            finish(brand, run, "stopped", reason="contact not eligible and skipping not allowed")
            return steps
    finish(brand, run, "completed")
    return steps


def finish(brand: Brand, run: Record, status: str, *, reason: str = "") -> None:
    run.update({"status": status, "dueAt": None, "queue": [] if status != "completed" else run["queue"],
                "updatedAt": brand.now()})
    brand.col(RUNS).replace(run["runID"], run)
    _record(brand, run, M.OUT_AUTOMATION, {"step": status, **({"reason": reason} if reason else {})})


def _record(brand: Brand, run: Record, kind: str, fields: Record) -> Record:
    contact = brand.col("contacts").peek(run["contactID"]) or {}
    entry = {"kind": kind, "source": "automation", "automationID": run["automationID"], "runID": run["runID"],
             "contactID": run["contactID"], "email": contact_rules.email_of(contact) or "", **fields}
    brand.outbox(entry)
    outbox: list[Record] = brand.tenant.extra["outbox"]
    return outbox[-1]


def _step(brand: Brand, automation: Record, run: Record, block: Record) -> str:
    kind = block["type"]
    if kind == "delay":
        until = _delay_until(brand, block["delay"])
        if until is None:
            return "next"
        run["dueAt"] = until
        _record(brand, run, M.OUT_WAIT, {"blockID": block["id"], "until": _iso(until)})
        return "wait"
    if kind == "split":
        contact = brand.col("contacts").peek(run["contactID"]) or {}
        chosen = group_ok(block["split"]["filterGroup"], lambda f: _split_filter(brand, run, contact, f))
        branch = block["split"].get("trueBlocks" if chosen else "falseBlocks") or []
        run["queue"][:0] = [b["id"] for b in branch]
        _record(brand, run, M.OUT_SPLIT, {"blockID": block["id"], "branch": "true" if chosen else "false"})
        return "next"
    if kind == "abTesting":
        bucket = int(hashlib.sha256(f"{run['contactID']}:{block['id']}".encode()).hexdigest(), 16) % 100
        side = "a" if bucket < block["abTesting"]["aBlocksPercentage"] else "b"
        run["queue"][:0] = [b["id"] for b in block["abTesting"].get(f"{side}Blocks") or []]
        _record(brand, run, M.OUT_SPLIT, {"blockID": block["id"], "branch": side})
        return "next"
    return _action(brand, automation, run, block)


def _split_filter(brand: Brand, run: Record, contact: Record, item: Record) -> bool:
    if item.get("type") == "contact":
        return audience_ok(brand, contact, item)
    if item.get("type") == "message":
        wanted = M.OPENED_EVENT if item["operator"].startswith("opened") else M.CLICKED_EVENT
        return any(e["eventName"] == wanted and (e.get("properties") or {}).get("blockID") == item.get("value")
                   for e in events_of(brand, run["contactID"]))
    return event_filter_ok(run.get("event", {}).get("properties") or {}, item)



def _delay_until(brand: Brand, delay: Record) -> float | None:
    """When a delay ends (None for ``immediate``): a duration, or the next HH:MM in the brand's timezone
    on an allowed weekday."""
    now = brand.now_ts()
    if delay["mode"] == "immediate":
        return None
    zone = brand.zone()
    if delay["mode"] == "duration":
        target = datetime.fromtimestamp(now + seconds(delay["duration"]), zone)
    else:
        hours, minutes = (int(x) for x in delay["time"].split(":"))
        local = datetime.fromtimestamp(now, zone)
        target = local.replace(hour=hours, minute=minutes, second=0, microsecond=0)
        if target.timestamp() <= now:
            target += timedelta(days=1)
    allowed = delay.get("allowedWeekdays")
    if allowed:
        for _ in range(7):
            if WEEKDAYS[target.weekday()] in allowed:
                break
            target += timedelta(days=1)
    return target.timestamp()


def _iso(moment: float) -> str:
    return iso_ms(datetime.fromtimestamp(moment, UTC))


def _eligible(automation: Record, contact: Record, channel: str) -> bool:
    threshold = automation["settings"]["sendingThresholds"].get(channel, "subscribed")
    status = contact_rules.channel_status(contact, channel)
    if status is None:
        return False
    if threshold == "subscribed" or (channel == "sms" and str(contact.get("countryCode") or "") == "US"):
        return bool(status == "subscribed")
    if threshold == "nonSubscribed":
        return status in ("subscribed", "nonSubscribed")
    return True


def _action(brand: Brand, automation: Record, run: Record, block: Record) -> str:
    action_type = block["action"]["type"]
    config = block["action"][action_type]
    contact = brand.col("contacts").peek(run["contactID"]) or {}
    values = {**email_content.contact_context(brand, contact), "event": run.get("event") or {}}
    base = {"blockID": block["id"]}
    if action_type in ("addTag", "removeTag"):
        _tag(brand, run["contactID"], config["value"], add=action_type == "addTag")
        _record(brand, run, M.OUT_TAG, {**base, "action": action_type, "tag": config["value"]})
        return "next"
    if action_type == "sendWebhook":
        body = email_content.substitute(config["body"], values, escape=lambda s: json.dumps(s)[1:-1])
        entry = _record(brand, run, M.OUT_WEBHOOK, {**base, "url": config["callbackUrl"], "body": body,
                                                    "status": None})
        result = webhooks.deliver(config["callbackUrl"], body, config.get("headers") or [],
                                  send=brand.ctx.settings.webhooks)
        entry.update(result)
        return "next"
    channel = {"sendEmail": "email", "sendSms": "sms", "sendPush": "push"}[action_type]
    if channel == "push" or not _eligible(automation, contact, channel):
        kind = {"email": M.OUT_EMAIL, "sms": M.OUT_SMS, "push": M.OUT_PUSH}[channel]
        _record(brand, run, kind, {**base, "skipped": "contact not eligible for this channel"})
        return "next" if config.get("isSkipAllowed", True) else "stop"
    if channel == "email":
        content = brand.col(email_content.CONTENT).peek(config["contentID"]) or {"sections": []}
        _record(brand, run, M.OUT_EMAIL, {
            **base, "messageID": brand.new_id(), "to": values["contact"].get("email", ""),
            "subject": email_content.substitute(config["subject"], values, escape=str),
            "preheader": email_content.substitute(config.get("preheader", ""), values, escape=str),
            "senderName": config.get("senderName"), "senderEmail": config.get("senderEmail"),
            "contentID": config["contentID"], "html": email_content.render_design(brand, content, contact)})
    else:
        _record(brand, run, M.OUT_SMS, {**base, "messageID": brand.new_id(), "to": values["contact"].get("phone"),
                                        "message": email_content.substitute(config["message"], values, escape=str)})
    return "next"


def _tag(brand: Brand, contact_id: str, tag: str, *, add: bool) -> None:
    record = brand.col("contacts").get(contact_id)
    if record is None:
        return
    tags = [t for t in record.get("tags") or [] if t != tag]
    record["tags"] = [*tags, tag] if add else tags
    record["updatedAt"] = brand.now()
    brand.col("contacts").replace(contact_id, record)


def runs(brand: Brand, automation_id: str | None = None) -> list[Record]:
    """Runs (copies), oldest first, of one automation or all."""
    return [clone(r) for r in brand.col(RUNS).values() if automation_id is None or r["automationID"] == automation_id]


add_event_hook(on_event)
contact_rules.add_change_hook(on_contact)
