"""v5 events (omnisend.md §4, §6.4, §6.7)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_server.core.context import MockContext
from mock_server.omnisend import constants as C
from tests.conftest import BRAND_ID, OMNISEND, snapshot

# Seed 001: the vendor's "paid for order" example (api-docs.omnisend.com/reference/paid-for-order), as the
# mission statement carries it; the email is the page's obfuscation artefact and must be accepted.
SEED_001: dict[str, Any] = {
    "eventName": "paid for order",
    "origin": "api",
    "eventVersion": "v2",
    "eventTime": "2021-07-01T00:00:00Z",
    "contact": {"email": "[email protected]"},
    "properties": {
        "billingAddress": {"address1": "123 Main Street", "address2": "123 A Main Street", "city": "AnyTown",
                           "company": "SuperCompany", "country": "USA", "firstName": "John", "lastName": "Smith",
                           "phone": "+443031237300", "state": "California", "stateCode": "CA", "zip": "90210"},
        "createdAt": "2023-11-10T07:00:00",
        "currency": "EUR",
        "discounts": [{"amount": "-", "code": "SUMMER20", "type": "-"}],
        "fulfillmentStatus": "unfulfilled",
        "lineItems": [{
            "productCategories": [{"id": "123", "title": "Shoes"}],
            "productDescription": "The best product with many various features",
            "productDiscount": 10,
            "productID": "1",
            "productImageURL": "https://example.com/product/232423-image.jpg",
            "productPrice": 19.99,
            "productQuantity": 2,
            "productSKU": 200,
            "productTitle": "The best product",
            "productURL": "https://example.com/product/232423",
            "productVariantID": "123",
            "productVariantImageURL": "https://example.com/product/232423-variant-image.jpg",
            "productVariantTitle": "Full product title - Green",
            "productVendor": "BestCompany",
            "productWeight": 20.4,
        }],
        "note": "Please send it ASAP",
        "orderID": "4122111",
        "orderNumber": "1234",
        "orderStatusURL": "https://example.com/order/4122111",
        "paymentMethod": "Credit card",
        "paymentStatus": "paid",
        "shippingAddress": {"address1": "123 Main Street", "address2": "123 A Main Street", "city": "AnyTown",
                            "company": "SuperCompany", "country": "USA", "firstName": "John", "lastName": "Smith",
                            "phone": "+443031237300", "state": "California", "stateCode": "CA", "zip": "90210"},
        "shippingMethod": "UPS",
        "shippingPrice": 5,
        "subTotalPrice": 39.98,
        "subTotalTaxIncluded": True,
        "tags": ["first purchase"],
        "totalDiscount": 10,
        "totalPrice": 34.98,
        "totalTax": 0,
        "tracking": {"code": "1Z999", "courierTitle": "UPS", "courierURL": "https://ups.example.com/1Z999",
                     "status": "shipped"},
    },
}
SEED_001_WARNINGS = ("contact.email: not a valid email address; "
                     "properties.discounts[0].amount: expected number, got string; "
                     "properties.lineItems[0].productSKU: expected string, got number; "
                     "properties.orderNumber: expected number, got string")
ANNA = "65b2a0c1d2e3f4a5b6c7d000"  # anna.petraite@example.com, +37060000000, tags vip/newsletter
JONAS = "65b2a0c1d2e3f4a5b6c7d001"  # jonas.kazlauskas@example.com
LUKAS = "65b2a0c1d2e3f4a5b6c7d003"  # +37060000003
VALIDATION = "{n} error(s) found. Check 'fields' array for details."


def _tenant_extra(mock: MockContext) -> dict[str, Any]:
    tenant = mock.tenant("omnisend", BRAND_ID)
    assert tenant is not None
    return tenant.extra


def _log(mock: MockContext) -> list[dict[str, Any]]:
    tenant = mock.tenant("omnisend", BRAND_ID)
    assert tenant is not None
    return list(tenant.collection("eventLog").values())


def _event(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"eventName": "viewed trail map", "origin": "api", "contact": {"email": "a@example.com"}}
    body.update(overrides)
    return body


def test_seed_001_example_is_accepted_with_exact_warnings(client: FlaskClient, mock: MockContext) -> None:
    response = client.post("/v5/events", json=SEED_001, headers=OMNISEND)
    assert response.status_code == 202
    assert response.data == b""
    assert response.headers["Content-Length"] == "0"
    assert response.headers["X-Mock-Warnings"] == SEED_001_WARNINGS
    entry = _log(mock)[-1]
    assert entry["eventName"] == "paid for order"
    assert entry["eventTime"] == "2021-07-01T00:00:00Z"
    assert entry["properties"] == SEED_001["properties"]
    assert entry["warnings"] == SEED_001_WARNINGS.split("; ")
    contact = client.get(f"/v3/contacts/{entry['contactID']}", headers=OMNISEND).get_json()
    assert contact["email"] == "[email protected]"
    assert contact["status"] == "nonSubscribed"
    outbox = _tenant_extra(mock)["outbox"]
    assert outbox[-1] == {"vendor": "omnisend", "tenant": BRAND_ID, "at": "2026-01-01T00:00:00.000Z",
                          "kind": "workflow", "workflow": "order confirmation", "brandID": BRAND_ID,
                          "contactID": entry["contactID"], "email": "[email protected]", "orderID": "4122111",
                          "eventID": entry["eventID"], "triggeredAt": "2026-01-01T00:00:00.000Z"}


def test_paid_for_order_without_the_workflow_queues_nothing(client: FlaskClient, mock: MockContext) -> None:
    tenant = mock.tenant("omnisend", BRAND_ID)
    assert tenant is not None
    with tenant.lock:  # a writer: in Redis mode its release commits the settings for every process
        tenant.config["workflows"] = ["welcome"]
    assert client.post("/v5/events", json=SEED_001, headers=OMNISEND).status_code == 202
    assert "outbox" not in tenant.extra
    assert _log(mock)[-1]["eventName"] == "paid for order"


def test_other_order_events_trigger_no_workflow(client: FlaskClient, mock: MockContext) -> None:
    body = copy.deepcopy(SEED_001)
    body["eventName"] = "placed order"
    assert client.post("/v5/events", json=body, headers=OMNISEND).status_code == 202
    assert "outbox" not in _tenant_extra(mock)


def test_historical_repeat_is_deduplicated(client: FlaskClient, mock: MockContext) -> None:
    body = copy.deepcopy(SEED_001)
    body["eventID"] = "f3f61bc6-07b8-4645-92d8-189d882dbcb1"
    assert client.post("/v5/events", json=body, headers=OMNISEND).status_code == 202
    before = snapshot(mock)
    repeat = client.post("/v5/events", json=body, headers=OMNISEND)
    assert repeat.status_code == 202
    assert snapshot(mock) == before


def test_same_id_other_time_is_not_a_duplicate(client: FlaskClient, mock: MockContext) -> None:
    body = _event(eventID="f3f61bc6-07b8-4645-92d8-189d882dbcb1", eventTime="2021-07-01T00:00:00Z")
    client.post("/v5/events", json=body, headers=OMNISEND)
    body["eventTime"] = "2021-07-02T00:00:00Z"
    client.post("/v5/events", json=body, headers=OMNISEND)
    assert len([e for e in _log(mock) if e["eventID"] == body["eventID"]]) == 2


@pytest.mark.parametrize("seconds_ago", [0, 60])
def test_real_time_events_are_never_deduplicated(client: FlaskClient, mock: MockContext, seconds_ago: int) -> None:
    # 2026-01-01T00:00:00Z is the frozen mock clock; 60 s back is still "real time" (more than 60 s is not).
    moment = "2026-01-01T00:00:00Z" if seconds_ago == 0 else "2025-12-31T23:59:00Z"
    body = _event(eventID="f3f61bc6-07b8-4645-92d8-189d882dbcb1", eventTime=moment)
    client.post("/v5/events", json=body, headers=OMNISEND)
    client.post("/v5/events", json=body, headers=OMNISEND)
    assert len([e for e in _log(mock) if e["eventID"] == body["eventID"]]) == 2


def test_event_time_defaults_to_now_and_event_id_to_a_uuid(client: FlaskClient, mock: MockContext) -> None:
    client.post("/v5/events", json=_event(), headers=OMNISEND)
    entry = _log(mock)[-1]
    assert entry["eventTime"] == "2026-01-01T00:00:00.000Z"
    assert len(entry["eventID"]) == 36 and entry["eventID"][14] == "4"
    assert entry["origin"] == "api"


def test_contact_matched_by_email_before_phone_and_id(client: FlaskClient, mock: MockContext) -> None:
    contact = {"email": "jonas.kazlauskas@example.com", "phone": "+37060000003", "id": ANNA}
    client.post("/v5/events", json=_event(contact=contact), headers=OMNISEND)
    assert _log(mock)[-1]["contactID"] == JONAS


def test_contact_matched_by_phone_before_id(client: FlaskClient, mock: MockContext) -> None:
    contact = {"email": "nobody@example.com", "phone": "+37060000003", "id": ANNA}
    client.post("/v5/events", json=_event(contact=contact), headers=OMNISEND)
    assert _log(mock)[-1]["contactID"] == LUKAS
    lukas = client.get(f"/v3/contacts/{LUKAS}", headers=OMNISEND).get_json()
    # The contact already has an email identifier, so the new email is not attached.
    assert lukas["email"] == "lukas.stankevicius@example.com"


def test_contact_matched_by_id(client: FlaskClient, mock: MockContext) -> None:
    client.post("/v5/events", json=_event(contact={"id": ANNA}), headers=OMNISEND)
    assert _log(mock)[-1]["contactID"] == ANNA


def test_unknown_id_only_creates_no_contact(client: FlaskClient, mock: MockContext) -> None:
    count = len(client.get("/v3/contacts", headers=OMNISEND).get_json()["contacts"])
    response = client.post("/v5/events", json=_event(contact={"id": "nope"}), headers=OMNISEND)
    assert response.status_code == 202
    assert response.headers["X-Mock-Warnings"] == f"contact.id: {C.WARN_UNKNOWN_CONTACT_ID}"
    assert len(client.get("/v3/contacts", headers=OMNISEND).get_json()["contacts"]) == count
    assert _log(mock)[-1]["contactID"] is None


def test_new_contact_from_email_and_phone_is_non_subscribed(client: FlaskClient) -> None:
    contact = {"email": "fresh@example.com", "phone": "+37069999999", "firstName": "Fresh", "tags": ["trail"]}
    client.post("/v5/events", json=_event(contact=contact), headers=OMNISEND)
    found = client.get("/v3/contacts?email=fresh%40example.com", headers=OMNISEND).get_json()["contacts"][0]
    assert found["firstName"] == "Fresh"
    assert found["tags"] == ["trail"]
    assert found["phone"] == ["+37069999999"]
    assert [i["channels"] for i in found["identifiers"]] == [
        {"email": {"status": "nonSubscribed", "statusDate": "2026-01-01T00:00:00.000Z"}},
        {"sms": {"status": "nonSubscribed", "statusDate": "2026-01-01T00:00:00.000Z"}}]


def test_matched_contact_merges_fields_and_adds_tags(client: FlaskClient) -> None:
    contact = {"email": "anna.petraite@example.com", "lastName": "Petraityte", "tags": ["trail", "vip"],
               "customProperties": {"shoeSize": 38}}
    client.post("/v5/events", json=_event(contact=contact), headers=OMNISEND)
    anna = client.get(f"/v3/contacts/{ANNA}", headers=OMNISEND).get_json()
    assert anna["lastName"] == "Petraityte"
    assert anna["firstName"] == "Anna"
    assert anna["tags"] == ["vip", "newsletter", "trail"]
    assert anna["customProperties"] == {"shoeSize": 38}
    assert anna["status"] == "subscribed"


def test_opt_ins_and_opt_outs(client: FlaskClient) -> None:
    contact = {"email": "anna.petraite@example.com",
               "optOuts": [{"channel": "email", "createdAt": "2026-01-01T00:00:00Z", "source": "form"}],
               "optIns": [{"channel": "sms", "createdAt": "2026-01-01T00:00:00Z"}]}
    response = client.post("/v5/events", json=_event(contact=contact), headers=OMNISEND)
    assert response.status_code == 202
    anna = client.get(f"/v3/contacts/{ANNA}", headers=OMNISEND).get_json()
    assert anna["status"] == "unsubscribed"
    # optIns are applied before optOuts.
    assert anna["statuses"][-2:] == [{"channel": "sms", "status": "subscribed", "date": "2026-01-01T00:00:00Z"},
                                     {"channel": "email", "status": "unsubscribed", "date": "2026-01-01T00:00:00Z"}]


def test_opt_in_for_a_missing_channel_is_a_warning(client: FlaskClient) -> None:
    contact = {"email": "jonas.kazlauskas@example.com", "optIns": [{"channel": "sms"}]}
    response = client.post("/v5/events", json=_event(contact=contact), headers=OMNISEND)
    assert response.status_code == 202
    assert response.headers["X-Mock-Warnings"] == \
        "contact.optIns[0].channel: the contact has no phone identifier; ignored"


def test_older_opt_out_does_not_change_the_status(client: FlaskClient) -> None:
    contact = {"email": "anna.petraite@example.com",
               "optOuts": [{"channel": "email", "createdAt": "2020-01-01T00:00:00Z"}]}
    client.post("/v5/events", json=_event(contact=contact), headers=OMNISEND)
    assert client.get(f"/v3/contacts/{ANNA}", headers=OMNISEND).get_json()["status"] == "subscribed"


@pytest.mark.parametrize(("body", "fields"), [
    ({}, ["contact: field required but not found in Json", "eventName: field required but not found in Json",
          "origin: field required but not found in Json"]),
    (_event(eventName=""), ["eventName: must not be empty"]),
    (_event(origin=1), ["origin: invalid type, expected string"]),
    (_event(contact={}), ["contact: email, phone or id is required"]),
    (_event(contact={"email": "", "phone": ""}), ["contact: email, phone or id is required"]),
    (_event(contact="a@example.com"), ["contact: invalid type, expected object"]),
    (_event(eventID="not-a-uuid"), ["eventID: invalid format, expected UUID"]),
    (_event(eventTime="yesterday"), ["eventTime: invalid format, expected RFC 3339 date-time"]),
    (_event(properties=[]), ["properties: invalid type, expected object"]),
    (_event(contact={"email": "a@example.com", "firstName": "x" * 51}),
     ["contact.firstName: length must be between 0 and 50"]),
    (_event(contact={"email": "a@example.com", "phone": "+3706000000000000"}),
     ["contact.phone: length must be between 0 and 15"]),
    (_event(contact={"email": "a@example.com", "gender": "x"}),
     ["contact.gender: invalid value, allowed values: m, f"]),
    (_event(contact={"email": "a@example.com", "birthdate": "1990-13-01"}),
     ["contact.birthdate: invalid format, expected YYYY-MM-DD"]),
    (_event(contact={"email": "a@example.com", "optIns": [{"channel": "push"}]}),
     ["contact.optIns[0].channel: invalid value, allowed values: email, sms"]),
])
def test_envelope_validation(client: FlaskClient, mock: MockContext, body: dict[str, Any],
                             fields: list[str]) -> None:
    before = snapshot(mock)
    response = client.post("/v5/events", json=body, headers=OMNISEND)
    assert response.status_code == 400
    assert response.get_json() == {"error": VALIDATION.format(n=len(fields)), "fields": fields}
    assert snapshot(mock) == before


def test_event_time_with_space_and_offset_is_accepted(client: FlaskClient) -> None:
    response = client.post("/v5/events", json=_event(eventTime="2025-12-31 10:00:00+02:00"), headers=OMNISEND)
    assert response.status_code == 202


def test_recommended_event_without_version_is_warned(client: FlaskClient) -> None:
    response = client.post("/v5/events", json=_event(eventName="viewed product"), headers=OMNISEND)
    assert response.status_code == 202
    assert response.headers["X-Mock-Warnings"] == f"eventVersion: {C.WARN_NO_VERSION}"


def test_custom_event_names_are_not_type_checked(client: FlaskClient) -> None:
    response = client.post("/v5/events", json=_event(properties={"orderNumber": "x", "totalPrice": "free"}),
                           headers=OMNISEND)
    assert response.status_code == 202
    assert "X-Mock-Warnings" not in response.headers


def test_order_event_recommended_values_and_removed_field(client: FlaskClient) -> None:
    properties = {"paymentStatus": "settled", "fulfillmentStatus": 3, "subTotalTaxIncluded": "yes",
                  "createdAt": "not a date", "lineItems": [{"productStrikeThroughPrice": 5, "productTags": [1]}],
                  "tracking": "none", "unknownThing": {"a": 1}}
    response = client.post("/v5/events", json=_event(eventName="order fulfilled", eventVersion="v2",
                                                     properties=properties), headers=OMNISEND)
    assert response.status_code == 202
    assert response.headers["X-Mock-Warnings"] == "; ".join([
        "properties.createdAt: expected date string, got string",
        "properties.fulfillmentStatus: expected string, got number",
        "properties.lineItems[0].productStrikeThroughPrice: field was removed",
        "properties.lineItems[0].productTags[0]: expected string, got number",
        "properties.paymentStatus: not one of the recommended values",
        "properties.subTotalTaxIncluded: expected boolean, got string",
        "properties.tracking: expected object, got string",
    ])


def test_cart_event_checks(client: FlaskClient) -> None:
    properties = {"cartID": 7, "currency": "EUR", "value": True, "lineItems": [{"productPrice": "9.99"}]}
    response = client.post("/v5/events", json=_event(eventName="started checkout", eventVersion="v1",
                                                     properties=properties), headers=OMNISEND)
    assert response.status_code == 202
    assert response.headers["X-Mock-Warnings"] == (
        "properties.cartID: expected string, got number; "
        "properties.lineItems[0].productPrice: expected number, got string; "
        "properties.value: expected number, got boolean")


def test_events_write_scope_is_required(client: FlaskClient, mock: MockContext) -> None:
    before = snapshot(mock)
    response = client.post("/v5/events", json=_event(), headers={"X-API-KEY": "omnisend-readonly-key"})
    assert response.status_code == 403
    assert response.get_json() == {"error": C.ERR_FORBIDDEN}
    assert snapshot(mock) == before


def test_event_counts_once_in_the_rate_limit(client: FlaskClient) -> None:
    response = client.post("/v5/events", json=_event(), headers=OMNISEND)
    assert response.headers["X-Rate-Limit-Remaining"] == "399"
