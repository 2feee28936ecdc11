"""/api/automations (reference 2026 §5.9) over HTTP: documented answers and whole problem bodies, contract
checks, and a contact followed from an event to the flow's emails and webhook in /_mock/outbox as the
mock clock advances."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from mock_server.omnisend import marketing_constants as M
from mock_server.omnisend.v2026 import constants as C
from tests.conftest import OMNISEND
from tests.omnisend.v2026.helpers import assert_problem, call, invalid, problem
from tests.omnisend.v2026.marketing.conftest import Receiver

WELCOME = "6730a0000000000000000001"  # fixture, disabled
CART = "6730a0000000000000000002"  # fixture, enabled, webhook to a loopback port nobody listens on
TEMPLATE = "6700a0000000000000000002"


def _flow(callback: str) -> dict[str, Any]:
    return {"name": "Checkout rescue", "trigger": {"condition": {"event": "started checkout"}},
            "blocks": [
                {"temporaryID": "mail", "type": "action", "action": {"type": "sendEmail", "sendEmail": {
                    "templateID": TEMPLATE, "subject": "Forgot something, [[contact.first_name]]?",
                    "preheader": "p", "senderName": "Shop", "language": "en_US"}}},
                {"temporaryID": "wait", "type": "delay", "delay": {"mode": "duration",
                                                                   "duration": {"amount": 1, "units": "h"}}},
                {"temporaryID": "hook", "type": "action", "action": {"type": "sendWebhook", "sendWebhook": {
                    "callbackUrl": callback, "body": '{"email": "[[contact.email]]"}'}}}]}


def _outbox(client: FlaskClient, automation_id: str) -> list[dict[str, Any]]:
    entries = client.get("/_mock/outbox?vendor=omnisend&limit=500").get_json()["items"]
    return [e for e in entries if e.get("automationID") == automation_id]


def test_list_get_and_filters(client: FlaskClient) -> None:
    body = call(client, "GET", "/automations").get_json()
    assert [a["id"] for a in body["automations"]] == [CART, WELCOME]
    enabled = call(client, "GET", "/automations", query="isEnabled=true").get_json()
    assert [a["id"] for a in enabled["automations"]] == [CART]
    named = call(client, "GET", "/automations", query="nameContains=WELCOME").get_json()
    assert [a["id"] for a in named["automations"]] == [WELCOME]
    one = call(client, "GET", f"/automations/{CART}").get_json()
    assert one["trigger"]["inactivitySettings"] == {"duration": {"amount": 30, "units": "m"}}
    assert one["blocks"][0]["action"]["sendEmail"]["contentID"]


def test_unknown_automation_is_404_but_delete_is_idempotent(client: FlaskClient) -> None:
    response = call(client, "GET", "/automations/" + "0" * 24)
    assert_problem(response, problem(response, 404, M.ERR_AUTOMATION_NOT_FOUND))
    assert call(client, "DELETE", "/automations/" + "0" * 24).status_code == 204


def test_create_validation_problem(client: FlaskClient) -> None:
    response = call(client, "POST", "/automations", json={"name": "x", "trigger": {"condition": {
        "event": "placed order", "filterGroups": [{"logicalOperator": "and", "filters": [
            {"field": "value", "operator": "gt", "value": "50"}]}]}},
        "blocks": [{"temporaryID": "d", "type": "delay", "delay": {"mode": "duration",
                                                                    "duration": {"amount": 1, "units": "h"}}}]})
    assert_problem(response, invalid(
        response,
        ("trigger.condition.filterGroups.filters.value", C.CODE_TYPE_MISMATCH,
         "type-mismatch: a number is required for a numeric operator"),
        ("blocks.delay", C.CODE_VALUE, "a delay cannot end a sequence")))


def test_enabled_automation_refuses_patch(client: FlaskClient) -> None:
    response = call(client, "PATCH", f"/automations/{CART}", json={"name": "new"})
    assert_problem(response, problem(response, 409, M.ERR_AUTOMATION_ENABLED))
    assert call(client, "POST", f"/automations/{CART}/disable", json={"contactsInWorkflow": "keep"}).status_code \
        == 200
    assert call(client, "PATCH", f"/automations/{CART}", json={"name": "new"}).get_json()["name"] == "new"


def test_enroll_existing_conflict_problem(client: FlaskClient) -> None:
    response = call(client, "POST", f"/automations/{WELCOME}/enable", json={"enrollExisting": True})
    assert_problem(response, problem(response, 409, M.ERR_AUTOMATION_ENABLE, errors=[
        ("enrollExisting", M.ERR_ENROLL_CODE,
         "enrollExisting is not supported for the 'subscribed to marketing' trigger")]))


def test_disable_needs_its_body(client: FlaskClient) -> None:
    response = call(client, "POST", f"/automations/{CART}/disable", json={})
    assert_problem(response, invalid(response, ("contactsInWorkflow", C.CODE_REQUIRED,
                                                "required, one of: keep, exit")))


def test_copy_and_utm(client: FlaskClient) -> None:
    copied = call(client, "POST", f"/automations/{CART}/copy")
    assert copied.status_code == 201
    assert (copied.get_json()["name"], copied.get_json()["isEnabled"]) == ("Copy of: Abandoned cart", False)
    utm = call(client, "GET", f"/automations/{CART}/utm").get_json()
    block_id = utm["blocks"][0]["blockID"]
    assert utm["blocks"][0]["tags"] == {"source": "omnisend", "medium": "email",
                                        "campaign": f"automation: Abandoned cart ({CART})"}
    changed = call(client, "PUT", f"/automations/{CART}/blocks/{block_id}/utm",
                   json={"tags": {"source": "s", "medium": "m", "campaign": ""}})
    assert changed.get_json()["tags"]["campaign"] == f"automation: Abandoned cart ({CART})"
    missing = call(client, "GET", f"/automations/{CART}/blocks/{'0' * 24}/utm")
    assert_problem(missing, problem(missing, 404, M.ERR_BLOCK_NOT_FOUND))


def test_a_contact_goes_from_event_to_email_wait_and_webhook(client: FlaskClient, receiver: Receiver) -> None:
    created = call(client, "POST", "/automations", json=_flow(receiver.url + "/rescue"))
    assert created.status_code == 201 and created.get_json()["isEnabled"] is False
    automation_id = created.get_json()["id"]
    assert call(client, "POST", f"/automations/{automation_id}/enable", json={}).get_json()["isEnabled"] is True
    event = {"eventName": "started checkout", "origin": "api",
             "contact": {"email": "walker@example.com", "firstName": "Wanda", "optIns": [{"channel": "email"}]},
             "properties": {}}
    assert call(client, "POST", "/events", json=event).status_code == 202
    steps = _outbox(client, automation_id)
    assert [e["kind"] for e in steps] == ["automation", "email", "wait"]
    mail = steps[1]
    assert (mail["to"], mail["subject"]) == ("walker@example.com", "Forgot something, Wanda?")
    assert "Hi Wanda, you left something in your cart." in mail["html"]
    assert receiver.requests == []
    client.post("/_mock/clock", json={"action": "advance", "by": "59m"})
    assert [e["kind"] for e in _outbox(client, automation_id)][-1] == "wait"
    client.post("/_mock/clock", json={"action": "advance", "by": "1m"})
    steps = _outbox(client, automation_id)
    assert [e["kind"] for e in steps] == ["automation", "email", "wait", "webhook", "automation"]
    assert (steps[3]["status"], steps[3]["delivered"]) == (200, True)
    assert receiver.requests[0]["json"] == {"email": "walker@example.com"}


def test_v5_events_trigger_the_same_flows(client: FlaskClient, receiver: Receiver) -> None:
    automation_id = call(client, "POST", "/automations", json=_flow(receiver.url + "/v5")).get_json()["id"]
    call(client, "POST", f"/automations/{automation_id}/enable")
    event = {"eventName": "started checkout", "origin": "api",
             "contact": {"email": "v5@example.com", "optIns": [{"channel": "email"}]}}
    assert client.post("/v5/events", json=event, headers=OMNISEND).status_code == 202
    assert [e["kind"] for e in _outbox(client, automation_id)] == ["automation", "email", "wait"]


def test_fixture_abandoned_cart_flow_records_its_loopback_webhook_failure(client: FlaskClient) -> None:
    event = {"eventName": "added product to cart", "origin": "api",
             "contact": {"email": "anna.petraite@example.com"}, "properties": {"cartID": "cart-9"}}
    assert call(client, "POST", "/events", json=event).status_code == 202
    client.post("/_mock/clock", json={"action": "advance", "by": "30m"})
    steps = _outbox(client, CART)
    assert [e["kind"] for e in steps] == ["automation", "email", "webhook", "wait"]
    hook = steps[2]
    assert hook["url"] == "http://127.0.0.1:9/demo-abandoned-cart" and hook["delivered"] is False
    assert hook["body"] == '{"email": "anna.petraite@example.com", "cartID": "cart-9", "flow": "abandoned cart"}'
    client.post("/_mock/clock", json={"action": "advance", "by": "1d"})
    steps = _outbox(client, CART)
    # Anna is tagged vip: the split takes the true branch (a tag), then the flow completes.
    assert [e["kind"] for e in steps][4:] == ["split", "tag", "automation"]


def test_block_test_email(client: FlaskClient) -> None:
    block_id = call(client, "GET", f"/automations/{CART}").get_json()["blocks"][0]["id"]
    response = call(client, "POST", f"/automations/{CART}/blocks/{block_id}/test-email",
                    json={"recipients": ["qa@example.com"]})
    assert response.status_code == 204
    webhook_block = call(client, "GET", f"/automations/{CART}").get_json()["blocks"][1]["id"]
    response = call(client, "POST", f"/automations/{CART}/blocks/{webhook_block}/test-email",
                    json={"recipients": ["qa@example.com"]})
    assert_problem(response, problem(response, 422, M.ERR_TEST_EMAIL_BLOCK))
