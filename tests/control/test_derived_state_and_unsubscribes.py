"""Derived state views (segments, profiles, event log) and simulated Ometria unsubscribes."""

from __future__ import annotations

from flask.testing import FlaskClient

from mock_server.core.context import MockContext
from tests.conftest import BRAND_ID, STAGING, snapshot


def test_omnisend_segments_are_listed_with_member_counts(client: FlaskClient) -> None:
    listing = client.get(f"/_mock/state/omnisend/{BRAND_ID}").get_json()["resources"]
    assert {"name": "segments", "kind": "derived", "count": 3} in listing
    body = client.get(f"/_mock/state/omnisend/{BRAND_ID}/segments?limit=2").get_json()
    assert (body["kind"], body["total"], len(body["items"])) == ("derived", 3, 2)
    assert set(body["items"][0]) == {"segmentID", "name", "description", "memberCount", "creationDate"}


def test_ometria_profiles_and_event_log_views(client: FlaskClient) -> None:
    profiles = client.get("/_mock/state/ometria/staging/rendered_profiles?limit=100").get_json()
    assert profiles["kind"] == "derived" and profiles["total"] >= 8
    assert all(p["@type"] == "profile" for p in profiles["items"])
    events = client.get("/_mock/state/ometria/staging/event_log").get_json()
    assert events["kind"] == "derived" and events["total"] >= 1


def test_simulated_unsubscribe_is_listed_and_opts_the_profile_out(client: FlaskClient) -> None:
    email = "customer1@staging.example.com"
    response = client.post("/_mock/ometria/staging/unsubscribes", json={"type": "preferences_centre",
                                                                        "email": email})
    assert response.status_code == 201
    entry = response.get_json()
    assert (entry["email_address"], entry["type"], entry["reason"]) == (email, "preferences_centre", None)
    assert client.post("/_mock/clock", json={"action": "advance", "seconds": 1}).status_code == 200
    listed = client.get("/v2/unsubscribes?limit=250", headers=STAGING).get_json()
    assert any(u["email_address"] == email and u["type"] == "preferences_centre" for u in listed)
    profile = client.get(f"/v2/profiles?email={email}", headers=STAGING).get_json()[0]
    assert profile["marketing_optin"] == "EXPLICITLY_OPTEDOUT"


def test_simulated_unsubscribe_errors_change_nothing(client: FlaskClient, mock: MockContext) -> None:
    before = snapshot(mock)
    cases = [({"type": "nope", "email": "x@y.z"}, 400), ({"type": "app"}, 400), ([1], 400),
             ({"type": "app", "email": 5}, 400), ({"type": "app", "email": "nobody@x.com"}, 404)]
    for body, status in cases:
        response = client.post("/_mock/ometria/staging/unsubscribes", json=body)
        assert response.status_code == status, body
        assert "error" in response.get_json()
    assert client.post("/_mock/ometria/nope/unsubscribes", json={"type": "app", "email": "a@b.c"}).status_code == 404
    assert snapshot(mock) == before
