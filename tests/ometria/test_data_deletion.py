"""Data deletion / GDPR anonymisation (ometria.md §3.8, §6.9, §7.6)."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mock_server.app import create_app
from mock_server.core.context import MockContext, Settings
from tests.conftest import LIVE, STAGING, snapshot
from tests.ometria.helpers import outbox as outbox_of
from tests.ometria.profile_helpers import account, profile_by_email, push, push_event, push_order

URL = "/v2/data-deletion-requests"
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
KEYS = ["action", "comment", "id", "identities", "source", "summary", "timestamp_completed", "timestamp_created"]


@pytest.fixture
def settings(store_url: str) -> Settings:
    """Rate limits off for the functional tests (the limit test switches them back on)."""
    return Settings(seed=1234, freeze_clock=True, rate_limits=False, store=store_url)


def error(message: str) -> dict[str, str]:
    return {"status": "ERROR", "message": message}


def hashed(email: str) -> str:
    return hashlib.md5(email.lower().encode()).hexdigest() + "@anonymous.ometria"


def outbox(mock: MockContext, kind: str = "data_deletion") -> list[dict[str, Any]]:
    return outbox_of(mock, "staging", kind)


def test_create_answers_202_with_the_pending_request(client: FlaskClient) -> None:
    response = client.post(URL, headers=STAGING, json={"email": "Customer1@staging.example.com", "comment": "GDPR"})
    assert response.status_code == 202
    body = response.get_json()
    assert list(body) == KEYS
    assert UUID.match(body["id"]) and UUID.match(body["source"]["api_request_id"])
    assert body == {"action": "anonymise", "comment": "GDPR", "id": body["id"],
                    "identities": [{"hashed_email": hashed("customer1@staging.example.com")}],
                    "source": {"api_request_id": body["source"]["api_request_id"], "origin": "api", "user": None},
                    "summary": None, "timestamp_completed": None, "timestamp_created": "2026-01-01T00:00:00.000Z"}
    assert len(body["identities"][0]["hashed_email"]) == 32 + len("@anonymous.ometria")


def test_processing_anonymises_listings_orders_and_events(client: FlaskClient, mock: MockContext) -> None:
    push(client, STAGING, {"@collection": "shop", "id": "s1", "customer_id": "staging-cust-1",
                           "phone_number": "+447700900123", "prefix": "Ms", "date_of_birth": "1990-01-01",
                           "middlename": "B", "properties": {"k": 1}})
    push_order(client, "o1", customer={"id": "staging-cust-1", "email": "customer1@staging.example.com",
                                       "firstname": "Anna", "lastname": "Petraite"},
               shipping_address={"city": "London"}, billing_address={"city": "London"}, grand_total=3,
               timestamp="2025-06-01T10:00:00Z")
    push_event(client, "e1", event_type="viewed", identity_email="CUSTOMER1@staging.example.com")
    push_event(client, "e2", event_type="viewed", identity_email="someone@else.com")
    mock.clock.advance(5)
    created = client.post(URL, headers=STAGING, json={"email": "customer1@staging.example.com"}).get_json()
    assert created["comment"] is None
    done = client.get(f"{URL}/{created['id']}", headers=STAGING).get_json()
    assert done == {**created, "summary": "2 contact records anonymised, 1 events anonymised",
                    "timestamp_completed": "2026-01-01T00:00:05.000Z"}
    anon = hashed("customer1@staging.example.com")
    shop = client.get("/v2/contacts/shop/s1", headers=STAGING).get_json()
    assert {k: v for k, v in shop.items() if k != "@profile_id"} == {
        "@type": "contact", "id": "s1", "@collection": "shop", "customer_id": "staging-cust-1",
        "properties": {"k": 1}, "email": anon}
    c1 = client.get("/v2/contacts/newsletter/staging-c1", headers=STAGING).get_json()
    assert c1["email"] == anon and "firstname" not in c1 and "lastname" not in c1
    tenant = account(mock).tenant
    order = tenant.collections["orders"].get("o1")
    assert order is not None
    assert order["customer"] == {"id": "staging-cust-1", "email": anon}
    assert "shipping_address" not in order and "billing_address" not in order
    events = tenant.collections["custom_events"]
    assert [events.get(k)["identity_email"] for k in ("e1", "e2")] == [anon, "someone@else.com"]  # type: ignore[index]
    assert outbox(mock)[-1] == {"vendor": "ometria", "tenant": "staging", "at": "2026-01-01T00:00:05.000Z",
                                "kind": "data_deletion", "account": "staging", "id": created["id"],
                                "summary": "2 contact records anonymised, 1 events anonymised"}
    profile = profile_by_email(client, STAGING, anon)
    assert (profile["name"], profile["identities"]) == (None, [{"id": anon, "type": "email"}])
    missing = client.get("/v2/profiles?email=customer1@staging.example.com", headers=STAGING)
    assert missing.status_code == 404


def test_unknown_email_completes_with_zero_counts(client: FlaskClient, mock: MockContext) -> None:
    created = client.post(URL, headers=STAGING, json={"email": "nobody@example.com"}).get_json()
    done = client.get(f"{URL}/{created['id']}", headers=STAGING).get_json()
    assert done["summary"] == "0 contact records anonymised, 0 events anonymised"
    assert done["timestamp_completed"] == "2026-01-01T00:00:00.000Z"


def test_list_with_fixture_entry_and_paging(client: FlaskClient) -> None:
    seeded = client.get(URL, headers=STAGING).get_json()
    assert len(seeded) == 1
    assert seeded[0]["source"] == {"api_request_id": None, "origin": "app",
                                   "user": {"email": "support@staging.example.com", "name": "Support Agent"}}
    ids = [client.post(URL, headers=STAGING, json={"email": f"x{i}@example.com"}).get_json()["id"]
           for i in range(3)]
    assert [r["id"] for r in client.get(f"{URL}?limit=2&offset=1", headers=STAGING).get_json()] == ids[:2]
    assert [r["id"] for r in client.get(f"{URL}?limit=2&offset=3", headers=STAGING).get_json()] == ids[2:]
    assert client.get(URL, headers=LIVE).get_json() == []


@pytest.mark.parametrize(("query", "name"), [("limit=0", "limit"), ("limit=251", "limit"), ("offset=a", "offset"),
                                             ("orderby=id", "orderby")])
def test_bad_query_values(client: FlaskClient, mock: MockContext, query: str, name: str) -> None:
    before = snapshot(mock)
    response = client.get(f"{URL}?{query}", headers=STAGING)
    assert (response.status_code, response.get_json()) == (400, error(f"Invalid value for parameter '{name}'"))
    assert snapshot(mock) == before


def test_unknown_or_foreign_request_is_404(client: FlaskClient, mock: MockContext) -> None:
    before = snapshot(mock)
    for headers, request_id in ((STAGING, "nope"), (LIVE, "6f1c1a57-1d2b-4c55-9a1e-3b0d4c2e9f10")):
        response = client.get(f"{URL}/{request_id}", headers=headers)
        assert response.status_code == 404
        assert response.get_json() == error("Data deletion request with specified ID was not found")
    assert snapshot(mock) == before


@pytest.mark.parametrize(("body", "message"), [
    ({}, "Payload invalid: root > email: field is required"),
    ({"email": "no-at-sign"}, "Payload invalid: root > email: not a valid value"),
    ({"email": "a@b.c", "comment": 5}, "Payload invalid: root > comment: not a valid value"),
    (["a@b.c"], "Payload invalid: body must be a JSON object"),
])
def test_create_refused(client: FlaskClient, mock: MockContext, body: Any, message: str) -> None:
    before = snapshot(mock)
    response = client.post(URL, headers=STAGING, json=body)
    assert (response.status_code, response.get_json()) == (400, error(message))
    assert snapshot(mock) == before


def test_gdpr_rate_group_is_6_per_minute(client: FlaskClient, mock: MockContext) -> None:
    mock.limiter.enabled = True
    for i in range(6):
        assert client.post(URL, headers=STAGING, json={"email": f"r{i}@example.com"}).status_code == 202
    before = snapshot(mock)
    response = client.post(URL, headers=STAGING, json={"email": "r7@example.com"})
    assert response.status_code == 429
    assert response.get_json() == error("Too many requests")
    assert response.headers["Retry-After"] == "60"
    assert snapshot(mock) == before
    assert client.post(URL, headers=LIVE, json={"email": "r7@example.com"}).status_code == 202
    mock.clock.advance(59)
    assert client.post(URL, headers=STAGING, json={"email": "r7@example.com"}).status_code == 429
    mock.clock.advance(1)
    assert client.post(URL, headers=STAGING, json={"email": "r7@example.com"}).status_code == 202


@pytest.fixture
def async_app() -> Flask:
    return create_app(Settings(seed=1234, freeze_clock=True, rate_limits=False, ometria_queue_mode="async",
                               ometria_queue_delay=2.0))


def test_async_mode_waits_for_the_delay(async_app: Flask) -> None:
    client = async_app.test_client()
    mock: MockContext = async_app.extensions["mock"]
    created = client.post(URL, headers=STAGING, json={"email": "customer2@staging.example.com"}).get_json()
    pending = client.get(f"{URL}/{created['id']}", headers=STAGING).get_json()
    assert (pending["summary"], pending["timestamp_completed"]) == (None, None)
    assert client.get("/v2/contacts/default/staging-c2", headers=STAGING).get_json()["firstname"] == "Jonas"
    mock.clock.advance(2)
    done = client.get(f"{URL}/{created['id']}", headers=STAGING).get_json()
    assert done["summary"] == "1 contact records anonymised, 0 events anonymised"
    assert done["timestamp_completed"] == "2026-01-01T00:00:02.000Z"


def test_async_mode_drain_processes_at_once(async_app: Flask) -> None:
    client = async_app.test_client()
    mock: MockContext = async_app.extensions["mock"]
    created = client.post(URL, headers=STAGING, json={"email": "customer2@staging.example.com"}).get_json()
    client.post(URL, headers=LIVE, json={"email": "customer2@example.org"})
    assert mock.vendors["ometria"].drain(mock, "staging")["staging"]["data_deletions"] == 1
    done = client.get(f"{URL}/{created['id']}", headers=STAGING).get_json()
    assert done["timestamp_completed"] == "2026-01-01T00:00:00.000Z"
    assert sum(a["data_deletions"] for a in mock.vendors["ometria"].drain(mock).values()) == 1
    assert sum(a["data_deletions"] for a in mock.vendors["ometria"].drain(mock).values()) == 0
