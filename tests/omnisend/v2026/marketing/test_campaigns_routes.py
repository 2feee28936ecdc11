"""/api/campaigns (reference 2026 §5.10) over HTTP: drafts, send to segment members, schedule on the clock,
cancel, A/B, whole problem bodies and contract checks."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from mock_server.omnisend import marketing_constants as M
from mock_server.omnisend.v2026 import constants as C
from tests.omnisend.v2026.helpers import READONLY, assert_problem, call, invalid, problem

NEWSLETTER = "6740a0000000000000000001"  # fixture draft to the VIP segment
SMS = "6740a0000000000000000002"
AB = "6740a0000000000000000003"
TEMPLATE = "6700a0000000000000000003"


def _sent(client: FlaskClient, campaign_id: str) -> list[dict[str, Any]]:
    entries = client.get("/_mock/outbox?vendor=omnisend&limit=500").get_json()["items"]
    return [e for e in entries if e.get("campaignID") == campaign_id]


def _draft(client: FlaskClient, **extra: Any) -> dict[str, Any]:
    body = {"type": "regular", "channel": "email", "name": "Autumn",
            "content": {"email": {"templateID": TEMPLATE, "subject": "Autumn, [[contact.first_name]]"}}, **extra}
    response = call(client, "POST", "/campaigns", json=body)
    assert response.status_code == 201, response.get_data(as_text=True)
    return dict(response.get_json())


def test_list_filters_and_unknown_parameters(client: FlaskClient) -> None:
    body = call(client, "GET", "/campaigns").get_json()
    assert [c["id"] for c in body["campaigns"]] == [AB, SMS, NEWSLETTER]
    both = call(client, "GET", "/campaigns", query="channel=sms&channel=email&type=regular").get_json()
    assert [c["id"] for c in both["campaigns"]] == [SMS, NEWSLETTER]
    response = call(client, "GET", "/campaigns", query="color=red")
    assert_problem(response, invalid(response, ("color", C.CODE_UNKNOWN, C.MSG_UNKNOWN_PARAMETER)))


def test_send_goes_to_the_segment_members_with_rendered_html(client: FlaskClient) -> None:
    assert call(client, "POST", f"/campaigns/{NEWSLETTER}/send").status_code == 204
    sent = _sent(client, NEWSLETTER)
    # Fixture VIP email subscribers: Anna and Marta.
    assert [(e["to"], e["subject"]) for e in sent] == [("anna.petraite@example.com", "Summer trails, Anna"),
                                                       ("marta.vaitkute@example.com", "Summer trails, Marta")]
    assert "<h2>New on the trail, Anna</h2>" in sent[0]["html"]
    campaign = call(client, "GET", f"/campaigns/{NEWSLETTER}").get_json()
    assert campaign["status"] == "sent" and campaign["startedAt"] and campaign["endedAt"]
    again = call(client, "POST", f"/campaigns/{NEWSLETTER}/send")
    assert_problem(again, problem(again, 409, M.ERR_CAMPAIGN_SEND))
    locked = call(client, "PUT", f"/email-content/{campaign['content']['email']['contentID']}", json={"sections": []})
    assert_problem(locked, problem(locked, 409, M.ERR_CONTENT_LOCKED))


def test_scheduled_send_waits_for_the_clock_and_can_be_canceled(client: FlaskClient) -> None:
    later = _draft(client, sendingSettings={"strategy": "scheduled", "scheduledAt": "2026-01-03T09:00:00Z"})
    kept = _draft(client, sendingSettings={"strategy": "scheduled", "scheduledAt": "2026-01-03T09:00:00Z"})
    for campaign in (later, kept):
        assert call(client, "POST", f"/campaigns/{campaign['id']}/send").status_code == 204
    assert call(client, "POST", f"/campaigns/{later['id']}/cancel").status_code == 204
    client.post("/_mock/clock", json={"action": "set", "at": "2026-01-03T09:00:00Z"})
    assert _sent(client, later["id"]) == []
    assert len(_sent(client, kept["id"])) > 0
    assert call(client, "GET", f"/campaigns/{kept['id']}").get_json()["status"] == "sent"
    response = call(client, "POST", f"/campaigns/{later['id']}/cancel")
    assert_problem(response, problem(response, 409, M.ERR_CAMPAIGN_CANCEL))


def test_patch_only_drafts_and_delete(client: FlaskClient) -> None:
    draft = _draft(client)
    patched = call(client, "PATCH", f"/campaigns/{draft['id']}", json={"name": "Renamed",
                                                                       "content": {"email": {"subject": "New"}}})
    assert patched.get_json()["content"]["email"]["subject"] == "New"
    assert call(client, "POST", f"/campaigns/{draft['id']}/send").status_code == 204
    response = call(client, "PATCH", f"/campaigns/{draft['id']}", json={"name": "late"})
    assert_problem(response, problem(response, 409, M.ERR_CAMPAIGN_MODIFY))
    assert call(client, "DELETE", f"/campaigns/{draft['id']}").status_code == 204
    missing = call(client, "GET", f"/campaigns/{draft['id']}")
    assert_problem(missing, problem(missing, 404, M.ERR_CAMPAIGN_NOT_FOUND))


def test_create_problems(client: FlaskClient) -> None:
    response = call(client, "POST", "/campaigns", json={"type": "regular", "channel": "email",
                                                         "content": {"email": {"templateID": "0" * 24}}})
    assert_problem(response, invalid(response, ("name", C.CODE_REQUIRED, "required, at most 250 characters"),
                                     ("content.email.templateID", C.CODE_VALUE, "template not found")))
    push = call(client, "POST", "/campaigns", json={"type": "regular", "channel": "push", "name": "p"})
    assert_problem(push, problem(push, 422, M.ERR_CAMPAIGN_CHANNEL))
    readonly = call(client, "POST", "/campaigns", json={}, headers=READONLY)
    assert_problem(readonly, problem(readonly, 403, C.DETAIL_FORBIDDEN.format(scope="campaigns.write")))


def test_ab_test_life_cycle(client: FlaskClient) -> None:
    stop = call(client, "POST", f"/campaigns/{AB}/ab-test/stop")
    assert_problem(stop, problem(stop, 409, M.ERR_AB_STOP))
    assert call(client, "POST", f"/campaigns/{AB}/send").status_code == 204
    assert call(client, "GET", f"/campaigns/{AB}").get_json()["status"] == "started"
    assert call(client, "POST", f"/campaigns/{AB}/ab-test/stop").status_code == 204
    assert call(client, "POST", f"/campaigns/{AB}/ab-test/resume").status_code == 204
    variants = call(client, "GET", f"/campaigns/{AB}").get_json()["abTest"]["variants"]
    assert call(client, "POST", f"/campaigns/{AB}/ab-test/winner",
                json={"variantID": variants["b"]["id"]}).status_code == 204
    final = call(client, "GET", f"/campaigns/{AB}").get_json()
    assert final["status"] == "sent" and final["abTest"]["result"]["isManuallySelected"] is True
    regular = call(client, "POST", f"/campaigns/{SMS}/ab-test/stop")
    assert_problem(regular, problem(regular, 422, M.ERR_NOT_AB))


def test_test_email_copy_and_utm(client: FlaskClient) -> None:
    assert call(client, "POST", f"/campaigns/{NEWSLETTER}/test-email",
                json={"recipients": ["qa@example.com"]}).status_code == 204
    assert _sent(client, NEWSLETTER)[0]["test"] is True
    sms = call(client, "POST", f"/campaigns/{SMS}/test-email", json={"recipients": ["qa@example.com"]})
    assert_problem(sms, problem(sms, 422, M.ERR_CAMPAIGN_CHANNEL))
    copied = call(client, "POST", f"/campaigns/{NEWSLETTER}/copy")
    assert copied.status_code == 201 and copied.get_json()["name"] == "Copy of: Summer hiking newsletter"
    assert call(client, "GET", f"/campaigns/{AB}/utm").get_json()["variants"]["a"]["tags"]["source"] == "omnisend"
    both = call(client, "PUT", f"/campaigns/{NEWSLETTER}/utm", json={"tags": {}, "variants": {}})
    assert_problem(both, invalid(both, ("tags", C.CODE_REQUIRED, "exactly one of tags or variants is required")))
