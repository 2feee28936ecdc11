"""Ometria headless tracking, ``POST /api/track`` (tracking.md §5): answers, validation, routing, CORS."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_server.core.context import MockContext
from mock_server.tracking import constants as C
from tests.conftest import snapshot
from tests.tracking.helpers import TAG_HASH, listing

ACCOUNT = {C.ACCOUNT_HEADER: "staging"}


def body(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"request_id": "r-1", "scope": "basket", "action": "add",
                            "data": {"product_id": "11111", "quantity": 2},
                            "user": {"uid": "visitor-1", "sid": "session-1"},
                            "context": {"page_url": "https://shop.example/p/11111", "currency": "GBP"}}
    base.update(changes)
    return base


def test_a_hit_is_answered_and_recorded(client: FlaskClient) -> None:
    answer = client.post("/api/track", json=body(), headers=ACCOUNT)
    assert answer.status_code == 200
    assert answer.get_json() == {"status": "ok", "request_id": "r-1"}
    [hit] = listing(client)
    assert hit == {"id": "trk-000001", "vendor": "ometria", "tenant": "staging", "source": "headless",
                   "at": "2026-01-01T00:00:00.000Z", "type": "basket:add", "status": "recorded",
                   "visitorID": "visitor-1", "sessionID": "session-1", "email": None, "profileID": None,
                   "url": "https://shop.example/p/11111",
                   "data": {"data": {"product_id": "11111", "quantity": 2},
                            "context": {"page_url": "https://shop.example/p/11111", "currency": "GBP"}}}


@pytest.mark.parametrize("how", [{"headers": {C.ACCOUNT_HEADER: TAG_HASH}}, {"query_string": {"account": "live"}}])
def test_the_account_by_header_hash_or_query(client: FlaskClient, how: dict[str, Any]) -> None:
    answer = client.post("/api/track", json=body(request_id=7), **how)
    assert answer.get_json() == {"status": "ok", "request_id": 7}


@pytest.mark.parametrize(("scope", "action", "data"), [
    ("view", "product", {}), ("view", "listing", {"category": "tents"}),
    ("basket", "remove", {"product_id": "1", "quantity": 1}),
    ("order", "add", {"order_id": "o-1", "order_total": 10.5, "order_currency": "GBP", "order_lines": []}),
    ("order", "cancel", {"order_id": "o-1"}), ("order", "return", {"order_id": "o-1"}),
])
def test_every_scope_and_action(client: FlaskClient, scope: str, action: str, data: dict[str, Any]) -> None:
    answer = client.post("/api/track", json=body(scope=scope, action=action, data=data, request_id=None),
                         headers=ACCOUNT)
    assert answer.get_json() == {"status": "ok", "request_id": None}
    assert listing(client)[0]["type"] == f"{scope}:{action}"


def test_a_text_plain_body_is_read_as_json(client: FlaskClient) -> None:
    import json

    answer = client.post("/api/track", data=json.dumps(body()), content_type="text/plain", headers=ACCOUNT)
    assert answer.status_code == 200


@pytest.mark.parametrize(("changes", "fields"), [
    ({"scope": "cart"}, ["scope: must be one of view, basket, order"]),
    ({"action": "cancel"}, ["action: must be one of add, remove for scope basket"]),
    ({"scope": "view", "action": ""}, ["action: must be a non-empty string"]),
    ({"data": []}, ["data: must be an object"]),
    ({"data": {"product_id": "", "quantity": 0}},
     ["data.product_id: must be a non-empty string", "data.quantity: must be a positive integer"]),
    ({"data": {"product_id": "1", "quantity": True}}, ["data.quantity: must be a positive integer"]),
    ({"scope": "order", "data": {"order_total": "10"}},
     ["data.order_id: must be a non-empty string", "data.order_total: must be a number"]),
    ({"user": {"uid": "", "sid": 5}}, ["user.uid: must be a non-empty string", "user.sid: must be a non-empty string"]),
    ({"user": None}, ["user.uid: must be a non-empty string", "user.sid: must be a non-empty string"]),
    ({"context": "page"}, ["context: must be an object"]),
])
def test_a_malformed_request_stores_nothing(client: FlaskClient, mock: MockContext, changes: dict[str, Any],
                                            fields: list[str]) -> None:
    before = snapshot(mock)
    answer = client.post("/api/track", json=body(**changes), headers=ACCOUNT)
    assert answer.status_code == 400
    assert answer.content_type == "application/json"
    assert answer.get_json() == {"error": "malformed tracking request", "fields": fields, "request_id": "r-1"}
    assert snapshot(mock) == before and listing(client) == []


def test_a_bad_request_id_is_not_echoed(client: FlaskClient) -> None:
    answer = client.post("/api/track", json=body(request_id={"x": 1}), headers=ACCOUNT)
    assert answer.status_code == 400
    assert answer.get_json() == {"error": "malformed tracking request",
                                 "fields": ["request_id: must be a string or a number"]}


@pytest.mark.parametrize("raw", [b"not json", b"[1, 2]", b""])
def test_a_body_that_is_not_an_object(client: FlaskClient, raw: bytes) -> None:
    answer = client.post("/api/track", data=raw, content_type="application/json", headers=ACCOUNT)
    assert answer.status_code == 400
    assert answer.get_json()["error"] == "malformed tracking request"
    assert listing(client) == []


def test_the_account_is_required_and_known(client: FlaskClient) -> None:
    missing = client.post("/api/track", json=body())
    assert missing.status_code == 400
    assert missing.get_json() == {"error": "account required: send header X-Ometria-Account or query account"}
    unknown = client.post("/api/track", json=body(), headers={C.ACCOUNT_HEADER: "nope"})
    assert unknown.status_code == 404
    assert unknown.get_json() == {"error": "unknown Ometria account 'nope'"}
    assert listing(client) == []


def test_other_methods_answer_405(client: FlaskClient) -> None:
    answer = client.get("/api/track")
    assert answer.status_code == 405
    assert answer.get_json() == {"error": "method not allowed"}
    assert answer.headers["Allow"] == "OPTIONS, POST"


def test_the_preflight_allows_any_origin(client: FlaskClient) -> None:
    answer = client.options("/api/track", headers={"Origin": "https://shop.example.org",
                                                   "Access-Control-Request-Method": "POST",
                                                   "Access-Control-Request-Headers": "content-type,x-ometria-account"})
    assert answer.status_code == 204
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert answer.headers["Access-Control-Allow-Methods"] == "POST, OPTIONS"
    assert answer.headers["Access-Control-Allow-Headers"] == "Content-Type, X-Ometria-Account"
    plain = client.options("/api/track")
    assert plain.status_code == 204 and plain.headers["Access-Control-Allow-Origin"] == "*"


def test_other_api_paths_stay_omnisend(mock: MockContext) -> None:
    assert mock.vendor_for_path("/api/track").name == "ometria"  # type: ignore[union-attr]
    assert mock.vendor_for_path("/api/track").keyless  # type: ignore[union-attr]
    for path in ("/api/contacts", "/api/events", "/api/track/more", "/v3/contacts"):
        owner = mock.vendor_for_path(path)
        assert owner is None or owner.name == "omnisend", path


def test_hits_are_journalled_with_their_vendor_and_tenant(client: FlaskClient) -> None:
    client.post("/api/track", json=body(), headers=ACCOUNT)
    client.post("/api/track", json=body(scope="nope"), headers=ACCOUNT)
    entries = client.get("/_mock/journal").get_json()["items"]
    assert [(e["vendor"], e["tenant"], e["path"], e["status"]) for e in entries][:2] in (
        [("ometria", "staging", "/api/track", 400), ("ometria", "staging", "/api/track", 200)],
        [("ometria", "staging", "/api/track", 200), ("ometria", "staging", "/api/track", 400)])


def test_fault_rules_apply(client: FlaskClient) -> None:
    rule = client.post("/_mock/faults", json={"vendor": "ometria", "path": "/api/track", "status": 503, "count": 1})
    assert rule.status_code == 201, rule.get_data(as_text=True)
    answer = client.post("/api/track", json=body(), headers=ACCOUNT)
    assert answer.status_code == 503 and answer.content_type == "application/json"
    assert listing(client) == []
    assert client.post("/api/track", json=body(), headers=ACCOUNT).status_code == 200
