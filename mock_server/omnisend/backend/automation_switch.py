"""Enabling and disabling automations (§5.9), with ``enrollExisting``; block test emails."""

from __future__ import annotations

from typing import Any

from mock_server.core.errors import ValidationFailed
from mock_server.omnisend import marketing_constants as M
from mock_server.omnisend.backend import Brand, email_content, segments
from mock_server.omnisend.backend import automations as flows
from mock_server.omnisend.backend.automation_matching import event_matches
from mock_server.omnisend.backend.automation_runs import RUNS, enter, finish, known_members, seconds, segment_of
from mock_server.omnisend.backend.events import event_moment
from mock_server.omnisend.backend.problems import Conflict

Record = dict[str, Any]


def enable(brand: Brand, automation_id: str, data: Record | None) -> Record:
    """POST /automations/{id}/enable: idempotent; ``enrollExisting`` by trigger type or 409."""
    automation = flows.find(brand, automation_id)
    enroll = bool((data or {}).get("enrollExisting"))
    event = automation["trigger"]["condition"]["event"]
    if enroll:
        _check_enroll(automation, event)
    was_enabled = automation["isEnabled"]
    stored = flows.set_enabled(brand, automation_id, True)
    segment_id = segment_of(stored)
    if segment_id is not None and not was_enabled:
        current = segments.members(brand, segment_id)
        known_members(brand)[automation_id] = [] if enroll else list(current)
        if enroll:
            for contact_id in current:
                known_members(brand)[automation_id].append(contact_id)
                enter(brand, stored, contact_id, None)
    elif enroll and not was_enabled:
        _enroll_from_events(brand, stored)
    if enroll:
        flows.mark_enrolled(brand, automation_id)
    return flows.get(brand, automation_id)


def _check_enroll(automation: Record, event: str) -> None:
    def refuse(message: str) -> Conflict:
        return Conflict(M.ERR_AUTOMATION_ENABLE, [("enrollExisting", M.ERR_ENROLL_CODE, message)])

    if event in (M.TRIGGER_BIRTHDAY, M.TRIGGER_BACK_IN_STOCK, M.TRIGGER_SUBSCRIBED):
        raise refuse(f"enrollExisting is not supported for the {event!r} trigger")
    if event == M.TRIGGER_ENTERED_SEGMENT:
        if automation.get("enrolled"):
            raise refuse("existing segment members are enrolled on the first enable only")
        return
    first = automation["blocks"][0]
    if first["type"] != "delay" or first["delay"]["mode"] != "duration":
        raise refuse("the workflow must start with a delay block to enroll existing contacts")


def _enroll_from_events(brand: Brand, automation: Record) -> None:
    """Event trigger: contacts whose trigger event lies inside the first delay's window, timed from it."""
    window = seconds(automation["blocks"][0]["delay"]["duration"])
    now = brand.now_ts()
    for entry in sorted(brand.col("eventLog").values(), key=lambda e: event_moment(e) or 0):
        moment = event_moment(entry)
        if moment is None or moment < now - window or not entry.get("contactID"):
            continue
        if event_matches(automation["trigger"]["condition"], entry):
            run = enter(brand, automation, entry["contactID"], entry, started_at=moment)
            if run is not None and run["status"] == "active" and run.get("dueAt") is not None:
                run["dueAt"] = moment + window
                brand.col(RUNS).replace(run["runID"], run)


def disable(brand: Brand, automation_id: str, data: Record) -> Record:
    """POST /automations/{id}/disable: ``keep`` lets runs finish, ``exit`` ends them now."""
    mode = (data or {}).get("contactsInWorkflow")
    if mode not in M.DISABLE_MODES:
        raise ValidationFailed([(("contactsInWorkflow",), "required, one of: keep, exit")])
    flows.find(brand, automation_id)
    flows.set_enabled(brand, automation_id, False)
    for run in list(brand.col(RUNS).values()):
        if run["automationID"] != automation_id or run["status"] not in ("active", "waiting"):
            continue
        stored = brand.col(RUNS).get(run["runID"])
        assert stored is not None
        if mode == "exit":
            finish(brand, stored, "exited", reason="automation disabled (exit)")
        else:
            stored["mode"] = "keep"
            brand.col(RUNS).replace(stored["runID"], stored)
    return flows.get(brand, automation_id)


def test_email(brand: Brand, automation_id: str, block_id: str, data: Record) -> None:
    """POST /automations/{id}/blocks/{blockID}/test-email: one outbox email per recipient."""
    config = flows.email_block(brand, automation_id, block_id)
    email_content.send_test_emails(brand, data, config, (M.ERR_AUTOMATION_PAYMENT, M.ERR_AUTOMATION_TEST_BLOCKED),
                                   {"source": "automation", "automationID": automation_id, "blockID": block_id})
