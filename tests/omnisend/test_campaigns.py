"""Campaigns v3 (omnisend.md §3.8, §5.8, §6.9, §8)."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_server.core.context import MockContext, Settings
from mock_server.omnisend import constants as C
from tests.conftest import BRAND_ID, OMNISEND, OMNISEND_READONLY_KEY, snapshot
from tests.omnisend.contract import CAMPAIGN_LIST_KEY, PAGING_NULL_LINKS, check, within

P = "6650a1b2c3d4e5f6a7b8c00"  # campaign ids end in 1..6 in creation order
D = "65b2a0c1d2e3f4a5b6c7d00"  # contact ids
SPRING, CAMPING, DRAFT, SCHEDULED, RUNNING, PAUSED = (P + str(i) for i in range(1, 7))
BAD_PARAMS = "Bad Request - invalid parameters, fields or filters"


def _ids(body: dict[str, Any]) -> list[str]:
    return [c["campaignID"][-1] for c in body[CAMPAIGN_LIST_KEY]]


def _outbox(mock: MockContext) -> list[dict[str, Any]]:
    tenant = mock.tenant("omnisend", BRAND_ID)
    assert tenant is not None
    return list(tenant.extra.get("outbox", []))


def test_list_uses_the_singular_key_and_pages_newest_first(client: FlaskClient) -> None:
    url: str | None = "/v3/campaigns?limit=2"
    seen: list[str] = []
    pages = 0
    while url:
        response = client.get(url, headers=OMNISEND)
        assert response.status_code == 200
        body = response.get_json()
        assert list(body) == [CAMPAIGN_LIST_KEY, "paging"]  # not `campaigns` (§8)
        deviations = check(response, "GET", "/campaigns", query=url.split("?", 1)[1])
        assert within(deviations, PAGING_NULL_LINKS)
        seen += _ids(body)
        url = body["paging"]["next"]
        pages += 1
    assert pages == 3
    assert seen == ["6", "5", "4", "3", "2", "1"]


def test_list_item_is_campaign_partial(client: FlaskClient) -> None:
    body = client.get("/v3/campaigns?status=draft", headers=OMNISEND).get_json()
    assert body[CAMPAIGN_LIST_KEY] == [{
        "campaignID": DRAFT, "name": "VIP autumn preview", "status": "draft", "type": "standart",
        "fromName": "Demo Outdoor Store", "subject": "Early access for VIPs", "url": "",
        "createdAt": "2024-05-10T08:00:00.000Z", "updatedAt": "2024-05-10T08:00:00.000Z",
        "sent": 0, "opened": 0, "clicked": 0, "bounced": 0, "complained": 0, "unsubscribed": 0,
        "allSubscribers": False, "segments": [{"segmentID": "seg-vip"}]}]


@pytest.mark.parametrize(("sort", "order"), [
    ("sent", ["1", "2", "5", "6", "4", "3"]),
    ("opened", ["1", "2", "5", "6", "4", "3"]),
    ("clicked", ["2", "1", "6", "5", "4", "3"]),
    ("bounced", ["1", "6", "5", "4", "3", "2"]),
    ("complained", ["2", "6", "5", "4", "3", "1"]),
    ("unsubscribed", ["5", "1", "6", "4", "3", "2"]),
])
def test_sort_keys_are_all_descending(client: FlaskClient, sort: str, order: list[str]) -> None:
    assert _ids(client.get(f"/v3/campaigns?sort={sort}", headers=OMNISEND).get_json()) == order
    page = client.get(f"/v3/campaigns?sort={sort}&limit=2", headers=OMNISEND).get_json()
    assert page["paging"]["next"] == f"http://localhost/v3/campaigns?sort={sort}&limit=2&offset=2"


@pytest.mark.parametrize(("query", "expected"), [
    ("status=sent", ["2", "1"]), ("status=inProgress", ["5"]), ("status=paused", ["6"]),
    ("type=abTest", ["6", "2"]), ("type=standart&status=scheduled", ["4"]),
])
def test_filters(client: FlaskClient, query: str, expected: list[str]) -> None:
    assert _ids(client.get(f"/v3/campaigns?{query}", headers=OMNISEND).get_json()) == expected


@pytest.mark.parametrize(("query", "fields"), [
    ("sort=name", ["sort: unsupported value 'name', allowed: sent, opened, clicked, bounced, complained, "
                   "unsubscribed"]),
    ("status=done", ["status: invalid value, allowed values: draft, paused, scheduled, inProgress, sent"]),
    ("type=standard", ["type: invalid value, allowed values: standart, abTest"]),
    ("limit=0", ["limit: must be an integer between 1 and 250"]),
])
def test_list_query_errors(client: FlaskClient, mock: MockContext, query: str, fields: list[str]) -> None:
    before = snapshot(mock)
    response = client.get(f"/v3/campaigns?{query}", headers=OMNISEND)
    assert response.status_code == 400
    assert response.get_json() == {"error": BAD_PARAMS, "fields": fields}
    assert snapshot(mock) == before


def test_get_one_is_campaign_full(client: FlaskClient) -> None:
    response = client.get(f"/v3/campaigns/{CAMPING}", headers=OMNISEND)
    assert response.status_code == 200
    body = response.get_json()
    assert body["type"] == "abTest"
    assert list(body)[-3:] == ["abTestWinner", "abTest", "byDevices"]
    assert body["byDevices"] == {"opened": {"mobile": 2, "desktop": 1, "tablet": 0},
                                 "clicked": {"mobile": 2, "desktop": 1, "tablet": 0}}
    assert check(response, "GET", f"/campaigns/{CAMPING}") == set()


def test_unknown_campaign_is_404_everywhere(client: FlaskClient, mock: MockContext) -> None:
    before = snapshot(mock)
    for method, path in (("GET", "/v3/campaigns/nope"), ("DELETE", "/v3/campaigns/nope"),
                         ("GET", "/v3/campaigns/nope/contacts"), ("GET", f"/v3/campaigns/nope/contacts/{D}0"),
                         ("POST", "/v3/campaigns/nope/actions/start")):
        response = client.open(path, method=method, headers=OMNISEND)
        assert response.status_code == 404, path
        assert response.get_json() == {"error": "Campaign with 'nope' campaignID not found"}
    assert snapshot(mock) == before


@pytest.mark.parametrize("campaign", [SPRING, DRAFT])
def test_delete_sent_or_draft(client: FlaskClient, mock: MockContext, campaign: str) -> None:
    response = client.delete(f"/v3/campaigns/{campaign}", headers=OMNISEND)
    assert response.status_code == 204
    assert response.data == b""
    assert check(response, "DELETE", f"/campaigns/{campaign}") == set()
    assert client.get(f"/v3/campaigns/{campaign}", headers=OMNISEND).status_code == 404
    assert client.get(f"/v3/campaigns/{campaign}/contacts", headers=OMNISEND).status_code == 404
    tenant = mock.tenant("omnisend", BRAND_ID)
    assert tenant is not None
    assert f"campaignContacts:{campaign}" not in tenant.collections


@pytest.mark.parametrize("campaign", [SCHEDULED, RUNNING, PAUSED])
def test_delete_other_states_is_422(client: FlaskClient, mock: MockContext, campaign: str) -> None:
    before = snapshot(mock)
    response = client.delete(f"/v3/campaigns/{campaign}", headers=OMNISEND)
    assert response.status_code == 422
    assert response.get_json() == {"error": C.ERR_CAMPAIGN_DELETE}
    assert snapshot(mock) == before


def test_campaign_contacts_newest_row_first_with_links(client: FlaskClient) -> None:
    url: str | None = f"/v3/campaigns/{SPRING}/contacts?limit=2"
    seen: list[str] = []
    while url:
        response = client.get(url, headers=OMNISEND)
        query = url.split("?", 1)[1]
        path = f"/campaigns/{SPRING}/contacts"
        assert within(check(response, "GET", path, query=query), PAGING_NULL_LINKS)
        body = response.get_json()
        seen += [c["contactID"][-1] for c in body["contacts"]]
        url = body["paging"]["next"]
    assert seen == ["9", "8", "5", "4", "1", "0"]


def test_campaign_contact_row_shape(client: FlaskClient) -> None:
    body = client.get(f"/v3/campaigns/{SPRING}/contacts?limit=1", headers=OMNISEND).get_json()
    assert body["contacts"] == [{"email": "darius.kavaliauskas@example.com", "contactID": D + "9", "sent": True,
                                 "opened": False, "clicked": False, "bounced": False, "complained": False,
                                 "unsubscribed": False}]


@pytest.mark.parametrize(("query", "expected"), [
    ("opened=true", ["5", "4", "1", "0"]), ("opened=false", ["9", "8"]), ("clicked=true", ["4", "0"]),
    ("bounced=true", ["8"]), ("unsubscribed=true", ["5"]), ("complained=true", []),
    ("opened=true&clicked=false", ["5", "1"]),
])
def test_campaign_contacts_boolean_filters(client: FlaskClient, query: str, expected: list[str]) -> None:
    body = client.get(f"/v3/campaigns/{SPRING}/contacts?{query}", headers=OMNISEND).get_json()
    assert [c["contactID"][-1] for c in body["contacts"]] == expected


def test_campaign_contacts_bad_boolean_is_400(client: FlaskClient) -> None:
    response = client.get(f"/v3/campaigns/{SPRING}/contacts?opened=yes", headers=OMNISEND)
    assert response.status_code == 400
    assert response.get_json() == {"error": BAD_PARAMS,
                                   "fields": ["opened: invalid value, allowed values: true, false"]}


def test_one_campaign_contact(client: FlaskClient) -> None:
    response = client.get(f"/v3/campaigns/{CAMPING}/contacts/{D}5", headers=OMNISEND)
    assert response.status_code == 200
    assert response.get_json() == {"email": "tomas.zukauskas@example.com", "contactID": D + "5", "sent": True,
                                   "opened": True, "clicked": True, "bounced": False, "complained": True,
                                   "unsubscribed": False}
    assert check(response, "GET", f"/campaigns/{CAMPING}/contacts/{D}5") == set()
    missing = client.get(f"/v3/campaigns/{CAMPING}/contacts/{D}0", headers=OMNISEND)
    assert missing.status_code == 404
    assert missing.get_json() == {"error": f"Contact with '{D}0' contactID not found in campaign"}
    no_rows = client.get(f"/v3/campaigns/{DRAFT}/contacts/{D}0", headers=OMNISEND)
    assert no_rows.status_code == 404


def test_start_a_draft_sends_to_subscribed_segment_members(client: FlaskClient, mock: MockContext) -> None:
    response = client.post(f"/v3/campaigns/{DRAFT}/actions/start", headers=OMNISEND)
    assert response.status_code == 200
    assert response.get_json() == {"campaignID": DRAFT}
    assert check(response, "POST", f"/campaigns/{DRAFT}/actions/start") == set()
    campaign = client.get(f"/v3/campaigns/{DRAFT}", headers=OMNISEND).get_json()
    assert (campaign["status"], campaign["sent"], campaign["startDate"], campaign["endDate"]) == \
        ("sent", 2, "2026-01-01T00:00:00.000Z", "2026-01-01T00:00:00.000Z")
    rows = client.get(f"/v3/campaigns/{DRAFT}/contacts", headers=OMNISEND).get_json()["contacts"]
    assert [(r["contactID"][-1], r["sent"], r["opened"]) for r in rows] == [("4", True, False), ("0", True, False)]
    assert _outbox(mock)[-1] == {"vendor": "omnisend", "tenant": BRAND_ID, "at": "2026-01-01T00:00:00.000Z",
                                 "kind": "campaign", "campaignID": DRAFT, "recipients": 2,
                                 "triggeredAt": "2026-01-01T00:00:00.000Z"}


def test_start_scheduled_for_all_subscribers(client: FlaskClient) -> None:
    assert client.post(f"/v3/campaigns/{SCHEDULED}/actions/start", headers=OMNISEND).status_code == 200
    campaign = client.get(f"/v3/campaigns/{SCHEDULED}", headers=OMNISEND).get_json()
    assert campaign["sent"] == 6  # the subscribed contacts d0, d1, d4, d5, d8, d9
    assert client.delete(f"/v3/campaigns/{SCHEDULED}", headers=OMNISEND).status_code == 204


@pytest.mark.parametrize("campaign", [SPRING, RUNNING, PAUSED])
def test_start_from_other_states_is_422(client: FlaskClient, mock: MockContext, campaign: str) -> None:
    before = snapshot(mock)
    response = client.post(f"/v3/campaigns/{campaign}/actions/start", headers=OMNISEND)
    assert response.status_code == 422
    assert response.get_json() == {"error": C.ERR_CAMPAIGN_START}
    assert snapshot(mock) == before


def test_read_only_key(client: FlaskClient, mock: MockContext) -> None:
    before = snapshot(mock)
    headers = {"X-API-KEY": OMNISEND_READONLY_KEY}
    assert client.get("/v3/campaigns", headers=headers).status_code == 200
    assert client.get(f"/v3/campaigns/{SPRING}/contacts", headers=headers).status_code == 200
    for method, path in (("DELETE", f"/v3/campaigns/{DRAFT}"), ("POST", f"/v3/campaigns/{DRAFT}/actions/start")):
        response = client.open(path, method=method, headers=headers)
        assert response.status_code == 403
        assert response.get_json() == {"error": C.ERR_FORBIDDEN}
    assert snapshot(mock) == before


def test_v5_lists_the_2026_campaigns_not_the_v3_rows(client: FlaskClient) -> None:
    body = client.get("/v5/campaigns", headers=OMNISEND).get_json()
    assert "6650a1b2c3d4e5f6a7b8c001" not in [c["id"] for c in body["campaigns"]]  # a v3 fixture campaign


class TestAsync:
    @pytest.fixture
    def settings(self, store_url: str) -> Settings:
        return Settings(seed=1234, freeze_clock=True, omnisend_batch_mode="async", start_workers=False, store=store_url)

    def test_start_sends_on_drain(self, client: FlaskClient, mock: MockContext) -> None:
        assert client.post(f"/v3/campaigns/{DRAFT}/actions/start", headers=OMNISEND).status_code == 200
        started = client.get(f"/v3/campaigns/{DRAFT}", headers=OMNISEND).get_json()
        assert (started["status"], started["startDate"]) == ("inProgress", "2026-01-01T00:00:00.000Z")
        assert "endDate" not in started
        # In progress: neither deletable nor startable again.
        assert client.delete(f"/v3/campaigns/{DRAFT}", headers=OMNISEND).status_code == 422
        mock.clock.advance(30)
        assert mock.vendors["omnisend"].drain(mock) == {BRAND_ID: {
            "batches": 0, "items": 0, "campaigns": 1, "automationSteps": 0, "campaignsSent": 0}}
        sent = client.get(f"/v3/campaigns/{DRAFT}", headers=OMNISEND).get_json()
        assert (sent["status"], sent["sent"], sent["endDate"]) == ("sent", 2, "2026-01-01T00:00:30.000Z")


@pytest.mark.parametrize(("record", "reason"), [
    ({"campaignID": "c", "status": "done", "type": "standart"},
     "invalid value, allowed values: draft, paused, scheduled, inProgress, sent"),
    ({"campaignID": "c", "status": "sent", "type": "standart", "sent": "many"}, "must be an integer >= 0"),
    ({"campaignID": "c", "status": "sent", "type": "standart", "segments": [{}]},
     'must be a segmentID or {"segmentID": ...}'),
    ({"campaignID": "c", "status": "sent", "type": "standart", "contacts": [{"contactID": "nobody"}]},
     "unknown or duplicate contact"),
])
def test_bad_campaign_fixtures_are_rejected(mock: MockContext, record: dict[str, Any], reason: str) -> None:
    from mock_server.core.fixtures import FixtureError, document_from_posted
    from mock_server.omnisend.vendor import Omnisend

    tenant = {"brandID": "0123456789abcdef01234567", "apiKeys": [{"key": "k"}]}
    found = document_from_posted({"omnisend": [{"tenant": tenant, "campaigns": [record]}]})
    with pytest.raises(FixtureError) as caught:
        Omnisend().seed_tenant(mock, found["omnisend"][0][1], found["omnisend"][0][0])
    assert caught.value.reason == reason
