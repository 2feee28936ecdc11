"""Rate-limit groups per account (ometria.md §1.4): N allowed, N+1 refused, the window slides, a 429
consumes nothing, per-account overrides and shared buckets from fixtures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask, Response
from flask.testing import FlaskClient

from mock_server.core.context import MockContext
from mock_server.core.http import json_response
from mock_server.core.request import route
from mock_server.ometria import constants as C
from tests.conftest import LIVE, STAGING
from tests.ometria.helpers import fixture_copy, make_app

RATE_BODY = {"status": "ERROR", "message": C.ERR_RATE}
# Group -> the scope its endpoints need (§1.2).
SCOPES = {"data": "read", "push": "push", "transactional": "transactional", "gdpr": "gdpr", "merge": "gdpr"}


def add_probes(app: Flask) -> None:
    """One POST route per group under /v2/_probe, so every group can be tested before its resource
    exists (transactional, gdpr and merge belong to other modules)."""
    for group, scope in SCOPES.items():
        def probe() -> Response:
            return json_response({"status": "OK"})

        app.add_url_rule(f"/v2/_probe/{group}", f"probe_{group}", route(scope=scope, group=group)(probe),
                         methods=["POST"])


@pytest.fixture
def probed(app: Flask) -> FlaskClient:
    add_probes(app)
    return app.test_client()


def hit(client: FlaskClient, group: str, headers: dict[str, str] = STAGING) -> Any:
    return client.post(f"/v2/_probe/{group}", json={}, headers=headers)


@pytest.mark.one_process  # one_process: the probe routes are added to one sandbox's app
@pytest.mark.parametrize("group", list(C.RATE_GROUPS))
def test_group_allows_n_and_refuses_n_plus_1(probed: FlaskClient, mock: MockContext, group: str) -> None:
    limit, window = C.RATE_GROUPS[group]
    for _ in range(limit):
        assert hit(probed, group).status_code == 200
    refused = hit(probed, group)
    assert refused.status_code == 429
    body = refused.get_json()
    if group == "push":  # every push answer carries its request_id
        assert len(body.pop("request_id")) == 36
    assert body == RATE_BODY
    assert refused.headers["Retry-After"] == str(int(window))
    assert not any(name.startswith("X-RateLimit") for name, _ in refused.headers.items())
    mock.clock.advance(window - 0.001)
    assert hit(probed, group).status_code == 429
    mock.clock.advance(0.001)
    assert hit(probed, group).status_code == 200


@pytest.mark.one_process  # one_process: the probe routes are added to one sandbox's app
def test_window_slides(probed: FlaskClient, mock: MockContext) -> None:
    for _ in range(2):
        assert hit(probed, "data").status_code == 200
    mock.clock.advance(0.5)
    for _ in range(2):
        assert hit(probed, "data").status_code == 200
    assert hit(probed, "data").status_code == 429
    mock.clock.advance(0.5)  # the first two leave the window; the later two are still in it
    assert [hit(probed, "data").status_code for _ in range(3)] == [200, 200, 429]
    refused = hit(probed, "data")
    assert refused.headers["Retry-After"] == "1"


@pytest.mark.one_process  # one_process: the probe routes are added to one sandbox's app
def test_groups_are_independent_and_per_account(probed: FlaskClient) -> None:
    for _ in range(4):
        hit(probed, "data")
    assert hit(probed, "data").status_code == 429
    assert hit(probed, "push").status_code == 200
    assert hit(probed, "data", LIVE).status_code == 200


def test_real_endpoints_count_in_their_groups(client: FlaskClient) -> None:
    for path in ("/v2/products", "/v2/orders/stg-o-1001", "/v2/push/_errors", "/v2/contacts"):
        assert client.get(path, headers=STAGING).status_code == 200
    assert client.post("/v2/products/p1", json={}, headers=STAGING).status_code == 429  # REST POST is "data"
    for _ in range(4):
        assert client.post("/v2/push", json=[{"@type": "product", "id": "p1"}], headers=STAGING).status_code == 202


def test_push_429_carries_request_id_and_queue_headers(client: FlaskClient) -> None:
    for _ in range(4):
        client.post("/v2/push", json=[{"@type": "product", "id": "p1"}], headers=STAGING)
    refused = client.post("/v2/push", json=[{"@type": "product", "id": "p2"}], headers=STAGING)
    assert refused.status_code == 429
    body = refused.get_json()
    assert list(body) == ["status", "message", "request_id"]
    assert body["status"] == "ERROR" and body["message"] == C.ERR_RATE and len(body["request_id"]) == 36
    assert refused.headers["Retry-After"] == "1"
    assert refused.headers[C.H_QUEUE_LIMIT] == "50000"
    assert client.get("/v2/products/p2", headers=STAGING).status_code == 404


def test_errors_count_but_429_403_404_405_do_not(client: FlaskClient, mock: MockContext) -> None:
    assert client.get("/v2/products?limit=0", headers=STAGING).status_code == 400  # counts
    assert client.get("/v2/products", headers={"X-Ometria-Auth": "wrong"}).status_code == 403
    assert client.get("/v2/nothing-here", headers=STAGING).status_code == 404
    assert client.put("/v2/products/p1", json={}, headers=STAGING).status_code == 405
    assert [client.get("/v2/products", headers=STAGING).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert client.get("/v2/products", headers=STAGING).status_code == 429  # the 429s consumed nothing
    mock.clock.advance(1)
    assert client.get("/v2/products", headers=STAGING).status_code == 200


def _overridden(tmp_path: Path, limits: dict[str, Any]) -> FlaskClient:
    app = make_app(fixture_copy(tmp_path, tenant={"staging": {"rateLimits": limits}}))
    add_probes(app)
    return app.test_client()


def test_per_account_override_from_fixtures(tmp_path: Path) -> None:
    client = _overridden(tmp_path, {"push": {"limit": 8}, "gdpr": {"limit": 2, "window": 10}})
    assert [hit(client, "push").status_code for _ in range(9)] == [200] * 8 + [429]
    assert [hit(client, "push", LIVE).status_code for _ in range(5)] == [200] * 4 + [429]  # live keeps 4
    refused = [hit(client, "gdpr") for _ in range(3)][-1]
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "10"


def test_group_switched_off(tmp_path: Path) -> None:
    client = _overridden(tmp_path, {"data": {"enabled": False}})
    assert all(hit(client, "data").status_code == 200 for _ in range(20))


def test_shared_bucket(tmp_path: Path) -> None:
    client = _overridden(tmp_path, {"data": {"bucket": "all"}, "push": {"bucket": "all"}})
    assert [hit(client, "data").status_code for _ in range(2)] == [200, 200]
    assert [hit(client, "push").status_code for _ in range(3)] == [200, 200, 429]
    assert hit(client, "data").status_code == 429
