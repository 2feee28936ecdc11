"""Reset restores the fixture seed exactly (everything, or one tenant); health answers."""

from __future__ import annotations

from flask.testing import FlaskClient

from mock_server.core.context import MockContext
from tests.conftest import OMNISEND, STAGING, snapshot


def test_reset_everything_restores_the_seed_exactly(client: FlaskClient, mock: MockContext) -> None:
    seed = snapshot(mock)
    client.post("/v3/contacts", headers=OMNISEND, json={
        "identifiers": [{"type": "email", "id": "z@x.com", "channels": {"email": {}}}]})
    client.patch("/v3/contacts/65b2a0c1d2e3f4a5b6c7d001", headers=OMNISEND, json={"firstName": "X"})
    client.post("/v2/push", headers=STAGING, json=[{"@type": "contact", "id": "n", "email": "n@x.com"},
                                                   {"@type": "contact", "id": "bad id"}])
    assert snapshot(mock) != seed
    response = client.post("/_mock/reset")
    assert response.status_code == 200
    assert snapshot(mock) == seed
    # internal ids continue exactly as after start-up
    created = client.post("/v3/contacts", headers=OMNISEND, json={
        "identifiers": [{"type": "email", "id": "z@x.com", "channels": {"email": {}}}]}).get_json()
    brand = mock.store.tenants("omnisend")[0]
    with brand.lock.reading():  # up to date with the sandbox that answered (two with --mock-processes 2)
        assert brand.collection("contacts").iid(created["contactID"]) == 13


def test_reset_one_tenant_leaves_the_others(client: FlaskClient, mock: MockContext) -> None:
    client.post("/v2/push", headers=STAGING, json=[{"@type": "contact", "id": "n", "email": "n@x.com"}])
    client.patch("/v3/contacts/65b2a0c1d2e3f4a5b6c7d001", headers=OMNISEND, json={"firstName": "Kept"})
    response = client.post("/_mock/reset?tenant=staging")
    assert response.get_json() == {"reset": [{"vendor": "ometria", "tenant": "staging"}], "full": False}
    assert client.get("/v2/contacts/default/n", headers=STAGING).status_code == 404
    kept = client.get("/v3/contacts/65b2a0c1d2e3f4a5b6c7d001", headers=OMNISEND).get_json()
    assert kept["firstName"] == "Kept"


def test_reset_clears_rate_limit_windows(client: FlaskClient) -> None:
    for _ in range(4):
        client.get("/v2/contacts", headers=STAGING)
    assert client.get("/v2/contacts", headers=STAGING).status_code == 429
    client.post("/_mock/reset")
    assert client.get("/v2/contacts", headers=STAGING).status_code == 200


def test_reset_unknown_tenant_is_404(client: FlaskClient) -> None:
    response = client.post("/_mock/reset?tenant=nope")
    assert response.status_code == 404 and response.get_json() == {"error": "unknown tenant 'nope'"}


def test_health(client: FlaskClient) -> None:
    body = client.get("/_mock/health").get_json()
    assert body["status"] == "ok" and body["clock"]["frozen"] is True
    assert {t["tenant"] for t in body["tenants"]} >= {"staging", "live", "64a1f0c2e4b0a1b2c3d4e5f6"}
