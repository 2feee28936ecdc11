"""Unsubscribes (ometria.md §3.7, §6.6, §7.4)."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_server.core.context import MockContext, Settings
from mock_server.core.errors import NotFound, ValidationFailed
from mock_server.ometria.backend.unsubscribes import simulate_unsubscribe
from tests.conftest import LIVE, STAGING, snapshot
from tests.ometria.profile_helpers import account, profile_by_email, push


@pytest.fixture
def settings(store_url: str) -> Settings:
    """Rate limits off for the functional tests (the limit test switches them back on)."""
    return Settings(seed=1234, freeze_clock=True, rate_limits=False, store=store_url)


def error(message: str) -> dict[str, str]:
    return {"status": "ERROR", "message": message}


def get(client: FlaskClient, headers: dict[str, str] = STAGING, **query: Any) -> list[dict[str, Any]]:
    response = client.get("/v2/unsubscribes", headers=headers, query_string=query)
    assert response.status_code == 200, response.get_json()
    body: list[dict[str, Any]] = response.get_json()
    return body


def test_fixture_entries(client: FlaskClient) -> None:
    body = get(client)
    c6 = profile_by_email(client, STAGING, "customer6@staging.example.com")
    assert body[0] == {"email_address": "customer6@staging.example.com", "profile_id": c6["id"], "reason": None,
                       "timestamp": "2025-04-02T09:15:00Z", "type": "link_unsubscribe"}
    assert [(e["email_address"], e["type"]) for e in body] == [
        ("customer6@staging.example.com", "link_unsubscribe"),
        ("customer8@staging.example.com", "preferences_centre"),
        ("customer4@staging.example.com", "stopword_unsubscribe_TF")]
    assert list(body[1]) == ["email_address", "profile_id", "reason", "timestamp", "type"]
    # A seeded unsubscribe leaves the profile opted out.
    assert c6["marketing_optin"] == "EXPLICITLY_OPTEDOUT"


def test_accounts_have_their_own_entries(client: FlaskClient) -> None:
    assert [e["email_address"] for e in get(client, LIVE)] == ["customer6@example.org", "customer4@example.org"]


@pytest.mark.parametrize(("query", "emails"), [
    ({"since": "2025-05-10T14:00:00"}, ["customer8", "customer4"]),  # inclusive
    ({"since": "2025-05-10T14:00:01"}, ["customer4"]),
    ({"before": "2025-05-10T14:00:00"}, ["customer6"]),  # exclusive
    ({"since": "2025-04-02T09:15:00Z", "before": "2025-06-01T08:00:00+00:00"}, ["customer6", "customer8"]),
    ({"type": "preferences_centre"}, ["customer8"]),
    ({"type": "app"}, []),
    ({"limit": 1, "offset": 1}, ["customer8"]),
    ({"limit": 2, "offset": 2}, ["customer4"]),
])
def test_filters_and_paging(client: FlaskClient, query: dict[str, Any], emails: list[str]) -> None:
    assert [e["email_address"].split("@")[0] for e in get(client, **query)] == emails


@pytest.mark.parametrize(("query", "name"), [
    ("since=2025-05-10", "since"), ("since=yesterday", "since"), ("before=2025-13-01T00:00:00", "before"),
    ("type=unsubscribe", "type"), ("limit=251", "limit"), ("limit=0", "limit"), ("offset=x", "offset"),
    ("orderby=email", "orderby"),
])
def test_bad_query_values(client: FlaskClient, mock: MockContext, query: str, name: str) -> None:
    before = snapshot(mock)
    response = client.get(f"/v2/unsubscribes?{query}", headers=STAGING)
    assert response.status_code == 400
    assert response.get_json() == error(f"Invalid value for parameter '{name}'")
    assert snapshot(mock) == before


def test_simulated_unsubscribe_adds_an_entry_and_opts_out_every_listing(client: FlaskClient,
                                                                        mock: MockContext) -> None:
    push(client, STAGING, {"@collection": "shop", "id": "s1", "email": "customer1@staging.example.com",
                           "marketing_optin": "EXPLICITLY_OPTEDIN", "@force_optin": True})
    profile = profile_by_email(client, STAGING, "customer1@staging.example.com")
    assert profile["marketing_optin"] == "EXPLICITLY_OPTEDIN"
    mock.clock.advance(30)
    acc = account(mock)
    with acc.tenant.lock:
        entry = simulate_unsubscribe(acc, kind="list_unsubscribe", email="Customer1@staging.example.com",
                                     reason="clicked")
    assert entry == {"email_address": "Customer1@staging.example.com", "profile_id": profile["id"],
                     "reason": "clicked", "timestamp": "2026-01-01T00:00:30.000Z", "type": "list_unsubscribe"}
    assert get(client)[-1] == entry
    for path in ("/v2/contacts/shop/s1", "/v2/contacts/newsletter/staging-c1"):
        assert client.get(path, headers=STAGING).get_json()["marketing_optin"] == "EXPLICITLY_OPTEDOUT"
    assert profile_by_email(client, STAGING, "customer1@staging.example.com")["marketing_optin"] == \
        "EXPLICITLY_OPTEDOUT"
    assert get(client, LIVE)[-1]["email_address"] == "customer4@example.org"  # live untouched


def test_simulated_unsubscribe_by_profile_id(client: FlaskClient, mock: MockContext) -> None:
    profile = profile_by_email(client, STAGING, "customer2@staging.example.com")
    acc = account(mock)
    with acc.tenant.lock:
        entry = simulate_unsubscribe(acc, kind="stopword_unsubscribe_DO", profile_id=profile["id"])
    assert (entry["email_address"], entry["profile_id"]) == ("customer2@staging.example.com", profile["id"])


@pytest.mark.parametrize(("kwargs", "exc"), [
    ({"kind": "nope", "email": "customer2@staging.example.com"}, ValidationFailed),
    ({"kind": "app", "email": "nobody@example.com"}, NotFound),
    ({"kind": "app", "profile_id": "0000-000000-000000"}, NotFound),
    ({"kind": "app"}, ValidationFailed),
])
def test_simulated_unsubscribe_refusals(mock: MockContext, kwargs: dict[str, Any], exc: type[Exception]) -> None:
    before = snapshot(mock)
    with pytest.raises(exc):
        simulate_unsubscribe(account(mock), **kwargs)
    assert snapshot(mock) == before


def test_api_opt_out_adds_no_entry(client: FlaskClient) -> None:
    push(client, STAGING, {"@collection": "default", "id": "staging-c2", "marketing_optin": "EXPLICITLY_OPTEDOUT"})
    assert len(get(client)) == 3
    assert profile_by_email(client, STAGING, "customer2@staging.example.com")["marketing_optin"] == \
        "EXPLICITLY_OPTEDOUT"


def test_data_rate_group_limit(client: FlaskClient, mock: MockContext) -> None:
    mock.limiter.enabled = True
    for _ in range(4):
        assert client.get("/v2/unsubscribes", headers=STAGING).status_code == 200
    response = client.get("/v2/unsubscribes", headers=STAGING)
    assert (response.status_code, response.get_json()) == (429, error("Too many requests"))
    mock.clock.advance(1)
    assert client.get("/v2/unsubscribes", headers=STAGING).status_code == 200
