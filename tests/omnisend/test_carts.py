"""v3 carts (omnisend.md §3.5, §5.5, §6.1, §6.3, §7 #9, #15, #16)."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_server.core.context import MockContext
from mock_server.omnisend.backend import contacts as contact_rules
from tests.conftest import OMNISEND, snapshot
from tests.omnisend.catalog import BASE, NOW, bad_params, cart_body, cart_product, error, follow, invalid_body
from tests.omnisend.contract import CART_OUTPUT, PAGING_NULL_LINKS, check, within

ANNA, JONAS, IEVA = "65b2a0c1d2e3f4a5b6c7d000", "65b2a0c1d2e3f4a5b6c7d001", "65b2a0c1d2e3f4a5b6c7d006"
BY_CREATED = ["cart-2005", "cart-2004", "cart-2003", "cart-2002", "cart-2001"]
BY_UPDATED = ["cart-2005", "cart-2002", "cart-2004", "cart-2003", "cart-2001"]
BY_SUM = ["cart-2005", "cart-2002", "cart-2001", "cart-2004", "cart-2003"]
CART_KEYS = ["contactID", "cartID", "email", "phone", "currency", "cartRecoveryUrl", "createdAt", "updatedAt",
             "emailID", "attributionID", "cartSum", "products"]
PRODUCT_KEYS = ["cartProductID", "productID", "variantID", "title", "description", "quantity", "price", "oldPrice",
                "discount", "productUrl", "imageUrl", "sku"]


def _ids(response: Any) -> list[str]:
    return [c["cartID"] for c in response.get_json()["carts"]]


def _get(client: FlaskClient, cart_id: str) -> dict[str, Any]:
    response = client.get(f"/v3/carts/{cart_id}", headers=OMNISEND)
    assert response.status_code == 200
    body: dict[str, Any] = response.get_json()
    return body


# -- POST -----------------------------------------------------------------------------------------------------

def test_create_answers_cart_id_and_email(client: FlaskClient) -> None:
    response = client.post("/v3/carts", json=cart_body(), headers=OMNISEND)
    assert response.status_code == 200
    assert response.get_json() == {"cartID": "cart-new", "email": "jonas.kazlauskas@example.com"}
    assert response.headers["Content-Type"] == "application/json"
    assert check(response, "POST", "/carts") == set()


def test_created_cart_renders_the_recorded_shape(client: FlaskClient) -> None:
    client.post("/v3/carts", json=cart_body(), headers=OMNISEND)
    response = client.get("/v3/carts/cart-new", headers=OMNISEND)
    body = response.get_json()
    assert list(body) == CART_KEYS
    assert list(body["products"][0]) == PRODUCT_KEYS
    assert body == {
        "contactID": JONAS, "cartID": "cart-new", "email": "jonas.kazlauskas@example.com", "phone": "",
        "currency": "EUR", "cartRecoveryUrl": "", "createdAt": NOW, "updatedAt": NOW, "emailID": None,
        "attributionID": "", "cartSum": 5900,
        "products": [{"cartProductID": "cp-1", "productID": "prod-titan-stove", "variantID": "titan-stove",
                      "title": "Titan Gas Stove", "description": "", "quantity": 1, "price": 5900, "oldPrice": None,
                      "discount": 0, "productUrl": "", "imageUrl": "", "sku": ""}],
    }
    assert check(response, "GET", "/carts/cart-new") == {"products[].oldPrice: type"}


def test_create_with_only_contact_id_takes_the_contacts_email(client: FlaskClient) -> None:
    body = cart_body(contactID=IEVA)
    del body["email"]
    response = client.post("/v3/carts", json=body, headers=OMNISEND)
    assert response.get_json() == {"cartID": "cart-new", "email": "ieva.butkute@example.com"}
    got = _get(client, "cart-new")
    assert (got["contactID"], got["phone"]) == (IEVA, "+37060000006")


def test_create_with_a_new_email_creates_a_non_subscribed_contact(client: FlaskClient) -> None:
    client.post("/v3/carts", json=cart_body(email="window.shopper@example.com"), headers=OMNISEND)
    contact = client.get(f"/v3/contacts/{_get(client, 'cart-new')['contactID']}", headers=OMNISEND).get_json()
    assert (contact["email"], contact["status"]) == ("window.shopper@example.com", "nonSubscribed")


@pytest.mark.parametrize(("body", "status", "expected"), [
    (cart_body("cart-2001"), 422, error("Cart with 'cart-2001' cartID already exists")),
    (cart_body(contactID="nobody"), 404, error("Contact with 'nobody' contactID not found")),
    (cart_body(products=[cart_product("cp-1"), cart_product("cp-1")]), 422,
     error(" *Product with cartProductID cp-1 already exists in the Cart; ")),
    ({"cartID": "c", "phone": "+37060000006", "currency": "EUR", "cartSum": 1}, 400,
     invalid_body("email: email or contactID is required")),  # phone alone is not enough (§3.5)
    ({}, 400, invalid_body("cartID: field required but not found in Json",
                           "cartSum: field required but not found in Json",
                           "currency: field required but not found in Json",
                           "email: email or contactID is required")),
    (cart_body(cartRecoveryUrl="restore me", products=[{"cartProductID": "x", "quantity": 0, "oldPrice": -1}]), 400,
     invalid_body("cartRecoveryUrl: invalid format, expected URI",
                  "products[0].oldPrice: must be >= 0", "products[0].price: field required but not found in Json",
                  "products[0].productID: field required but not found in Json",
                  "products[0].quantity: must be >= 1",
                  "products[0].title: field required but not found in Json",
                  "products[0].variantID: field required but not found in Json")),
])
def test_create_failures_change_nothing(client: FlaskClient, mock: MockContext, body: dict[str, Any], status: int,
                                        expected: dict[str, Any]) -> None:
    before = snapshot(mock)
    response = client.post("/v3/carts", json=body, headers=OMNISEND)
    assert response.status_code == status
    assert response.get_json() == expected
    assert snapshot(mock) == before


# -- GET / PUT / PATCH / DELETE ----------------------------------------------------------------------------------

def test_get_fixture_cart_matches_the_contract(client: FlaskClient) -> None:
    response = client.get("/v3/carts/cart-2002", headers=OMNISEND)
    body = response.get_json()
    assert [p["cartProductID"] for p in body["products"]] == ["cp-1", "cp-2"]
    assert (body["products"][0]["oldPrice"], body["products"][1]["oldPrice"]) == (None, 6900)
    assert within(check(response, "GET", "/carts/cart-2002"), CART_OUTPUT)


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_missing_cart_is_the_recorded_404(client: FlaskClient, mock: MockContext, method: str) -> None:
    before = snapshot(mock)
    body = {"currency": "EUR", "cartSum": 1} if method in ("put", "patch") else None
    response = getattr(client, method)("/v3/carts/cart-404", json=body, headers=OMNISEND)
    assert response.status_code == 404
    assert response.get_json() == error("Cart with 'cart-404' cartID not found")
    assert snapshot(mock) == before


def test_put_replaces_products_and_keeps_the_contact(client: FlaskClient, mock: MockContext) -> None:
    mock.clock.advance(30)
    response = client.put("/v3/carts/cart-2002", json={"currency": "EUR", "cartSum": 100,
                                                       "products": [cart_product("cp-9")]}, headers=OMNISEND)
    assert response.status_code == 200
    assert response.get_json() == {"cartID": "cart-2002", "email": "marta.vaitkute@example.com"}  # recorded (§8)
    assert check(response, "PUT", "/carts/cart-2002") == set()
    got = _get(client, "cart-2002")
    assert [p["cartProductID"] for p in got["products"]] == ["cp-9"]
    assert (got["cartSum"], got["cartRecoveryUrl"], got["contactID"]) == (100, "", "65b2a0c1d2e3f4a5b6c7d004")
    assert got["createdAt"] == got["updatedAt"] == "2026-01-01T00:00:30.000Z"


def test_put_with_identity_fields_re_attaches(client: FlaskClient) -> None:
    response = client.put("/v3/carts/cart-2002", json={"currency": "EUR", "cartSum": 1,
                                                       "email": "jonas.kazlauskas@example.com"}, headers=OMNISEND)
    assert response.get_json() == {"cartID": "cart-2002", "email": "jonas.kazlauskas@example.com"}
    assert _get(client, "cart-2002")["contactID"] == JONAS


def test_put_with_an_unknown_contact_id_is_404(client: FlaskClient, mock: MockContext) -> None:
    before = snapshot(mock)
    response = client.put("/v3/carts/cart-2002", json={"currency": "EUR", "cartSum": 1, "contactID": "nobody"},
                          headers=OMNISEND)
    assert response.status_code == 404
    assert response.get_json() == error("Contact with 'nobody' contactID not found")
    assert snapshot(mock) == before


def test_put_with_a_different_body_id_warns(client: FlaskClient) -> None:
    response = client.put("/v3/carts/cart-2002", json={"cartID": "x", "currency": "EUR", "cartSum": 1},
                          headers=OMNISEND)
    assert response.headers["X-Mock-Warnings"] == "cartID: differs from the path, path value used"


def test_put_and_patch_require_currency_and_cart_sum(client: FlaskClient, mock: MockContext) -> None:
    before = snapshot(mock)
    expected = invalid_body("cartSum: field required but not found in Json",
                            "currency: field required but not found in Json")
    for method in ("put", "patch"):
        response = getattr(client, method)("/v3/carts/cart-2002", json={}, headers=OMNISEND)
        assert (response.status_code, response.get_json()) == (400, expected)
    assert snapshot(mock) == before


def test_patch_merges_products_by_cart_product_id(client: FlaskClient, mock: MockContext) -> None:
    mock.clock.advance(10)
    response = client.patch("/v3/carts/cart-2002", json={
        "currency": "EUR", "cartSum": 11111,
        "products": [{"cartProductID": "cp-2", "quantity": 3}, cart_product("cp-3", title="Fuel")]},
        headers=OMNISEND)
    assert response.status_code == 200
    assert response.get_json() == {"cartID": "cart-2002"}
    assert check(response, "PATCH", "/carts/cart-2002") == set()
    got = _get(client, "cart-2002")
    assert [(p["cartProductID"], p["quantity"]) for p in got["products"]] == [("cp-1", 1), ("cp-2", 3), ("cp-3", 1)]
    assert got["products"][1]["title"] == "Titan Gas Stove"  # untouched fields stay
    assert (got["cartSum"], got["updatedAt"]) == (11111, "2026-01-01T00:00:10.000Z")
    assert got["cartRecoveryUrl"] == "https://shop.example.com/cart/restore?cart=cart-2002"


def test_patch_null_clears_the_recovery_url(client: FlaskClient) -> None:
    client.patch("/v3/carts/cart-2002", json={"currency": "EUR", "cartSum": 1, "cartRecoveryUrl": None},
                 headers=OMNISEND)
    assert _get(client, "cart-2002")["cartRecoveryUrl"] == ""


def test_patch_with_an_incomplete_new_product_is_400(client: FlaskClient, mock: MockContext) -> None:
    before = snapshot(mock)
    response = client.patch("/v3/carts/cart-2002", json={
        "currency": "EUR", "cartSum": 1, "products": [{"cartProductID": "cp-1", "quantity": 2},
                                                      {"cartProductID": "cp-new", "title": "x"}]}, headers=OMNISEND)
    assert response.status_code == 400
    assert response.get_json() == invalid_body(
        "products[1].price: field required but not found in Json",
        "products[1].productID: field required but not found in Json",
        "products[1].quantity: field required but not found in Json",
        "products[1].variantID: field required but not found in Json")
    assert snapshot(mock) == before


def test_delete_is_204_and_leaves_the_contact(client: FlaskClient) -> None:
    response = client.delete("/v3/carts/cart-2005", headers=OMNISEND)
    assert (response.status_code, response.get_data()) == (204, b"")
    assert client.get("/v3/carts/cart-2005", headers=OMNISEND).status_code == 404
    assert client.get(f"/v3/contacts/{ANNA}", headers=OMNISEND).status_code == 200


# -- cart products ----------------------------------------------------------------------------------------------

def test_add_product_answers_the_recorded_keys_and_touches_updated_at(client: FlaskClient,
                                                                      mock: MockContext) -> None:
    mock.clock.advance(42)
    response = client.post("/v3/carts/cart-2001/products", json={"currency": "EUR", **cart_product("cp-2")},
                           headers=OMNISEND)
    assert response.status_code == 200
    assert response.get_json() == {"cartID": "cart-2001", "cartProductID": "cp-2", "productID": "prod-titan-stove",
                                   "variantID": "titan-stove"}
    assert check(response, "POST", "/carts/cart-2001/products") == set()
    got = _get(client, "cart-2001")
    assert [p["cartProductID"] for p in got["products"]] == ["cp-1", "cp-2"]
    assert got["updatedAt"] == "2026-01-01T00:00:42.000Z"
    assert got["cartSum"] == 22900  # the client's number, never recomputed


def test_add_product_without_currency_is_accepted_then_a_repeat_is_422(client: FlaskClient,
                                                                      mock: MockContext) -> None:
    # Recorded: the live API took a body without ``currency`` (the vendor's definition marks it required),
    # and a second POST of the same cartProductID answered 422 with this exact text (omnisend.md §3.5, §7 #10).
    first = client.post("/v3/carts/cart-2001/products", json=cart_product("cp-2"), headers=OMNISEND)
    assert (first.status_code, first.get_json()) == (200, {
        "cartID": "cart-2001", "cartProductID": "cp-2", "productID": "prod-titan-stove", "variantID": "titan-stove"})
    assert check(first, "POST", "/carts/cart-2001/products") == set()
    assert _get(client, "cart-2001")["currency"] == "EUR"  # the cart keeps its own currency
    before = snapshot(mock)
    repeat = client.post("/v3/carts/cart-2001/products", json=cart_product("cp-2"), headers=OMNISEND)
    assert repeat.status_code == 422
    assert repeat.get_json() == {"error": " *Product with cartProductID cp-2 already exists in the Cart; "}
    assert repeat.headers["Content-Type"] == "application/json"
    assert snapshot(mock) == before


@pytest.mark.parametrize(("path", "body", "status", "expected"), [
    ("/v3/carts/cart-2001/products", {"currency": "EUR", **cart_product("cp-1")}, 422,
     error(" *Product with cartProductID cp-1 already exists in the Cart; ")),
    ("/v3/carts/cart-404/products", {"currency": "EUR", **cart_product("cp-1")}, 404,
     error("Cart with 'cart-404' cartID not found")),
    ("/v3/carts/cart-2001/products", {"currency": "EURO", **cart_product("cp-2")}, 400,
     invalid_body("currency: length must be between 3 and 3")),
    ("/v3/carts/cart-2001/products", {"currency": "EUR"}, 400,
     invalid_body("cartProductID: field required but not found in Json",
                  "price: field required but not found in Json", "productID: field required but not found in Json",
                  "quantity: field required but not found in Json", "title: field required but not found in Json",
                  "variantID: field required but not found in Json")),
])
def test_add_product_failures_change_nothing(client: FlaskClient, mock: MockContext, path: str,
                                             body: dict[str, Any], status: int, expected: dict[str, Any]) -> None:
    before = snapshot(mock)
    response = client.post(path, json=body, headers=OMNISEND)
    assert response.status_code == status
    assert response.get_json() == expected
    assert snapshot(mock) == before


def test_put_product_replaces_it_in_place(client: FlaskClient, mock: MockContext) -> None:
    mock.clock.advance(7)
    body = {"currency": "EUR", **cart_product("ignored", title="Stove", price=100)}
    del body["cartProductID"]
    response = client.put("/v3/carts/cart-2002/products/cp-1", json=body, headers=OMNISEND)
    assert response.status_code == 200
    assert response.get_json() == {"cartID": "cart-2002", "cartProductID": "cp-1", "productID": "prod-titan-stove",
                                   "variantID": "titan-stove"}
    assert check(response, "PUT", "/carts/cart-2002/products/cp-1") == set()
    got = _get(client, "cart-2002")
    first = got["products"][0]
    assert (first["cartProductID"], first["title"], first["price"], first["sku"], first["oldPrice"]) == (
        "cp-1", "Stove", 100, "", None)  # replace: unsent optional fields are cleared
    assert got["updatedAt"] == "2026-01-01T00:00:07.000Z"


def test_put_product_with_a_different_body_id_warns(client: FlaskClient) -> None:
    body = {"currency": "EUR", **cart_product("cp-x")}
    response = client.put("/v3/carts/cart-2002/products/cp-1", json=body, headers=OMNISEND)
    assert response.get_json()["cartProductID"] == "cp-1"
    assert response.headers["X-Mock-Warnings"] == "cartProductID: differs from the path, path value used"


def test_patch_product_changes_only_given_fields(client: FlaskClient) -> None:
    response = client.patch("/v3/carts/cart-2002/products/cp-2", json={"quantity": 4}, headers=OMNISEND)
    assert response.get_json() == {"cartID": "cart-2002", "cartProductID": "cp-2", "productID": "prod-titan-stove",
                                   "variantID": "titan-stove"}
    assert check(response, "PATCH", "/carts/cart-2002/products/cp-2") == set()
    product = _get(client, "cart-2002")["products"][1]
    assert (product["quantity"], product["sku"], product["title"]) == (4, "TG-STV-TI", "Titan Gas Stove")


def test_patch_product_null_clears_optional_fields(client: FlaskClient, mock: MockContext) -> None:
    before = snapshot(mock)
    refused = client.patch("/v3/carts/cart-2002/products/cp-2", json={"title": None}, headers=OMNISEND)
    assert (refused.status_code, refused.get_json()) == (400, invalid_body("title: invalid type, expected string"))
    assert snapshot(mock) == before
    client.patch("/v3/carts/cart-2002/products/cp-2", json={"sku": None, "oldPrice": None}, headers=OMNISEND)
    product = _get(client, "cart-2002")["products"][1]
    assert (product["sku"], product["oldPrice"], product["title"]) == ("", None, "Titan Gas Stove")


def test_delete_product_is_204(client: FlaskClient, mock: MockContext) -> None:
    mock.clock.advance(3)
    response = client.delete("/v3/carts/cart-2002/products/cp-1", headers=OMNISEND)
    assert (response.status_code, response.get_data()) == (204, b"")
    got = _get(client, "cart-2002")
    assert [p["cartProductID"] for p in got["products"]] == ["cp-2"]
    assert got["updatedAt"] == "2026-01-01T00:00:03.000Z"


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_missing_cart_product_is_404(client: FlaskClient, mock: MockContext, method: str) -> None:
    before = snapshot(mock)
    body = {"currency": "EUR", **cart_product()} if method != "delete" else None
    if body is not None:
        del body["cartProductID"]
    response = getattr(client, method)("/v3/carts/cart-2002/products/cp-9", json=body, headers=OMNISEND)
    assert response.status_code == 404
    assert response.get_json() == error("Product with cartProductID cp-9 not found in the Cart")
    missing_cart = getattr(client, method)("/v3/carts/cart-404/products/cp-1", json=body, headers=OMNISEND)
    assert missing_cart.get_json() == error("Cart with 'cart-404' cartID not found")
    assert snapshot(mock) == before


def test_put_product_without_required_fields_is_400(client: FlaskClient, mock: MockContext) -> None:
    before = snapshot(mock)
    response = client.put("/v3/carts/cart-2002/products/cp-1", json={"currency": "EUR", "quantity": 1},
                          headers=OMNISEND)
    assert response.status_code == 400
    assert response.get_json() == invalid_body(
        "price: field required but not found in Json", "productID: field required but not found in Json",
        "title: field required but not found in Json", "variantID: field required but not found in Json")
    assert snapshot(mock) == before


# -- list -----------------------------------------------------------------------------------------------------

def test_list_default_is_newest_first(client: FlaskClient) -> None:
    response = client.get("/v3/carts", headers=OMNISEND)
    assert response.headers["Content-Type"] == "application/json"
    assert _ids(response) == BY_CREATED
    assert response.get_json()["paging"] == {"previous": None, "next": None, "offset": 0, "limit": 100}
    deviations = check(response, "GET", "/carts")
    assert within(deviations, PAGING_NULL_LINKS, CART_OUTPUT, prefix="carts[].")
    assert "carts[].products[].oldPrice: type" in deviations


def test_list_pages_follow_the_links(client: FlaskClient) -> None:
    ids, pagings = follow(client, "/v3/carts?sort=cartSum&limit=2", "carts", "cartID")
    assert ids == BY_SUM
    assert pagings[-1] == {"previous": f"{BASE}/v3/carts?sort=cartSum&limit=2&offset=2", "next": None, "offset": 4,
                           "limit": 2}


@pytest.mark.parametrize(("sort", "expected"), [("createdAt", BY_CREATED), ("updatedAt", BY_UPDATED),
                                                ("cartSum", BY_SUM)])
def test_list_sorts_descending_by_each_key(client: FlaskClient, sort: str, expected: list[str]) -> None:
    ids, _ = follow(client, f"/v3/carts?sort={sort}&limit=3", "carts", "cartID")
    assert ids == expected


@pytest.mark.parametrize("sort", ["createdAt", "updatedAt", "cartSum"])
def test_list_ties_break_by_internal_id_descending(client: FlaskClient, sort: str) -> None:
    for cart_id in ("tie-1", "tie-2", "tie-3"):
        client.post("/v3/carts", json=cart_body(cart_id, cartSum=999999, createdAt="2030-01-01T00:00:00Z",
                                                updatedAt="2030-01-01T00:00:00Z"), headers=OMNISEND)
    assert _ids(client.get(f"/v3/carts?sort={sort}&limit=3", headers=OMNISEND)) == ["tie-3", "tie-2", "tie-1"]


@pytest.mark.parametrize(("query", "expected"), [
    ("email=greta.jankute%40example.com", ["cart-2001"]),
    ("phone=%2B37060000006", ["cart-2003"]),
    (f"contactID={ANNA}", ["cart-2005"]),
    ("dateFrom=2024-05-03", ["cart-2005", "cart-2004", "cart-2003"]),  # creation date
    ("dateTo=2024-05-03", ["cart-2003", "cart-2002", "cart-2001"]),
    ("updatedFrom=2024-05-11", ["cart-2005", "cart-2002"]),  # updatedAt
    ("updatedTo=2024-05-10T16:45:00Z", ["cart-2004", "cart-2003", "cart-2001"]),
    ("dateFrom=2024-05-01&updatedTo=2024-05-10", ["cart-2004", "cart-2003"]),
])
def test_list_filters(client: FlaskClient, query: str, expected: list[str]) -> None:
    assert _ids(client.get(f"/v3/carts?{query}", headers=OMNISEND)) == expected


def test_list_filters_by_the_segment_of_the_carts_contact(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    def vip(brand: Any, record: dict[str, Any]) -> list[str]:
        return ["seg-vip"] if "vip" in (record.get("tags") or []) else []

    monkeypatch.setattr(contact_rules, "_segment_resolver", [vip])
    assert _ids(client.get("/v3/carts?segmentID=seg-vip", headers=OMNISEND)) == ["cart-2005", "cart-2003",
                                                                                "cart-2002"]
    body = client.get("/v3/carts?segmentID=seg-vip&limit=2", headers=OMNISEND).get_json()
    assert body["paging"]["next"] == f"{BASE}/v3/carts?segmentID=seg-vip&limit=2&offset=2"
    assert _ids(client.get("/v3/carts?segmentID=seg-unknown", headers=OMNISEND)) == []


@pytest.mark.parametrize(("limit", "count"), [("1", 1), ("250", 5)])
def test_list_limit_bounds_accepted(client: FlaskClient, limit: str, count: int) -> None:
    assert len(_ids(client.get(f"/v3/carts?limit={limit}", headers=OMNISEND))) == count


@pytest.mark.parametrize(("query", "fields"), [
    ("limit=0", ["limit: must be an integer between 1 and 250"]),
    ("limit=251", ["limit: must be an integer between 1 and 250"]),
    ("offset=-2", ["offset: must be an integer >= 0"]),
    ("sort=orderSum", ["sort: unsupported value 'orderSum', allowed: createdAt, updatedAt, cartSum"]),
    ("dateFrom=05/03/2024&updatedTo=x", ["dateFrom: invalid format, expected YYYY-MM-DD or RFC 3339 date-time",
                                         "updatedTo: invalid format, expected YYYY-MM-DD or RFC 3339 date-time"]),
])
def test_list_bad_query_is_400(client: FlaskClient, query: str, fields: list[str]) -> None:
    response = client.get(f"/v3/carts?{query}", headers=OMNISEND)
    assert response.status_code == 400
    assert response.get_json() == bad_params(*fields)
