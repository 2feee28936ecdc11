"""v3 accounts and v5 brands/current (omnisend.md §3.9, §4, §5.11)."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_server.core.context import MockContext
from mock_server.omnisend import constants as C
from tests.conftest import BRAND_ID, OMNISEND, OMNISEND_READONLY_KEY, snapshot

BRAND = {"brandID": BRAND_ID, "name": "Demo Outdoor Store", "website": "https://shop.example.com",
         "platform": "custom", "version": "1.0.0", "currency": "EUR", "timezone": "Europe/Vilnius",
         "connected": True, "createdAt": "2024-01-15T09:00:00.000Z", "updatedAt": "2024-06-01T12:00:00.000Z"}


@pytest.mark.parametrize("path", ["/v3/accounts", "/v5/brands/current", "/accounts"])
def test_get_brand(client: FlaskClient, path: str) -> None:
    response = client.get(path, headers=OMNISEND)
    assert response.status_code == 200
    assert response.get_json() == BRAND
    assert list(response.get_json()) == list(C.BRAND_FIELDS)


def test_read_only_key_reads_the_brand(client: FlaskClient) -> None:
    assert client.get("/v5/brands/current", headers={"X-API-KEY": OMNISEND_READONLY_KEY}).status_code == 200


@pytest.mark.parametrize("headers", [OMNISEND, {"X-API-KEY": OMNISEND_READONLY_KEY}])
def test_post_brands_current_is_always_403(client: FlaskClient, mock: MockContext, headers: dict[str, str]) -> None:
    before = snapshot(mock)
    response = client.post("/v5/brands/current", json={"name": "x"}, headers=headers)
    assert response.status_code == 403
    assert response.get_json() == {"error": "Forbidden - access to this resource is not allowed"}
    assert snapshot(mock) == before


@pytest.mark.parametrize("path", ["/v3/accounts", f"/v3/accounts/{BRAND_ID}"])
def test_post_accounts_stores_the_platform_values(client: FlaskClient, path: str) -> None:
    body = {"website": "https://new.example.com", "platform": "wordpress", "version": "1.5.0",
            "phpVersion": "8.2", "platformVersion": "6.5"}
    response = client.post(path, json=body, headers=OMNISEND)
    assert response.status_code == 200
    assert response.get_json() == {"verified": True}
    brand = client.get("/v3/accounts", headers=OMNISEND).get_json()
    assert (brand["website"], brand["platform"], brand["version"]) == ("https://new.example.com", "wordpress",
                                                                       "1.5.0")
    assert brand["updatedAt"] == "2026-01-01T00:00:00.000Z"


def test_post_accounts_with_another_brand_is_404(client: FlaskClient, mock: MockContext) -> None:
    before = snapshot(mock)
    response = client.post("/v3/accounts/000000000000000000000000", json={"platform": "x"}, headers=OMNISEND)
    assert response.status_code == 404
    assert response.get_json() == {"error": "Brand with '000000000000000000000000' brandID not found"}
    assert snapshot(mock) == before


@pytest.mark.parametrize(("body", "fields"), [
    ({"website": 5}, ["website: invalid type, expected string"]),
    ({"platform": None, "version": []}, ["platform: invalid type, expected string",
                                         "version: invalid type, expected string"]),
])
def test_post_accounts_validation(client: FlaskClient, mock: MockContext, body: dict[str, Any],
                                  fields: list[str]) -> None:
    before = snapshot(mock)
    response = client.post("/v3/accounts", json=body, headers=OMNISEND)
    assert response.status_code == 400
    assert response.get_json() == {"error": f"{len(fields)} error(s) found. Check 'fields' array for details.",
                                   "fields": fields}
    assert snapshot(mock) == before


def test_post_accounts_needs_the_write_scope(client: FlaskClient, mock: MockContext) -> None:
    before = snapshot(mock)
    response = client.post("/v3/accounts", json={}, headers={"X-API-KEY": OMNISEND_READONLY_KEY})
    assert response.status_code == 403
    assert snapshot(mock) == before


def test_unknown_key_is_401(client: FlaskClient) -> None:
    response = client.get("/v5/brands/current", headers={"X-API-KEY": "nope"})
    assert response.status_code == 401
    assert response.get_json() == {"error": C.ERR_UNAUTHORIZED}
