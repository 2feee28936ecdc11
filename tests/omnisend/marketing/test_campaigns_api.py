"""2026 campaigns backend (§5.10): drafts, status transitions, recipients from segments, sends in the outbox."""

from __future__ import annotations

from typing import Any

import pytest

from mock_server.core.context import MockContext
from mock_server.core.errors import NotFound, Unprocessable, ValidationFailed
from mock_server.omnisend import marketing_constants as M
from mock_server.omnisend.backend import Brand, campaign_sends, email_content, segments_api
from mock_server.omnisend.backend import campaigns_api as campaigns
from mock_server.omnisend.backend.problems import Conflict
from tests.omnisend.marketing.helpers import contact, empty_brand, event, outbox
from tests.omnisend.marketing.test_automations import TEMPLATE


@pytest.fixture
def brand(mock: MockContext) -> Brand:
    found = empty_brand(mock)
    contact(found, "ann@example.com", firstName="Ann", tags=["vip"])
    contact(found, "bob@example.com", firstName="Bob")
    contact(found, "cat@example.com", status="unsubscribed", tags=["vip"])
    return found


@pytest.fixture
def template_id(brand: Brand) -> str:
    return str(email_content.create_template(brand, TEMPLATE)["id"])


def _email_campaign(brand: Brand, template_id: str, **extra: Any) -> dict[str, Any]:
    body = {"type": "regular", "channel": "email", "name": "Spring",
            "content": {"email": {"templateID": template_id, "subject": "Hi [[contact.first_name]]",
                                  "senderName": "Shop"}}, **extra}
    return campaigns.create(brand, body)


def _vip_segment(brand: Brand) -> str:
    rule = [{"conditions": [{"entity": "contact", "junction": "and",
                             "filters": [{"property": "tags", "operator": "contains", "value": "vip"}]}]}]
    return str(segments_api.create(brand, {"name": "vip", "conditionGroups": rule})["segmentID"])


def test_create_is_a_draft_with_its_own_content(brand: Brand, template_id: str) -> None:
    created = _email_campaign(brand, template_id)
    assert (created["status"], created["language"], created["type"]) == ("draft", "en_US", "regular")
    assert created["content"]["email"]["contentID"] != template_id
    assert "templateID" not in created["content"]["email"]


def test_immediate_send_mails_every_subscriber_with_rendered_html(brand: Brand, template_id: str) -> None:
    created = _email_campaign(brand, template_id)
    campaign_sends.send(brand, created["id"])
    sent = outbox(brand, "email")
    assert [(e["to"], e["subject"]) for e in sent] == [("ann@example.com", "Hi Ann"), ("bob@example.com", "Hi Bob")]
    assert "<p>Hi Ann!</p>" in sent[0]["html"]
    assert campaigns.get(brand, created["id"])["status"] == "sent"
    with pytest.raises(Conflict) as caught:
        email_content.replace_content(brand, created["content"]["email"]["contentID"], {"sections": []})
    assert caught.value.message == M.ERR_CONTENT_LOCKED


def test_recipients_follow_included_and_excluded_segments(brand: Brand, template_id: str) -> None:
    vip = _vip_segment(brand)
    included = _email_campaign(brand, template_id, audience={"includedSegmentIDs": [vip]})
    excluded = _email_campaign(brand, template_id, audience={"excludedSegmentIDs": [vip]})
    campaign_sends.send(brand, included["id"])
    campaign_sends.send(brand, excluded["id"])
    by_campaign = {c: [e["to"] for e in outbox(brand, "email") if e["campaignID"] == c]
                   for c in (included["id"], excluded["id"])}
    assert by_campaign == {included["id"]: ["ann@example.com"], excluded["id"]: ["bob@example.com"]}


def test_a_scheduled_campaign_goes_out_on_the_mock_clock(mock: MockContext, brand: Brand, template_id: str) -> None:
    at = "2026-01-02T00:00:00Z"  # the seeded clock starts 2026-01-01
    created = _email_campaign(brand, template_id, sendingSettings={"strategy": "scheduled", "scheduledAt": at})
    campaign_sends.send(brand, created["id"])
    assert campaigns.get(brand, created["id"])["status"] == "scheduled"
    assert campaign_sends.run_due(brand) == 0 and outbox(brand, "email") == []
    mock.clock.advance(86400)
    assert campaign_sends.run_due(brand) == 1
    assert len(outbox(brand, "email")) == 2 and campaigns.get(brand, created["id"])["status"] == "sent"


def test_cancel_and_state_conflicts(brand: Brand, template_id: str) -> None:
    created = _email_campaign(brand, template_id, sendingSettings={"strategy": "scheduled",
                                                                   "scheduledAt": "2026-01-05T00:00:00Z"})
    with pytest.raises(Conflict) as caught:
        campaign_sends.cancel(brand, created["id"])
    assert caught.value.message == M.ERR_CAMPAIGN_CANCEL
    campaign_sends.send(brand, created["id"])
    with pytest.raises(Conflict) as caught:
        campaigns.patch(brand, created["id"], {"name": "late"})
    assert caught.value.message == M.ERR_CAMPAIGN_MODIFY
    with pytest.raises(Conflict) as caught:
        campaigns.delete(brand, created["id"])
    assert caught.value.message == M.ERR_CAMPAIGN_DELETE
    campaign_sends.cancel(brand, created["id"])
    assert campaigns.get(brand, created["id"])["status"] == "canceled"
    with pytest.raises(Conflict) as caught:
        campaign_sends.send(brand, created["id"])
    assert caught.value.message == M.ERR_CAMPAIGN_SEND


def test_ab_test_sends_its_group_then_the_winner(mock: MockContext, brand: Brand, template_id: str) -> None:
    for i in range(4):
        contact(brand, f"p{i}@example.com")
    variant = {"content": {"email": {"templateID": template_id, "subject": "A"}}}
    created = campaigns.create(brand, {"type": "abTest", "channel": "email", "name": "AB", "abTest": {
        "settings": {"testSizePercent": 50, "winningMetric": "openRate", "decisionTime": {"amount": 2, "unit": "h"}},
        "variants": {"a": variant, "b": {"content": {"email": {"templateID": template_id, "subject": "B"}}}}}})
    campaign_sends.send(brand, created["id"])
    assert campaigns.get(brand, created["id"])["status"] == "started"
    group = outbox(brand, "email")
    assert [e["variant"] for e in group] == ["a", "b", "a"]
    campaign_sends.stop_ab(brand, created["id"])
    with pytest.raises(Conflict):
        campaign_sends.stop_ab(brand, created["id"])
    campaign_sends.resume_ab(brand, created["id"])
    event(brand, group[1]["to"], M.OPENED_EVENT, {"campaignID": created["id"], "variant": "b"})
    mock.clock.advance(2 * 3600)
    assert campaign_sends.run_due(brand) == 1
    final = campaigns.get(brand, created["id"])
    assert final["status"] == "sent"
    assert final["abTest"]["result"]["winnerVariantID"] == final["abTest"]["variants"]["b"]["id"]
    assert [e["variant"] for e in outbox(brand, "email")[3:]] == ["b", "b", "b"]


def test_regular_campaigns_are_not_ab_tests(brand: Brand, template_id: str) -> None:
    created = _email_campaign(brand, template_id)
    with pytest.raises(Unprocessable) as caught:
        campaign_sends.stop_ab(brand, created["id"])
    assert caught.value.message == M.ERR_NOT_AB


def test_booster_rules(brand: Brand, template_id: str) -> None:
    parent = _email_campaign(brand, template_id)
    with pytest.raises(NotFound) as missing:
        campaigns.create(brand, {"type": "booster", "channel": "email",
                                 "boosterSettings": {"campaignID": "0" * 24, "sendTo": "nonOpeners"}})
    assert missing.value.message == M.ERR_PARENT_NOT_FOUND
    booster = campaigns.create(brand, {"type": "booster", "channel": "email", "boosterSettings": {
        "campaignID": parent["id"], "sendTo": "nonOpeners", "delay": {"amount": 24, "unit": "h"}}})
    with pytest.raises(Conflict) as twice:
        campaigns.create(brand, {"type": "booster", "channel": "email",
                                 "boosterSettings": {"campaignID": parent["id"], "sendTo": "nonOpeners"}})
    assert twice.value.message == M.ERR_BOOSTER_EXISTS
    campaign_sends.send(brand, parent["id"])
    event(brand, "ann@example.com", M.OPENED_EVENT, {"campaignID": parent["id"]})
    assert campaigns.get(brand, booster["id"])["status"] == "scheduled"
    brand.ctx.clock.advance(24 * 3600)
    campaign_sends.run_due(brand)
    assert [e["to"] for e in outbox(brand, "email") if e["campaignID"] == booster["id"]] == ["bob@example.com"]


@pytest.mark.parametrize(("body", "problems"), [
    ({"channel": "email"}, [(("type",), "required, one of: regular, abTest, booster")]),
    ({"type": "regular", "channel": "email", "content": {"email": {"templateID": "0" * 24}}},
     [(("name",), "required, at most 250 characters"), (("content", "email", "templateID"), "template not found")]),
    ({"type": "regular", "channel": "email", "name": "n", "content": {"email": {"templateID": "x"}},
      "sendingSettings": {"strategy": "immediate", "scheduledAt": "2026-02-01T00:00:00Z"}},
     [(("sendingSettings", "scheduledAt"), "not allowed for the immediate strategy"),
      (("content", "email", "templateID"), "template not found")]),
])
def test_invalid_drafts_are_400(brand: Brand, body: dict[str, Any], problems: list[Any]) -> None:
    with pytest.raises(ValidationFailed) as caught:
        campaigns.create(brand, body)
    assert caught.value.problems == problems


def test_push_is_unprocessable(brand: Brand) -> None:
    with pytest.raises(Unprocessable) as caught:
        campaigns.create(brand, {"type": "regular", "channel": "push", "name": "p"})
    assert caught.value.message == M.ERR_CAMPAIGN_CHANNEL


def test_copy_and_utm(brand: Brand, template_id: str) -> None:
    created = _email_campaign(brand, template_id)
    copied = campaigns.copy(brand, created["id"])
    assert (copied["name"], copied["status"]) == ("Copy of: Spring", "draft")
    assert campaigns.utm(brand, created["id"]) == {"tags": {"source": "omnisend", "medium": "email",
                                                            "campaign": "Spring"}}
    assert campaigns.set_utm(brand, created["id"], {"tags": {"source": "x", "medium": "", "campaign": "c"}}) == {
        "tags": {"source": "x", "medium": "email", "campaign": "c"}}
    with pytest.raises(ValidationFailed):
        campaigns.set_utm(brand, created["id"], {"tags": {}, "variants": {}})


def test_test_email_and_sms_campaigns(brand: Brand, template_id: str) -> None:
    created = _email_campaign(brand, template_id)
    campaign_sends.test_email(brand, created["id"], {"recipients": ["qa@example.com"]})
    assert outbox(brand, "email")[0]["test"] is True
    sms = campaigns.create(brand, {"type": "regular", "channel": "sms", "name": "s", "content": {"sms": {
        "message": "Hi [[contact.first_name]]",
        "compliance": {"stopKeywordText": "STOP", "unsubscribeLinkText": "u"}}}})
    with pytest.raises(Unprocessable):
        campaign_sends.test_email(brand, sms["id"], {"recipients": ["qa@example.com"]})
