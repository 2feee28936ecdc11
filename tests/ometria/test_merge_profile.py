"""Merge profiles (ometria.md §3.8, §6.10)."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_server.core.context import MockContext, Settings
from tests.conftest import LIVE, STAGING, snapshot
from tests.ometria.profile_helpers import profile_by_email, push, push_order

URL = "/v2/merge-profile"


@pytest.fixture
def settings(store_url: str) -> Settings:
    """Rate limits off for the functional tests (the limit test switches them back on)."""
    return Settings(seed=1234, freeze_clock=True, rate_limits=False, store=store_url)


def error(message: str) -> dict[str, str]:
    return {"status": "ERROR", "message": message}


def ident(kind: str, value: str) -> dict[str, str]:
    return {"type": kind, "value": value}


def merge(client: FlaskClient, body: Any, headers: dict[str, str] = STAGING) -> Any:
    return client.post(URL, headers=headers, json=body)


def test_current_form_merges_fills_and_deletes(client: FlaskClient) -> None:
    survivor = profile_by_email(client, STAGING, "customer1@staging.example.com")
    merged = profile_by_email(client, STAGING, "customer2@staging.example.com")
    push(client, STAGING, {"@collection": "default", "id": "staging-c2", "gender": "m",
                           "phone_number": "+447700900001"})
    push_order(client, "o1", customer={"id": "staging-cust-2"}, grand_total=12.5, timestamp="2025-01-01T00:00:00Z")
    response = merge(client, {"survivor": ident("profile_hash", survivor["id"]),
                              "customers_to_merge": [ident("customer_id", "staging-cust-2")]})
    assert response.status_code == 200
    body = response.get_json()
    assert list(body) == ["status", "request_id"] and body["status"] == "OK"
    # Effect before the 200: merged listings deleted, the survivor's listing filled where empty.
    gone = client.get("/v2/contacts/default/staging-c2", headers=STAGING)
    assert gone.status_code == 404
    kept = client.get("/v2/contacts/newsletter/staging-c1", headers=STAGING).get_json()
    assert (kept["firstname"], kept["gender"], kept["phone_number"]) == ("Anna", "m", "+447700900001")
    assert kept["@profile_id"] == survivor["id"]
    via_alias = client.get(f"/v2/profiles/{merged['id']}", headers=STAGING).get_json()
    assert via_alias["id"] == survivor["id"]
    assert via_alias["stats"]["orders"] == 1 and via_alias["stats"]["revenue"] == 12.5
    assert len(client.get("/v2/profiles?limit=250", headers=STAGING).get_json()) == 7


@pytest.mark.parametrize("kind", ["customer_id", "email_address", "phone_number", "profile_hash"])
def test_every_identifier_type_resolves(client: FlaskClient, kind: str) -> None:
    push(client, STAGING, {"@collection": "default", "id": "staging-c3", "phone_number": "+447700900003"})
    target = profile_by_email(client, STAGING, "customer3@staging.example.com")
    value = {"customer_id": "staging-cust-3", "email_address": "CUSTOMER3@staging.example.com",
             "phone_number": "+447700900003", "profile_hash": target["id"]}[kind]
    response = merge(client, {"survivor": ident("email_address", "customer1@staging.example.com"),
                              "customers_to_merge": [ident(kind, value)]})
    assert response.status_code == 200
    assert client.get(f"/v2/profiles/{target['id']}", headers=STAGING).get_json()["customer_id"] == "staging-cust-1"


def test_identifier_of_the_survivor_is_ignored(client: FlaskClient, mock: MockContext) -> None:
    response = merge(client, {"survivor": ident("customer_id", "staging-cust-1"),
                              "customers_to_merge": [ident("email_address", "customer1@staging.example.com")]})
    assert response.status_code == 200
    assert client.get("/v2/contacts/newsletter/staging-c1", headers=STAGING).status_code == 200


def test_legacy_form(client: FlaskClient) -> None:
    survivor = profile_by_email(client, STAGING, "customer5@staging.example.com")
    response = merge(client, {"email": "customer4@staging.example.com", "profile_id": survivor["id"]})
    assert response.status_code == 200
    assert client.get("/v2/contacts/newsletter/staging-c4", headers=STAGING).status_code == 404
    assert profile_by_email(client, STAGING, "customer5@staging.example.com")["id"] == survivor["id"]


def test_survivor_without_listings_takes_the_merged_listings(client: FlaskClient) -> None:
    push_order(client, "o1", customer={"id": "guest-1", "email": "guest@example.com"}, grand_total=1,
               timestamp="2025-01-01T00:00:00Z")
    guest = profile_by_email(client, STAGING, "guest@example.com")
    response = merge(client, {"survivor": ident("customer_id", "guest-1"),
                              "customers_to_merge": [ident("customer_id", "staging-cust-6")]})
    assert response.status_code == 200
    contact = client.get("/v2/contacts/default/staging-c6", headers=STAGING).get_json()
    assert contact["@profile_id"] == guest["id"]


@pytest.mark.parametrize(("body", "message"), [
    ([], "Payload invalid: body must be a JSON object"),
    ({}, "Payload invalid: root > customers_to_merge: field is required; root > survivor: field is required"),
    ({"survivor": ident("customer_id", "staging-cust-1"), "customers_to_merge": []},
     "Payload invalid: root > customers_to_merge: not a valid value"),
    ({"survivor": ident("customer_id", "staging-cust-1"),
      "customers_to_merge": [ident("customer_id", f"staging-cust-{i}") for i in range(2, 8)]},
     "Payload invalid: root > customers_to_merge: not a valid value"),
    ({"survivor": {"type": "shoe_size", "value": "9"}, "customers_to_merge": [{"type": "customer_id"}]},
     "Payload invalid: root > customers_to_merge > 0 > value: field is required; "
     "root > survivor > type: not a valid value"),
    ({"email": "bad"}, "Payload invalid: root > email: not a valid value"),
])
def test_refused_with_400(client: FlaskClient, mock: MockContext, body: Any, message: str) -> None:
    before = snapshot(mock)
    response = merge(client, body)
    assert (response.status_code, response.get_json()) == (400, error(message))
    assert snapshot(mock) == before


def test_five_identifiers_are_accepted(client: FlaskClient) -> None:
    response = merge(client, {"survivor": ident("customer_id", "staging-cust-1"),
                              "customers_to_merge": [ident("customer_id", f"staging-cust-{i}") for i in range(2, 7)]})
    assert response.status_code == 200
    assert len(client.get("/v2/profiles?limit=250", headers=STAGING).get_json()) == 3


@pytest.mark.parametrize(("body", "message"), [
    ({"survivor": ident("customer_id", "nope"), "customers_to_merge": [ident("customer_id", "staging-cust-2")]},
     "Profile not found for customer_id nope"),
    ({"survivor": ident("customer_id", "staging-cust-1"),
      "customers_to_merge": [ident("customer_id", "staging-cust-2"), ident("email_address", "x@example.com")]},
     "Profile not found for email_address x@example.com"),
    ({"survivor": ident("profile_hash", "0000-000000-000000"), "customers_to_merge": [ident("phone_number", "+1")]},
     "Profile not found for profile_hash 0000-000000-000000"),
    ({"survivor": ident("customer_id", "staging-cust-1"), "customers_to_merge": [ident("phone_number", "+44")]},
     "Profile not found for phone_number +44"),
    ({"email": "nobody@example.com"}, "Profile not found for email nobody@example.com"),
    ({"email": "customer2@staging.example.com", "profile_id": "0000-000000-000000"},
     "Profile not found for profile_id 0000-000000-000000"),
])
def test_unresolved_identifier_is_404(client: FlaskClient, mock: MockContext, body: Any, message: str) -> None:
    before = snapshot(mock)
    response = merge(client, body)
    assert (response.status_code, response.get_json()) == (404, error(message))
    assert snapshot(mock) == before


def test_accounts_are_isolated(client: FlaskClient, mock: MockContext) -> None:
    before = snapshot(mock)
    response = merge(client, {"survivor": ident("customer_id", "staging-cust-1"),
                              "customers_to_merge": [ident("customer_id", "staging-cust-2")]}, LIVE)
    assert (response.status_code, response.get_json()) == \
        (404, error("Profile not found for customer_id staging-cust-1"))
    assert snapshot(mock) == before


@pytest.mark.parametrize(("extra", "status"), [(49 - 2, 200), (50 - 2, 200), (51 - 2, 400)])
def test_at_most_50_listings(client: FlaskClient, mock: MockContext, extra: int, status: int) -> None:
    # customer 2 has 1 listing; add `extra` listings to it; customer 1 (the survivor) has 1.
    for i in range(extra):
        push(client, STAGING, {"@collection": f"c{i}", "id": f"l{i}", "customer_id": "staging-cust-2"})
    before = snapshot(mock)
    response = merge(client, {"survivor": ident("customer_id", "staging-cust-1"),
                              "customers_to_merge": [ident("customer_id", "staging-cust-2")]})
    assert response.status_code == status
    if status == 400:
        assert response.get_json() == error("Payload invalid: more than 50 listings to merge")
        assert snapshot(mock) == before


def test_merge_rate_group_is_1_per_minute(client: FlaskClient, mock: MockContext) -> None:
    mock.limiter.enabled = True
    body = {"survivor": ident("customer_id", "staging-cust-1"),
            "customers_to_merge": [ident("customer_id", "staging-cust-1")]}
    assert merge(client, body).status_code == 200
    before = snapshot(mock)
    response = merge(client, body)
    assert response.status_code == 429
    assert response.get_json() == error("Too many requests")
    assert response.headers["Retry-After"] == "60"
    assert snapshot(mock) == before
    assert merge(client, {"survivor": ident("customer_id", "live-cust-1"),
                          "customers_to_merge": [ident("customer_id", "live-cust-1")]}, LIVE).status_code == 200
    mock.clock.advance(60)
    assert merge(client, body).status_code == 200
