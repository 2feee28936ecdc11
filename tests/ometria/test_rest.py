"""REST endpoints for products, contacts and orders (ometria.md §2, §3.2-3.4, §3.9)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mock_server.core.context import MockContext
from mock_server.ometria import constants as C
from tests.conftest import STAGING, snapshot
from tests.ometria.helpers import fixture_copy, make_app, products, sized_record

NO_LIMITS = {"rate_limits": False}


def error(message: str) -> dict[str, str]:
    return {"status": "ERROR", "message": message}


def ids(response: Any) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()]


@pytest.fixture
def empty(tmp_path: Path) -> FlaskClient:
    """Staging without seeded products and orders, rate limits off."""
    folder = fixture_copy(tmp_path, drop=("staging/products.json", "staging/orders.json"))
    return make_app(folder, **NO_LIMITS).test_client()


@pytest.fixture
def api() -> tuple[FlaskClient, MockContext]:
    """The default fixtures with rate limits off (many requests per test)."""
    app: Flask = make_app(**NO_LIMITS)
    return app.test_client(), app.extensions["mock"]


# -- paging and sorting (§2) ---------------------------------------------------------------------------
def test_worked_paging_example(empty: FlaskClient) -> None:
    client = empty
    app_clock = client.application.extensions["mock"].clock
    for record in products(5):
        client.post("/v2/push", json=[{**record, "price": 1}], headers=STAGING)
        app_clock.advance(1)
    client.post("/v2/push", json=[{"@type": "product", "id": "p2", "price": 2}], headers=STAGING)
    expected = {
        "limit=2": ["p1", "p2"], "limit=2&offset=2": ["p3", "p4"], "limit=2&offset=4": ["p5"],
        "limit=2&offset=6": [], "limit=2&orderby=timestamp_update": ["p1", "p3"],
        "limit=2&offset=2&orderby=timestamp_update": ["p4", "p5"],
        "limit=2&offset=4&orderby=timestamp_update": ["p2"], "": ["p1", "p2", "p3", "p4", "p5"],
    }
    for query, wanted in expected.items():
        assert ids(client.get(f"/v2/products?{query}", headers=STAGING)) == wanted, query


def test_default_limit_is_10_and_max_250(empty: FlaskClient) -> None:
    for start in range(0, 260, 100):
        batch = [{"@type": "product", "id": f"p{i:03d}"} for i in range(start, min(start + 100, 260))]
        empty.post("/v2/push", json=batch, headers=STAGING)
    assert len(ids(empty.get("/v2/products", headers=STAGING))) == 10
    assert len(ids(empty.get("/v2/products?limit=1", headers=STAGING))) == 1
    assert len(ids(empty.get("/v2/products?limit=250", headers=STAGING))) == 250


@pytest.mark.parametrize(("query", "name"), [
    ("limit=0", "limit"), ("limit=251", "limit"), ("limit=ten", "limit"), ("limit=-1", "limit"),
    ("offset=-1", "offset"), ("offset=1.5", "offset"), ("orderby=title", "orderby"),
    ("orderby=-timestamp_update", "orderby"), ("active=yes", "active"), ("includeVariants=1", "includeVariants"),
])
def test_invalid_list_parameters(api: tuple[FlaskClient, MockContext], query: str, name: str) -> None:
    client, _ = api
    response = client.get(f"/v2/products?{query}", headers=STAGING)
    assert response.status_code == 400
    assert response.get_json() == error(C.ERR_PARAM.format(name=name))


@pytest.mark.parametrize("path", ["/v2/orders?limit=251", "/v2/contacts/default?offset=x"])
def test_invalid_parameters_on_other_lists(api: tuple[FlaskClient, MockContext], path: str) -> None:
    client, _ = api
    response = client.get(path, headers=STAGING)
    assert response.status_code == 400
    assert response.get_json()["message"].startswith("Invalid value for parameter '")


def test_unknown_query_parameters_are_ignored(api: tuple[FlaskClient, MockContext]) -> None:
    client, _ = api
    assert ids(client.get("/v2/products?colour=red", headers=STAGING)) == ids(client.get("/v2/products",
                                                                                         headers=STAGING))


# -- products (§3.2) -----------------------------------------------------------------------------------
@pytest.mark.parametrize(("query", "expected"), [
    ("", ["stg-tee", "stg-hoodie", "stg-cap", "stg-socks"]),
    ("includeVariants=false", ["stg-tee", "stg-hoodie", "stg-cap", "stg-socks"]),
    ("includeVariants=true", ["stg-tee", "stg-tee-s", "stg-tee-m", "stg-hoodie", "stg-hoodie-l", "stg-cap",
                              "stg-socks"]),
    ("active=true", ["stg-tee", "stg-hoodie", "stg-socks"]),
    ("active=false", ["stg-cap"]),
    ("active=true&includeVariants=true&limit=3", ["stg-tee", "stg-tee-s", "stg-tee-m"]),
])
def test_product_filters(api: tuple[FlaskClient, MockContext], query: str, expected: list[str]) -> None:
    client, _ = api
    assert ids(client.get(f"/v2/products?{query}", headers=STAGING)) == expected


def test_get_product_answers_variants_too(api: tuple[FlaskClient, MockContext]) -> None:
    client, _ = api
    response = client.get("/v2/products/stg-tee-s", headers=STAGING)
    assert response.status_code == 200
    assert response.get_json() == {"@type": "product", "id": "stg-tee-s", "title": "Logo tee S", "sku": "STG-TEE-S",
                                   "price": 19.0, "is_variant": True, "parent_id": "stg-tee",
                                   "attributes": [{"type": "size", "id": "s", "label": "S"}]}


@pytest.mark.parametrize(("path", "message"), [
    ("/v2/products/nope", C.ERR_PRODUCT_NOT_FOUND), ("/v2/orders/nope", C.ERR_ORDER_NOT_FOUND),
    ("/v2/contacts/default/nope", C.ERR_CONTACT_NOT_FOUND),
    ("/v2/contacts/nowhere/staging-c2", C.ERR_CONTACT_NOT_FOUND),
])
def test_not_found_texts(api: tuple[FlaskClient, MockContext], path: str, message: str) -> None:
    client, _ = api
    response = client.get(path, headers=STAGING)
    assert response.status_code == 404
    assert response.get_json() == error(message)


def test_post_product_201_then_200_with_the_stored_record(api: tuple[FlaskClient, MockContext]) -> None:
    client, _ = api
    created = client.post("/v2/products/new-1", json={"title": "Mug", "price": 8, "properties": {"a": 1}},
                          headers=STAGING)
    assert created.status_code == 201
    assert created.get_json() == {"@type": "product", "id": "new-1", "title": "Mug", "price": 8,
                                  "properties": {"a": 1}}
    merged = client.post("/v2/products/new-1", json={"@type": "product", "id": "new-1", "price": None,
                                                     "properties": {"b": 2}}, headers=STAGING)
    assert merged.status_code == 200
    assert merged.get_json() == {"@type": "product", "id": "new-1", "title": "Mug", "properties": {"a": 1, "b": 2}}
    assert client.get("/v2/products/new-1", headers=STAGING).get_json() == merged.get_json()


@pytest.mark.parametrize(("path", "body", "message"), [
    ("/v2/products/p1", {"price": "8", "is_active": 1, "listings": [{"store": "u k"}]},
     "Payload invalid: root > is_active: not a valid value; root > listings > 0 > store: not a valid value; "
     "root > price: not a valid value"),
    ("/v2/products/p1", {"id": "p2"}, "Payload invalid: root > id: not a valid value"),
    ("/v2/products/p1", {"@type": "order"}, "Payload invalid: root > @type: not a valid value"),
    ("/v2/products/p%201", {"title": "x"}, "Payload invalid: root > id: not a valid value"),
    ("/v2/products/_bulk", [{"id": "p1"}], C.ERR_NOT_OBJECT),
    ("/v2/products/p1", "text", C.ERR_NOT_OBJECT),
    ("/v2/orders/o1", {"status": "new"}, "Payload invalid: root > timestamp: field is required"),
    ("/v2/orders/o%091", {"timestamp": "2025-01-01T00:00:00Z"}, "Payload invalid: root > id: not a valid value"),
    ("/v2/contacts/default/c1", {"firstname": "A"}, "Payload invalid: root > email: field is required"),
    ("/v2/contacts/default/c1", {"email": "a@b.co", "@collection": "vip"},
     "Payload invalid: root > @collection: not a valid value"),
    ("/v2/contacts/de%20fault/c1", {"email": "a@b.co"}, "Payload invalid: root > @collection: not a valid value"),
])
def test_post_problems(api: tuple[FlaskClient, MockContext], path: str, body: Any, message: str) -> None:
    client, mock = api
    before = snapshot(mock)
    response = client.post(path, json=body, headers=STAGING)
    assert response.status_code == 400
    assert response.get_json() == error(message)
    assert snapshot(mock) == before


def test_post_with_invalid_json(api: tuple[FlaskClient, MockContext]) -> None:
    client, _ = api
    response = client.post("/v2/orders/o1", data=b"{", headers=STAGING)
    assert response.status_code == 400
    assert response.get_json() == error(C.ERR_BAD_JSON)


@pytest.mark.parametrize(("size", "status"), [(60_000, 201), (60_001, 400)])
@pytest.mark.parametrize("char", ["a", "ü"])
def test_rest_post_record_size(api: tuple[FlaskClient, MockContext], size: int, status: int, char: str) -> None:
    client, _ = api
    body = sized_record(size, char=char)
    response = client.post("/v2/products/big-1", json=body, headers=STAGING)
    assert response.status_code == status
    if status == 400:
        assert response.get_json() == error(C.ERR_RECORD_TOO_LARGE)


# -- contacts (§3.3) -----------------------------------------------------------------------------------
def test_post_contact_201_then_200(api: tuple[FlaskClient, MockContext]) -> None:
    client, _ = api
    created = client.post("/v2/contacts/vip/c1", json={"email": "a@b.co", "firstname": "A"}, headers=STAGING)
    assert created.status_code == 201
    body = created.get_json()
    assert body.pop("@profile_id")  # derived by the profiles module (§5.1)
    assert body == {"@type": "contact", "id": "c1", "@collection": "vip", "email": "a@b.co", "firstname": "A"}
    merged = client.post("/v2/contacts/vip/c1", json={"@collection": "vip", "lastname": ""}, headers=STAGING)
    assert merged.status_code == 200
    assert merged.get_json()["lastname"] == ""
    assert {"collection": "vip", "count": 1} in client.get("/v2/contacts", headers=STAGING).get_json()


def test_seeded_contacts_in_two_collections(api: tuple[FlaskClient, MockContext]) -> None:
    client, _ = api
    assert client.get("/v2/contacts", headers=STAGING).get_json() == [
        {"collection": "default", "count": 5}, {"collection": "newsletter", "count": 3}]


# -- orders (§3.4) -------------------------------------------------------------------------------------
def test_orders_list_get_and_post(api: tuple[FlaskClient, MockContext]) -> None:
    client, mock = api
    assert ids(client.get("/v2/orders", headers=STAGING)) == ["stg-o-1001", "stg-o-1002", "stg-o-1003",
                                                              "stg-o-1004"]
    order = client.get("/v2/orders/stg-o-1002", headers=STAGING).get_json()
    assert order["customer"]["id"] == "staging-cust-8" and len(order["lineitems"]) == 2
    mock.clock.advance(5)
    response = client.post("/v2/orders/stg-o-1001", json={"status": "shipped"}, headers=STAGING)
    assert response.status_code == 200 and response.get_json()["status"] == "shipped"
    assert ids(client.get("/v2/orders?orderby=timestamp_update", headers=STAGING))[-1] == "stg-o-1001"
    created = client.post("/v2/orders/o-new", json={"timestamp": "2026-01-01T10:00:00Z", "lineitems": [
        {"product_id": "not-yet-pushed", "quantity": 2}]}, headers=STAGING)
    assert created.status_code == 201


# -- methods and unknown paths (§3.9) ------------------------------------------------------------------
@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
@pytest.mark.parametrize("path", ["/v2/push", "/v2/products/p-1", "/v2/products", "/v2/orders/o1",
                                  "/v2/contacts/default/c1", "/v2/push/_errors"])
def test_put_delete_patch_answer_405(api: tuple[FlaskClient, MockContext], method: str, path: str) -> None:
    client, _ = api
    response = client.open(path, method=method, json={}, headers=STAGING)
    assert response.status_code == 405
    assert response.get_json() == error(C.ERR_METHOD)
    assert "Allow" in response.headers


@pytest.mark.parametrize(("method", "path"), [("POST", "/v2/custom-events"), ("GET", "/v2/customers/1/orders"),
                                              ("GET", "/v2/link-verification")])
def test_unemulated_paths_answer_404(api: tuple[FlaskClient, MockContext], method: str, path: str) -> None:
    client, _ = api
    response = client.open(path, method=method, json={}, headers=STAGING)
    assert response.status_code == 404
    assert response.get_json() == error(C.ERR_ROUTE_NOT_FOUND)


def test_trailing_slash_and_get_with_body(api: tuple[FlaskClient, MockContext]) -> None:
    client, _ = api
    assert ids(client.get("/v2/orders/", json={}, headers=STAGING))[0] == "stg-o-1001"


def test_read_only_key_cannot_post(tmp_path: Path) -> None:
    folder = fixture_copy(tmp_path, tenant={"staging": {"apiKeys": [
        {"key": "ometria-staging-key", "scopes": None}, {"key": "ro-key", "scopes": ["read"]}]}})
    client = make_app(folder).test_client()
    headers = {"X-Ometria-Auth": "ro-key"}
    assert client.get("/v2/products/stg-tee", headers=headers).status_code == 200
    response = client.post("/v2/products/stg-tee", json={"title": "x"}, headers=headers)
    assert response.status_code == 403
    assert response.get_json() == error(C.ERR_FORBIDDEN)
