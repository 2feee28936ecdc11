"""The outbox across tenants: filters, paging, clear."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from mock_server.core.context import MockContext
from tests.conftest import BRAND_ID, OMNISEND

WELCOME = {"identifiers": [{"type": "email", "id": "new@example.com", "channels": {"email": {"status": "subscribed"}}}],
           "sendWelcomeEmail": True}


def seed_entries(mock: MockContext) -> None:
    staging = mock.tenant("ometria", "staging")
    live = mock.tenant("ometria", "live")
    assert staging is not None and live is not None
    # Under each tenant's lock, as the sandbox writes: on a shared store the release stores the change.
    with staging.lock:
        staging.extra.setdefault("outbox", []).append(
            {"vendor": "ometria", "tenant": "staging", "at": "2026-01-01T00:00:01.000Z", "kind": "campaign_trigger"})
    with live.lock:
        live.extra.setdefault("outbox", []).append(
            {"vendor": "ometria", "tenant": "live", "at": "2026-01-01T00:00:02.000Z", "kind": "transactional_email"})


def test_a_welcome_workflow_lands_in_the_outbox(client: FlaskClient) -> None:
    created = client.post("/v3/contacts", json=WELCOME, headers=OMNISEND).get_json()
    found = client.get("/_mock/outbox").get_json()
    assert found["total"] == 1
    [entry] = found["items"]
    assert entry["kind"] == "workflow" and entry["workflow"] == "welcome"
    assert (entry["vendor"], entry["tenant"], entry["contactID"]) == ("omnisend", BRAND_ID, created["contactID"])


def test_entries_of_all_tenants_in_time_order_and_filters(client: FlaskClient, mock: MockContext) -> None:
    seed_entries(mock)
    client.post("/v3/contacts", json=WELCOME, headers=OMNISEND)
    kinds = [e["kind"] for e in client.get("/_mock/outbox").get_json()["items"]]
    assert kinds == ["workflow", "campaign_trigger", "transactional_email"]
    assert [e["tenant"] for e in client.get("/_mock/outbox?vendor=ometria").get_json()["items"]] == ["staging", "live"]
    assert [e["kind"] for e in client.get("/_mock/outbox?tenant=live").get_json()["items"]] == ["transactional_email"]
    assert client.get("/_mock/outbox?kind=workflow&vendor=ometria").get_json()["total"] == 0
    paged = client.get("/_mock/outbox?limit=1&offset=1").get_json()
    assert (paged["total"], [e["kind"] for e in paged["items"]]) == (3, ["campaign_trigger"])


def test_clear_with_filters(client: FlaskClient, mock: MockContext) -> None:
    seed_entries(mock)
    assert client.delete("/_mock/outbox?kind=campaign_trigger").get_json() == {"deleted": 1}
    assert [e["kind"] for e in client.get("/_mock/outbox").get_json()["items"]] == ["transactional_email"]
    assert client.delete("/_mock/outbox").get_json() == {"deleted": 1}
    assert client.get("/_mock/outbox").get_json()["total"] == 0


def test_reset_empties_the_outbox(client: FlaskClient) -> None:
    client.post("/v3/contacts", json=WELCOME, headers=OMNISEND)
    client.post("/_mock/reset")
    assert client.get("/_mock/outbox").get_json()["total"] == 0


@pytest.mark.parametrize("query, message", [
    ("?vendor=mailchimp", "unknown vendor 'mailchimp' (expected one of ometria, omnisend)"),
    ("?vendor=ometria&tenant=nope", "unknown ometria tenant 'nope'"),
    ("?tenant=nope", "unknown omnisend tenant 'nope'")])
def test_unknown_vendor_or_tenant_is_404(client: FlaskClient, query: str, message: str) -> None:
    for response in (client.get(f"/_mock/outbox{query}"), client.delete(f"/_mock/outbox{query}")):
        assert (response.status_code, response.get_json()) == (404, {"error": message})
