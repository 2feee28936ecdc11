"""Ometria tag beacons (tracking.md §4.4, §4.5, §8): recording, identify into the Data API, triggers."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import urlencode

import pytest
from flask.testing import FlaskClient

from mock_server.core.context import MockContext
from mock_server.tracking import constants as C
from tests.conftest import STAGING, snapshot
from tests.tracking.helpers import TAG_HASH, beacon_data, listing, tag_hit


def profiles_by_email(client: FlaskClient, email: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = client.get("/v2/profiles", query_string={"email": email},
                                             headers=STAGING).get_json()
    return found


def test_the_tag_script_by_account_or_hash(client: FlaskClient) -> None:
    for name in ("staging", TAG_HASH):
        answer = client.get(f"/tags/{name}.js")
        assert answer.status_code == 200 and answer.content_type == C.CT_JS
        assert answer.headers["Cache-Control"] == "no-store" and b"trackTransaction" in answer.data
    unknown = client.get("/tags/ffffffffffffffff.js")
    assert unknown.status_code == 404 and unknown.content_type == C.CT_JS
    assert unknown.data == b"/* unknown Ometria account */"


def test_a_beacon_is_a_gif_and_a_hit(client: FlaskClient) -> None:
    answer = tag_hit(client, "pageview", {"type": "product", "pid": "11111"}, url="http://shop/p", site="uk")
    assert answer.status_code == 200 and answer.data == C.PIXEL_GIF and answer.content_type == C.CT_GIF
    [hit] = listing(client)
    assert hit == {"id": "trk-000001", "vendor": "ometria", "tenant": "staging", "source": "tag",
                   "at": "2026-01-01T00:00:00.000Z", "type": "pageview", "status": "recorded",
                   "visitorID": "cid-1", "sessionID": "sid-1", "email": None, "profileID": None,
                   "url": "http://shop/p", "data": {"type": "product", "pid": "11111"},
                   "context": {"channel": "page", "site": "uk"}}


def test_a_long_hit_as_a_post(client: FlaskClient) -> None:
    data = beacon_data({"type": "custom_big", "channel": "custom", "cid": "cid-2", "d": {"blob": "x" * 7000}})
    answer = client.post(f"/track/v3/{TAG_HASH}/event.gif", data=urlencode({"data": data, "rnd": "abcdef"}),
                         content_type="text/plain;charset=UTF-8")
    assert answer.status_code == 204
    assert listing(client, tenant=TAG_HASH)[0]["data"] == {"blob": "x" * 7000}


def test_identify_creates_a_listing_and_profile(client: FlaskClient) -> None:
    tag_hit(client, "pageview", {"type": "homepage"}, cid="cid-9")
    tag_hit(client, "identify", {"uiid": "New.Person@example.com", "profile": {"firstname": "Noa", "lastname": "P"}},
            cid="cid-9")
    [profile] = profiles_by_email(client, "new.person@example.com")
    assert (profile["firstname"], profile["lastname"], profile["marketing_optin"]) == ("Noa", "P", "NOT_SPECIFIED")
    listing_answer = client.get("/v2/contacts/website/new.person@example.com", headers=STAGING).get_json()
    assert listing_answer["email"] == "New.Person@example.com" and listing_answer["@profile_id"] == profile["id"]
    # Both hits of the visitor (the earlier anonymous one too) now say who it is.
    assert [(h["type"], h["email"], h["profileID"]) for h in listing(client)] == [
        ("identify", "New.Person@example.com", profile["id"]), ("pageview", "New.Person@example.com", profile["id"])]


def test_identify_never_changes_an_existing_listing(client: FlaskClient, mock: MockContext) -> None:
    record = client.get("/v2/contacts/default", headers=STAGING, query_string={"limit": "1"}).get_json()[0]
    email = record["email"]
    before = client.get(f"/v2/contacts/{record['@collection']}/{record['id']}", headers=STAGING).get_json()
    tag_hit(client, "identify", {"uiid": email.upper(), "profile": {"firstname": "Other"}})
    after = client.get(f"/v2/contacts/{record['@collection']}/{record['id']}", headers=STAGING).get_json()
    assert after == before
    assert listing(client)[0]["profileID"] == before["@profile_id"]


def test_an_omid_identity(client: FlaskClient) -> None:
    profile_id = profiles_by_email(client, "customer1@staging.example.com")[0]["id"]
    tag_hit(client, "identify", {"uiid": f"omid:{profile_id}"}, cid="cid-omid")
    tag_hit(client, "identify", {"uiid": "omid:no-such-profile"}, cid="cid-unlinked")
    hits = {h["visitorID"]: h for h in listing(client)}
    assert hits["cid-omid"]["profileID"] == profile_id
    assert hits["cid-unlinked"]["profileID"] is None


def test_a_listed_custom_event_reaches_the_outbox(client: FlaskClient) -> None:
    tag_hit(client, "identify", {"uiid": "trigger@example.com"}, cid="cid-t")
    tag_hit(client, "basket_abandoned", {"value": 3}, cid="cid-t", channel="custom")
    tag_hit(client, "not_listed", {}, cid="cid-t", channel="custom")
    entries = client.get("/_mock/outbox", query_string={"kind": "tracking_trigger"}).get_json()["items"]
    assert [(e["vendor"], e["account"], e["event_type"], e["cid"], e["email"]) for e in entries] == [
        ("ometria", "staging", "basket_abandoned", "cid-t", "trigger@example.com")]


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize(("query", "fields"), [
    ({}, ["data: required"]),
    ({"data": "%%%"}, ["data: not base64"]),
    ({"data": _b64("{nope")}, ["data: not JSON"]),
    ({"data": _b64("[1]")}, ["data: not a JSON object"]),
    ({"data": _b64('{"cid": "c"}')}, ["type: must be a non-empty string"]),
    ({"data": _b64('{"type": "pageview", "cid": 5}')}, ["cid: must be a non-empty string"]),
])
def test_a_malformed_beacon_stores_nothing(client: FlaskClient, mock: MockContext, query: dict[str, str],
                                           fields: list[str]) -> None:
    before = snapshot(mock)
    answer = client.get("/track/v3/staging/event.gif", query_string=query)
    assert answer.status_code == 400 and answer.content_type == "application/json"
    assert answer.get_json() == {"error": "malformed tracking hit", "fields": fields}
    assert snapshot(mock) == before and listing(client) == []


def test_an_unknown_account_hash(client: FlaskClient) -> None:
    answer = tag_hit(client, "pageview", account="nope")
    assert answer.status_code == 404 and answer.get_json() == {"error": "unknown Ometria account 'nope'"}
    assert client.delete("/track/v3/staging/event.gif").status_code == 405
