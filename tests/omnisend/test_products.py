"""v3 products (omnisend.md §3.2, §5.2, §6.1, §7 #1-#4, #13, #22)."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_server.core.context import MockContext
from mock_server.omnisend import constants as C
from tests.conftest import OMNISEND, OMNISEND_READONLY_KEY, snapshot
from tests.omnisend.catalog import BASE, NOW, bad_params, error, follow, invalid_body, product_body
from tests.omnisend.contract import PAGING_NULL_LINKS, PRODUCT_OUTPUT, check, within

BY_CREATED = ["prod-storm-shell-jacket", "prod-titan-stove", "prod-alpine-gtx-boot", "prod-daypack-20",
              "prod-ridge-45-pack", "prod-summit-0-bag", "prod-basecamp-4-tent", "prod-trek-2-tent"]
BY_UPDATED = ["prod-alpine-gtx-boot", "prod-trek-2-tent", "prod-storm-shell-jacket", "prod-summit-0-bag",
              "prod-ridge-45-pack", "prod-titan-stove", "prod-daypack-20", "prod-basecamp-4-tent"]


def _ids(response: Any) -> list[str]:
    return [p["productID"] for p in response.get_json()["products"]]


# -- POST ---------------------------------------------------------------------------------------------------

def test_create_answers_the_product_id_with_the_recorded_content_type(client: FlaskClient) -> None:
    response = client.post("/v3/products", json=product_body(), headers=OMNISEND)
    assert response.status_code == 200
    assert response.get_json() == {"productID": "prod-new"}
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert check(response, "POST", "/products") == set()


def test_created_product_renders_every_key_in_the_recorded_order(client: FlaskClient) -> None:
    client.post("/v3/products", json=product_body(), headers=OMNISEND)
    response = client.get("/v3/products/prod-new", headers=OMNISEND)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == C.CT_JSON_UTF8
    body = response.get_json()
    assert list(body) == ["productID", "title", "status", "description", "currency", "images", "productUrl",
                          "vendor", "type", "categoryIDs", "tags", "createdAt", "updatedAt", "variants"]
    assert body == {
        "productID": "prod-new", "title": "Trail Poles", "status": "inStock", "description": "", "currency": "EUR",
        "images": [], "productUrl": "https://shop.example.com/products/prod-new", "vendor": "", "type": "",
        "categoryIDs": None, "tags": None, "createdAt": NOW, "updatedAt": NOW,
        "variants": [{"variantID": "prod-new-1", "title": "Trail Poles / 120 cm", "sku": "", "price": 3999,
                      "oldPrice": None, "productUrl": "", "status": "inStock", "imageID": ""}],
    }
    assert list(body["variants"][0]) == ["variantID", "title", "sku", "price", "oldPrice", "productUrl", "status",
                                         "imageID"]
    deviations = check(response, "GET", "/products/prod-new")
    assert deviations == PRODUCT_OUTPUT  # unset tags/categoryIDs/oldPrice render as null (§8)


def test_create_keeps_client_timestamps_images_and_ignores_unknown_fields(client: FlaskClient) -> None:
    body = product_body(createdAt="2024-01-01T00:00:00Z", updatedAt="2024-01-02T00:00:00Z", tags=["a"],
                        categoryIDs=["cat-tents"], vendor="Acme", type="poles", description="Light",
                        images=[{"imageID": "i1", "url": "https://img.example.com/1.jpg", "isDefault": True,
                                 "variantIDs": ["prod-new-1"]}], madeUp="x")
    body["variants"][0].update(sku="SKU-1", oldPrice=4999, productUrl="https://shop.example.com/v", imageID="i1")
    client.post("/v3/products", json=body, headers=OMNISEND)
    got = client.get("/v3/products/prod-new", headers=OMNISEND).get_json()
    assert "madeUp" not in got
    assert (got["createdAt"], got["updatedAt"]) == ("2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z")
    assert got["images"] == body["images"]
    assert got["variants"][0] == {"variantID": "prod-new-1", "title": "Trail Poles / 120 cm", "sku": "SKU-1",
                                  "price": 3999, "oldPrice": 4999, "productUrl": "https://shop.example.com/v",
                                  "status": "inStock", "imageID": "i1"}
    assert (got["tags"], got["categoryIDs"], got["vendor"], got["type"]) == (["a"], ["cat-tents"], "Acme", "poles")


def test_create_existing_product_is_the_recorded_422(client: FlaskClient, mock: MockContext) -> None:
    before = snapshot(mock)
    response = client.post("/v3/products", json=product_body("prod-trek-2-tent"), headers=OMNISEND)
    assert response.status_code == 422
    assert response.get_json() == error("Product with 'prod-trek-2-tent' productID already exists")
    assert response.headers["Content-Type"] == C.CT_JSON_UTF8
    assert snapshot(mock) == before


@pytest.mark.parametrize(("body", "fields"), [
    ({}, ["currency: field required but not found in Json", "productID: field required but not found in Json",
          "productUrl: field required but not found in Json", "status: field required but not found in Json",
          "title: field required but not found in Json", "variants: field required but not found in Json"]),
    (product_body(variants=[]), ["variants: must contain at least 1 item"]),
    (product_body(status="sold"), ["status: invalid value, allowed values: inStock, outOfStock, notAvailable"]),
    (product_body(currency="EURO"), ["currency: length must be between 3 and 3"]),
    (product_body(productUrl="not a url"), ["productUrl: invalid format, expected URI"]),
    (product_body(createdAt="yesterday"), ["createdAt: invalid format, expected RFC 3339 date-time"]),
    (product_body(title=5, tags="x"), ["tags: invalid type, expected array", "title: invalid type, expected string"]),
    (product_body(images=[{"imageID": f"i{n}", "url": "https://i.example.com/x.jpg"} for n in range(11)]),
     ["images: must contain between 0 and 10 items"]),
    (product_body(images=[{"url": "https://i.example.com/x.jpg"}]),
     ["images[0].imageID: field required but not found in Json"]),
    (product_body(variants=[{"variantID": "v", "title": "t", "status": "inStock", "price": -1},
                            {"variantID": "w", "title": "t", "status": "inStock", "price": 1.5}]),
     ["variants[0].price: must be >= 0", "variants[1].price: invalid type, expected integer"]),
    (product_body(variants=[{}]), ["variants[0].price: field required but not found in Json",
                                   "variants[0].status: field required but not found in Json",
                                   "variants[0].title: field required but not found in Json",
                                   "variants[0].variantID: field required but not found in Json"]),
])
def test_create_with_an_invalid_body_is_400_with_fields(client: FlaskClient, mock: MockContext,
                                                        body: dict[str, Any], fields: list[str]) -> None:
    before = snapshot(mock)
    response = client.post("/v3/products", json=body, headers=OMNISEND)
    assert response.status_code == 400
    assert response.get_json() == invalid_body(*fields)
    assert snapshot(mock) == before


def test_create_with_broken_json_is_400(client: FlaskClient, mock: MockContext) -> None:
    before = snapshot(mock)
    response = client.post("/v3/products", data=b"{nope", headers=OMNISEND)
    assert response.status_code == 400
    assert response.get_json() == error(C.ERR_BAD_JSON)
    assert snapshot(mock) == before


def test_create_needs_the_write_scope(client: FlaskClient, mock: MockContext) -> None:
    before = snapshot(mock)
    response = client.post("/v3/products", json=product_body(), headers={"X-API-KEY": OMNISEND_READONLY_KEY})
    assert response.status_code == 403
    assert response.get_json() == error(C.ERR_FORBIDDEN)
    assert snapshot(mock) == before


# -- GET one ------------------------------------------------------------------------------------------------

def test_get_fixture_product_matches_the_contract(client: FlaskClient) -> None:
    response = client.get("/v3/products/prod-ridge-45-pack", headers=OMNISEND)
    assert response.status_code == 200
    body = response.get_json()
    assert [v["variantID"] for v in body["variants"]] == ["ridge-45-blue", "ridge-45-black", "ridge-45-red"]
    assert body["images"][0] == {"imageID": "prod-ridge-45-pack-img1",
                                 "url": "https://shop.example.com/images/prod-ridge-45-pack-1.jpg",
                                 "isDefault": True, "variantIDs": ["ridge-45-blue"]}
    deviations = check(response, "GET", "/products/prod-ridge-45-pack")
    assert within(deviations, PRODUCT_OUTPUT)
    assert "variants[].oldPrice: type" in deviations  # ridge-45-red has no oldPrice


def test_get_missing_product_is_the_recorded_404_with_backticks(client: FlaskClient) -> None:
    response = client.get("/v3/products/product-404", headers=OMNISEND)
    assert response.status_code == 404
    assert response.get_json() == error("Product with ProductID `product-404` not found")
    assert response.headers["Content-Type"] == C.CT_JSON_UTF8


# -- PUT ----------------------------------------------------------------------------------------------------

def _put_body(**extra: Any) -> dict[str, Any]:
    body = product_body(updatedAt="2024-08-01T00:00:00Z")
    del body["productID"]
    body.update(extra)
    return body


def test_put_replaces_everything_and_resets_created_at(client: FlaskClient, mock: MockContext) -> None:
    mock.clock.advance(60)
    response = client.put("/v3/products/prod-trek-2-tent", json=_put_body(), headers=OMNISEND)
    assert response.status_code == 200
    assert response.get_json() == {"productID": "prod-trek-2-tent"}
    assert response.headers["Content-Type"] == C.CT_JSON_UTF8
    assert check(response, "PUT", "/products/prod-trek-2-tent") == set()
    got = client.get("/v3/products/prod-trek-2-tent", headers=OMNISEND).get_json()
    # Optional fields not sent are cleared; createdAt becomes now (§6.1).
    assert (got["images"], got["tags"], got["categoryIDs"], got["vendor"], got["description"]) == ([], None, None,
                                                                                                  "", "")
    assert got["createdAt"] == "2026-01-01T00:01:00.000Z"
    assert got["updatedAt"] == "2024-08-01T00:00:00Z"
    assert [v["variantID"] for v in got["variants"]] == ["prod-new-1"]


def test_put_keeps_a_given_created_at(client: FlaskClient) -> None:
    client.put("/v3/products/prod-trek-2-tent", json=_put_body(createdAt="2023-01-01T00:00:00Z"), headers=OMNISEND)
    got = client.get("/v3/products/prod-trek-2-tent", headers=OMNISEND).get_json()
    assert got["createdAt"] == "2023-01-01T00:00:00Z"


def test_put_with_a_different_body_id_uses_the_path_and_warns(client: FlaskClient) -> None:
    response = client.put("/v3/products/prod-trek-2-tent", json=_put_body(productID="other"), headers=OMNISEND)
    assert response.status_code == 200
    assert response.get_json() == {"productID": "prod-trek-2-tent"}
    assert response.headers["X-Mock-Warnings"] == "productID: differs from the path, path value used"
    assert client.get("/v3/products/other", headers=OMNISEND).status_code == 404


def test_put_with_the_same_body_id_does_not_warn(client: FlaskClient) -> None:
    response = client.put("/v3/products/prod-trek-2-tent", json=_put_body(productID="prod-trek-2-tent"),
                          headers=OMNISEND)
    assert response.status_code == 200
    assert "X-Mock-Warnings" not in response.headers


def test_put_missing_product_is_the_recorded_404_and_never_creates(client: FlaskClient, mock: MockContext) -> None:
    before = snapshot(mock)
    response = client.put("/v3/products/product-404", json=_put_body(), headers=OMNISEND)
    assert response.status_code == 404
    assert response.get_json() == error("Product with 'product-404' productID doesn't exist")
    assert snapshot(mock) == before


@pytest.mark.parametrize(("path", "body", "fields"), [
    ("/v3/products/prod-trek-2-tent", {"title": "x"},
     ["currency: field required but not found in Json", "status: field required but not found in Json",
      "updatedAt: field required but not found in Json", "variants: field required but not found in Json"]),
    # Validation comes before the existence check (§1.5 order of checks).
    ("/v3/products/product-404", {**_put_body(), "updatedAt": None}, ["updatedAt: invalid type, expected string"]),
])
def test_put_with_an_invalid_body_is_400(client: FlaskClient, mock: MockContext, path: str, body: dict[str, Any],
                                         fields: list[str]) -> None:
    before = snapshot(mock)
    response = client.put(path, json=body, headers=OMNISEND)
    assert response.status_code == 400
    assert response.get_json() == invalid_body(*fields)
    assert snapshot(mock) == before


# -- DELETE / PATCH -----------------------------------------------------------------------------------------

def test_delete_is_204_empty_and_the_product_is_gone(client: FlaskClient) -> None:
    response = client.delete("/v3/products/prod-trek-2-tent", headers=OMNISEND)
    assert response.status_code == 204
    assert response.get_data() == b""
    assert client.get("/v3/products/prod-trek-2-tent", headers=OMNISEND).status_code == 404


def test_delete_missing_product_is_the_recorded_422(client: FlaskClient, mock: MockContext) -> None:
    before = snapshot(mock)
    response = client.delete("/v3/products/product-404", headers=OMNISEND)
    assert response.status_code == 422
    assert response.get_json() == error("product not found")
    assert response.headers[C.H_REMAINING] == "399"  # recorded together with the 422 (§7 #4)
    assert snapshot(mock) == before


def test_patch_is_not_served(client: FlaskClient, mock: MockContext) -> None:
    before = snapshot(mock)
    response = client.patch("/v3/products/prod-trek-2-tent", json={"title": "x"}, headers=OMNISEND)
    assert response.status_code == 405
    assert response.get_json() == error(C.ERR_METHOD)
    assert response.headers["Allow"] == "DELETE, GET, PUT"
    assert snapshot(mock) == before


# -- list ---------------------------------------------------------------------------------------------------

def test_list_defaults_to_newest_first_with_the_recorded_paging(client: FlaskClient) -> None:
    response = client.get("/v3/products", headers=OMNISEND)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == C.CT_JSON_UTF8
    assert _ids(response) == BY_CREATED
    assert response.get_json()["paging"] == {"previous": None, "next": None, "offset": 0, "limit": 100}
    deviations = check(response, "GET", "/products")
    assert within(deviations, PAGING_NULL_LINKS, PRODUCT_OUTPUT, prefix="products[].")
    assert deviations >= PAGING_NULL_LINKS


def test_list_pages_follow_the_links(client: FlaskClient) -> None:
    ids, pagings = follow(client, "/v3/products?limit=2", "products", "productID")
    assert ids == BY_CREATED
    assert pagings[0] == {"previous": None, "next": f"{BASE}/v3/products?limit=2&offset=2", "offset": 0, "limit": 2}
    assert pagings[1] == {"previous": f"{BASE}/v3/products?limit=2&offset=0",
                          "next": f"{BASE}/v3/products?limit=2&offset=4", "offset": 2, "limit": 2}
    assert pagings[-1] == {"previous": f"{BASE}/v3/products?limit=2&offset=4", "next": None, "offset": 6, "limit": 2}


def test_list_middle_page_matches_the_contract(client: FlaskClient) -> None:
    response = client.get("/v3/products?limit=2&offset=2", headers=OMNISEND)
    deviations = check(response, "GET", "/products", query="limit=2&offset=2")
    assert within(deviations, PRODUCT_OUTPUT, prefix="products[].")
    assert not deviations & PAGING_NULL_LINKS  # both links set on a middle page


def test_list_offset_past_the_end_is_an_empty_page_with_previous(client: FlaskClient) -> None:
    body = client.get("/v3/products?limit=2&offset=20", headers=OMNISEND).get_json()
    assert body == {"products": [], "paging": {"previous": f"{BASE}/v3/products?limit=2&offset=18", "next": None,
                                               "offset": 20, "limit": 2}}


@pytest.mark.parametrize(("sort", "expected"), [("createdAt", BY_CREATED), ("updatedAt", BY_UPDATED)])
def test_list_sorts_descending_by_each_key(client: FlaskClient, sort: str, expected: list[str]) -> None:
    ids, _ = follow(client, f"/v3/products?sort={sort}&limit=3", "products", "productID")
    assert ids == expected


@pytest.mark.parametrize("sort", ["createdAt", "updatedAt"])
def test_list_breaks_ties_by_internal_id_descending(client: FlaskClient, sort: str) -> None:
    for product_id in ("tie-a", "tie-b", "tie-c"):  # the frozen clock gives all three the same timestamps
        client.post("/v3/products", json=product_body(product_id), headers=OMNISEND)
    ids = _ids(client.get(f"/v3/products?sort={sort}&limit=3", headers=OMNISEND))
    assert ids == ["tie-c", "tie-b", "tie-a"]


def test_list_filters_by_vendor_and_keeps_filters_in_links(client: FlaskClient) -> None:
    response = client.get("/v3/products?sort=updatedAt&vendor=Northpeak&limit=2", headers=OMNISEND)
    body = response.get_json()
    assert _ids(response) == ["prod-trek-2-tent", "prod-summit-0-bag"]
    assert body["paging"]["next"] == f"{BASE}/v3/products?sort=updatedAt&vendor=Northpeak&limit=2&offset=2"
    ids, _ = follow(client, "/v3/products?sort=updatedAt&vendor=Northpeak&limit=2", "products", "productID")
    assert ids == ["prod-trek-2-tent", "prod-summit-0-bag", "prod-basecamp-4-tent"]


@pytest.mark.parametrize(("query", "expected"), [
    ("type=backpack", ["prod-daypack-20", "prod-ridge-45-pack"]),
    ("vendor=Trailhead%20Gear&type=stove", ["prod-titan-stove"]),
    ("vendor=trailhead%20gear", []),  # exact, case-sensitive (§2.5)
    ("vendor=Nobody", []),
])
def test_list_filters_are_exact_and_combine(client: FlaskClient, query: str, expected: list[str]) -> None:
    response = client.get(f"/v3/products?{query}", headers=OMNISEND)
    assert _ids(response) == expected
    if not expected:
        assert response.get_json()["paging"] == {"previous": None, "next": None, "offset": 0, "limit": 100}


@pytest.mark.parametrize(("limit", "count"), [("1", 1), ("250", 8)])
def test_list_limit_bounds_accepted(client: FlaskClient, limit: str, count: int) -> None:
    body = client.get(f"/v3/products?limit={limit}", headers=OMNISEND).get_json()
    assert len(body["products"]) == count
    assert body["paging"]["limit"] == int(limit)


@pytest.mark.parametrize(("query", "fields"), [
    ("limit=0", ["limit: must be an integer between 1 and 250"]),
    ("limit=251", ["limit: must be an integer between 1 and 250"]),
    ("limit=ten", ["limit: must be an integer between 1 and 250"]),
    ("offset=-1", ["offset: must be an integer >= 0"]),
    ("sort=title", ["sort: unsupported value 'title', allowed: createdAt, updatedAt"]),
    ("sort=-createdAt&limit=0", ["limit: must be an integer between 1 and 250",
                                 "sort: unsupported value '-createdAt', allowed: createdAt, updatedAt"]),
])
def test_list_bad_query_is_400_with_fields(client: FlaskClient, query: str, fields: list[str]) -> None:
    response = client.get(f"/v3/products?{query}", headers=OMNISEND)
    assert response.status_code == 400
    assert response.get_json() == bad_params(*fields)
    assert response.headers["Content-Type"] == C.CT_JSON_UTF8


def test_unversioned_alias_serves_v3_with_v3_links(client: FlaskClient) -> None:
    response = client.get("/products?limit=2", headers=OMNISEND)
    assert response.status_code == 200
    assert response.headers["X-Mock-Warnings"] == "path: served as /v3 alias"
    assert response.get_json()["paging"]["next"] == f"{BASE}/v3/products?limit=2&offset=2"
