"""v5 products (omnisend.md §4, §5.10): the v3 store read and written through the cross-version mapping."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_server.core.context import MockContext
from mock_server.omnisend import constants as C
from tests.conftest import OMNISEND, snapshot
from tests.omnisend.catalog import BASE, NOW, bad_params, error, follow, invalid_body, product_body
from tests.omnisend.contract import PRODUCT_OUTPUT, check, within

BY_CREATED = ["prod-storm-shell-jacket", "prod-titan-stove", "prod-alpine-gtx-boot", "prod-daypack-20",
              "prod-ridge-45-pack", "prod-summit-0-bag", "prod-basecamp-4-tent", "prod-trek-2-tent"]
BY_UPDATED = ["prod-alpine-gtx-boot", "prod-trek-2-tent", "prod-storm-shell-jacket", "prod-summit-0-bag",
              "prod-ridge-45-pack", "prod-titan-stove", "prod-daypack-20", "prod-basecamp-4-tent"]


def v5_body(product_id: str = "v5-new", **extra: Any) -> dict[str, Any]:
    """A minimal valid v5 product."""
    body: dict[str, Any] = {"id": product_id, "title": "Camp Chair", "status": "inStock", "currency": "EUR",
                            "url": f"https://shop.example.com/products/{product_id}",
                            "variants": [{"id": f"{product_id}-1", "title": "Camp Chair / Green",
                                          "url": f"https://shop.example.com/products/{product_id}?v=1",
                                          "price": 39.99}]}
    body.update(extra)
    return body


def _v3(client: FlaskClient, product_id: str) -> dict[str, Any]:
    body: dict[str, Any] = client.get(f"/v3/products/{product_id}", headers=OMNISEND).get_json()
    return body


def _v5(client: FlaskClient, product_id: str) -> dict[str, Any]:
    response = client.get(f"/v5/products/{product_id}", headers=OMNISEND)
    assert response.status_code == 200
    body: dict[str, Any] = response.get_json()
    return body


def test_create_answers_the_id(client: FlaskClient) -> None:
    response = client.post("/v5/products", json=v5_body(), headers=OMNISEND)
    assert response.status_code == 200
    assert response.get_json() == {"id": "v5-new"}
    assert response.headers["Content-Type"] == C.CT_JSON_UTF8


def test_minimal_product_renders_every_v5_key(client: FlaskClient) -> None:
    client.post("/v5/products", json=v5_body(), headers=OMNISEND)
    body = _v5(client, "v5-new")
    assert body == {
        "id": "v5-new", "title": "Camp Chair", "status": "inStock", "description": "", "currency": "EUR",
        "url": "https://shop.example.com/products/v5-new", "defaultImageUrl": "", "images": [], "vendor": "",
        "type": "", "tags": [], "categoryIDs": [], "price": None, "strikeThroughPrice": None, "createdAt": NOW,
        "updatedAt": NOW,
        "variants": [{"id": "v5-new-1", "title": "Camp Chair / Green", "sku": "", "status": "inStock",
                      "price": 39.99, "strikeThroughPrice": None,
                      "url": "https://shop.example.com/products/v5-new?v=1", "description": "",
                      "defaultImageUrl": "", "images": []}],
    }
    assert list(body) == ["id", "title", "status", "description", "currency", "url", "defaultImageUrl", "images",
                          "vendor", "type", "tags", "categoryIDs", "price", "strikeThroughPrice", "createdAt",
                          "updatedAt", "variants"]


def test_v5_product_reads_through_v3_with_cents_and_image_objects(client: FlaskClient) -> None:
    body = v5_body(images=["https://i.example.com/a.jpg", "https://i.example.com/b.jpg"],
                   defaultImageUrl="https://i.example.com/b.jpg", price=39.99, strikeThroughPrice=49.0,
                   tags=["chair"], categoryIDs=["cat-camp-kitchen"], vendor="Northpeak", type="chair",
                   description="Folding chair", createdAt="2024-06-01T00:00:00Z")
    body["variants"] = [
        {"id": "v1", "title": "Green", "url": "https://s.example.com/v1", "price": 19.99, "strikeThroughPrice": 24.5,
         "sku": "CH-G", "status": "outOfStock", "images": ["https://i.example.com/a.jpg"],
         "defaultImageUrl": "https://i.example.com/c.jpg", "description": "Green chair"},
        {"id": "v2", "title": "Blue", "url": "https://s.example.com/v2", "price": 0.125},
    ]
    client.post("/v5/products", json=body, headers=OMNISEND)
    response = client.get("/v3/products/v5-new", headers=OMNISEND)
    v3 = response.get_json()
    assert v3["images"] == [
        {"imageID": "img-1", "url": "https://i.example.com/a.jpg", "isDefault": False, "variantIDs": ["v1"]},
        {"imageID": "img-2", "url": "https://i.example.com/b.jpg", "isDefault": True, "variantIDs": []},
        {"imageID": "img-3", "url": "https://i.example.com/c.jpg", "isDefault": False, "variantIDs": []},
    ]
    assert v3["variants"] == [
        {"variantID": "v1", "title": "Green", "sku": "CH-G", "price": 1999, "oldPrice": 2450,
         "productUrl": "https://s.example.com/v1", "status": "outOfStock", "imageID": "img-3"},
        # no status: the product's (mock decision); 0.125 -> 13 cents (halves away from zero)
        {"variantID": "v2", "title": "Blue", "sku": "", "price": 13, "oldPrice": None,
         "productUrl": "https://s.example.com/v2", "status": "inStock", "imageID": ""},
    ]
    assert (v3["productUrl"], v3["tags"], v3["categoryIDs"], v3["createdAt"]) == (
        "https://shop.example.com/products/v5-new", ["chair"], ["cat-camp-kitchen"], "2024-06-01T00:00:00Z")
    assert within(check(response, "GET", "/products/v5-new"), PRODUCT_OUTPUT)
    v5 = _v5(client, "v5-new")
    assert (v5["price"], v5["strikeThroughPrice"], v5["defaultImageUrl"]) == (39.99, 49.0,
                                                                            "https://i.example.com/b.jpg")
    assert v5["variants"][0] == {"id": "v1", "title": "Green", "sku": "CH-G", "status": "outOfStock", "price": 19.99,
                                 "strikeThroughPrice": 24.5, "url": "https://s.example.com/v1",
                                 "description": "Green chair", "defaultImageUrl": "https://i.example.com/c.jpg",
                                 "images": ["https://i.example.com/a.jpg"]}


def test_v3_product_reads_through_v5_with_decimal_prices(client: FlaskClient) -> None:
    client.post("/v3/products", json=product_body(), headers=OMNISEND)
    assert _v5(client, "prod-new")["variants"][0]["price"] == 39.99
    ridge = _v5(client, "prod-ridge-45-pack")
    assert ridge["defaultImageUrl"] == "https://shop.example.com/images/prod-ridge-45-pack-1.jpg"
    assert ridge["variants"][1] == {
        "id": "ridge-45-black", "title": "Ridge 45 / Black", "sku": "TG-R45-BLK", "status": "inStock", "price": 159.0,
        "strikeThroughPrice": 179.0, "url": "https://shop.example.com/products/prod-ridge-45-pack?variant=ridge-45-black",
        "description": "", "defaultImageUrl": "https://shop.example.com/images/prod-ridge-45-pack-2.jpg",
        "images": ["https://shop.example.com/images/prod-ridge-45-pack-2.jpg"]}


def test_create_existing_product_uses_the_v3_text(client: FlaskClient, mock: MockContext) -> None:
    before = snapshot(mock)
    response = client.post("/v5/products", json=v5_body("prod-trek-2-tent"), headers=OMNISEND)
    assert response.status_code == 422
    assert response.get_json() == error("Product with 'prod-trek-2-tent' productID already exists")
    assert snapshot(mock) == before


def _variant(n: int) -> dict[str, Any]:
    return {"id": f"v{n}", "title": "t", "url": "u", "price": 1}


@pytest.mark.parametrize(("body", "fields"), [
    ({}, ["currency: field required but not found in Json", "id: field required but not found in Json",
          "status: field required but not found in Json", "title: field required but not found in Json",
          "url: field required but not found in Json", "variants: field required but not found in Json"]),
    (v5_body("x" * 101, variants=[_variant(1)]), ["id: length must be between 1 and 100"]),
    (v5_body(title="x" * 256, url="u" * 1001), ["title: length must be between 0 and 255",
                                               "url: length must be between 0 and 1000"]),
    (v5_body(currency="eur"), ["currency: invalid format, expected ISO 4217 code"]),
    (v5_body(variants=[]), ["variants: must contain between 1 and 500 items"]),
    (v5_body(variants=[_variant(n) for n in range(501)]), ["variants: must contain between 1 and 500 items"]),
    (v5_body(images=["u"] * 301, tags=["t"] * 101), ["images: must contain between 0 and 300 items",
                                                     "tags: must contain between 0 and 100 items"]),
    (v5_body(vendor="v" * 101, description="d" * 1001), ["description: length must be between 0 and 1000",
                                                         "vendor: length must be between 0 and 100"]),
    (v5_body(variants=[{"id": "v", "title": "t", "url": "u", "price": -0.01, "status": "gone"}, {}]),
     ["variants[0].price: must be >= 0",
      "variants[0].status: invalid value, allowed values: inStock, outOfStock, notAvailable",
      "variants[1].id: field required but not found in Json",
      "variants[1].price: field required but not found in Json",
      "variants[1].title: field required but not found in Json",
      "variants[1].url: field required but not found in Json"]),
    (v5_body(price="9.99"), ["price: invalid type, expected number"]),
])
def test_create_with_an_invalid_body_is_400(client: FlaskClient, mock: MockContext, body: dict[str, Any],
                                            fields: list[str]) -> None:
    before = snapshot(mock)
    response = client.post("/v5/products", json=body, headers=OMNISEND)
    assert response.status_code == 400
    assert response.get_json() == invalid_body(*fields)
    assert snapshot(mock) == before


def test_limits_at_the_edge_are_accepted(client: FlaskClient) -> None:
    body = v5_body("x" * 100, title="t" * 255, variants=[_variant(n) for n in range(500)], images=["u"] * 300)
    assert client.post("/v5/products", json=body, headers=OMNISEND).status_code == 200


def test_get_missing_product_uses_the_v3_text(client: FlaskClient) -> None:
    response = client.get("/v5/products/product-404", headers=OMNISEND)
    assert response.status_code == 404
    assert response.get_json() == error("Product with ProductID `product-404` not found")


def test_put_replaces_and_v3_sees_it(client: FlaskClient, mock: MockContext) -> None:
    mock.clock.advance(120)
    body = v5_body(price=10)
    del body["id"]
    response = client.put("/v5/products/prod-trek-2-tent", json=body, headers=OMNISEND)
    assert response.status_code == 200
    assert response.get_json() == {"id": "prod-trek-2-tent"}
    v3 = _v3(client, "prod-trek-2-tent")
    assert (v3["title"], v3["images"], v3["tags"], v3["vendor"]) == ("Camp Chair", [], None, "")
    assert v3["createdAt"] == v3["updatedAt"] == "2026-01-01T00:02:00.000Z"
    assert _v5(client, "prod-trek-2-tent")["price"] == 10


def test_v3_put_clears_v5_only_fields(client: FlaskClient) -> None:
    client.post("/v5/products", json=v5_body(price=5.5), headers=OMNISEND)
    put = product_body(updatedAt="2024-01-01T00:00:00Z")
    del put["productID"]
    client.put("/v3/products/v5-new", json=put, headers=OMNISEND)
    assert _v5(client, "v5-new")["price"] is None


def test_put_with_a_different_body_id_warns(client: FlaskClient) -> None:
    response = client.put("/v5/products/prod-trek-2-tent", json=v5_body("other"), headers=OMNISEND)
    assert response.get_json() == {"id": "prod-trek-2-tent"}
    assert response.headers["X-Mock-Warnings"] == "id: differs from the path, path value used"


@pytest.mark.parametrize(("path", "body", "status", "expected"), [
    ("/v5/products/product-404", v5_body(), 404, error("Product with 'product-404' productID doesn't exist")),
    ("/v5/products/prod-trek-2-tent", {"title": "x"}, 400,
     invalid_body("currency: field required but not found in Json", "status: field required but not found in Json",
                  "url: field required but not found in Json", "variants: field required but not found in Json")),
])
def test_put_failures_change_nothing(client: FlaskClient, mock: MockContext, path: str, body: dict[str, Any],
                                     status: int, expected: dict[str, Any]) -> None:
    before = snapshot(mock)
    response = client.put(path, json=body, headers=OMNISEND)
    assert response.status_code == status
    assert response.get_json() == expected
    assert snapshot(mock) == before


def test_delete_is_204_for_both_versions(client: FlaskClient) -> None:
    response = client.delete("/v5/products/prod-trek-2-tent", headers=OMNISEND)
    assert (response.status_code, response.get_data()) == (204, b"")
    assert client.get("/v3/products/prod-trek-2-tent", headers=OMNISEND).status_code == 404


def test_delete_missing_product_is_422_as_v3(client: FlaskClient, mock: MockContext) -> None:
    before = snapshot(mock)
    response = client.delete("/v5/products/product-404", headers=OMNISEND)
    assert response.status_code == 422
    assert response.get_json() == error("product not found")
    assert snapshot(mock) == before


def test_patch_is_not_served(client: FlaskClient) -> None:
    response = client.patch("/v5/products/prod-trek-2-tent", json={}, headers=OMNISEND)
    assert response.status_code == 405
    assert response.get_json() == error(C.ERR_METHOD)


def test_list_pages_follow_the_links(client: FlaskClient) -> None:
    ids, pagings = follow(client, "/v5/products?limit=2", "products", "id")
    assert ids == BY_CREATED
    assert pagings[0]["next"] == f"{BASE}/v5/products?limit=2&offset=2"
    assert pagings[-1] == {"previous": f"{BASE}/v5/products?limit=2&offset=4", "next": None, "offset": 6, "limit": 2}


@pytest.mark.parametrize(("sort", "expected"), [("createdAt", BY_CREATED), ("updatedAt", BY_UPDATED)])
def test_list_sorts(client: FlaskClient, sort: str, expected: list[str]) -> None:
    ids, _ = follow(client, f"/v5/products?sort={sort}&limit=5", "products", "id")
    assert ids == expected


def test_list_has_no_vendor_filter(client: FlaskClient) -> None:
    body = client.get("/v5/products?vendor=Northpeak", headers=OMNISEND).get_json()
    assert len(body["products"]) == 8  # unknown parameters are ignored (§4: sort, limit, offset only)


@pytest.mark.parametrize(("limit", "count"), [("1", 1), ("250", 8)])
def test_list_limit_bounds_accepted(client: FlaskClient, limit: str, count: int) -> None:
    assert len(client.get(f"/v5/products?limit={limit}", headers=OMNISEND).get_json()["products"]) == count


@pytest.mark.parametrize(("query", "fields"), [
    ("limit=0", ["limit: must be an integer between 1 and 250"]),
    ("limit=251", ["limit: must be an integer between 1 and 250"]),
    ("offset=-1", ["offset: must be an integer >= 0"]),
    ("sort=title", ["sort: unsupported value 'title', allowed: createdAt, updatedAt"]),
])
def test_list_bad_query_is_400(client: FlaskClient, query: str, fields: list[str]) -> None:
    response = client.get(f"/v5/products?{query}", headers=OMNISEND)
    assert response.status_code == 400
    assert response.get_json() == bad_params(*fields)
