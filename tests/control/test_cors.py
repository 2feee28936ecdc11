"""CORS: preflights without auth, allowed origins, exposed vendor headers."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from mock_server.app import create_app
from mock_server.control.cors import origin_allowed
from mock_server.core.context import Settings
from tests.conftest import OMNISEND, STAGING

PREFLIGHT = {"Origin": "http://localhost:5173", "Access-Control-Request-Method": "POST",
             "Access-Control-Request-Headers": "x-api-key, content-type"}


@pytest.mark.parametrize("path", ["/v3/contacts", "/v2/push", "/_mock/faults", "/v3/not-a-route"])
def test_preflight_is_answered_without_auth(client: FlaskClient, path: str) -> None:
    response = client.options(path, headers=PREFLIGHT)
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "http://localhost:5173"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert response.headers["Access-Control-Allow-Headers"] == "x-api-key, content-type"
    assert response.headers["Vary"] == "Origin"


def test_preflight_is_not_journalled(client: FlaskClient) -> None:
    client.options("/v3/contacts", headers=PREFLIGHT)
    assert client.get("/_mock/journal/count").get_json() == {"count": 0}


def test_preflight_from_a_foreign_origin_gets_no_permission(client: FlaskClient) -> None:
    response = client.options("/v3/contacts", headers={**PREFLIGHT, "Origin": "https://evil.example"})
    assert response.status_code == 204
    assert "Access-Control-Allow-Origin" not in response.headers


def test_answers_expose_the_vendor_headers(client: FlaskClient) -> None:
    response = client.get("/v3/contacts", headers={**OMNISEND, "Origin": "http://127.0.0.1:8000"})
    assert response.headers["Access-Control-Allow-Origin"] == "http://127.0.0.1:8000"
    exposed = response.headers["Access-Control-Expose-Headers"]
    for name in ("X-Rate-Limit-Limit", "X-Rate-Limit-Remaining", "X-Rate-Limit-Reset", "X-QueueSize-Limit",
                 "X-QueueSize-Remaining", "X-Mock-Request-Id", "X-Mock-Warnings", "Retry-After"):
        assert name in exposed
    error = client.get("/v2/contacts", headers={"Origin": "http://localhost:3000"})
    assert error.status_code == 403 and error.headers["Access-Control-Allow-Origin"] == "http://localhost:3000"
    assert "Access-Control-Allow-Origin" not in client.get("/v2/contacts", headers=STAGING).headers


def test_configured_origins() -> None:
    app = create_app(Settings(seed=1, cors_origins=["https://app.example.com"]))
    client = app.test_client()
    allowed = client.get("/v3/contacts", headers={**OMNISEND, "Origin": "https://app.example.com"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://app.example.com"
    loopback = client.get("/v3/contacts", headers={**OMNISEND, "Origin": "http://localhost:3000"})
    assert "Access-Control-Allow-Origin" not in loopback.headers


def test_ordinary_options_still_reaches_the_vendor(client: FlaskClient) -> None:
    assert client.options("/v3/contacts").status_code == 401


@pytest.mark.parametrize("origin, allowed", [
    ("http://localhost:3000", True), ("http://localhost", True), ("http://127.0.0.1:1", True),
    ("http://[::1]:8080", True), ("http://localhost:3000.evil.com", False), ("https://localhost:3000", False),
    ("http://localhost.evil.com", False), ("null", False)])
def test_origin_patterns(origin: str, allowed: bool) -> None:
    assert origin_allowed(origin, Settings().cors_origins) is allowed


def test_star_allows_any_origin() -> None:
    assert origin_allowed("https://anything.example", ["*"])
