"""Events, event metadata, brands and batches of 2026-03-15 (reference 2026 §5.2, §5.3, §5.6, §5.7)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mock_server.app import create_app
from mock_server.core.context import MockContext, Settings
from mock_server.omnisend import constants as VC
from mock_server.omnisend.v2026 import constants as C
from tests.conftest import BRAND_ID, OMNISEND_KEY, snapshot
from tests.omnisend.catalog import NOW
from tests.omnisend.v2026.helpers import API, assert_problem, assert_refused, call, invalid, problem

PAID = {"eventName": "paid for order", "origin": "api", "eventVersion": "v4",
        "contact": {"email": "buyer@example.com", "firstName": "Bea"}, "properties": {"orderID": "o-1"}}


def test_event_upserts_the_contact_and_triggers_the_workflow(client: FlaskClient, mock: MockContext) -> None:
    response = call(client, "POST", "/events", json=PAID)
    assert (response.status_code, response.get_data()) == (202, b"")
    found = call(client, "GET", "/contacts", query="email=buyer%40example.com").get_json()["contacts"]
    assert [(c["firstName"], c["status"]) for c in found] == [("Bea", "nonSubscribed")]
    outbox = mock.tenant("omnisend", BRAND_ID).extra["outbox"]  # type: ignore[union-attr]
    assert (outbox[-1]["workflow"], outbox[-1]["orderID"]) == (VC.WORKFLOW_ORDER_CONFIRMATION, "o-1")


@pytest.mark.parametrize(("body", "errors"), [
    ({"origin": "api", "contact": {"email": "a@b.c"}}, [("eventName", "required", C.MSG_REQUIRED)]),
    ({"eventName": "x", "contact": {"email": "a@b.c"}}, [("origin", "required", C.MSG_REQUIRED)]),
    ({"eventName": "x", "origin": "api", "contact": {"firstName": "No id"}},
     [("contact", "required", VC.MSG_CONTACT_IDENTITY)]),
])
def test_event_validation(client: FlaskClient, mock: MockContext, body: dict[str, Any],
                          errors: list[tuple[str, str, str]]) -> None:
    assert_refused(client, mock, "POST", "/events", body, errors)


CUSTOM = {"name": "loyalty redeemed", "origin": "api", "displayName": "Loyalty redeemed",
          "properties": {"points": {"type": "integer"},
                         "reward": {"type": "struct", "properties": {"code": {"type": "string"}}}}}


def test_event_metadata_create_update_query(client: FlaskClient) -> None:
    created = call(client, "POST", "/event-metadata", json=CUSTOM)
    assert created.status_code == 201
    assert created.get_json() == {"event": {
        "name": "loyalty redeemed", "displayName": "Loyalty redeemed", "origins": ["api"],
        "explicitlyDefined": True,
        "properties": {"points": {"type": "integer", "explicitlyDefined": True},
                       "reward": {"type": "struct", "explicitlyDefined": True,
                                  "properties": {"code": {"type": "string", "explicitlyDefined": True}}}}}}
    updated = call(client, "PUT", "/event-metadata", json={"name": "loyalty redeemed", "origin": "api",
                                                           "properties": {"tier": {"type": "string"}}})
    assert updated.status_code == 200
    assert set(updated.get_json()["event"]["properties"]) == {"points", "reward", "tier"}
    query = call(client, "POST", "/event-metadata/query",
                 json={"category": "segments", "events": ["loyalty redeemed", "placed order"]})
    assert query.get_json() == {"events": [
        {"name": "placed order", "displayName": "placed order", "origins": ["api"], "explicitlyDefined": False},
        {"name": "loyalty redeemed", "displayName": "Loyalty redeemed", "origins": ["api"],
         "explicitlyDefined": True}]}
    only_lexicon = call(client, "POST", "/event-metadata/query",
                        json={"category": "events", "excludeCustomEvents": True, "includeProperties": True})
    assert "loyalty redeemed" not in [e["name"] for e in only_lexicon.get_json()["events"]]


def test_event_metadata_errors(client: FlaskClient, mock: MockContext) -> None:
    call(client, "POST", "/event-metadata", json=CUSTOM)
    before = snapshot(mock)
    again = call(client, "POST", "/event-metadata", json=CUSTOM)
    assert_problem(again, problem(again, 409, VC.ERR_METADATA_EXISTS.format(name="loyalty redeemed", origin="api")))
    lexicon = call(client, "POST", "/event-metadata", json={**CUSTOM, "name": "placed order"})
    assert_problem(lexicon, problem(lexicon, 409, VC.ERR_METADATA_EXISTS.format(name="placed order", origin="api")))
    retype = call(client, "PUT", "/event-metadata", json={"name": "loyalty redeemed", "origin": "api",
                                                          "properties": {"points": {"type": "string"}}})
    assert_problem(retype, problem(retype, 409, VC.ERR_METADATA_TYPE.format(name="points", type="integer")))
    missing = call(client, "PUT", "/event-metadata", json={"name": "nope", "origin": "api"})
    assert_problem(missing, problem(missing, 404, VC.ERR_METADATA_NOT_FOUND.format(name="nope", origin="api")))
    bad = call(client, "POST", "/event-metadata", json={"name": "x", "origin": "api", "properties": {}})
    assert_problem(bad, invalid(bad, ("displayName", "required", C.MSG_REQUIRED),
                                ("properties", "invalid_length", "length must be between 1 and None")))
    no_category = call(client, "POST", "/event-metadata/query", json={"category": "orders"})
    assert_problem(no_category, invalid(no_category, (
        "category", "invalid_value", "invalid value, allowed values: automations, events, segments")))
    assert snapshot(mock) == before


def test_brand_current_and_connect(client: FlaskClient) -> None:
    current = call(client, "GET", "/brands/current")
    assert current.get_json() == {"brandID": BRAND_ID, "name": "Demo Outdoor Store",
                                  "website": "https://shop.example.com", "platform": "custom", "version": "1.0.0",
                                  "currency": "EUR", "timezone": "Europe/Vilnius", "connected": True}
    body = {"platform": "woocommerce", "version": "9.1", "website": "https://new.example.com"}
    with_key = call(client, "POST", "/brands/current", json=body, contract=False)
    assert_problem(with_key, problem(with_key, 403, C.DETAIL_BEARER_ONLY))
    bearer = {**API, "Authorization": f"Bearer {OMNISEND_KEY}"}
    connected = call(client, "POST", "/brands/current", json=body, headers=bearer)
    assert (connected.status_code, connected.get_data()) == (200, b"")
    assert call(client, "GET", "/brands/current").get_json()["platform"] == "woocommerce"
    bad = call(client, "POST", "/brands/current", json={"platform": "x", "version": "12345678901"},
               headers=bearer, contract=False)
    assert_problem(bad, invalid(bad, ("version", "invalid_length", "length must be between 0 and 10"),
                                ("website", "required", C.MSG_REQUIRED)))


def test_batch_runs_items_as_2026_requests(client: FlaskClient) -> None:
    items = [{"categoryID": "cat-b1", "title": "B1"}, {"categoryID": "cat-tents", "title": "dup"},
             {"categoryID": ""}]
    created = call(client, "POST", "/batches", json={"method": "POST", "endpoint": "categories", "items": items,
                                                     "origin": "importer"})
    assert created.status_code == 201
    batch_id = created.get_json()["batchID"]
    assert created.get_json() == {"batchID": batch_id, "totalCount": 3}
    batch = call(client, "GET", f"/batches/{batch_id}").get_json()
    assert batch == {"batchID": batch_id, "method": "POST", "endpoint": "categories", "origin": "importer",
                     "status": "finished", "createdAt": NOW, "startedAt": NOW, "endedAt": NOW, "totalCount": 3,
                     "finishedCount": 3, "errorsCount": 2}
    items_view = call(client, "GET", f"/batches/{batch_id}/items").get_json()
    assert [(i["itemID"], i["responseCode"]) for i in items_view["responses"]] == [("1", 201)]
    assert [(i["itemID"], i["responseCode"], i["response"]["title"]) for i in items_view["errors"]] == [
        ("2", 409, "Conflict"), ("3", 400, "Validation failed")]
    assert call(client, "GET", "/product-categories/cat-b1").status_code == 200
    listed = call(client, "GET", "/batches", query="endpoint=categories").get_json()
    assert [b["batchID"] for b in listed["batches"]] == [batch_id]
    assert listed["paging"] == {"limit": 100, "offset": 0}
    # Batch items are not rate-limited one by one, and v3 lists its own batches.
    assert client.get("/v3/batches?endpoint=categories", headers={"X-API-KEY": OMNISEND_KEY}).get_json()[
        "batches"] == []


def test_put_batch_of_categories_patches(client: FlaskClient) -> None:
    call(client, "POST", "/batches", json={"method": "PUT", "endpoint": "categories",
                                           "items": [{"categoryID": "cat-tents", "title": "Shelters"}]})
    assert call(client, "GET", "/product-categories/cat-tents").get_json()["title"] == "Shelters"


@pytest.mark.parametrize(("body", "errors"), [
    ({"method": "POST", "endpoint": "orders", "items": [{}]},
     [("endpoint", "invalid_value", "invalid value, allowed values: products, contacts, events, categories")]),
    ({"method": "POST", "endpoint": "contacts", "items": []},
     [("items", "invalid_length", "must contain between 1 and 100 items")]),
    ({"method": "POST", "endpoint": "contacts", "items": [{}] * 101},
     [("items", "invalid_length", "must contain between 1 and 100 items")]),
    ({"method": "PUT", "endpoint": "events", "items": [{}]},
     [("method", "invalid_value", "invalid value, allowed values: POST")]),
    ({"endpoint": "contacts", "items": [{}]}, [("method", "required", C.MSG_REQUIRED)]),
])
def test_batch_validation(client: FlaskClient, mock: MockContext, body: dict[str, Any],
                          errors: list[tuple[str, str, str]]) -> None:
    assert_refused(client, mock, "POST", "/batches", body, errors)


def test_batch_errors(client: FlaskClient) -> None:
    missing = call(client, "GET", "/batches/000000000000000000000000")
    assert_problem(missing, problem(missing, 404, C.DETAIL_BATCH_NOT_FOUND.format(id="000000000000000000000000")))
    no_endpoint = call(client, "GET", "/batches")
    assert_problem(no_endpoint, invalid(no_endpoint, ("endpoint", "required", "query parameter required")))


def test_async_batch_waits_for_the_drain() -> None:
    app: Flask = create_app(Settings(seed=1234, freeze_clock=True, omnisend_batch_mode="async",
                                     start_workers=False))
    client = app.test_client()
    created = call(client, "POST", "/batches", json={"method": "POST", "endpoint": "contacts",
                                                     "items": [{"identifiers": [{"type": "email", "id": "q@x.io"}]}]})
    batch_id = created.get_json()["batchID"]
    assert call(client, "GET", f"/batches/{batch_id}").get_json()["status"] == "pending"
    assert client.post("/_mock/omnisend/batches/drain").status_code == 200
    assert call(client, "GET", f"/batches/{batch_id}").get_json()["status"] == "finished"
    assert call(client, "GET", "/contacts", query="email=q%40x.io").get_json()["contacts"]


def test_batches_are_kept_seven_days(client: FlaskClient, mock: MockContext) -> None:
    created = call(client, "POST", "/batches", json={"method": "POST", "endpoint": "products", "items": [{}]})
    batch_id = created.get_json()["batchID"]
    mock.clock.advance(7 * 24 * 3600 - 1)
    assert len(call(client, "GET", "/batches", query="endpoint=products").get_json()["batches"]) == 1
    mock.clock.advance(1)
    assert call(client, "GET", "/batches", query="endpoint=products").get_json()["batches"] == []
    gone = call(client, "GET", f"/batches/{batch_id}")
    assert_problem(gone, problem(gone, 404, C.DETAIL_BATCH_NOT_FOUND.format(id=batch_id)))
