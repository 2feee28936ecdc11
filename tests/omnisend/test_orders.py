"""v3 orders (omnisend.md §3.4, §5.4, §6.1, §6.3, §7 #11, #18)."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_server.core.context import MockContext
from mock_server.omnisend import constants as C
from tests.conftest import OMNISEND, snapshot
from tests.omnisend.catalog import BASE, NOW, bad_params, error, follow, invalid_body, order_body
from tests.omnisend.contract import ORDER_ANSWER, ORDER_OUTPUT, PAGING_NULL_LINKS, check, within

ANNA, JONAS, LUKAS = "65b2a0c1d2e3f4a5b6c7d000", "65b2a0c1d2e3f4a5b6c7d001", "65b2a0c1d2e3f4a5b6c7d003"
BY_CREATED = ["order-1006", "order-1005", "order-1004", "order-1003", "order-1002", "order-1001"]
BY_UPDATED = ["order-1006", "order-1001", "order-1005", "order-1004", "order-1003", "order-1002"]
BY_SUM = ["order-1006", "order-1004", "order-1001", "order-1005", "order-1002", "order-1003"]
ORDER_KEYS = ["orderID", "email", "phone", "contactID", "cartID", "emailID", "attributionID", "trackingCode",
              "courierTitle", "courierUrl", "orderUrl", "source", "tags", "currency", "orderSum", "subTotalSum",
              "subTotalTaxIncluded", "discountSum", "taxSum", "createdAt", "updatedAt", "paymentMethod",
              "paymentStatus", "billingAddress", "shippingAddress", "canceledDate", "cancelReason", "orderNumber",
              "contactNote", "discountCode", "discountType", "discountValue", "shippingSum", "shippingMethod",
              "fulfillmentStatus", "products", "customFields", "depersonalized"]
EMPTY_ADDRESS = {k: "" for k in ("firstName", "lastName", "company", "phone", "country", "countryCode", "state",
                                 "stateCode", "city", "address", "address2", "postalCode")}


def _ids(response: Any) -> list[str]:
    return [o["orderID"] for o in response.get_json()["orders"]]


def _contacts(mock: MockContext) -> int:
    return len(mock.store.tenants("omnisend")[0].collection("contacts"))


def _get(client: FlaskClient, order_id: str) -> dict[str, Any]:
    response = client.get(f"/v3/orders/{order_id}", headers=OMNISEND)
    assert response.status_code == 200
    body: dict[str, Any] = response.get_json()
    return body


# -- POST and contact attachment -------------------------------------------------------------------------------

def test_create_answers_order_id_and_email(client: FlaskClient, mock: MockContext) -> None:
    contacts = _contacts(mock)
    response = client.post("/v3/orders", json=order_body(), headers=OMNISEND)
    assert response.status_code == 200
    assert response.get_json() == {"orderID": "order-new", "email": "jonas.kazlauskas@example.com"}
    assert response.headers["Content-Type"] == C.CT_JSON
    assert check(response, "POST", "/orders") == set()
    assert _get(client, "order-new")["contactID"] == JONAS  # attached by email, nobody created
    assert _contacts(mock) == contacts


def test_minimal_order_renders_every_key_in_the_recorded_order(client: FlaskClient) -> None:
    client.post("/v3/orders", json=order_body(products=[{"productID": "p", "variantID": "v", "title": "T",
                                                         "quantity": 2, "price": 100}]), headers=OMNISEND)
    response = client.get("/v3/orders/order-new", headers=OMNISEND)
    assert response.headers["Content-Type"] == C.CT_JSON
    body = response.get_json()
    assert list(body) == ORDER_KEYS
    assert body == {
        "orderID": "order-new", "email": "jonas.kazlauskas@example.com", "phone": "", "contactID": JONAS,
        "cartID": "", "emailID": None, "attributionID": "", "trackingCode": "", "courierTitle": "", "courierUrl": "",
        "orderUrl": "", "source": "", "tags": None, "currency": "EUR", "orderSum": 12345, "subTotalSum": 0,
        "subTotalTaxIncluded": False, "discountSum": 0, "taxSum": 0, "createdAt": "2024-07-01T10:00:00Z",
        "updatedAt": NOW, "paymentMethod": "", "paymentStatus": "", "billingAddress": EMPTY_ADDRESS,
        "shippingAddress": EMPTY_ADDRESS, "canceledDate": None, "cancelReason": "", "orderNumber": 0,
        "contactNote": "", "discountCode": "", "discountType": "", "discountValue": 0, "shippingSum": 0,
        "shippingMethod": "", "fulfillmentStatus": "",
        "products": [{"productID": "p", "variantID": "v", "title": "T", "variantTitle": "", "quantity": 2,
                      "price": 100, "discount": 0, "weight": 0, "sku": "", "vendor": "", "productUrl": "",
                      "imageUrl": "", "categoryIDs": None, "tags": None}],
        "customFields": None, "depersonalized": False,
    }
    deviations = check(response, "GET", "/orders/order-new")
    assert within(deviations, ORDER_OUTPUT)
    assert {"tags: type", "canceledDate: type", "products[].tags: type"} <= deviations


def test_create_with_phone_answers_the_phone_too(client: FlaskClient) -> None:
    response = client.post("/v3/orders", json=order_body(phone="+37060000003"), headers=OMNISEND)
    assert response.get_json() == {"orderID": "order-new", "email": "jonas.kazlauskas@example.com",
                                   "phone": "+37060000003"}
    assert _get(client, "order-new")["contactID"] == JONAS  # email comes before phone (§6.3)


def test_create_attaches_by_phone_when_no_email_matches(client: FlaskClient) -> None:
    body = order_body(phone="+37060000003")
    del body["email"]
    response = client.post("/v3/orders", json=body, headers=OMNISEND)
    assert response.get_json() == {"orderID": "order-new", "email": "", "phone": "+37060000003"}
    assert within(check(response, "POST", "/orders"), ORDER_ANSWER)
    assert _get(client, "order-new")["contactID"] == LUKAS


def test_create_with_only_contact_id_shows_the_contacts_email(client: FlaskClient) -> None:
    body = order_body(contactID=ANNA)
    del body["email"]
    response = client.post("/v3/orders", json=body, headers=OMNISEND)
    assert response.get_json() == {"orderID": "order-new", "email": "anna.petraite@example.com",
                                   "phone": "+37060000000"}
    got = _get(client, "order-new")
    assert (got["contactID"], got["email"], got["phone"]) == (ANNA, "anna.petraite@example.com", "+37060000000")


def test_contact_id_wins_over_email(client: FlaskClient) -> None:
    client.post("/v3/orders", json=order_body(contactID=ANNA), headers=OMNISEND)
    got = _get(client, "order-new")
    assert (got["contactID"], got["email"]) == (ANNA, "jonas.kazlauskas@example.com")


def test_create_with_an_unknown_email_creates_a_non_subscribed_contact(client: FlaskClient,
                                                                        mock: MockContext) -> None:
    contacts = _contacts(mock)
    client.post("/v3/orders", json=order_body(email="new.buyer@example.com"), headers=OMNISEND)
    assert _contacts(mock) == contacts + 1
    contact_id = _get(client, "order-new")["contactID"]
    contact = client.get(f"/v3/contacts/{contact_id}", headers=OMNISEND).get_json()
    assert (contact["email"], contact["status"]) == ("new.buyer@example.com", "nonSubscribed")


def test_create_with_an_unknown_phone_creates_a_contact_with_that_phone(client: FlaskClient) -> None:
    body = order_body(phone="+37069999999")
    del body["email"]
    client.post("/v3/orders", json=body, headers=OMNISEND)
    contact = client.get(f"/v3/contacts/{_get(client, 'order-new')['contactID']}", headers=OMNISEND).get_json()
    assert (contact["email"], contact["phone"]) == ("", ["+37069999999"])
    assert contact["identifiers"][0]["channels"]["sms"]["status"] == "nonSubscribed"


def test_create_with_an_unknown_contact_id_is_404(client: FlaskClient, mock: MockContext) -> None:
    before = snapshot(mock)
    response = client.post("/v3/orders", json=order_body(contactID="nobody"), headers=OMNISEND)
    assert response.status_code == 404
    assert response.get_json() == error("Contact with 'nobody' contactID not found")
    assert snapshot(mock) == before


def test_create_existing_order_is_422(client: FlaskClient, mock: MockContext) -> None:
    before = snapshot(mock)
    response = client.post("/v3/orders", json=order_body("order-1001", email="someone.new@example.com"),
                           headers=OMNISEND)
    assert response.status_code == 422
    assert response.get_json() == error("Order with 'order-1001' orderID already exists")
    assert snapshot(mock) == before  # no contact was created for the new email either


@pytest.mark.parametrize(("body", "fields"), [
    ({}, ["createdAt: field required but not found in Json", "currency: field required but not found in Json",
          "email: email, phone or contactID is required", "orderID: field required but not found in Json",
          "orderSum: field required but not found in Json"]),
    ({**order_body(), "email": ""}, ["email: email, phone or contactID is required",
                                     "email: invalid format, expected email"]),
    (order_body(paymentStatus="unpaid"),
     ["paymentStatus: invalid value, allowed values: awaitingPayment, partiallyPaid, paid, partiallyRefunded, "
      "refunded, voided"]),
    (order_body(fulfillmentStatus="shipped"),
     ["fulfillmentStatus: invalid value, allowed values: unfulfilled, inProgress, fulfilled, delivered, restocked"]),
    (order_body(discountType="bogo"), ["discountType: invalid value, allowed values: percentage, fixedAmount, "
                                       "freeShipping"]),
    (order_body(orderSum=1.5, currency="EU"), ["currency: length must be between 3 and 3",
                                               "orderSum: invalid type, expected integer"]),
    (order_body(billingAddress={"countryCode": "LTU"}), ["billingAddress.countryCode: length must be between 2 and 2"]),
    (order_body(products=[{"productID": "p", "variantID": "v", "title": "t", "quantity": 0, "price": -5}, {}]),
     ["products[0].price: must be >= 0", "products[0].quantity: must be >= 1",
      "products[1].price: field required but not found in Json",
      "products[1].productID: field required but not found in Json",
      "products[1].quantity: field required but not found in Json",
      "products[1].title: field required but not found in Json",
      "products[1].variantID: field required but not found in Json"]),
])
def test_create_with_an_invalid_body_is_400(client: FlaskClient, mock: MockContext, body: dict[str, Any],
                                            fields: list[str]) -> None:
    before = snapshot(mock)
    response = client.post("/v3/orders", json=body, headers=OMNISEND)
    assert response.status_code == 400
    assert response.get_json() == invalid_body(*fields)
    assert snapshot(mock) == before


@pytest.mark.parametrize("spelling", ["freeShipping", "freeShippping"])
def test_discount_type_accepts_the_oas3_spelling_and_stores_free_shipping(client: FlaskClient, spelling: str) -> None:
    client.post("/v3/orders", json=order_body(discountType=spelling), headers=OMNISEND)
    assert _get(client, "order-new")["discountType"] == "freeShipping"


# -- GET one ------------------------------------------------------------------------------------------------

def test_get_fixture_order_matches_the_contract(client: FlaskClient) -> None:
    response = client.get("/v3/orders/order-1004", headers=OMNISEND)
    body = response.get_json()
    assert (body["contactID"], body["canceledDate"], body["orderNumber"]) == (ANNA, "2024-04-10T11:00:00.000Z", 1004)
    assert body["billingAddress"]["countryCode"] == "LT"
    deviations = check(response, "GET", "/orders/order-1004")
    assert within(deviations, ORDER_OUTPUT)


def test_get_missing_order_is_the_recorded_404(client: FlaskClient) -> None:
    response = client.get("/v3/orders/order-404", headers=OMNISEND)
    assert response.status_code == 404
    assert response.get_json() == error("Order with 'order-404' orderID not found")
    assert response.headers["Content-Type"] == C.CT_JSON


# -- PUT ----------------------------------------------------------------------------------------------------

def _put_body(**extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"currency": "EUR", "orderSum": 999, "createdAt": "2024-03-01T10:15:00.000Z"}
    body.update(extra)
    return body


def test_put_replaces_but_keeps_the_contact_identity(client: FlaskClient, mock: MockContext) -> None:
    mock.clock.advance(90)
    response = client.put("/v3/orders/order-1001", json=_put_body(), headers=OMNISEND)
    assert response.status_code == 200
    assert response.get_json() == {"orderID": "order-1001", "email": "anna.petraite@example.com"}
    assert check(response, "PUT", "/orders/order-1001") == set()
    got = _get(client, "order-1001")
    assert (got["contactID"], got["email"], got["orderSum"]) == (ANNA, "anna.petraite@example.com", 999)
    assert (got["products"], got["trackingCode"], got["tags"], got["paymentStatus"]) == ([], "", None, "")
    assert got["updatedAt"] == "2026-01-01T00:01:30.000Z"


def test_put_with_a_new_email_re_attaches(client: FlaskClient) -> None:
    client.put("/v3/orders/order-1001", json=_put_body(email="jonas.kazlauskas@example.com"), headers=OMNISEND)
    assert _get(client, "order-1001")["contactID"] == JONAS


def test_put_with_a_different_body_id_warns(client: FlaskClient) -> None:
    response = client.put("/v3/orders/order-1001", json=_put_body(orderID="order-x"), headers=OMNISEND)
    assert response.get_json()["orderID"] == "order-1001"
    assert response.headers["X-Mock-Warnings"] == "orderID: differs from the path, path value used"


@pytest.mark.parametrize(("path", "body", "status", "expected"), [
    ("/v3/orders/order-404", _put_body(), 404, error("Order with 'order-404' orderID not found")),
    ("/v3/orders/order-1001", _put_body(contactID="nobody"), 404, error("Contact with 'nobody' contactID not found")),
    ("/v3/orders/order-1001", {"currency": "EUR"}, 400,
     invalid_body("createdAt: field required but not found in Json", "orderSum: field required but not found in Json")),
])
def test_put_failures_change_nothing(client: FlaskClient, mock: MockContext, path: str, body: dict[str, Any],
                                     status: int, expected: dict[str, Any]) -> None:
    before = snapshot(mock)
    response = client.put(path, json=body, headers=OMNISEND)
    assert response.status_code == status
    assert response.get_json() == expected
    assert snapshot(mock) == before


# -- PATCH --------------------------------------------------------------------------------------------------

def test_patch_changes_only_the_listed_keys(client: FlaskClient, mock: MockContext) -> None:
    mock.clock.advance(5)
    response = client.patch("/v3/orders/order-1003", json={"paymentStatus": "refunded", "trackingCode": "T-1",
                                                           "courierUrl": "https://c.example.com/T-1"},
                            headers=OMNISEND)
    assert response.status_code == 200
    assert response.get_json() == {"orderID": "order-1003", "email": "lukas.stankevicius@example.com",
                                   "phone": "+37060000003"}
    assert check(response, "PATCH", "/orders/order-1003") == set()
    assert "X-Mock-Warnings" not in response.headers
    got = _get(client, "order-1003")
    assert (got["paymentStatus"], got["trackingCode"], got["courierUrl"]) == ("refunded", "T-1",
                                                                             "https://c.example.com/T-1")
    assert (got["fulfillmentStatus"], got["orderSum"]) == ("fulfilled", 19399)
    assert got["updatedAt"] == "2026-01-01T00:00:05.000Z"


def test_patch_ignores_other_keys_with_warnings(client: FlaskClient) -> None:
    response = client.patch("/v3/orders/order-1003", json={"orderSum": 1, "email": "x@y.z", "cartID": "c-9"},
                            headers=OMNISEND)
    assert response.status_code == 200
    assert response.headers["X-Mock-Warnings"] == f"email: {C.PATCH_IGNORED}; orderSum: {C.PATCH_IGNORED}"
    got = _get(client, "order-1003")
    assert (got["orderSum"], got["email"], got["cartID"]) == (19399, "lukas.stankevicius@example.com", "c-9")


def test_patch_null_clears_a_field(client: FlaskClient) -> None:
    client.patch("/v3/orders/order-1004", json={"canceledDate": None, "cancelReason": None}, headers=OMNISEND)
    got = _get(client, "order-1004")
    assert (got["canceledDate"], got["cancelReason"]) == (None, "")


def test_patch_answers_empty_phone_for_an_order_without_one(client: FlaskClient) -> None:
    response = client.patch("/v3/orders/order-1001", json={}, headers=OMNISEND)
    assert response.get_json() == {"orderID": "order-1001", "email": "anna.petraite@example.com", "phone": ""}


@pytest.mark.parametrize(("path", "body", "status", "expected"), [
    ("/v3/orders/order-404", {"paymentStatus": "paid"}, 404, error("Order with 'order-404' orderID not found")),
    ("/v3/orders/order-1001", {"paymentStatus": "done", "canceledDate": "today"}, 400,
     invalid_body("canceledDate: invalid format, expected RFC 3339 date-time",
                  "paymentStatus: invalid value, allowed values: awaitingPayment, partiallyPaid, paid, "
                  "partiallyRefunded, refunded, voided")),
])
def test_patch_failures_change_nothing(client: FlaskClient, mock: MockContext, path: str, body: dict[str, Any],
                                       status: int, expected: dict[str, Any]) -> None:
    before = snapshot(mock)
    response = client.patch(path, json=body, headers=OMNISEND)
    assert response.status_code == status
    assert response.get_json() == expected
    assert snapshot(mock) == before


# -- DELETE -------------------------------------------------------------------------------------------------

def test_delete_is_204_and_leaves_the_contact(client: FlaskClient) -> None:
    response = client.delete("/v3/orders/order-1001", headers=OMNISEND)
    assert response.status_code == 204
    assert response.get_data() == b""
    assert client.get("/v3/orders/order-1001", headers=OMNISEND).status_code == 404
    assert client.get(f"/v3/contacts/{ANNA}", headers=OMNISEND).status_code == 200


def test_delete_missing_order_is_the_recorded_404(client: FlaskClient, mock: MockContext) -> None:
    before = snapshot(mock)
    response = client.delete("/v3/orders/order-404", headers=OMNISEND)
    assert response.status_code == 404
    assert response.get_json() == error("Order with 'order-404' orderID not found")
    assert snapshot(mock) == before


# -- list ---------------------------------------------------------------------------------------------------

def test_list_default_is_newest_first_with_the_recorded_content_type(client: FlaskClient) -> None:
    response = client.get("/v3/orders", headers=OMNISEND)
    assert response.headers["Content-Type"] == C.CT_JSON_UTF8  # recorded for the list only (§1.6)
    assert _ids(response) == BY_CREATED
    assert response.get_json()["paging"] == {"previous": None, "next": None, "offset": 0, "limit": 100}
    deviations = check(response, "GET", "/orders")
    assert within(deviations, PAGING_NULL_LINKS, ORDER_OUTPUT, prefix="orders[].")
    assert "orders[].tags: type" in deviations


def test_list_pages_follow_the_links(client: FlaskClient) -> None:
    ids, pagings = follow(client, "/v3/orders?limit=2", "orders", "orderID")
    assert ids == BY_CREATED
    assert [p["offset"] for p in pagings] == [0, 2, 4]
    assert pagings[1]["next"] == f"{BASE}/v3/orders?limit=2&offset=4"


@pytest.mark.parametrize(("sort", "expected"), [("createdAt", BY_CREATED), ("updatedAt", BY_UPDATED),
                                                ("orderSum", BY_SUM)])
def test_list_sorts_descending_by_each_key(client: FlaskClient, sort: str, expected: list[str]) -> None:
    ids, _ = follow(client, f"/v3/orders?sort={sort}&limit=4", "orders", "orderID")
    assert ids == expected


@pytest.mark.parametrize("sort", ["createdAt", "updatedAt", "orderSum"])
def test_list_ties_break_by_internal_id_descending(client: FlaskClient, sort: str) -> None:
    for order_id in ("tie-1", "tie-2", "tie-3"):
        client.post("/v3/orders", json=order_body(order_id, orderSum=99999, createdAt="2030-01-01T00:00:00Z",
                                                  updatedAt="2030-01-01T00:00:00Z"), headers=OMNISEND)
    assert _ids(client.get(f"/v3/orders?sort={sort}&limit=3", headers=OMNISEND)) == ["tie-3", "tie-2", "tie-1"]


@pytest.mark.parametrize(("query", "expected"), [
    ("email=anna.petraite%40example.com", ["order-1004", "order-1001"]),
    ("email=ANNA.petraite%40example.com", []),
    ("phone=%2B37060000003", ["order-1003"]),
    (f"contactID={ANNA}", ["order-1004", "order-1001"]),
    ("cartID=cart-2001", ["order-1005"]),
    ("paymentStatus=paid", ["order-1005", "order-1003", "order-1001"]),
    ("fulfillmentStatus=unfulfilled", ["order-1006", "order-1002"]),
    ("paymentStatus=paid&fulfillmentStatus=inProgress", ["order-1005"]),
    ("dateFrom=2024-04-16", ["order-1006", "order-1005", "order-1001"]),  # on updatedAt, from 00:00 of the day
    ("dateTo=2024-03-05", ["order-1002"]),  # up to 23:59:59.999 of the day
    ("dateFrom=2024-04-16T09:30:00Z&dateTo=2024-04-20T09:00:00Z", ["order-1005", "order-1001"]),  # inclusive
    ("dateFrom=2024-04-16T09:30:00.001Z", ["order-1006", "order-1001"]),
    ("updatedFrom=2030-01-01&segmentID=x", BY_CREATED),  # filters orders does not have are ignored (§2.5)
])
def test_list_filters(client: FlaskClient, query: str, expected: list[str]) -> None:
    assert _ids(client.get(f"/v3/orders?{query}", headers=OMNISEND)) == expected


def test_list_filter_links_keep_the_filters(client: FlaskClient) -> None:
    body = client.get("/v3/orders?paymentStatus=paid&sort=orderSum&limit=2", headers=OMNISEND).get_json()
    assert [o["orderID"] for o in body["orders"]] == ["order-1001", "order-1005"]
    assert body["paging"]["next"] == f"{BASE}/v3/orders?paymentStatus=paid&sort=orderSum&limit=2&offset=2"


@pytest.mark.parametrize(("limit", "count"), [("1", 1), ("250", 6)])
def test_list_limit_bounds_accepted(client: FlaskClient, limit: str, count: int) -> None:
    assert len(_ids(client.get(f"/v3/orders?limit={limit}", headers=OMNISEND))) == count


@pytest.mark.parametrize(("query", "fields"), [
    ("limit=0", ["limit: must be an integer between 1 and 250"]),
    ("limit=251", ["limit: must be an integer between 1 and 250"]),
    ("offset=1.5", ["offset: must be an integer >= 0"]),
    ("sort=cartSum", ["sort: unsupported value 'cartSum', allowed: createdAt, updatedAt, orderSum"]),
    ("paymentStatus=PAID", ["paymentStatus: invalid value, allowed values: awaitingPayment, partiallyPaid, paid, "
                            "partiallyRefunded, refunded, voided"]),
    ("fulfillmentStatus=", ["fulfillmentStatus: invalid value, allowed values: unfulfilled, inProgress, fulfilled, "
                            "delivered, restocked"]),
    ("dateFrom=yesterday&dateTo=2024-02-30", ["dateFrom: invalid format, expected YYYY-MM-DD or RFC 3339 date-time",
                                              "dateTo: invalid format, expected YYYY-MM-DD or RFC 3339 date-time"]),
])
def test_list_bad_query_is_400(client: FlaskClient, query: str, fields: list[str]) -> None:
    response = client.get(f"/v3/orders?{query}", headers=OMNISEND)
    assert response.status_code == 400
    assert response.get_json() == bad_params(*fields)
