"""Omnisend snippet hits (tracking.md §3.4, §3.5, §8): identify, page views, events through /v5/events."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_server.core.context import MockContext
from mock_server.omnisend import constants as OC
from mock_server.tracking import constants as C
from tests.conftest import BRAND_ID, OMNISEND, snapshot
from tests.tracking.helpers import EVENT, IDENTIFY, PAGE_VIEW, identify, listing, snippet_event

SEEDED_EMAIL = "anna.petraite@example.com"  # a contact of the demo brand's fixtures


def contacts_by_email(client: FlaskClient, email: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = client.get("/v3/contacts", query_string={"email": email},
                                             headers=OMNISEND).get_json()["contacts"]
    return found


def event_log(client: FlaskClient) -> list[dict[str, Any]]:
    items = client.get(f"/_mock/state/omnisend/{BRAND_ID}/eventLog", query_string={"limit": "500"}).get_json()
    return [item["record"] for item in items["items"]]


def test_identify_creates_a_contact(client: FlaskClient) -> None:
    answer = identify(client, email=" New.Shopper@example.com ", firstName="Nia", visitorID="visitor-1",
                      sessionID="session-1", shopType="custom")
    assert answer.status_code == 200
    contact_id = answer.get_json()["data"]["contactID"]
    assert answer.get_json() == {"data": {"contactID": contact_id}}
    [contact] = contacts_by_email(client, "New.Shopper@example.com")
    assert (contact["contactID"], contact["firstName"], contact["status"], contact["tags"]) == (
        contact_id, "Nia", "nonSubscribed", [C.SNIPPET_TAG])
    assert client.get(f"/v5/contacts/{contact_id}", headers=OMNISEND).status_code == 200
    outbox = client.get("/_mock/outbox", query_string={"kind": "workflow"}).get_json()["items"]
    assert outbox == []  # no subscription happened: no welcome
    [hit] = listing(client)
    assert (hit["type"], hit["status"], hit["contactID"], hit["email"], hit["visitorID"]) == (
        "identifyContact", "recorded", contact_id, "New.Shopper@example.com", "visitor-1")


def test_identify_matches_an_email_in_any_case_and_sets_only_the_names(client: FlaskClient) -> None:
    [before] = contacts_by_email(client, SEEDED_EMAIL)
    answer = identify(client, email=SEEDED_EMAIL.upper(), lastName="Changed")
    assert answer.get_json() == {"data": {"contactID": before["contactID"]}}
    [after] = contacts_by_email(client, SEEDED_EMAIL)
    assert after["lastName"] == "Changed"
    assert {k: v for k, v in after.items() if k != "lastName"} == {k: v for k, v in before.items() if k != "lastName"}


def test_identify_by_an_international_phone(client: FlaskClient) -> None:
    answer = identify(client, phone="0037060000002")
    assert answer.status_code == 200
    contact = client.get(f"/v3/contacts/{answer.get_json()['data']['contactID']}", headers=OMNISEND).get_json()
    assert contact["phone"] == ["0037060000002"] and contact["email"] == ""


@pytest.mark.parametrize("args", [{}, {"email": "not-an-email"}, {"phone": "860000000"},
                                  {"email": "a b@example.com", "phone": "12345"}])
def test_identify_needs_an_email_or_an_international_phone(client: FlaskClient, mock: MockContext,
                                                          args: dict[str, str]) -> None:
    before = snapshot(mock)
    answer = identify(client, **args)
    assert answer.status_code == 400
    assert answer.get_json() == {"error": "email or phone required", "fields": [
        "email: missing or not an email address", "phone: missing or not international (+ or 00)"]}
    assert snapshot(mock) == before


def test_an_unknown_or_missing_brand(client: FlaskClient) -> None:
    unknown = client.get(IDENTIFY, query_string={"brandID": "000000000000000000000000", "email": "a@b.co"})
    assert unknown.status_code == 404
    assert unknown.get_json() == {"error": "unknown brandID '000000000000000000000000'"}
    missing = client.get(IDENTIFY, query_string={"email": "a@b.co"})
    assert missing.status_code == 400
    assert missing.get_json() == {"error": "malformed tracking hit", "fields": ["brandID: required"]}
    event = client.post(EVENT, data=json.dumps({"brandID": "x", "eventName": "e"}), content_type="text/plain")
    assert event.status_code == 404 and event.get_json() == {"error": "unknown brandID 'x'"}
    assert listing(client) == []


def test_a_page_view_is_a_gif_and_a_hit(client: FlaskClient) -> None:
    answer = client.get(PAGE_VIEW, query_string={"type": "pageview", "brandID": BRAND_ID, "visitorID": "v-1",
                                                 "sessionID": "s-1", "url": "http://shop/p", "title": "P",
                                                 "utmSource": "news"})
    assert answer.status_code == 200 and answer.content_type == C.CT_GIF
    assert answer.data == C.PIXEL_GIF and len(answer.data) == 43
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    [hit] = listing(client)
    assert (hit["type"], hit["url"], hit["data"]) == ("$pageViewed", "http://shop/p",
                                                      {"type": "pageview", "title": "P", "utmSource": "news"})
    assert not any(e["eventName"] == "$pageViewed" for e in event_log(client))


@pytest.mark.parametrize(("args", "fields"), [
    ({"visitorID": "v-1"}, ["brandID: required"]),
    ({"brandID": BRAND_ID}, ["visitorID: required"]),
    ({}, ["brandID: required", "visitorID: required"]),
])
def test_a_page_view_without_brand_or_visitor(client: FlaskClient, args: dict[str, str], fields: list[str]) -> None:
    answer = client.get(PAGE_VIEW, query_string=args)
    assert answer.status_code == 400 and answer.content_type == "application/json"
    assert answer.get_json() == {"error": "malformed tracking hit", "fields": fields}
    assert listing(client) == []


def test_an_unknown_visitors_event_is_anonymous(client: FlaskClient) -> None:
    before = len(event_log(client))
    answer = snippet_event(client, "viewed product", properties={"product": {"id": "p-1"}})
    assert answer.status_code == 204 and answer.data == b""
    assert listing(client)[0]["status"] == "anonymous"
    assert len(event_log(client)) == before


def test_an_identified_visitors_event_goes_through_v5_events(client: FlaskClient) -> None:
    contact_id = identify(client, email="buyer@example.com", visitorID="visitor-1").get_json()["data"]["contactID"]
    answer = snippet_event(client, "paid for order", eventVersion="v2", eventID="5b0b6f5e-8d0c-4c1f-9f43-0f2b5d2a9e11",
                           eventTime="2026-01-01T00:00:00Z", properties={"orderID": "o-77", "totalPrice": 10},
                           page={"url": "http://shop/thanks"})
    assert answer.status_code == 204
    hit = listing(client)[0]
    assert (hit["status"], hit["contactID"], hit["eventID"], hit["url"]) == (
        "stored", contact_id, "5b0b6f5e-8d0c-4c1f-9f43-0f2b5d2a9e11", "http://shop/thanks")
    [logged] = [e for e in event_log(client) if e["eventID"] == hit["eventID"]]
    assert (logged["contactID"], logged["source"], logged["properties"]) == (
        contact_id, "v5", {"orderID": "o-77", "totalPrice": 10})
    workflows = client.get("/_mock/outbox", query_string={"kind": "workflow"}).get_json()["items"]
    assert [(w["orderID"], w["email"]) for w in workflows] == [("o-77", "buyer@example.com")]


@pytest.mark.parametrize("contact", [{"email": SEEDED_EMAIL}, {"email": SEEDED_EMAIL.upper()}])
def test_the_payload_contact_identifies(client: FlaskClient, contact: dict[str, str]) -> None:
    snippet_event(client, "added product to cart", contact=contact, properties={"cartID": "c-1"})
    hit = listing(client)[0]
    assert hit["status"] == "stored"
    assert hit["contactID"] == contacts_by_email(client, SEEDED_EMAIL)[0]["contactID"]


def test_a_repeated_historical_event_is_deduplicated(client: FlaskClient) -> None:
    identify(client, email="dup@example.com", visitorID="visitor-1")
    fields = {"eventID": "5b0b6f5e-8d0c-4c1f-9f43-0f2b5d2a9e12", "eventTime": "2025-12-01T00:00:00Z"}
    snippet_event(client, "custom thing", **fields)
    snippet_event(client, "custom thing", **fields)
    assert [h["status"] for h in listing(client, type="custom thing")] == ["stored", "stored"]
    assert len([e for e in event_log(client) if e["eventID"] == fields["eventID"]]) == 1


def test_an_event_v5_refuses_is_rejected_for_a_beacon_and_answered_for_a_server(client: FlaskClient,
                                                                                mock: MockContext) -> None:
    identify(client, email="rejected@example.com", visitorID="visitor-1")
    count = len(event_log(client))
    beacon = snippet_event(client, "custom thing", eventID="nope")
    assert beacon.status_code == 204
    hit = listing(client)[0]
    assert (hit["status"], hit["fields"]) == ("rejected", ["eventID: invalid format, expected UUID"])
    before = snapshot(mock)
    direct = snippet_event(client, "custom thing", eventID="nope", json_body=True)
    assert direct.status_code == 400
    assert direct.get_json() == {"error": OC.ERR_VALIDATION.format(count=1),  # the /v5/events answer
                                 "fields": ["eventID: invalid format, expected UUID"]}
    assert snapshot(mock) == before and len(event_log(client)) == count


def test_the_legacy_product_viewed_is_recorded_only(client: FlaskClient) -> None:
    identify(client, email="legacy@example.com", visitorID="visitor-1")
    count = len(event_log(client))
    snippet_event(client, "$productViewed", properties={"$productID": "p-1"})
    assert listing(client)[0]["status"] == "recorded" and len(event_log(client)) == count


@pytest.mark.parametrize(("raw", "fields"), [
    (b"{nope", ["body: not valid JSON"]),
    (b"[]", ["body: must be a JSON object"]),
    (json.dumps({"brandID": BRAND_ID}).encode(), ["eventName: must be a non-empty string"]),
    (json.dumps({"brandID": BRAND_ID, "eventName": "x", "properties": []}).encode(), ["properties: must be an object"]),
    (json.dumps({"eventName": ""}).encode(), ["brandID: required", "eventName: must be a non-empty string"]),
])
def test_a_malformed_event_stores_nothing(client: FlaskClient, mock: MockContext, raw: bytes,
                                          fields: list[str]) -> None:
    before = snapshot(mock)
    answer = client.post(EVENT, data=raw, content_type="text/plain")
    assert answer.status_code == 400 and answer.content_type == "application/json"
    assert answer.get_json() == {"error": "malformed tracking hit", "fields": fields}
    assert snapshot(mock) == before and listing(client) == []


def test_wrong_methods_and_the_launcher(client: FlaskClient) -> None:
    wrong = client.get(EVENT)
    assert wrong.status_code == 405 and wrong.get_json() == {"error": "method not allowed"}
    assert wrong.headers["Allow"] == "POST"
    script = client.get(C.LAUNCHER_PATH)
    assert script.status_code == 200 and script.content_type == C.CT_JS
    assert script.headers["Cache-Control"] == "no-store" and b"identifyContact" in script.data
    assert client.get("/inshop/other.js").get_json() == {"error": "not found"}
