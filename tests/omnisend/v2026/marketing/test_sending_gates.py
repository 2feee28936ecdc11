"""What stops a send (reference 2026 §2.2, §5.9, §5.10): 402 when the brand's plan does not pay for sending,
409 when email sending is disabled, for a sender on an unverified domain or when every test recipient is
suppressed, 422 for a test email
of a non-email campaign; and the enrollExisting 409 of the birthday and back-in-stock triggers. Whole
problem bodies, contract checks, and nothing sent or changed by a refused call."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_server.core.context import MockContext
from mock_server.omnisend import marketing_constants as M
from mock_server.omnisend.v2026 import constants as C
from tests.conftest import BRAND_ID, snapshot
from tests.omnisend.v2026.helpers import assert_problem, call, problem

NEWSLETTER = "6740a0000000000000000001"  # fixture email draft, no senderEmail (the brand's own sender)
SMS = "6740a0000000000000000002"  # fixture SMS draft
CART = "6730a0000000000000000002"  # fixture automation; blocks[0] is a sendEmail without senderEmail
TEMPLATE = "6700a0000000000000000003"
QA = {"recipients": ["qa@example.com"]}
# Fixture contacts whose email status is unsubscribed: suppressed.
GRETA, IEVA = "greta.jankute@example.com", "ieva.butkute@example.com"


def _settings(mock: MockContext, **values: Any) -> None:
    tenant = mock.tenant("omnisend", BRAND_ID)
    assert tenant is not None
    tenant.config.setdefault("settings", {}).update(values)


def _outbox(client: FlaskClient) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = client.get("/_mock/outbox?vendor=omnisend&limit=500").get_json()["items"]
    return items


def _refused(client: FlaskClient, mock: MockContext, path: str, body: Any, status: int, detail: str) -> None:
    """``POST /api<path>`` answers the whole problem; nothing stored changes and nothing is sent."""
    before, sent = snapshot(mock), len(_outbox(client))
    response = call(client, "POST", path, json=body)
    assert_problem(response, problem(response, status, detail))
    assert snapshot(mock) == before
    assert len(_outbox(client)) == sent


def _email_draft(client: FlaskClient, sender: str) -> str:
    body = {"type": "regular", "channel": "email", "name": "From " + sender,
            "content": {"email": {"templateID": TEMPLATE, "subject": "Hi", "senderEmail": sender}}}
    response = call(client, "POST", "/campaigns", json=body)
    assert response.status_code == 201, response.get_data(as_text=True)
    return str(response.get_json()["id"])


def _flow_block(client: FlaskClient, sender: str) -> tuple[str, str]:
    """A new automation whose one sendEmail block sends from ``sender``: (automation id, block id)."""
    body = {"name": "Sender check", "trigger": {"condition": {"event": "placed order"}}, "blocks": [
        {"temporaryID": "mail", "type": "action", "action": {"type": "sendEmail", "sendEmail": {
            "templateID": TEMPLATE, "subject": "Thanks", "preheader": "p", "senderName": "Shop",
            "language": "en_US", "senderEmail": sender}}}]}
    response = call(client, "POST", "/automations", json=body)
    assert response.status_code == 201, response.get_data(as_text=True)
    created = response.get_json()
    return str(created["id"]), str(created["blocks"][0]["id"])


def _block(client: FlaskClient) -> str:
    return str(call(client, "GET", f"/automations/{CART}").get_json()["blocks"][0]["id"])


def test_unpaid_brand_answers_402_on_every_send(client: FlaskClient, mock: MockContext) -> None:
    block = _block(client)
    _settings(mock, sendingPaid=False)
    _refused(client, mock, f"/campaigns/{NEWSLETTER}/send", None, 402, M.ERR_CAMPAIGN_PAYMENT)
    _refused(client, mock, f"/campaigns/{SMS}/send", None, 402, M.ERR_CAMPAIGN_PAYMENT)
    _refused(client, mock, f"/campaigns/{NEWSLETTER}/test-email", QA, 402, M.ERR_CAMPAIGN_PAYMENT)
    _refused(client, mock, f"/automations/{CART}/blocks/{block}/test-email", QA, 402, M.ERR_AUTOMATION_PAYMENT)
    response = call(client, "POST", f"/campaigns/{NEWSLETTER}/send")
    assert response.get_json()["type"] == C.PROBLEM_BASE + "payment-required"
    assert response.get_json()["title"] == "Payment required"
    # The operation not fitting the campaign (422) and a bad body (400) come before the plan.
    _refused(client, mock, f"/campaigns/{SMS}/test-email", QA, 422, M.ERR_CAMPAIGN_CHANNEL)
    bad = call(client, "POST", f"/campaigns/{NEWSLETTER}/test-email", json={"recipients": []})
    assert bad.status_code == 400
    _settings(mock, sendingPaid=True)
    assert call(client, "POST", f"/campaigns/{NEWSLETTER}/test-email", json=QA).status_code == 204
    assert call(client, "POST", f"/campaigns/{NEWSLETTER}/send").status_code == 204


def test_sender_on_an_unverified_domain_conflicts(client: FlaskClient, mock: MockContext) -> None:
    foreign = _email_draft(client, "news@elsewhere.example")
    verified = _email_draft(client, "News@Shop.Example.com")
    flow, block = _flow_block(client, "orders@elsewhere.example")
    # Without the setting every domain counts as verified.
    assert call(client, "POST", f"/campaigns/{foreign}/test-email", json=QA).status_code == 204
    _settings(mock, verifiedSenderDomains=["shop.example.com"])
    _refused(client, mock, f"/campaigns/{foreign}/send", None, 409, M.ERR_CAMPAIGN_SEND)
    _refused(client, mock, f"/campaigns/{foreign}/test-email", QA, 409, M.ERR_CAMPAIGN_TEST_BLOCKED)
    _refused(client, mock, f"/automations/{flow}/blocks/{block}/test-email", QA, 409,
             M.ERR_AUTOMATION_TEST_BLOCKED)
    # The domain matches case-insensitively; no senderEmail means the brand's own (verified) sender.
    assert call(client, "POST", f"/campaigns/{verified}/test-email", json=QA).status_code == 204
    assert call(client, "POST", f"/campaigns/{verified}/send").status_code == 204
    assert call(client, "POST", f"/automations/{CART}/blocks/{_block(client)}/test-email",
                json=QA).status_code == 204
    assert call(client, "GET", f"/campaigns/{foreign}").get_json()["status"] == "draft"


def test_ab_test_checks_both_variants_senders(client: FlaskClient, mock: MockContext) -> None:
    def variant(subject: str, **sender: str) -> dict[str, Any]:
        return {"content": {"email": {"templateID": TEMPLATE, "subject": subject, **sender}}}

    body = {"type": "abTest", "channel": "email", "name": "Senders", "abTest": {
        "settings": {"testSizePercent": 100},
        "variants": {"a": variant("A"), "b": variant("B", senderEmail="b@elsewhere.example")}}}
    created = call(client, "POST", "/campaigns", json=body)
    assert created.status_code == 201, created.get_data(as_text=True)
    _settings(mock, verifiedSenderDomains=["shop.example.com"])
    _refused(client, mock, f"/campaigns/{created.get_json()['id']}/send", None, 409, M.ERR_CAMPAIGN_SEND)


def test_disabled_email_sending_conflicts(client: FlaskClient, mock: MockContext) -> None:
    block = _block(client)
    _settings(mock, emailSendingEnabled=False)
    _refused(client, mock, f"/campaigns/{NEWSLETTER}/send", None, 409, M.ERR_CAMPAIGN_SEND)
    _refused(client, mock, f"/campaigns/{NEWSLETTER}/test-email", QA, 409, M.ERR_CAMPAIGN_TEST_BLOCKED)
    _refused(client, mock, f"/automations/{CART}/blocks/{block}/test-email", QA, 409, M.ERR_AUTOMATION_TEST_BLOCKED)
    # SMS is not email: its campaign still goes out.
    assert call(client, "POST", f"/campaigns/{SMS}/send").status_code == 204
    assert call(client, "GET", f"/campaigns/{SMS}").get_json()["status"] == "sent"


@pytest.mark.parametrize("path", [f"/campaigns/{NEWSLETTER}/test-email",
                                  "/automations/{CART}/blocks/{block}/test-email"])
def test_suppressed_test_recipients(client: FlaskClient, mock: MockContext, path: str) -> None:
    path = path.format(CART=CART, block=_block(client))
    detail = M.ERR_CAMPAIGN_TEST_BLOCKED if path.startswith("/campaigns") else M.ERR_AUTOMATION_TEST_BLOCKED
    _refused(client, mock, path, {"recipients": [GRETA, IEVA]}, 409, detail)
    assert call(client, "POST", path, json={"recipients": [GRETA, "qa@example.com"]}).status_code == 204
    tests = [e for e in _outbox(client) if e.get("test")]
    assert [e["to"] for e in tests] == ["qa@example.com"]


@pytest.mark.parametrize("trigger", [
    {"event": M.TRIGGER_BIRTHDAY, "filterGroups": [{"logicalOperator": "and", "filters": [
        {"field": "birthdate", "operator": "eq", "value": "-24h"}]}]},
    {"event": M.TRIGGER_BACK_IN_STOCK}])
def test_builtin_triggers_refuse_enroll_existing(client: FlaskClient, mock: MockContext,
                                                 trigger: dict[str, Any]) -> None:
    body = {"name": trigger["event"], "trigger": {"condition": trigger}, "blocks": [
        {"temporaryID": "wait", "type": "delay",
         "delay": {"mode": "duration", "duration": {"amount": 1, "units": "d"}}},
        {"temporaryID": "tag", "type": "action", "action": {"type": "addTag", "addTag": {"value": "x"}}}]}
    created = call(client, "POST", "/automations", json=body)
    assert created.status_code == 201, created.get_data(as_text=True)
    automation_id = created.get_json()["id"]
    assert created.get_json()["trigger"]["condition"]["event"] == trigger["event"]
    before = snapshot(mock)
    response = call(client, "POST", f"/automations/{automation_id}/enable", json={"enrollExisting": True})
    reason = f"enrollExisting is not supported for the {trigger['event']!r} trigger"
    assert_problem(response, problem(response, 409, M.ERR_AUTOMATION_ENABLE,
                                     [("enrollExisting", M.ERR_ENROLL_CODE, reason)]))
    assert snapshot(mock) == before
    enabled = call(client, "POST", f"/automations/{automation_id}/enable", json={"enrollExisting": False})
    assert enabled.status_code == 200 and enabled.get_json()["isEnabled"] is True
