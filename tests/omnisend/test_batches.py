"""Batches v3 and v5 (omnisend.md §3.7, §4, §5.7, §6.8)."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_server.core.auth import ApiKey
from mock_server.core.context import MockContext, Settings
from mock_server.omnisend import constants as C
from mock_server.omnisend.batch_runner import BatchWorker
from tests.conftest import BRAND_ID, OMNISEND, OMNISEND_READONLY_KEY, snapshot
from tests.omnisend.contract import BATCH_OUTPUT, PAGING_NULL_LINKS, check, within

# The drain also reports the marketing work the clock made due (automation steps, 2026 campaign sends).
IDLE = {"automationSteps": 0, "campaignsSent": 0}

TRAIL_REVIEW = "66a0e0f0a1b2c3d4e5f60002"  # rating: integer, required
BAD_PARAMS = "Bad Request - invalid parameters, fields or filters"


def _contact(email: str, status: str = "subscribed") -> dict[str, Any]:
    return {"identifiers": [{"type": "email", "id": email, "channels": {"email": {"status": status}}}]}


BAD_CONTACT = {"identifiers": [{"type": "email", "id": "vanessa.kensingtonexample.com"}]}


def _post(client: FlaskClient, body: dict[str, Any], version: str = "v3",
          headers: dict[str, str] = OMNISEND) -> Any:
    return client.post(f"/{version}/batches", json=body, headers=headers)


def _create(client: FlaskClient, items: list[Any], *, version: str = "v3", endpoint: str = "contacts",
            method: str = "POST", **extra: Any) -> str:
    response = _post(client, {"method": method, "endpoint": endpoint, "items": items, **extra}, version)
    assert response.status_code == 200, response.get_json()
    return str(response.get_json()["batchID"])


def _outbox(mock: MockContext) -> list[dict[str, Any]]:
    tenant = mock.tenant("omnisend", BRAND_ID)
    assert tenant is not None
    return list(tenant.extra.get("outbox", []))


def test_post_contacts_runs_each_item_as_the_single_request(client: FlaskClient, mock: MockContext) -> None:
    single_bad = client.post("/v3/contacts", json=BAD_CONTACT, headers=OMNISEND)
    response = _post(client, {"method": "POST", "endpoint": "contacts",
                              "items": [BAD_CONTACT, _contact("vanessa.kensington@example.com")]})
    assert response.status_code == 200
    body = response.get_json()
    assert list(body) == ["batchID", "totalCount"]
    assert body["totalCount"] == 2
    assert check(response, "POST", "/batches") == set()
    items = client.get(f"/v3/batches/{body['batchID']}/items", headers=OMNISEND)
    assert items.status_code == 200
    data = items.get_json()
    contact_id = client.get("/v3/contacts?email=vanessa.kensington%40example.com",
                            headers=OMNISEND).get_json()["contacts"][0]["contactID"]
    assert data == {
        "batchID": body["batchID"], "method": "POST", "endpoint": "contacts", "status": "finished",
        "createdAt": "2026-01-01T00:00:00.000Z", "startedAt": "2026-01-01T00:00:00.000Z",
        "endedAt": "2026-01-01T00:00:00.000Z", "totalCount": 2, "finishedCount": 2, "errorsCount": 1,
        "errors": [{"itemID": "1", "request": BAD_CONTACT, "responseCode": 400, "response": single_bad.get_json(),
                    "status": "finished"}],
        "responses": [{"itemID": "2", "request": _contact("vanessa.kensington@example.com"), "responseCode": 200,
                       "response": {"email": "vanessa.kensington@example.com", "contactID": contact_id},
                       "status": "finished"}]}
    assert single_bad.get_json() == {"error": "1 error(s) found. Check 'fields' array for details.",
                                     "fields": ["identifiers[0].channels: field required but not found in Json"]}
    assert check(items, "GET", f"/batches/{body['batchID']}/items") == set()


def test_batch_and_item_reads(client: FlaskClient) -> None:
    batch_id = _create(client, [_contact("a1@example.com"), _contact("a2@example.com")])
    one = client.get(f"/v3/batches/{batch_id}", headers=OMNISEND)
    assert one.get_json() == {"batchID": batch_id, "method": "POST", "endpoint": "contacts", "status": "finished",
                              "createdAt": "2026-01-01T00:00:00.000Z", "startedAt": "2026-01-01T00:00:00.000Z",
                              "endedAt": "2026-01-01T00:00:00.000Z", "totalCount": 2, "finishedCount": 2,
                              "errorsCount": 0}
    assert check(one, "GET", f"/batches/{batch_id}") == set()
    item = client.get(f"/v3/batches/{batch_id}/items/2", headers=OMNISEND)
    assert item.status_code == 200
    assert item.get_json()["itemID"] == "2"
    assert list(item.get_json()) == ["batchID", "method", "endpoint", "itemID", "request", "responseCode",
                                     "response", "status"]
    assert check(item, "GET", f"/batches/{batch_id}/items/2") == set()


def test_one_item_batch_deviates_from_the_contract_minimum(client: FlaskClient) -> None:
    batch_id = _create(client, [_contact("solo@example.com")])
    response = client.get(f"/v3/batches/{batch_id}", headers=OMNISEND)
    assert check(response, "GET", f"/batches/{batch_id}") == {"totalCount: minimum"}


def test_batch_counts_once_in_the_rate_limit(client: FlaskClient) -> None:
    response = _post(client, {"method": "POST", "endpoint": "contacts",
                              "items": [_contact(f"r{i}@example.com") for i in range(5)]})
    assert response.headers["X-Rate-Limit-Remaining"] == "399"
    assert client.get("/v3/events", headers=OMNISEND).headers["X-Rate-Limit-Remaining"] == "398"


def test_item_warnings_do_not_leak_into_the_batch_answer(client: FlaskClient) -> None:
    item = {"eventName": "viewed product", "origin": "api", "contact": {"email": "no-at-sign"}}
    response = _post(client, {"method": "POST", "endpoint": "events", "items": [item]}, "v5")
    assert response.status_code == 200
    assert "X-Mock-Warnings" not in response.headers


def test_completion_appends_an_outbox_entry(client: FlaskClient, mock: MockContext) -> None:
    batch_id = _create(client, [_contact("o1@example.com"), BAD_CONTACT])
    assert _outbox(mock)[-1] == {"vendor": "omnisend", "tenant": BRAND_ID, "at": "2026-01-01T00:00:00.000Z",
                                 "kind": "batch", "batchID": batch_id, "status": "finished", "totalCount": 2,
                                 "errorsCount": 1}


def test_v3_events_items_trigger_the_event_by_id(client: FlaskClient) -> None:
    batch_id = _create(client, [{"email": "t1@example.com", "fields": {"rating": 5}},
                                {"email": "t2@example.com", "fields": {"rating": "five"}}],
                       endpoint="events", eventID=TRAIL_REVIEW)
    data = client.get(f"/v3/batches/{batch_id}/items", headers=OMNISEND).get_json()
    assert data["eventID"] == TRAIL_REVIEW
    assert [(i["itemID"], i["responseCode"], i["response"]) for i in data["responses"]] == [("1", 204, {})]
    assert [(i["itemID"], i["responseCode"], i["response"]) for i in data["errors"]] == [
        ("2", 400, {"error": "1 error(s) found. Check 'fields' array for details.",
                    "fields": ["fields.rating: invalid type, expected integer"]})]
    one = client.get(f"/v3/batches/{batch_id}/items/1", headers=OMNISEND).get_json()
    assert one["eventID"] == TRAIL_REVIEW


def test_v5_batches_run_v5_operations(client: FlaskClient) -> None:
    event = {"eventName": "paid for order", "origin": "api", "eventVersion": "v2",
             "contact": {"email": "v5@example.com"}, "properties": {"orderID": "o-1"}}
    contact = _contact("v5contact@example.com")
    ev_batch = _create(client, [event, {"eventName": "x"}], version="v5", endpoint="events", origin="api")
    data = client.get(f"/v5/batches/{ev_batch}/items", headers=OMNISEND).get_json()
    assert data["origin"] == "api"
    assert "eventID" not in data
    assert [(i["responseCode"], i["response"]) for i in data["responses"]] == [(202, {})]
    assert [i["responseCode"] for i in data["errors"]] == [400]
    ct_batch = _create(client, [contact], version="v5")
    item = client.get(f"/v5/batches/{ct_batch}/items/1", headers=OMNISEND).get_json()
    assert item["responseCode"] == 200
    assert list(item["response"]) == ["contactID", "email"]  # the v5 upsert answer


@pytest.mark.parametrize(("version", "endpoint", "method", "id_key", "path"), [
    ("v3", "products", "PUT", "productID", "/v3/products/p-1"),
    ("v3", "orders", "PUT", "orderID", "/v3/orders/o-1"),
    ("v3", "categories", "PUT", "categoryID", "/v3/categories/c-1"),
    ("v5", "products", "PUT", "id", "/v5/products/p-1"),
    ("v5", "categories", "PATCH", "categoryID", "/v5/product-categories/c-1"),
])
def test_catalog_items_record_what_the_single_request_answers(client: FlaskClient, version: str, endpoint: str,
                                                              method: str, id_key: str, path: str) -> None:
    item = {id_key: path.rsplit("/", 1)[1], "title": "x"}
    # Whatever the single request answers today (404 until the catalog routes land) is what the item records.
    single = client.open(path, method=method, json=item, headers=OMNISEND)
    batch_id = _create(client, [item, {"title": "no id"}], version=version, endpoint=endpoint, method=method)
    data = client.get(f"/{version}/batches/{batch_id}/items/1", headers=OMNISEND).get_json()
    assert (data["responseCode"], data["response"]) == (single.status_code, single.get_json() or {})
    missing = client.get(f"/{version}/batches/{batch_id}/items/2", headers=OMNISEND).get_json()
    assert (missing["responseCode"], missing["response"]) == (400, {
        "error": "1 error(s) found. Check 'fields' array for details.",
        "fields": [f"{id_key}: field required but not found in Json"]})


def test_v5_categories_accept_the_category_id_alias(client: FlaskClient) -> None:
    item = {"categoryId": "c-9", "title": "x"}
    single = client.patch("/v5/product-categories/c-9", json=item, headers=OMNISEND)
    batch_id = _create(client, [item], version="v5", endpoint="categories", method="PATCH")
    data = client.get(f"/v5/batches/{batch_id}/items/1", headers=OMNISEND).get_json()
    assert data["responseCode"] == single.status_code


# -- envelope validation ------------------------------------------------------------------------------
VALIDATION = "{n} error(s) found. Check 'fields' array for details."


@pytest.mark.parametrize(("version", "body", "fields"), [
    ("v3", {}, ["endpoint: field required but not found in Json", "items: field required but not found in Json",
                "method: field required but not found in Json"]),
    ("v3", {"method": "POST", "endpoint": "carts", "items": [{}]},
     ["endpoint: invalid value, allowed values: contacts, orders, products, events, categories"]),
    ("v5", {"method": "POST", "endpoint": "orders", "items": [{}]},
     ["endpoint: invalid value, allowed values: products, contacts, events, categories"]),
    ("v3", {"method": "PUT", "endpoint": "contacts", "items": [{}]}, ["method: invalid value, allowed values: POST"]),
    ("v3", {"method": "PATCH", "endpoint": "products", "items": [{}]},
     ["method: invalid value, allowed values: POST, PUT"]),
    ("v5", {"method": "PUT", "endpoint": "categories", "items": [{}]},
     ["method: invalid value, allowed values: POST, PATCH"]),
    ("v3", {"method": "POST", "endpoint": "events", "items": [{}]}, ["eventID: field required but not found in Json"]),
    ("v3", {"method": "POST", "endpoint": "contacts", "items": []}, ["items: must contain between 1 and 1000 items"]),
    ("v3", {"method": "POST", "endpoint": "contacts", "items": [{}, "x", 3]},
     ["items[1]: invalid type, expected object", "items[2]: invalid type, expected object"]),
    ("v3", {"method": "POST", "endpoint": "contacts", "items": {}}, ["items: invalid type, expected array"]),
    ("v5", {"method": "POST", "endpoint": "contacts", "origin": 5, "items": [{}]},
     ["origin: invalid type, expected string"]),
])
def test_envelope_validation(client: FlaskClient, mock: MockContext, version: str, body: dict[str, Any],
                             fields: list[str]) -> None:
    before = snapshot(mock)
    response = _post(client, body, version)
    assert response.status_code == 400
    assert response.get_json() == {"error": VALIDATION.format(n=len(fields)), "fields": fields}
    assert snapshot(mock) == before


def test_unknown_event_id_is_404(client: FlaskClient, mock: MockContext) -> None:
    before = snapshot(mock)
    response = _post(client, {"method": "POST", "endpoint": "events", "eventID": "nope", "items": [{}]})
    assert response.status_code == 404
    assert response.get_json() == {"error": "Event with 'nope' eventID not found"}
    assert snapshot(mock) == before


def test_invalid_json_is_400(client: FlaskClient, mock: MockContext) -> None:
    before = snapshot(mock)
    response = client.post("/v3/batches", data=b"[", headers=OMNISEND)
    assert response.status_code == 400
    assert response.get_json() == {"error": C.ERR_BAD_JSON}
    assert snapshot(mock) == before


def test_write_scope_of_the_endpoint_area_is_required(client: FlaskClient, mock: MockContext) -> None:
    before = snapshot(mock)
    headers = {"X-API-KEY": OMNISEND_READONLY_KEY}
    response = _post(client, {"method": "POST", "endpoint": "contacts", "items": [{}]}, headers=headers)
    assert response.status_code == 403
    assert response.get_json() == {"error": C.ERR_FORBIDDEN}
    # The scope is checked before the body is validated.
    invalid = _post(client, {"method": "PUT", "endpoint": "contacts", "items": []}, headers=headers)
    assert invalid.status_code == 403
    assert snapshot(mock) == before


def _key_with(mock: MockContext, *scopes: str) -> dict[str, str]:
    key = ApiKey("omnisend", "scoped-key", BRAND_ID, frozenset(scopes))
    mock.keyring.replace([*mock.keyring.for_tenant("omnisend", BRAND_ID), key])
    return {"X-API-KEY": "scoped-key"}


@pytest.mark.one_process  # one_process: _key_with adds a key to one sandbox's keyring
def test_read_scope_follows_the_endpoint(client: FlaskClient, mock: MockContext) -> None:
    batch_id = _create(client, [_contact("s@example.com")])
    headers = _key_with(mock, "orders.read")
    denied = client.get("/v3/batches?endpoint=contacts", headers=headers)
    assert denied.status_code == 403
    assert denied.get_json() == {"error": C.ERR_FORBIDDEN}
    assert client.get("/v3/batches?endpoint=orders", headers=headers).status_code == 200
    for path in (f"/v3/batches/{batch_id}", f"/v3/batches/{batch_id}/items", f"/v3/batches/{batch_id}/items/1"):
        assert client.get(path, headers=headers).status_code == 403
    categories = _key_with(mock, "products.read")
    assert client.get("/v3/batches?endpoint=categories", headers=categories).status_code == 200


def test_items_run_with_the_batch_key_scopes(client: FlaskClient, mock: MockContext) -> None:
    headers = _key_with(mock, "contacts.write", "contacts.read")
    response = _post(client, {"method": "POST", "endpoint": "contacts", "items": [_contact("k@example.com")]},
                     headers=headers)
    batch_id = response.get_json()["batchID"]
    assert client.get(f"/v3/batches/{batch_id}/items/1", headers=OMNISEND).get_json()["responseCode"] == 200


# -- list --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("query", "fields"), [
    ("", ["endpoint: query parameter required"]),
    ("endpoint=carts", ["endpoint: invalid value, allowed values: contacts, orders, products, events, categories"]),
    ("endpoint=contacts&status=done",
     ["status: invalid value, allowed values: pending, inProgress, finished, stopped"]),
    ("endpoint=contacts&dateFrom=yesterday",
     ["dateFrom: invalid format, expected YYYY-MM-DD or RFC 3339 date-time"]),
    ("endpoint=contacts&limit=251", ["limit: must be an integer between 1 and 250"]),
    ("endpoint=contacts&offset=-1", ["offset: must be an integer >= 0"]),
])
def test_list_query_errors(client: FlaskClient, mock: MockContext, query: str, fields: list[str]) -> None:
    before = snapshot(mock)
    response = client.get(f"/v3/batches?{query}", headers=OMNISEND)
    assert response.status_code == 400
    assert response.get_json() == {"error": BAD_PARAMS, "fields": fields}
    assert snapshot(mock) == before


def test_list_pages_newest_first_following_links(client: FlaskClient, mock: MockContext) -> None:
    created = []
    for i in range(5):
        created.append(_create(client, [_contact(f"l{i}@example.com")]))
        mock.clock.advance(60)
    _create(client, [{"productID": "p", "title": "t"}], endpoint="products")
    url: str | None = "/v3/batches?endpoint=contacts&limit=2"
    seen: list[str] = []
    first = True
    while url:
        response = client.get(url, headers=OMNISEND)
        body = response.get_json()
        deviations = check(response, "GET", "/batches", query=url.split("?", 1)[1])
        assert within(deviations, PAGING_NULL_LINKS, BATCH_OUTPUT, prefix="batches[].")
        assert ("paging.previous: type" in deviations) == first
        seen += [b["batchID"] for b in body["batches"]]
        url = body["paging"]["next"]
        first = False
    assert seen == list(reversed(created))


def test_list_filters(client: FlaskClient, mock: MockContext) -> None:
    ok = _create(client, [_contact("f1@example.com")])
    mock.clock.advance(2 * 86400)
    bad = _create(client, [BAD_CONTACT] * 2)
    ids = lambda q: [b["batchID"] for b in client.get(f"/v3/batches?endpoint=contacts&{q}",  # noqa: E731
                                                       headers=OMNISEND).get_json()["batches"]]
    assert ids("status=finished") == [bad, ok]
    assert ids("status=pending") == []
    assert ids("dateFrom=2026-01-02") == [bad]
    assert ids("dateTo=2026-01-01") == [ok]
    assert ids("dateFrom=2026-01-01T00:00:00Z&dateTo=2026-01-03T00:00:00Z") == [bad, ok]


def test_versions_list_their_own_batches(client: FlaskClient) -> None:
    v3 = _create(client, [_contact("v3@example.com")])
    v5 = _create(client, [_contact("v5@example.com")], version="v5")
    assert [b["batchID"] for b in client.get("/v3/batches?endpoint=contacts", headers=OMNISEND).get_json()[
        "batches"]] == [v3]
    assert [b["batchID"] for b in client.get("/v5/batches?endpoint=contacts", headers=OMNISEND).get_json()[
        "batches"]] == [v5]
    assert client.get(f"/v3/batches/{v5}", headers=OMNISEND).status_code == 404


def test_unknown_batch_and_item_are_404(client: FlaskClient) -> None:
    batch_id = _create(client, [_contact("u@example.com")])
    for path in ("/v3/batches/nope", "/v3/batches/nope/items", "/v3/batches/nope/items/1"):
        response = client.get(path, headers=OMNISEND)
        assert response.status_code == 404
        assert response.get_json() == {"error": "Batch with 'nope' batchID not found"}
    response = client.get(f"/v3/batches/{batch_id}/items/2", headers=OMNISEND)
    assert response.status_code == 404
    assert response.get_json() == {"error": "Item with '2' itemID not found"}


@pytest.mark.one_process  # one_process: the end reads one sandbox's store directly, outside its lock
def test_batches_are_kept_for_seven_days(client: FlaskClient, mock: MockContext) -> None:
    batch_id = _create(client, [_contact("keep@example.com")])
    mock.clock.advance(7 * 86400 - 1)
    assert client.get(f"/v3/batches/{batch_id}", headers=OMNISEND).status_code == 200
    mock.clock.advance(1)
    assert client.get(f"/v3/batches/{batch_id}", headers=OMNISEND).status_code == 404
    assert client.get(f"/v3/batches/{batch_id}/items", headers=OMNISEND).status_code == 404
    assert client.get("/v3/batches?endpoint=contacts", headers=OMNISEND).get_json()["batches"] == []
    # The next write forgets it for good.
    _create(client, [_contact("next@example.com")])
    tenant = mock.tenant("omnisend", BRAND_ID)
    assert tenant is not None
    assert batch_id not in tenant.collection("batches:v3")
    assert batch_id not in tenant.extra["batchItems"]


class TestStopThreshold:
    @pytest.fixture
    def settings(self, store_url: str) -> Settings:
        return Settings(seed=1234, freeze_clock=True, omnisend_batch_stop_threshold=2, store=store_url)

    def test_batch_stops_when_errors_reach_the_threshold(self, client: FlaskClient, mock: MockContext) -> None:
        items = [_contact("ok@example.com"), BAD_CONTACT, BAD_CONTACT, _contact("never@example.com"), BAD_CONTACT]
        batch_id = _create(client, items)
        response = client.get(f"/v3/batches/{batch_id}/items", headers=OMNISEND)
        data = response.get_json()
        assert (data["status"], data["finishedCount"], data["errorsCount"], data["totalCount"]) == \
            ("stopped", 3, 2, 5)
        assert data["endedAt"] == "2026-01-01T00:00:00.000Z"
        assert [i["itemID"] for i in data["errors"]] == ["2", "3"]
        assert [(i["itemID"], i["status"]) for i in data["responses"]] == [
            ("1", "finished"), ("4", "stopped"), ("5", "stopped")]
        assert "responseCode" not in data["responses"][1]
        assert client.get("/v3/contacts?email=never%40example.com", headers=OMNISEND).get_json()["contacts"] == []
        assert check(response, "GET", f"/batches/{batch_id}/items") == {"status: enum"}
        assert _outbox(mock)[-1]["status"] == "stopped"
        stopped = client.get("/v3/batches?endpoint=contacts&status=stopped", headers=OMNISEND).get_json()
        assert [b["batchID"] for b in stopped["batches"]] == [batch_id]


class TestAsync:
    @pytest.fixture
    def settings(self, store_url: str) -> Settings:
        return Settings(seed=1234, freeze_clock=True, omnisend_batch_mode="async", start_workers=False, store=store_url)

    def test_accepted_at_once_and_pending(self, client: FlaskClient, mock: MockContext) -> None:
        batch_id = _create(client, [_contact("p1@example.com"), _contact("p2@example.com")])
        data = client.get(f"/v3/batches/{batch_id}/items", headers=OMNISEND).get_json()
        assert data["status"] == "pending"
        assert "startedAt" not in data and "endedAt" not in data
        assert data["finishedCount"] == 0
        assert data["responses"] == [{"itemID": "1", "request": _contact("p1@example.com"), "status": "pending"},
                                     {"itemID": "2", "request": _contact("p2@example.com"), "status": "pending"}]
        assert client.get("/v3/batches?endpoint=contacts&status=pending", headers=OMNISEND).get_json()[
            "batches"][0]["batchID"] == batch_id

    # Sets the in-process budget by hand; the shared budget of Redis mode: tests/redisstore/test_ids_budgets.py.
    @pytest.mark.memory_store
    def test_worker_runs_items_within_its_budget(self, client: FlaskClient, mock: MockContext) -> None:
        batch_id = _create(client, [_contact("w1@example.com"), _contact("w2@example.com")])
        worker = BatchWorker(mock)
        worker.budget.available = 1.0  # the clock is frozen: a tick earns nothing more
        assert worker.run_once() == 1
        mid = client.get(f"/v3/batches/{batch_id}", headers=OMNISEND).get_json()
        assert (mid["status"], mid["finishedCount"], mid["startedAt"]) == \
            ("inProgress", 1, "2026-01-01T00:00:00.000Z")
        assert "endedAt" not in mid
        worker.budget.available = 5.0
        assert worker.run_once() == 1
        assert client.get(f"/v3/batches/{batch_id}", headers=OMNISEND).get_json()["status"] == "finished"

    def test_worker_rate_follows_the_mock_clock(self, client: FlaskClient, mock: MockContext) -> None:
        batch_id = _create(client, [_contact(f"r{i}@example.com") for i in range(5)])
        mock.settings.omnisend_batch_rate = 2.0
        worker = BatchWorker(mock)
        assert worker.run_once() == 0  # frozen clock: no time passed, no budget
        mock.clock.advance(1)
        assert worker.run_once() == 2  # one second at 2 items/s
        mock.clock.advance(60)
        assert worker.run_once() == 2  # a jump earns at most one second's worth
        assert client.get(f"/v3/batches/{batch_id}", headers=OMNISEND).get_json()["finishedCount"] == 4

    def test_drain_finishes_everything(self, client: FlaskClient, mock: MockContext) -> None:
        first = _create(client, [_contact("d1@example.com"), BAD_CONTACT])
        second = _create(client, [_contact("d2@example.com")], version="v5")
        result = mock.vendors["omnisend"].drain(mock, BRAND_ID)
        assert result == {BRAND_ID: {"batches": 2, "items": 3, "campaigns": 0, **IDLE}}
        for version, batch_id in (("v3", first), ("v5", second)):
            assert client.get(f"/{version}/batches/{batch_id}", headers=OMNISEND).get_json()["status"] == "finished"
        assert mock.vendors["omnisend"].drain(mock) == {BRAND_ID: {"batches": 0, "items": 0, "campaigns": 0, **IDLE}}

    def test_drain_control_route(self, client: FlaskClient) -> None:
        batch_id = _create(client, [_contact("c1@example.com")])
        response = client.post("/_mock/omnisend/batches/drain")
        assert response.status_code == 200
        assert response.get_json() == {"vendor": "omnisend", "tenant": None,
                                       "drained": {BRAND_ID: {"batches": 1, "items": 1, "campaigns": 0, **IDLE}}}
        assert client.get(f"/v3/batches/{batch_id}", headers=OMNISEND).get_json()["status"] == "finished"
        unknown = client.post("/_mock/omnisend/batches/drain?tenant=nope")
        assert unknown.status_code == 404

    @pytest.mark.parametrize(("count", "status"), [(1, 200), (1000, 200), (1001, 400)])
    def test_item_count_boundaries(self, client: FlaskClient, mock: MockContext, count: int, status: int) -> None:
        before = snapshot(mock)
        response = _post(client, {"method": "POST", "endpoint": "contacts", "items": [{}] * count})
        assert response.status_code == status
        if status == 200:
            assert response.get_json()["totalCount"] == count
        else:
            assert response.get_json() == {"error": VALIDATION.format(n=1),
                                           "fields": ["items: must contain between 1 and 1000 items"]}
            assert snapshot(mock) == before


def test_a_full_batch_of_1000_runs_in_sync_mode(client: FlaskClient) -> None:
    items = [_contact(f"bulk{i}@example.com") for i in range(C.MAX_BATCH_ITEMS)]
    batch_id = _create(client, items)
    data = client.get(f"/v3/batches/{batch_id}", headers=OMNISEND).get_json()
    assert (data["status"], data["finishedCount"], data["errorsCount"]) == ("finished", 1000, 0)


class TestWorkerThread:
    @pytest.fixture
    def settings(self, store_url: str) -> Settings:
        return Settings(seed=1234, freeze_clock=True, omnisend_batch_mode="async", store=store_url)

    def test_async_mode_starts_one_worker_per_app(self, app: Any) -> None:
        worker = app.extensions["omnisend_batch_worker"]
        assert isinstance(worker, BatchWorker)
        worker.stop()


def test_sync_mode_starts_no_worker(app: Any) -> None:
    assert "omnisend_batch_worker" not in app.extensions
