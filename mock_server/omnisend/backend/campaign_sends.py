"""Sending 2026 campaigns (§5.10): send or schedule, cancel, test email, A/B test stop/resume/winner.

Recipients are computed when the campaign goes out: the subscribers of its channel who are in its
included segments (all subscribers when none) and in none of its excluded ones. Each recipient gets one
outbox entry (kind ``email`` with subject and rendered HTML, or ``sms``). Scheduled campaigns, A/B
decisions and delayed boosters go out when :func:`run_due` finds them due on the mock clock.
Omnisend's own transitions are instant in the sandbox (§7.2 q14, mock decision): an immediate send is
``sent`` when the call returns.
"""

from __future__ import annotations

from typing import Any

from mock_server.core.clock import parse_datetime
from mock_server.core.errors import Unprocessable, ValidationFailed
from mock_server.core.store import clone
from mock_server.omnisend import marketing_constants as M
from mock_server.omnisend.backend import Brand, email_content, segments, sending
from mock_server.omnisend.backend import campaigns_api as store
from mock_server.omnisend.backend import contacts as contact_rules
from mock_server.omnisend.backend.events import events_of
from mock_server.omnisend.backend.problems import Conflict

Record = dict[str, Any]
UNIT_SECONDS = {"h": 3600, "d": 86400}


def recipients(brand: Brand, record: Record) -> list[str]:
    """The contactIDs the campaign goes to now, in contact creation order."""
    channel = "email" if record["channel"] == "email" else "sms"
    audience = record.get("audience") or {}
    included = audience.get("includedSegmentIDs") or []
    inside = {cid for seg in included for cid in segments.members(brand, seg)} if included else None
    outside = {cid for seg in audience.get("excludedSegmentIDs") or [] for cid in segments.members(brand, seg)}
    return [key for key, contact in brand.col("contacts").items()
            if contact_rules.channel_status(contact, channel) == "subscribed"
            and (inside is None or key in inside) and key not in outside]


def _deliver(brand: Brand, record: Record, contact_ids: list[str], *, variant: str | None = None) -> int:
    """One outbox entry per recipient; returns how many went out."""
    channel = record["channel"]
    for contact_id in contact_ids:
        contact = brand.col("contacts").peek(contact_id) or {}
        values = email_content.contact_context(brand, contact)
        base = {"source": "campaign", "campaignID": record["id"], "campaignType": record["type"],
                "messageID": brand.new_id(), "contactID": contact_id}
        if variant is not None:
            base["variant"] = variant
        if channel == "email":
            email = _email_of(record, variant)
            content = email_content.find_content(brand, email["contentID"])
            brand.outbox({"kind": M.OUT_EMAIL, **base, "to": values["contact"].get("email", ""),
                          "subject": email_content.substitute(email.get("subject") or "", values, escape=str),
                          "preheader": email_content.substitute(email.get("preheader") or "", values, escape=str),
                          "senderName": email.get("senderName"), "contentID": email["contentID"],
                          "html": email_content.render_design(brand, content, contact)})
        else:
            sms = record["content"]["sms"]
            brand.outbox({"kind": M.OUT_SMS, **base, "to": values["contact"].get("phone"),
                          "message": email_content.substitute(sms["message"], values, escape=str)})
    return len(contact_ids)


def _email_of(record: Record, variant: str | None) -> Record:
    if variant is not None:
        found: Record = record["abTest"]["variants"][variant]["content"]["email"]
        return found
    email: Record = record["content"]["email"]
    return email


def _save(brand: Brand, record: Record) -> None:
    record["updatedAt"] = brand.now()
    brand.col(store.COLLECTION).replace(record["id"], record)


def _finish(brand: Brand, record: Record, sent_to: list[str]) -> None:
    record.update({"status": "sent", "endedAt": brand.now()})
    record["recipients"] = [*(record.get("recipients") or []), *sent_to]
    for email in [record.get("content", {}).get("email"),
                  *(v["content"]["email"] for v in (record.get("abTest") or {}).get("variants", {}).values())]:
        if email:
            email_content.lock_content(brand, email["contentID"])
    _save(brand, record)
    _schedule_boosters(brand, record)


def _go_out(brand: Brand, record: Record) -> None:
    """Send now: regular and booster campaigns finish at once; an A/B test sends its test group first."""
    record["startedAt"] = brand.now()
    targets = _booster_targets(brand, record) if record["type"] == "booster" else recipients(brand, record)
    if record["type"] != "abTest":
        _deliver(brand, record, targets)
        _finish(brand, record, targets)
        return
    settings = record["abTest"]["settings"]
    size = settings["testSizePercent"]
    group = targets[: max(2, len(targets) * size // 100)] if size < 100 else targets
    for index, contact_id in enumerate(group):
        _deliver(brand, record, [contact_id], variant="ab"[index % 2])
    record["testGroup"] = group
    if size == 100:
        _finish(brand, record, group)
        return
    decision = settings["decisionTime"]
    record.update({"status": "started", "decisionAt": brand.now_ts() + decision["amount"] * UNIT_SECONDS[
        decision["unit"]], "recipients": list(group)})
    _save(brand, record)


def send(brand: Brand, campaign_id: str) -> None:
    """POST /campaigns/{id}/send: a draft goes out now, or is scheduled (204)."""
    record: Record = clone(store.find(brand, campaign_id))
    if record["channel"] not in M.SEND_CHANNELS:
        raise Unprocessable(M.ERR_CAMPAIGN_CHANNEL)
    sending.check_paid(brand, M.ERR_CAMPAIGN_PAYMENT)
    if record["status"] != "draft" or not _content_ok(brand, record):
        raise Conflict(M.ERR_CAMPAIGN_SEND)
    if record["channel"] == "email":
        sending.check_email_sending(brand, [e.get("senderEmail") for e in _emails(record) if e], M.ERR_CAMPAIGN_SEND)
    if record["type"] == "booster":
        parent = brand.col(store.COLLECTION).peek(record["boosterSettings"]["campaignID"])
        if parent is None or parent["status"] != "sent":
            raise Conflict(M.ERR_CAMPAIGN_SEND)
    settings = record.get("sendingSettings") or {}
    if settings.get("strategy", "immediate") == "immediate":
        _go_out(brand, record)
        return
    record["status"] = "scheduled"
    _save(brand, record)


def _content_ok(brand: Brand, record: Record) -> bool:
    if record["channel"] == "sms":
        return bool(record.get("content", {}).get("sms", {}).get("message"))
    emails = _emails(record)
    return all(e and e.get("contentID") in brand.col(email_content.CONTENT) and e.get("subject") for e in emails)


def _emails(record: Record) -> list[Record | None]:
    """The campaign's email settings: its content's, or each A/B variant's (empty for SMS)."""
    if record["channel"] != "email":
        return []
    if record["type"] != "abTest":
        return [record.get("content", {}).get("email")]
    return [v["content"]["email"] for v in record["abTest"]["variants"].values()]


def cancel(brand: Brand, campaign_id: str) -> None:
    """POST /campaigns/{id}/cancel: from scheduled or paused, or started for email."""
    record: Record = clone(store.find(brand, campaign_id))
    allowed = record["status"] in M.CANCELABLE or (record["status"] == "started" and record["channel"] == "email")
    if not allowed:
        raise Conflict(M.ERR_CAMPAIGN_CANCEL)
    record.update({"status": "canceled", "endedAt": brand.now()})
    record.pop("decisionAt", None)
    _save(brand, record)


def test_email(brand: Brand, campaign_id: str, data: Record) -> None:
    """POST /campaigns/{id}/test-email: email campaigns only; one outbox email per recipient (204)."""
    record = store.find(brand, campaign_id)
    if record["channel"] != "email":
        raise Unprocessable(M.ERR_CAMPAIGN_CHANNEL)
    email = _email_of(record, "a" if record["type"] == "abTest" else None)
    email_content.send_test_emails(brand, data, email, (M.ERR_CAMPAIGN_PAYMENT, M.ERR_CAMPAIGN_TEST_BLOCKED),
                                   {"source": "campaign", "campaignID": campaign_id})


def _ab(brand: Brand, campaign_id: str) -> Record:
    record: Record = clone(store.find(brand, campaign_id))
    if record["type"] != "abTest":
        raise Unprocessable(M.ERR_NOT_AB)
    return record


def stop_ab(brand: Brand, campaign_id: str) -> None:
    """POST /campaigns/{id}/ab-test/stop: started -> stopped."""
    record = _ab(brand, campaign_id)
    if record["status"] != "started":
        raise Conflict(M.ERR_AB_STOP)
    record["status"] = "stopped"
    _save(brand, record)


def resume_ab(brand: Brand, campaign_id: str) -> None:
    """POST /campaigns/{id}/ab-test/resume: stopped -> started."""
    record = _ab(brand, campaign_id)
    if record["status"] != "stopped":
        raise Conflict(M.ERR_AB_RESUME)
    record["status"] = "started"
    _save(brand, record)


def choose_winner(brand: Brand, campaign_id: str, data: Record, *, manual: bool = True) -> None:
    """POST /campaigns/{id}/ab-test/winner: the winner goes to everyone not yet reached."""
    record = _ab(brand, campaign_id)
    variants = record["abTest"]["variants"]
    side = next((s for s, v in variants.items() if v["id"] == (data or {}).get("variantID")), None)
    if side is None:
        raise ValidationFailed([(("variantID",), "required, the id of variant a or b")])
    if record["status"] not in ("started", "stopped"):
        raise Conflict(M.ERR_AB_WINNER)
    _send_winner(brand, record, side, manual=manual)


def _send_winner(brand: Brand, record: Record, side: str, *, manual: bool) -> None:
    reached = set(record.get("testGroup") or [])
    rest = [c for c in recipients(brand, record) if c not in reached]
    _deliver(brand, record, rest, variant=side)
    record["abTest"]["result"] = {"winnerVariantID": record["abTest"]["variants"][side]["id"],
                                  "selectedAt": brand.now(), "isManuallySelected": manual}
    record.pop("decisionAt", None)
    _finish(brand, record, rest)


def _engaged(brand: Brand, contact_id: str, campaign_id: str, event_name: str, variant: str | None = None) -> bool:
    for entry in events_of(brand, contact_id):
        props = entry.get("properties") or {}
        if entry["eventName"] == event_name and props.get("campaignID") == campaign_id \
                and (variant is None or props.get("variant") == variant):
            return True
    return False


def _booster_targets(brand: Brand, record: Record) -> list[str]:
    parent = store.find(brand, record["boosterSettings"]["campaignID"])
    wanted = M.OPENED_EVENT if record["boosterSettings"]["sendTo"] == "nonOpeners" else M.CLICKED_EVENT
    return [c for c in parent.get("recipients") or [] if not _engaged(brand, c, parent["id"], wanted)]


def _schedule_boosters(brand: Brand, parent: Record) -> None:
    """A draft booster with a delay schedules itself when its parent has gone out."""
    for booster in list(brand.col(store.COLLECTION).values()):
        settings = booster.get("boosterSettings") or {}
        if booster["type"] != "booster" or settings.get("campaignID") != parent["id"] or booster["status"] != "draft":
            continue
        delay = settings.get("delay")
        if not delay:
            continue
        stored: Record = clone(booster)
        stored["status"] = "scheduled"
        stored["dueAt"] = brand.now_ts() + delay["amount"] * UNIT_SECONDS.get(delay.get("unit", "h"), 3600)
        _save(brand, stored)


def _due_at(record: Record) -> float | None:
    if record["status"] == "scheduled":
        if record.get("dueAt") is not None:
            return float(record["dueAt"])
        moment = parse_datetime(str((record.get("sendingSettings") or {}).get("scheduledAt") or ""))
        return moment.timestamp() if moment else None
    if record["status"] == "started" and record.get("decisionAt") is not None:
        return float(record["decisionAt"])
    return None


def run_due(brand: Brand) -> int:
    """Send every scheduled campaign, and decide every A/B test, whose time has come; return how many."""
    now = brand.now_ts()
    done = 0
    for record in list(brand.col(store.COLLECTION).values()):
        due = _due_at(record)
        if due is None or due > now:
            continue
        stored: Record = clone(record)
        if stored["status"] == "scheduled":
            stored.pop("dueAt", None)
            _go_out(brand, stored)
        else:
            _send_winner(brand, stored, _best_variant(brand, stored), manual=False)
        done += 1
    return done


def _best_variant(brand: Brand, record: Record) -> str:
    """The variant with more opens (or clicks) among the test group; ties go to a."""
    wanted = M.OPENED_EVENT if record["abTest"]["settings"].get("winningMetric") != "clickRate" else M.CLICKED_EVENT
    score = {side: sum(1 for c in record.get("testGroup") or [] if _engaged(brand, c, record["id"], wanted, side))
             for side in ("a", "b")}
    return "b" if score["b"] > score["a"] else "a"
