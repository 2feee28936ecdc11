"""The Omnisend request pipeline (omnisend.md §1): auth, rate limit, override, routing, caps, envelopes."""

from __future__ import annotations

import logging

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mock_server.app import create_app
from mock_server.core.context import MockContext, Settings
from tests.conftest import OMNISEND, snapshot

UNAUTHORIZED = {"error": "Unauthorized - authorization error (invalid basic auth data or API key)"}
NOT_FOUND = {"error": " Not found \u2013 There is no resource behind the URI."}
RATE = {"error": "Too many requests - rate limit of 400 requests per minute exceeded"}


@pytest.mark.parametrize("headers", [{}, {"X-API-KEY": ""}, {"X-API-KEY": "wrong"},
                                     {"Authorization": "Bearer omnisend-demo-key"}])
def test_missing_or_unknown_key_is_401(client: FlaskClient, headers: dict[str, str]) -> None:
    response = client.get("/v3/contacts", headers=headers)
    assert (response.status_code, response.get_json()) == (401, UNAUTHORIZED)
    assert response.headers["X-Rate-Limit-Limit"] == "400"  # the anonymous bucket's headers


def test_key_header_name_is_case_insensitive(client: FlaskClient) -> None:
    assert client.get("/v3/contacts", headers={"x-api-key": "omnisend-demo-key"}).status_code == 200


def test_auth_comes_before_routing(client: FlaskClient) -> None:
    assert client.get("/v3/unknown").status_code == 401
    response = client.get("/v3/unknown", headers=OMNISEND)
    assert (response.status_code, response.get_json()) == (404, NOT_FOUND)
    assert response.headers["Content-Type"] == "application/json"


@pytest.mark.parametrize("path", ["/v4/contacts", "/nothing/here"])  # /api is version 2026-03-15 now
def test_unemulated_paths_answer_the_omnisend_404(client: FlaskClient, path: str) -> None:
    response = client.get(path, headers=OMNISEND)
    assert (response.status_code, response.get_json()) == (404, NOT_FOUND)


def test_rate_limit_headers_count_down_and_the_401st_request_is_429(client: FlaskClient, mock: MockContext) -> None:
    first = client.get("/v3/contacts?limit=1", headers=OMNISEND)
    assert (first.headers["X-Rate-Limit-Limit"], first.headers["X-Rate-Limit-Remaining"],
            first.headers["X-Rate-Limit-Reset"]) == ("400", "399", "60")
    mock.clock.advance(10)
    for expected in range(398, -1, -1):
        response = client.get("/v3/unknown", headers=OMNISEND)  # errors count too
        assert response.headers["X-Rate-Limit-Remaining"] == str(expected)
    assert response.headers["X-Rate-Limit-Reset"] == "50"
    refused = client.get("/v3/contacts", headers=OMNISEND)
    assert (refused.status_code, refused.get_json()) == (429, RATE)
    assert (refused.headers["Retry-After"], refused.headers["X-Rate-Limit-Remaining"],
            refused.headers["X-Rate-Limit-Reset"]) == ("50", "0", "50")
    # v5 and the alias share the brand's window; a 429 consumes nothing
    assert client.get("/v5/contacts", headers=OMNISEND).status_code == 429
    assert client.get("/contacts", headers=OMNISEND).status_code == 429
    mock.clock.advance(50)  # the first request leaves the window: exactly one slot frees
    assert client.get("/v3/contacts?limit=1", headers=OMNISEND).status_code == 200
    assert client.get("/v3/contacts?limit=1", headers=OMNISEND).status_code == 429


def test_rate_limit_override_per_brand_and_switch_off(mock: MockContext, client: FlaskClient) -> None:
    brand = mock.store.tenants("omnisend")[0]
    limits = f"/_mock/limits/omnisend/{brand.tenant_id}"  # the brand's "rateLimit" setting, for every process
    assert client.put(limits, json={"rateLimit": {"limit": 2, "window": 10}}).status_code == 200
    assert [client.get("/v3/contacts?limit=1", headers=OMNISEND).status_code for _ in range(3)] == [200, 200, 429]
    assert client.get("/v3/contacts", headers=OMNISEND).get_json() == {
        "error": "Too many requests - rate limit of 2 requests per 10 seconds exceeded"}
    assert client.put(limits, json={"rateLimit": {"enabled": False}}).status_code == 200
    assert client.get("/v3/contacts?limit=1", headers=OMNISEND).status_code == 200


def test_no_rate_limit_setting_switches_limiting_off() -> None:
    client = create_app(Settings(rate_limits=False, freeze_clock=True)).test_client()
    assert all(client.get("/v3/contacts?limit=1", headers=OMNISEND).status_code == 200 for _ in range(410))


def test_anonymous_bucket_fills_and_answers_429(client: FlaskClient) -> None:
    for _ in range(400):
        assert client.get("/v3/contacts").status_code == 401
    refused = client.get("/v3/contacts")
    assert (refused.status_code, refused.get_json()) == (429, RATE)
    assert client.get("/v3/contacts?limit=1", headers=OMNISEND).status_code == 200  # brands are separate


def test_trailing_slash_answers_like_none(client: FlaskClient) -> None:
    a = client.get("/v3/contacts/?limit=1", headers=OMNISEND)
    b = client.get("/v3/contacts?limit=1", headers=OMNISEND)
    assert a.status_code == 200 and a.get_json() == b.get_json()


def test_unversioned_alias_serves_v3_with_a_warning_and_v3_links(client: FlaskClient) -> None:
    response = client.get("/contacts?limit=2", headers=OMNISEND)
    assert response.status_code == 200
    assert response.headers["X-Mock-Warnings"] == "path: served as /v3 alias"
    assert response.get_json()["paging"]["next"].startswith("http://localhost/v3/contacts?limit=2&after=")


def test_alias_can_be_switched_off() -> None:
    client = create_app(Settings(unversioned_alias=False, freeze_clock=True)).test_client()
    response = client.get("/contacts", headers=OMNISEND)
    assert (response.status_code, response.get_json()) == (404, NOT_FOUND)


@pytest.mark.parametrize("method", ["PATCH", "patch"])
def test_method_override_on_post(client: FlaskClient, method: str) -> None:
    response = client.post("/v3/contacts/65b2a0c1d2e3f4a5b6c7d001", json={"firstName": "Over"},
                           headers={**OMNISEND, "X-HTTP-Method-Override": method})
    assert response.status_code == 200 and response.get_json()["firstName"] == "Over"


@pytest.mark.parametrize("value", ["GET", "PATH", "TRACE"])
def test_bad_method_override_is_400_and_changes_nothing(client: FlaskClient, mock: MockContext, value: str) -> None:
    before = snapshot(mock)
    response = client.post("/v3/contacts/65b2a0c1d2e3f4a5b6c7d001", json={"firstName": "Over"},
                           headers={**OMNISEND, "X-HTTP-Method-Override": value})
    assert (response.status_code, response.get_json()) == (400, {
        "error": "Bad Request - invalid parameters, fields or filters",
        "fields": ["X-HTTP-Method-Override: must be one of PUT, PATCH, DELETE"]})
    assert snapshot(mock) == before


def test_override_is_ignored_on_other_methods(client: FlaskClient) -> None:
    response = client.get("/v3/contacts?limit=1", headers={**OMNISEND, "X-HTTP-Method-Override": "DELETE"})
    assert response.status_code == 200


def test_get_with_an_empty_object_body_is_accepted(client: FlaskClient) -> None:
    assert client.get("/v3/contacts?limit=1", headers=OMNISEND, json={}).status_code == 200


@pytest.fixture
def small_cap() -> Flask:
    return create_app(Settings(freeze_clock=True, body_cap=200))


@pytest.mark.parametrize(("size", "status"), [(200, 200), (201, 413)])
def test_body_cap_boundary(small_cap: Flask, size: int, status: int) -> None:
    body = b'{"firstName":"' + b"x" * (size - 16) + b'"}'
    assert len(body) == size
    response = small_cap.test_client().patch("/v3/contacts/65b2a0c1d2e3f4a5b6c7d001", data=body, headers=OMNISEND)
    assert response.status_code == status
    if status == 413:
        assert response.get_json() == {"error": "Request Entity Too Large - request body exceeds 200 bytes"}
        assert response.headers["X-Rate-Limit-Remaining"] == "399"


def test_every_response_carries_a_request_id(client: FlaskClient) -> None:
    ids = {client.get("/v3/contacts?limit=1", headers=OMNISEND).headers["X-Mock-Request-Id"] for _ in range(3)}
    assert len(ids) == 3


def test_unexpected_exception_is_a_json_500_and_logged(client: FlaskClient, monkeypatch: pytest.MonkeyPatch,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    from mock_server.omnisend.backend import contacts

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(contacts, "get", explode)
    with caplog.at_level(logging.ERROR, logger="mock_server"):
        response = client.get("/v3/contacts/x", headers=OMNISEND)
    assert (response.status_code, response.get_json()) == (500, {"error": "Internal Server Error"})
    assert response.headers["X-Rate-Limit-Limit"] == "400"
    assert "RuntimeError: boom" in caplog.text


def test_seeded_servers_generate_the_same_ids() -> None:
    def first_id() -> str:
        client = create_app(Settings(seed=99, freeze_clock=True)).test_client()
        body = client.post("/v3/contacts", headers=OMNISEND, json={
            "identifiers": [{"type": "email", "id": "s@x.com", "channels": {"email": {}}}]}).get_json()
        return str(body["contactID"])

    assert first_id() == first_id()


def test_plain_options_is_a_json_405_naming_the_served_methods(client: FlaskClient) -> None:
    response = client.options("/v3/contacts/65b2a0c1d2e3f4a5b6c7d001", headers=OMNISEND)
    assert (response.status_code, response.get_json()) == (405, {"error": "Method Not Allowed"})
    assert response.headers["Allow"] == "GET, PATCH"
    ometria = client.options("/v2/push", headers={"X-Ometria-Auth": "ometria-staging-key"})
    assert (ometria.status_code, ometria.get_json()) == (405, {"status": "ERROR", "message": "Method not allowed"})
    assert ometria.headers["Allow"] == "POST"


def test_a_405_keeps_the_content_type_of_the_path_it_names(client: FlaskClient) -> None:
    products = client.patch("/v3/products/p-1", headers=OMNISEND, json={})
    assert (products.status_code, products.get_json()) == (405, {"error": "Method Not Allowed"})
    assert products.headers["Content-Type"] == "application/json; charset=utf-8"  # recorded for products
    contacts = client.delete("/v3/contacts/x", headers=OMNISEND)
    assert contacts.headers["Content-Type"] == "application/json"
