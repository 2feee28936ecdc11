"""v3 custom events (omnisend.md §3.6, §5.6, §6.5)."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_server.core.context import MockContext
from mock_server.omnisend import constants as C
from tests.conftest import BRAND_ID, OMNISEND, OMNISEND_READONLY_KEY, snapshot
from tests.omnisend.contract import check

BACK_IN_STOCK = "66a0e0f0a1b2c3d4e5f60001"  # fields: productID (string, required), size (string)
TRAIL_REVIEW = "66a0e0f0a1b2c3d4e5f60002"  # rating (integer, required), distanceKm (float), recommended (bool)
WORKSHOP = "66a0e0f0a1b2c3d4e5f60003"  # disabled, no fields
VALIDATION_1 = "1 error(s) found. Check 'fields' array for details."


def _log(mock: MockContext) -> list[dict[str, Any]]:
    tenant = mock.tenant("omnisend", BRAND_ID)
    assert tenant is not None
    return list(tenant.collection("eventLog").values())


def _contact(client: FlaskClient, email: str) -> dict[str, Any] | None:
    found = client.get("/v3/contacts", query_string={"email": email}, headers=OMNISEND).get_json()["contacts"]
    return found[0] if found else None


def test_list_is_a_bare_array_newest_first(client: FlaskClient) -> None:
    response = client.get("/v3/events", headers=OMNISEND)
    assert response.status_code == 200
    body = response.get_json()
    assert isinstance(body, list)
    assert [e["eventID"] for e in body] == [WORKSHOP, TRAIL_REVIEW, BACK_IN_STOCK]
    assert check(response, "GET", "/events") == set()


def test_get_one_definition(client: FlaskClient) -> None:
    response = client.get(f"/v3/events/{TRAIL_REVIEW}", headers=OMNISEND)
    assert response.status_code == 200
    assert response.get_json() == {
        "eventID": TRAIL_REVIEW, "name": "Trail review submitted", "systemName": "trailReview", "enabled": True,
        "createdAt": "2024-04-02T08:00:00.000Z", "updatedAt": "2024-04-05T08:00:00.000Z",
        "launchedAt": "2024-04-02T08:00:00.000Z",
        "fields": [{"name": "Rating", "systemName": "rating", "type": "integer", "required": True},
                   {"name": "Distance km", "systemName": "distanceKm", "type": "float", "required": False},
                   {"name": "Recommended", "systemName": "recommended", "type": "boolean", "required": False}]}
    assert check(response, "GET", f"/events/{TRAIL_REVIEW}") == set()


def test_get_unknown_is_404(client: FlaskClient, mock: MockContext) -> None:
    response = client.get("/v3/events/nope", headers=OMNISEND)
    assert response.status_code == 404
    assert response.get_json() == {"error": "Event with 'nope' eventID not found"}


def test_trigger_by_name_creates_definition_with_inferred_types(client: FlaskClient, mock: MockContext) -> None:
    fields = {"size": "M", "bust": 100, "round": 10.0, "weight": 12.2, "waterproof": True}
    response = client.post("/v3/events", json={"name": "My Custom Event", "systemName": "myCustomEvent",
                                               "email": "new.person@example.com", "fields": fields},
                           headers=OMNISEND)
    assert response.status_code == 204
    assert response.data == b""
    # Werkzeug drops Content-Length on a 204 (RFC 9110 section 8.6 forbids it there); the body is empty.
    assert response.headers.get("Content-Length", "0") == "0"
    assert "Content-Type" not in response.headers
    assert check(response, "POST", "/events") == set()
    created = client.get("/v3/events", headers=OMNISEND).get_json()[0]
    assert created["name"] == "My Custom Event"
    assert created["enabled"] is True
    assert created["launchedAt"] == created["createdAt"] == "2026-01-01T00:00:00.000Z"
    assert [(f["systemName"], f["type"], f["required"]) for f in created["fields"]] == [
        ("size", "string", False), ("bust", "integer", False), ("round", "integer", False),
        ("weight", "float", False), ("waterproof", "boolean", False)]
    contact = _contact(client, "new.person@example.com")
    assert contact is not None and contact["status"] == "nonSubscribed"
    entry = _log(mock)[-1]
    assert entry["eventName"] == "My Custom Event"
    assert entry["contactID"] == contact["contactID"]
    assert entry["properties"] == fields


def test_trigger_by_name_name_defaults_to_system_name(client: FlaskClient) -> None:
    client.post("/v3/events", json={"systemName": "plainEvent", "phone": "+37061111111"}, headers=OMNISEND)
    created = client.get("/v3/events", headers=OMNISEND).get_json()[0]
    assert created["name"] == "plainEvent"
    assert created["fields"] == []


def test_trigger_known_name_appends_new_fields(client: FlaskClient) -> None:
    response = client.post("/v3/events", json={"systemName": "trailReview", "email": "anna.petraite@example.com",
                                               "fields": {"rating": 4, "weather": "sunny"}}, headers=OMNISEND)
    assert response.status_code == 204
    event = client.get(f"/v3/events/{TRAIL_REVIEW}", headers=OMNISEND).get_json()
    assert [f["systemName"] for f in event["fields"]] == ["rating", "distanceKm", "recommended", "weather"]
    assert event["fields"][-1] == {"name": "weather", "systemName": "weather", "type": "string", "required": False}
    assert event["updatedAt"] == "2026-01-01T00:00:00.000Z"


@pytest.mark.parametrize(("value", "expected"), [("5", "integer"), (4.5, "integer"), (True, "integer")])
def test_trigger_by_name_type_mismatch_is_400(client: FlaskClient, mock: MockContext, value: Any,
                                               expected: str) -> None:
    before = snapshot(mock)
    response = client.post("/v3/events", json={"systemName": "trailReview", "email": "x@example.com",
                                               "fields": {"rating": value, "extra": 1}}, headers=OMNISEND)
    assert response.status_code == 400
    assert response.get_json() == {"error": VALIDATION_1,
                                   "fields": [f"fields.rating: invalid type, expected {expected}"]}
    assert snapshot(mock) == before


@pytest.mark.parametrize(("body", "fields"), [
    ({"email": "a@example.com"}, ["systemName: field required but not found in Json"]),
    ({"systemName": "x"}, ["email: email or phone is required"]),
    ({"systemName": "x", "email": "not-an-email"}, ["email: invalid format, expected email"]),
    ({"systemName": 5, "email": "a@example.com"}, ["systemName: invalid type, expected string"]),
    ({"systemName": "x", "email": "a@example.com", "fields": []}, ["fields: invalid type, expected object"]),
    ({"systemName": "x", "email": "a@example.com", "fields": {"a": {"b": 1}}},
     ["fields.a: invalid type, expected string, number or boolean"]),
])
def test_trigger_by_name_validation(client: FlaskClient, mock: MockContext, body: dict[str, Any],
                                    fields: list[str]) -> None:
    before = snapshot(mock)
    response = client.post("/v3/events", json=body, headers=OMNISEND)
    assert response.status_code == 400
    assert response.get_json() == {"error": VALIDATION_1, "fields": fields}
    assert snapshot(mock) == before


@pytest.mark.parametrize(("count", "status"), [(100, 204), (101, 400)])
def test_fields_at_most_100(client: FlaskClient, mock: MockContext, count: int, status: int) -> None:
    before = snapshot(mock)
    fields = {f"f{i}": i for i in range(count)}
    response = client.post("/v3/events", json={"systemName": "many", "email": "a@example.com", "fields": fields},
                           headers=OMNISEND)
    assert response.status_code == status
    if status == 400:
        assert response.get_json() == {"error": VALIDATION_1, "fields": [f"fields: {C.MSG_EVENT_FIELDS_SIZE}"]}
        assert snapshot(mock) == before
    else:
        assert len(client.get("/v3/events", headers=OMNISEND).get_json()[0]["fields"]) == 100


def test_trigger_by_id(client: FlaskClient, mock: MockContext) -> None:
    response = client.post(f"/v3/events/{BACK_IN_STOCK}", json={"email": "anna.petraite@example.com",
                                                               "fields": {"productID": "boot-1", "color": "red"}},
                           headers=OMNISEND)
    assert response.status_code == 204
    assert response.data == b""
    assert response.headers["X-Mock-Warnings"] == f"fields.color: {C.WARN_FIELD_NOT_DEFINED}"
    assert check(response, "POST", f"/events/{BACK_IN_STOCK}") == set()
    entry = _log(mock)[-1]
    assert entry["eventName"] == "Back in stock request"
    assert entry["contactID"] == "65b2a0c1d2e3f4a5b6c7d000"
    assert entry["properties"] == {"productID": "boot-1"}


def test_trigger_by_id_upserts_contact_by_phone(client: FlaskClient, mock: MockContext) -> None:
    client.post(f"/v3/events/{WORKSHOP}", json={"phone": "+37060000003"}, headers=OMNISEND)
    assert _log(mock)[-1]["contactID"] == "65b2a0c1d2e3f4a5b6c7d003"


def test_trigger_by_id_missing_required_and_wrong_type(client: FlaskClient, mock: MockContext) -> None:
    before = snapshot(mock)
    response = client.post(f"/v3/events/{TRAIL_REVIEW}", json={"email": "a@example.com",
                                                              "fields": {"distanceKm": 3}}, headers=OMNISEND)
    assert response.status_code == 400
    assert response.get_json() == {"error": "2 error(s) found. Check 'fields' array for details.", "fields": [
        "fields.distanceKm: invalid type, expected float", "fields.rating: field required but not found in Json"]}
    assert snapshot(mock) == before


def test_trigger_unknown_id_is_404_after_validation(client: FlaskClient, mock: MockContext) -> None:
    before = snapshot(mock)
    response = client.post("/v3/events/nope", json={"email": "a@example.com"}, headers=OMNISEND)
    assert response.status_code == 404
    assert response.get_json() == {"error": "Event with 'nope' eventID not found"}
    invalid = client.post("/v3/events/nope", json={}, headers=OMNISEND)
    assert invalid.status_code == 400
    assert invalid.get_json() == {"error": VALIDATION_1, "fields": ["email: email or phone is required"]}
    assert snapshot(mock) == before


def test_read_only_key_cannot_trigger(client: FlaskClient, mock: MockContext) -> None:
    before = snapshot(mock)
    headers = {"X-API-KEY": OMNISEND_READONLY_KEY}
    assert client.get("/v3/events", headers=headers).status_code == 200
    response = client.post("/v3/events", json={"systemName": "x", "email": "a@example.com"}, headers=headers)
    assert response.status_code == 403
    assert response.get_json() == {"error": C.ERR_FORBIDDEN}
    assert snapshot(mock) == before


def test_invalid_json_is_400(client: FlaskClient, mock: MockContext) -> None:
    before = snapshot(mock)
    response = client.post("/v3/events", data=b"{", headers=OMNISEND)
    assert response.status_code == 400
    assert response.get_json() == {"error": C.ERR_BAD_JSON}
    assert snapshot(mock) == before


@pytest.mark.parametrize(("resource", "record", "reason"), [
    ("events", {"systemName": "x"}, "field required but not found in Json"),
    ("events", {"name": "X", "systemName": "x", "fields": [{"systemName": "a", "type": "date"}]},
     "needs systemName and a type of string, integer, float, boolean"),
    ("eventLog", {"eventName": "paid for order", "contactID": "nobody", "eventTime": "2025-01-01T00:00:00Z"},
     "no such contact"),
    ("eventLog", {"eventName": "paid for order", "email": "a@example.com", "eventTime": "soon"},
     "invalid format, expected RFC 3339 date-time"),
])
def test_bad_event_fixtures_are_rejected(mock: MockContext, resource: str, record: dict[str, Any],
                                         reason: str) -> None:
    from mock_server.core.fixtures import FixtureError, document_from_posted
    from mock_server.omnisend.vendor import Omnisend

    tenant = {"brandID": "0123456789abcdef01234567", "apiKeys": [{"key": "k"}]}
    contacts = [{"identifiers": [{"type": "email", "id": "a@example.com", "channels": {"email": {}}}]}]
    found = document_from_posted({"omnisend": [{"tenant": tenant, "contacts": contacts, resource: [record]}]})
    with pytest.raises(FixtureError) as caught:
        Omnisend().seed_tenant(mock, found["omnisend"][0][1], found["omnisend"][0][0])
    assert caught.value.reason == reason
    assert caught.value.file.endswith(resource)
