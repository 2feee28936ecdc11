"""Products and product categories, 2026-03-15 (reference 2026 §5.4, §5.5)."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_server.core.context import MockContext
from mock_server.omnisend.v2026 import constants as C
from tests.conftest import snapshot
from tests.omnisend.catalog import NOW
from tests.omnisend.v2026.helpers import API, assert_problem, call, invalid, problem

PRODUCT = {"id": "prod-api-1", "title": "Stove", "status": "inStock", "currency": "EUR",
           "url": "https://shop.example.com/stove", "categoryIDs": ["cat-camp-kitchen"],
           "variants": [{"id": "stove-1", "title": "Stove", "url": "https://shop.example.com/stove", "price": 49.99,
                         "strikeThroughPrice": 59.5}]}


def test_product_lifecycle(client: FlaskClient) -> None:
    created = call(client, "POST", "/products", json=PRODUCT)
    assert (created.status_code, created.get_json()) == (201, {"id": "prod-api-1"})
    read = call(client, "GET", "/products/prod-api-1")
    assert read.get_json() == {
        "id": "prod-api-1", "title": "Stove", "status": "inStock", "currency": "EUR",
        "url": "https://shop.example.com/stove", "images": [], "tags": [], "categoryIDs": ["cat-camp-kitchen"],
        "createdAt": NOW, "updatedAt": NOW,
        "variants": [{"id": "stove-1", "title": "Stove", "status": "inStock", "price": 49.99,
                      "strikeThroughPrice": 59.5, "url": "https://shop.example.com/stove", "images": []}]}
    replaced = call(client, "PUT", "/products/prod-api-1", json={**PRODUCT, "title": "Stove II"})
    assert (replaced.status_code, replaced.get_json()) == (200, {"id": "prod-api-1"})
    assert call(client, "GET", "/products/prod-api-1").get_json()["title"] == "Stove II"
    deleted = call(client, "DELETE", "/products/prod-api-1")
    assert (deleted.status_code, deleted.get_data()) == (204, b"")
    gone = call(client, "GET", "/products/prod-api-1")
    assert_problem(gone, problem(gone, 404, C.DETAIL_PRODUCT_NOT_FOUND.format(id="prod-api-1")))
    assert call(client, "GET", "/products/prod-trek-2-tent").status_code == 200


def test_product_errors(client: FlaskClient, mock: MockContext) -> None:
    before = snapshot(mock)
    duplicate = call(client, "POST", "/products", json={**PRODUCT, "id": "prod-trek-2-tent"})
    assert_problem(duplicate, problem(duplicate, 409, C.DETAIL_PRODUCT_EXISTS.format(id="prod-trek-2-tent")))
    bad = call(client, "POST", "/products", json={"id": "x", "status": "sold", "variants": [{"id": "v", "price": "1"}]})
    assert_problem(bad, invalid(
        bad, ("currency", "required", C.MSG_REQUIRED),
        ("status", "invalid_value", "invalid value, allowed values: inStock, outOfStock, notAvailable"),
        ("title", "required", C.MSG_REQUIRED), ("url", "required", C.MSG_REQUIRED),
        ("variants[0].price", "invalid_type", "invalid type, expected number"),
        ("variants[0].title", "required", C.MSG_REQUIRED), ("variants[0].url", "required", C.MSG_REQUIRED)))
    for method in ("PUT", "DELETE"):
        # DELETE declares no 404 (mock decision, checked without the contract).
        missing = call(client, method, "/products/nope", json=PRODUCT if method == "PUT" else None,
                       contract=method == "PUT")
        assert_problem(missing, problem(missing, 404, C.DETAIL_PRODUCT_NOT_FOUND.format(id="nope")))
    no_patch = client.patch("/api/products/prod-trek-2-tent", json={}, headers=API)
    assert no_patch.status_code == 405
    assert snapshot(mock) == before


def test_category_lifecycle_patch_keeps_omitted_fields(client: FlaskClient, mock: MockContext) -> None:
    created = call(client, "POST", "/product-categories", json={"categoryID": "cat-api", "title": "API"})
    assert (created.status_code, created.get_json()) == (201, {"categoryID": "cat-api"})
    mock.clock.advance(60)
    patched = call(client, "PATCH", "/product-categories/cat-api", json={"title": "API 2"})
    assert (patched.status_code, patched.get_json()) == (200, {"categoryID": "cat-api"})
    assert call(client, "GET", "/product-categories/cat-api").get_json() == {
        "categoryID": "cat-api", "title": "API 2", "createdAt": NOW, "updatedAt": "2026-01-01T00:01:00.000Z"}
    assert call(client, "DELETE", "/product-categories/cat-api").status_code == 204


@pytest.mark.parametrize(("method", "path", "payload", "status", "expected"), [
    ("POST", "", {"categoryID": "cat-tents", "title": "x"}, 409, C.DETAIL_CATEGORY_EXISTS.format(id="cat-tents")),
    ("POST", "", {"categoryID": "", "title": "t" * 256}, 400,
     [("categoryID", "invalid_length", "length must be between 1 and 100"),
      ("title", "invalid_length", "length must be between 0 and 255")]),
    ("PATCH", "/cat-tents", {}, 400, [("title", "required", C.MSG_REQUIRED)]),
    ("PATCH", "/nope", {"title": "x"}, 404, C.DETAIL_CATEGORY_NOT_FOUND.format(id="nope")),
    ("GET", "/nope", None, 404, C.DETAIL_CATEGORY_NOT_FOUND.format(id="nope")),
    ("DELETE", "/nope", None, 404, C.DETAIL_CATEGORY_NOT_FOUND.format(id="nope")),
])
def test_category_errors(client: FlaskClient, mock: MockContext, method: str, path: str, payload: Any,
                         status: int, expected: Any) -> None:
    before = snapshot(mock)
    # DELETE declares no 404 in the contract (mock decision): checked without the contract.
    response = call(client, method, f"/product-categories{path}", json=payload, contract=method != "DELETE")
    body = invalid(response, *expected) if status == 400 else problem(response, status, expected)
    assert_problem(response, body)
    assert snapshot(mock) == before
