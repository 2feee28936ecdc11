"""Automations backend (§5.9): definitions, enable/disable 409s, a flow driven by events and the clock,
and a webhook delivered over real HTTP to a loopback receiver."""

from __future__ import annotations

from typing import Any

import pytest

from mock_server.core.context import MockContext
from mock_server.core.errors import NotFound, Unprocessable, ValidationFailed
from mock_server.omnisend import marketing_constants as M
from mock_server.omnisend.backend import Brand, automation_runs, automation_switch, automations, email_content
from mock_server.omnisend.backend import contacts as contact_rules
from mock_server.omnisend.backend.problems import Conflict
from tests.omnisend.marketing.conftest import Receiver
from tests.omnisend.marketing.helpers import contact, empty_brand, event, outbox

TEMPLATE = {"name": "Hello", "sections": [{"id": "a" * 24, "type": "", "rows": [{"id": "b" * 24, "columns": [
    {"id": "c" * 24, "blocks": [{"id": "d" * 24, "type": "text",
                                 "text": "<p>Hi [[contact.first_name | default: 'friend']]!</p>"}]}]}]}]}


def _email(temp: str, template_id: str) -> dict[str, Any]:
    return {"temporaryID": temp, "type": "action", "action": {"type": "sendEmail", "sendEmail": {
        "templateID": template_id, "subject": "Hello [[contact.first_name]]", "preheader": "p",
        "senderName": "Shop", "language": "en_US"}}}


def _delay(temp: str, amount: int, units: str = "h") -> dict[str, Any]:
    return {"temporaryID": temp, "type": "delay", "delay": {"mode": "duration",
                                                            "duration": {"amount": amount, "units": units}}}


def _flow(brand: Brand, *blocks: dict[str, Any], event_name: str = "started checkout",
          **extra: Any) -> dict[str, Any]:
    body = {"name": "Flow", "trigger": {"condition": {"event": event_name}}, "blocks": list(blocks), **extra}
    return automations.create(brand, body)


@pytest.fixture
def brand(mock: MockContext) -> Brand:
    return empty_brand(mock)


@pytest.fixture
def template_id(brand: Brand) -> str:
    return str(email_content.create_template(brand, TEMPLATE)["id"])


def test_create_is_disabled_and_copies_the_template_into_owned_content(brand: Brand, template_id: str) -> None:
    created = _flow(brand, _email("e1", template_id))
    assert created["isEnabled"] is False
    config = created["blocks"][0]["action"]["sendEmail"]
    assert "templateID" not in config and config["contentID"] != template_id
    assert email_content.get_content(brand, config["contentID"])["sections"] == TEMPLATE["sections"]
    assert created["settings"]["sendingThresholds"] == {"email": "subscribed", "sms": "subscribed"}


@pytest.mark.parametrize(("blocks", "problem"), [
    ([_delay("d1", 1)], (("blocks", "delay"), "a delay cannot end a sequence")),
    ([{"temporaryID": "x", "type": "action", "action": {"type": "addTag", "value": "vip"}}],
     (("blocks", "action", "addTag"), "the action's settings must be nested under 'addTag'")),
    ([{"temporaryID": "w", "type": "action", "action": {"type": "sendWebhook", "sendWebhook": {
        "callbackUrl": "http://example.com/hook", "body": "{}"}}}],
     (("blocks", "action", "sendWebhook", "callbackUrl"),
      "invalid_format: must be an https URL (plain http only to a loopback address)")),
])
def test_invalid_blocks_are_400(brand: Brand, blocks: list[dict[str, Any]], problem: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        _flow(brand, *blocks)
    assert caught.value.problems == [problem]


def test_numeric_filter_with_a_string_value_is_a_type_mismatch(brand: Brand) -> None:
    body = {"name": "x", "trigger": {"condition": {"event": "placed order", "filterGroups": [
        {"logicalOperator": "and", "filters": [{"field": "totalPrice", "operator": "gt", "value": "50"}]}]}},
        "blocks": [{"temporaryID": "t", "type": "action", "action": {"type": "addTag", "addTag": {"value": "x"}}}]}
    with pytest.raises(ValidationFailed) as caught:
        automations.create(brand, body)
    assert caught.value.problems == [(("trigger", "condition", "filterGroups", "filters", "value"),
                                      "type-mismatch: a number is required for a numeric operator")]


def test_enabled_automations_refuse_patch_and_block_replace(brand: Brand, template_id: str) -> None:
    created = _flow(brand, _email("e1", template_id))
    automation_switch.enable(brand, created["id"], None)
    for call in (lambda: automations.patch(brand, created["id"], {"name": "n"}),
                 lambda: automations.replace_blocks(brand, created["id"], {"blocks": []})):
        with pytest.raises(Conflict) as caught:
            call()
        assert caught.value.message == M.ERR_AUTOMATION_ENABLED
    automation_switch.disable(brand, created["id"], {"contactsInWorkflow": "keep"})
    assert automations.patch(brand, created["id"], {"name": "n"})["name"] == "n"


def test_enroll_existing_needs_a_leading_delay(brand: Brand, template_id: str) -> None:
    created = _flow(brand, _email("e1", template_id))
    with pytest.raises(Conflict) as caught:
        automation_switch.enable(brand, created["id"], {"enrollExisting": True})
    assert caught.value.message == M.ERR_AUTOMATION_ENABLE
    assert caught.value.codes == [("enrollExisting", M.ERR_ENROLL_CODE,
                                   "the workflow must start with a delay block to enroll existing contacts")]
    assert automations.get(brand, created["id"])["isEnabled"] is False


def test_copy_is_disabled_and_named(brand: Brand, template_id: str) -> None:
    created = _flow(brand, _email("e1", template_id))
    automation_switch.enable(brand, created["id"], None)
    copied = automations.copy(brand, created["id"], {})
    assert (copied["name"], copied["isEnabled"]) == ("Copy of: Flow", False)
    assert copied["blocks"][0]["id"] != created["blocks"][0]["id"]


def test_delete_is_idempotent(brand: Brand) -> None:
    automations.delete(brand, "0" * 24)
    with pytest.raises(NotFound):
        automations.get(brand, "0" * 24)


def test_utm_defaults_and_replacement(brand: Brand, template_id: str) -> None:
    created = _flow(brand, _email("e1", template_id))
    block_id = created["blocks"][0]["id"]
    default = {"source": "omnisend", "medium": "email", "campaign": f"automation: Flow ({created['id']})"}
    assert automations.utm(brand, created["id"]) == {"blocks": [{"blockID": block_id, "tags": default}]}
    changed = automations.set_block_utm(brand, created["id"], block_id,
                                        {"tags": {"source": "news", "medium": "", "campaign": "c"}})
    assert changed == {"tags": {"source": "news", "medium": "email", "campaign": "c"}}


def test_a_flow_moves_with_the_clock(mock: MockContext, brand: Brand, template_id: str) -> None:
    contact(brand, "ann@example.com", firstName="Ann")
    created = _flow(brand, _email("e1", template_id), _delay("d1", 2),
                    {"temporaryID": "t1", "type": "action", "action": {"type": "addTag", "addTag": {"value": "VIP"}}},
                    _email("e2", template_id))
    automation_switch.enable(brand, created["id"], None)
    event(brand, "ann@example.com", "started checkout")
    kinds = [e["kind"] for e in outbox(brand) if e.get("automationID") == created["id"]]
    assert kinds == ["automation", "email", "wait"]
    first = outbox(brand, "email")[0]
    assert (first["to"], first["subject"]) == ("ann@example.com", "Hello Ann")
    assert "<p>Hi Ann!</p>" in first["html"]
    mock.clock.advance(2 * 3600 - 1)
    assert automation_runs.run_due(brand) == 0
    mock.clock.advance(1)
    assert automation_runs.run_due(brand) == 2
    kinds = [e["kind"] for e in outbox(brand) if e.get("automationID") == created["id"]]
    assert kinds == ["automation", "email", "wait", "tag", "email", "automation"]
    assert outbox(brand)[-1]["step"] == "completed"
    cid = contact_rules.find_by_email(brand, "ann@example.com")
    assert cid is not None and contact_rules.get(brand, cid)["tags"] == ["vip"]


def test_disabled_flows_and_other_events_do_nothing(brand: Brand, template_id: str) -> None:
    contact(brand, "ann@example.com")
    created = _flow(brand, _email("e1", template_id))
    event(brand, "ann@example.com", "started checkout")
    automation_switch.enable(brand, created["id"], None)
    event(brand, "ann@example.com", "viewed product")
    assert outbox(brand, "email") == []


def test_trigger_filters_and_exit_conditions(mock: MockContext, brand: Brand, template_id: str) -> None:
    contact(brand, "ann@example.com")
    created = _flow(brand, _delay("d1", 1), _email("e1", template_id), trigger={"condition": {
        "event": "placed order", "filterGroups": [{"logicalOperator": "and", "filters": [
            {"field": "totalPrice", "operator": "gte", "value": 50}]}]}},
        exitConditions=[{"event": "refunded order"}])
    automation_switch.enable(brand, created["id"], None)
    event(brand, "ann@example.com", "placed order", {"totalPrice": 20})
    assert automation_runs.runs(brand, created["id"]) == []
    event(brand, "ann@example.com", "placed order", {"totalPrice": 80})
    event(brand, "ann@example.com", "refunded order")
    mock.clock.advance(3600)
    automation_runs.run_due(brand)
    assert [r["status"] for r in automation_runs.runs(brand, created["id"])] == ["exited"]
    assert outbox(brand, "email") == []


def test_unsubscribed_contacts_skip_email_steps(brand: Brand, template_id: str) -> None:
    contact(brand, "ann@example.com", status="unsubscribed")
    created = _flow(brand, _email("e1", template_id))
    automation_switch.enable(brand, created["id"], None)
    event(brand, "ann@example.com", "started checkout")
    assert outbox(brand, "email")[0]["skipped"] == "contact not eligible for this channel"


def test_inactivity_restarts_the_quiet_timer(mock: MockContext, brand: Brand, template_id: str) -> None:
    contact(brand, "ann@example.com")
    created = _flow(brand, _email("e1", template_id), event_name="added product to cart",
                    trigger={"condition": {"event": "added product to cart"},
                             "inactivitySettings": {"duration": {"amount": 30, "units": "m"}}})
    automation_switch.enable(brand, created["id"], None)
    event(brand, "ann@example.com", "added product to cart")
    mock.clock.advance(20 * 60)
    event(brand, "ann@example.com", "added product to cart")
    mock.clock.advance(20 * 60)
    automation_runs.run_due(brand)
    assert outbox(brand, "email") == []
    mock.clock.advance(10 * 60)
    automation_runs.run_due(brand)
    assert len(outbox(brand, "email")) == 1
    assert len(automation_runs.runs(brand, created["id"])) == 1


def test_subscribing_fires_the_welcome_trigger(brand: Brand, template_id: str) -> None:
    created = _flow(brand, _email("e1", template_id), event_name=M.TRIGGER_SUBSCRIBED)
    automation_switch.enable(brand, created["id"], None)
    contact(brand, "new@example.com", firstName="Neil")
    assert outbox(brand, "email")[0]["subject"] == "Hello Neil"


def _webhook_flow(brand: Brand, url: str) -> dict[str, Any]:
    return _flow(brand, {"temporaryID": "w", "type": "action", "action": {"type": "sendWebhook", "sendWebhook": {
        "callbackUrl": url, "body": '{"email": "[[contact.email]]", "cart": "[[event.properties.cartID]]"}',
        "headers": [{"key": "X-Token", "value": "s3cret"}]}}})


def test_webhook_is_posted_to_a_loopback_receiver(brand: Brand, receiver: Receiver) -> None:
    contact(brand, "ann@example.com")
    created = _webhook_flow(brand, receiver.url + "/hook")
    automation_switch.enable(brand, created["id"], None)
    event(brand, "ann@example.com", "started checkout", {"cartID": "c-1"})
    assert len(receiver.requests) == 1
    got = receiver.requests[0]
    assert got["path"] == "/hook" and got["json"] == {"email": "ann@example.com", "cart": "c-1"}
    assert got["headers"]["X-Token"] == "s3cret" and got["headers"]["Content-Type"] == "application/json"
    entry = outbox(brand, "webhook")[0]
    assert (entry["status"], entry["delivered"], entry["url"]) == (200, True, receiver.url + "/hook")


@pytest.mark.parametrize("status", [500, 302])
def test_webhook_failures_and_redirects_are_recorded_not_followed(brand: Brand, receiver: Receiver,
                                                                  status: int) -> None:
    receiver.status = status
    contact(brand, "ann@example.com")
    automation_switch.enable(brand, _webhook_flow(brand, receiver.url + "/hook")["id"], None)
    event(brand, "ann@example.com", "started checkout")
    assert len(receiver.requests) == 1
    assert (outbox(brand, "webhook")[0]["status"], outbox(brand, "webhook")[0]["delivered"]) == (status, False)


def test_unreachable_webhook_is_recorded_never_raised(brand: Brand) -> None:
    contact(brand, "ann@example.com")
    automation_switch.enable(brand, _webhook_flow(brand, "http://127.0.0.1:9/nothing-listens")["id"], None)
    event(brand, "ann@example.com", "started checkout")
    entry = outbox(brand, "webhook")[0]
    assert entry["delivered"] is False and entry["error"].startswith("ConnectionError")


def test_no_webhooks_records_without_sending(brand: Brand, receiver: Receiver) -> None:
    brand.ctx.settings.webhooks = False
    contact(brand, "ann@example.com")
    automation_switch.enable(brand, _webhook_flow(brand, receiver.url + "/hook")["id"], None)
    event(brand, "ann@example.com", "started checkout")
    assert receiver.requests == []
    assert outbox(brand, "webhook")[0]["skipped"] == "webhooks disabled (--no-webhooks)"


def test_test_email_needs_an_email_block(brand: Brand, template_id: str) -> None:
    created = _flow(brand, _email("e1", template_id),
                    {"temporaryID": "t", "type": "action", "action": {"type": "addTag", "addTag": {"value": "x"}}})
    email_id, tag_id = created["blocks"][0]["id"], created["blocks"][1]["id"]
    automation_switch.test_email(brand, created["id"], email_id, {"recipients": ["qa@example.com"]})
    assert outbox(brand, "email")[0]["to"] == "qa@example.com" and outbox(brand, "email")[0]["test"] is True
    with pytest.raises(Unprocessable) as caught:
        automation_switch.test_email(brand, created["id"], tag_id, {"recipients": ["qa@example.com"]})
    assert caught.value.message == M.ERR_TEST_EMAIL_BLOCK


def test_entered_segment_fires_for_new_members_only(brand: Brand, template_id: str) -> None:
    from mock_server.omnisend.backend import segments_api

    contact(brand, "old@example.com", tags=["gold"])
    rule = [{"conditions": [{"entity": "contact", "junction": "and",
                             "filters": [{"property": "tags", "operator": "contains", "value": "gold"}]}]}]
    segment_id = segments_api.create(brand, {"name": "gold", "conditionGroups": rule})["segmentID"]
    created = _flow(brand, _email("e1", template_id), trigger={"condition": {
        "event": M.TRIGGER_ENTERED_SEGMENT, "origin": "omnisend", "filterGroups": [
            {"logicalOperator": "and", "filters": [{"field": "segment_id", "operator": "eq", "value": segment_id}]}]}})
    automation_switch.enable(brand, created["id"], None)
    assert outbox(brand, "email") == []  # already a member when the flow was enabled
    new_id = contact(brand, "new@example.com", tags=["silver"])
    assert outbox(brand, "email") == []
    contact_rules.patch(brand, new_id, {"tags": ["gold"]})
    assert [e["to"] for e in outbox(brand, "email")] == ["new@example.com"]
    with pytest.raises(Conflict):  # members are enrolled on the first enable only
        automation_switch.disable(brand, created["id"], {"contactsInWorkflow": "keep"})
        automation_switch.enable(brand, created["id"], {"enrollExisting": True})
        automation_switch.disable(brand, created["id"], {"contactsInWorkflow": "keep"})
        automation_switch.enable(brand, created["id"], {"enrollExisting": True})


def test_enroll_existing_replays_events_inside_the_first_delay(mock: MockContext, brand: Brand,
                                                               template_id: str) -> None:
    contact(brand, "early@example.com")
    contact(brand, "recent@example.com")
    event(brand, "early@example.com", "started checkout")
    mock.clock.advance(3 * 3600)
    event(brand, "recent@example.com", "started checkout")
    mock.clock.advance(3600)
    created = _flow(brand, _delay("d1", 2), _email("e1", template_id))
    automation_switch.enable(brand, created["id"], {"enrollExisting": True})
    assert [r["contactID"] for r in automation_runs.runs(brand, created["id"])] == [
        contact_rules.find_by_email(brand, "recent@example.com")]
    mock.clock.advance(3600)  # two hours after the recent event
    automation_runs.run_due(brand)
    assert [e["to"] for e in outbox(brand, "email")] == ["recent@example.com"]
