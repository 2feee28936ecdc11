"""The request journal: what is recorded, masking, the ring bound, filters, count and clear."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mock_server.core.context import MockContext, Settings
from mock_server.core.journal import Journal, JournalFilter, capture_body, mask, status_matches
from tests.conftest import BRAND_ID, OMNISEND, STAGING


def entries(client: FlaskClient, query: str = "") -> list[dict[str, Any]]:
    response = client.get(f"/_mock/journal{query}")
    assert response.status_code == 200
    items: list[dict[str, Any]] = response.get_json()["items"]
    return items


def test_a_vendor_request_is_journalled_with_its_answer(client: FlaskClient) -> None:
    response = client.get("/v3/contacts?limit=1", headers=OMNISEND)
    [entry] = entries(client)
    assert entry["vendor"] == "omnisend"
    assert entry["tenant"] == BRAND_ID
    assert entry["method"] == "GET"
    assert entry["path"] == "/v3/contacts"
    assert entry["query"] == "limit=1"
    assert entry["status"] == 200
    assert entry["responseBody"] == response.get_json()
    assert entry["requestId"] == response.headers["X-Mock-Request-Id"]
    assert entry["time"] == "2026-01-01T00:00:00.000Z"  # the mock clock, frozen at the seeded epoch
    assert entry["batchItem"] is False and entry["fault"] is None and entry["dropped"] is False
    assert entry["durationMs"] >= 0
    assert entry["responseHeaders"]["X-Rate-Limit-Remaining"] == "399"


def test_api_keys_are_masked(client: FlaskClient) -> None:
    client.get("/v3/contacts", headers=OMNISEND)
    client.get("/v2/contacts", headers={**STAGING, "Authorization": "Bearer secret-token"})
    second, first = entries(client)  # newest first
    assert first["headers"]["X-Api-Key"] == "omni***"
    assert second["headers"]["X-Ometria-Auth"] == "omet***"
    assert second["headers"]["Authorization"] == "Bear***"
    assert "omnisend-demo-key" not in str(first) and "ometria-staging-key" not in str(second)


def test_mask_keeps_four_characters() -> None:
    assert mask("omnisend-demo-key") == "omni***"
    assert mask("ab") == "ab***"


def test_errors_are_journalled_too(client: FlaskClient) -> None:
    client.get("/v3/contacts")  # 401: no key
    client.get("/v3/nowhere", headers=OMNISEND)  # 404 in the vendor envelope
    client.get("/v2/nowhere", headers=STAGING)
    client.get("/v4/anything")
    statuses = [(e["path"], e["status"], e["tenant"]) for e in entries(client, "?order=asc")]
    assert statuses == [("/v3/contacts", 401, None), ("/v3/nowhere", 404, BRAND_ID),
                        ("/v2/nowhere", 404, "staging"), ("/v4/anything", 404, None)]


def test_control_requests_are_not_journalled(client: FlaskClient) -> None:
    client.get("/_mock/health")
    client.get("/_mock/clock")
    assert entries(client) == []


def test_request_body_is_kept_and_method_override_noted(client: FlaskClient) -> None:
    body = {"firstName": "Anna"}
    client.post("/v3/contacts/65b2a0c1d2e3f4a5b6c7d000", json=body,
                headers={**OMNISEND, "X-HTTP-Method-Override": "PATCH"})
    [entry] = entries(client)
    assert entry["method"] == "PATCH"
    assert entry["originalMethod"] == "POST"
    assert entry["body"] == body
    assert entry["bodyTruncated"] is False
    assert entry["bodySize"] == len(b'{"firstName": "Anna"}')


def test_body_of_a_refused_request_is_still_shown(client: FlaskClient) -> None:
    client.post("/v3/contacts", data=b'{"a": 1}')  # 401 before the body is read
    [entry] = entries(client)
    assert entry["status"] == 401
    assert entry["body"] == {"a": 1}


@pytest.mark.parametrize("size, truncated", [(64, False), (65, True)])
def test_bodies_are_truncated_past_the_limit(settings: Settings, request: pytest.FixtureRequest, size: int,
                                              truncated: bool) -> None:
    settings.journal_body_limit = 64  # before the app exists: every sandbox the client reaches keeps 64 bytes
    client: FlaskClient = request.getfixturevalue("client")
    payload = b'"' + b"x" * (size - 2) + b'"'
    client.post("/v3/contacts", data=payload, headers=OMNISEND)
    [entry] = entries(client)
    assert entry["bodyTruncated"] is truncated
    assert entry["bodySize"] == size
    if truncated:
        assert entry["body"] == payload[:64].decode()
    else:
        assert entry["body"] == "x" * (size - 2)


def test_capture_body_shapes() -> None:
    assert capture_body(b"", 10) == (None, False, 0)
    assert capture_body(b'{"a":1}', 10) == ({"a": 1}, False, 7)
    assert capture_body(b"not json", 10) == ("not json", False, 8)
    assert capture_body(b"0123456789AB", 10) == ("0123456789", True, 12)


def test_ring_keeps_only_the_newest_entries() -> None:
    journal = Journal(size=3)
    for i in range(5):
        journal.record({"n": i})
    assert [e["n"] for e in journal.entries()] == [2, 3, 4]
    assert [e["id"] for e in journal.entries()] == [3, 4, 5]
    assert len(journal) == 3


def test_ring_bound_through_http(settings: Settings, request: pytest.FixtureRequest) -> None:
    settings.journal_size = 5  # before the app exists: every sandbox the client reaches keeps 5
    client: FlaskClient = request.getfixturevalue("client")
    for _ in range(8):
        client.get("/v3/contacts?limit=1", headers=OMNISEND)
    found = client.get("/_mock/journal").get_json()
    assert found["total"] == 5
    assert [e["id"] for e in found["items"]] == [8, 7, 6, 5, 4]


def test_ring_size_comes_from_settings() -> None:
    from mock_server.app import create_app
    from mock_server.core.context import Settings

    app = create_app(Settings(seed=1, journal_size=2))
    assert app.extensions["mock"].journal.size == 2


@pytest.mark.parametrize("status, wanted, result", [
    (404, "404", True), (404, "4xx", True), (404, "5xx", False), (None, "dropped", True),
    (200, "dropped", False), (None, "4xx", False), (201, "2XX", True)])
def test_status_filter(status: int | None, wanted: str, result: bool) -> None:
    assert status_matches(status, wanted) is result


def _fill(client: FlaskClient) -> None:
    client.get("/v3/contacts", headers=OMNISEND)
    client.get("/v3/contacts/nope", headers=OMNISEND)
    client.post("/v3/contacts", json={}, headers=OMNISEND)
    client.get("/v2/contacts", headers=STAGING)


def test_journal_lists_newest_first_by_default(client: FlaskClient) -> None:
    _fill(client)
    newest_first = [("GET", "/v2/contacts"), ("POST", "/v3/contacts"), ("GET", "/v3/contacts/nope"),
                    ("GET", "/v3/contacts")]
    assert [(e["method"], e["path"]) for e in entries(client)] == newest_first
    assert [(e["method"], e["path"]) for e in entries(client, "?order=desc")] == newest_first
    assert [(e["method"], e["path"]) for e in entries(client, "?order=asc")] == newest_first[::-1]
    assert [e["id"] for e in entries(client)] == [4, 3, 2, 1]


@pytest.mark.parametrize("query, expected", [
    ("?order=desc&limit=2", [4, 3]), ("?order=desc&limit=2&offset=2", [2, 1]),
    ("?order=asc&limit=2", [1, 2]), ("?order=asc&limit=2&offset=2", [3, 4]),
    ("?order=asc&vendor=omnisend&status=4xx", [2, 3]), ("?vendor=omnisend&status=4xx", [3, 2]),
])
def test_order_applies_before_paging_and_after_filters(client: FlaskClient, query: str,
                                                       expected: list[int]) -> None:
    _fill(client)
    assert [e["id"] for e in entries(client, query)] == expected


@pytest.mark.parametrize("order", ["ASC", "newest", "1", "asc,desc"])
def test_an_unknown_order_is_400(client: FlaskClient, order: str) -> None:
    _fill(client)
    response = client.get(f"/_mock/journal?order={order}")
    assert response.status_code == 400
    assert response.get_json() == {"error": "order must be asc or desc", "fields": ["order: must be asc or desc"]}
    assert response.headers["Content-Type"] == "application/json"


@pytest.mark.parametrize("query, expected", [
    ("?vendor=ometria", [("GET", "/v2/contacts")]),
    ("?tenant=staging", [("GET", "/v2/contacts")]),
    ("?method=post", [("POST", "/v3/contacts")]),
    ("?path=/v3/contacts/*", [("GET", "/v3/contacts/nope")]),
    ("?status=4xx", [("POST", "/v3/contacts"), ("GET", "/v3/contacts/nope")]),
    ("?status=200&vendor=omnisend", [("GET", "/v3/contacts")]),
    ("?batchItem=true", []),
    ("?since=2026-01-01T00:00:00Z&until=2026-01-01T00:00:00Z", [
        ("GET", "/v2/contacts"), ("POST", "/v3/contacts"), ("GET", "/v3/contacts/nope"), ("GET", "/v3/contacts")]),
    ("?since=2026-01-01T00:00:01Z", []),
    ("?limit=1&offset=1", [("POST", "/v3/contacts")]),
    ("?limit=1&offset=1&order=asc", [("GET", "/v3/contacts/nope")]),
])
def test_journal_filters(client: FlaskClient, query: str, expected: list[tuple[str, str]]) -> None:
    _fill(client)
    assert [(e["method"], e["path"]) for e in entries(client, query)] == expected


def test_count_and_clear(client: FlaskClient) -> None:
    _fill(client)
    assert client.get("/_mock/journal/count").get_json() == {"count": 4}
    assert client.get("/_mock/journal/count?vendor=omnisend&status=4xx").get_json() == {"count": 2}
    assert client.delete("/_mock/journal").get_json() == {"deleted": 4}
    assert client.get("/_mock/journal/count").get_json() == {"count": 0}


@pytest.mark.parametrize("query, field", [
    ("?status=abc", "status"), ("?since=yesterday", "since"), ("?until=2026-13-01T00:00:00Z", "until"),
    ("?limit=0", "limit"), ("?offset=-1", "offset"), ("?batchItem=maybe", "batchItem")])
def test_bad_filters_are_400(client: FlaskClient, query: str, field: str) -> None:
    response = client.get(f"/_mock/journal{query}")
    assert response.status_code == 400
    body = response.get_json()
    assert body["fields"][0].startswith(f"{field}: ")


def test_filter_object_combines_criteria() -> None:
    entry = {"vendor": "omnisend", "tenant": "t", "method": "GET", "path": "/v3/orders/1", "status": 503,
             "epoch": 10.0, "requestId": "r", "batchItem": False, "fault": "f1"}
    assert JournalFilter(vendor="omnisend", path="/v3/orders*", status="5xx", fault="f1").matches(entry)
    assert not JournalFilter(vendor="omnisend", method="POST").matches(entry)
    assert not JournalFilter(until=9.0).matches(entry)


def test_warnings_are_journalled(client: FlaskClient) -> None:
    response = client.get("/contacts?limit=1", headers=OMNISEND)  # the unversioned alias warns
    [entry] = entries(client)
    assert entry["path"] == "/v3/contacts"
    assert entry["warnings"] == response.headers["X-Mock-Warnings"] == "path: served as /v3 alias"


def test_an_exception_escaping_the_handlers_is_journalled_as_500(client: FlaskClient, mock: MockContext,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: object, ctx: MockContext, response: object) -> object:
        raise RuntimeError("after_request blew up")

    # On the vendor's class, so every sandbox answering the client (two with --mock-processes 2) breaks.
    monkeypatch.setattr(type(mock.vendors["omnisend"]), "after_request", broken)
    assert client.get("/v3/contacts", headers=OMNISEND).status_code == 500
    [entry] = entries(client)
    assert (entry["path"], entry["status"], entry["responseBody"]) == ("/v3/contacts", 500, None)


def test_internal_requests_show_their_parsed_body(app: Flask, mock: MockContext) -> None:
    from mock_server.middleware import ENV_BATCH_ITEM

    body = {"identifiers": [{"type": "email", "id": "item@example.com",
                             "channels": {"email": {"status": "subscribed"}}}]}
    with app.test_request_context("/v3/contacts", method="POST", json=body, headers=OMNISEND,
                                  environ_base={ENV_BATCH_ITEM: True}):
        response = app.full_dispatch_request()
    assert response.status_code == 200
    [entry] = mock.journal.entries()
    assert (entry["batchItem"], entry["body"], entry["status"]) == (True, body, 200)
