"""Ometria slice (ometria.md §1-§4): push of contact records and reading them back per collection."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_server.app import create_app
from mock_server.core.context import MockContext, Settings
from mock_server.core.limits import json_size
from tests.conftest import LIVE, STAGING, snapshot


@pytest.fixture
def settings(store_url: str) -> Settings:
    """Rate limits off here: these tests read many pages in one frozen second (limits have their own tests)."""
    return Settings(seed=1234, freeze_clock=True, rate_limits=False, store=store_url)


def contact(cid: str, **fields: Any) -> dict[str, Any]:
    return {"@type": "contact", "id": cid, "email": f"{cid}@example.com", **fields}


def push(client: FlaskClient, records: Any, headers: dict[str, str] = STAGING) -> Any:
    return client.post("/v2/push", headers=headers, json=records)


def without_profile_id(body: dict[str, Any]) -> dict[str, Any]:
    """Contact output carries the derived ``@profile_id`` (§5.1); check it is there and drop it."""
    assert re.match(r"^[0-9]{4}-[0-9a-f]{6}-[0-9a-f]{6}$", body.pop("@profile_id"))
    return body


def error(message: str, **extra: Any) -> dict[str, Any]:
    return {"status": "ERROR", "message": message, **extra}


def test_push_answers_202_with_counts_and_queue_headers(client: FlaskClient) -> None:
    response = push(client, [contact("c-1"), contact("c-2")])
    assert response.status_code == 202
    body = response.get_json()
    assert list(body) == ["status", "request_id", "accepted", "rejected"]
    assert (body["status"], body["accepted"], body["rejected"]) == ("OK", 2, 0)
    assert len(body["request_id"]) == 36 and body["request_id"][14] == "4"
    assert (response.headers["X-QueueSize-Limit"], response.headers["X-QueueSize-Remaining"]) == ("50000", "50000")


def test_pushed_contacts_read_back_per_collection(client: FlaskClient) -> None:
    push(client, [contact("c-1", firstname="Ann"), contact("c-2", **{"@collection": "vip"})])
    one = client.get("/v2/contacts/default/c-1", headers=STAGING)
    assert (one.status_code, without_profile_id(one.get_json())) == (
        200, {"@type": "contact", "id": "c-1", "@collection": "default", "email": "c-1@example.com",
              "firstname": "Ann"})
    assert client.get("/v2/contacts/vip", headers=STAGING).get_json()[0]["id"] == "c-2"
    collections = client.get("/v2/contacts", headers=STAGING).get_json()
    assert collections == [{"collection": "default", "count": 6}, {"collection": "newsletter", "count": 3},
                           {"collection": "vip", "count": 1}]


def test_accounts_are_isolated(client: FlaskClient) -> None:
    push(client, [contact("only-staging")])
    assert client.get("/v2/contacts/default/only-staging", headers=STAGING).status_code == 200
    missing = client.get("/v2/contacts/default/only-staging", headers=LIVE)
    assert (missing.status_code, missing.get_json()) == (404, error("Contact with specified ID was not found"))
    staging_ids = {c["id"] for c in client.get("/v2/contacts/default?limit=250", headers=STAGING).get_json()}
    live_ids = {c["id"] for c in client.get("/v2/contacts/default?limit=250", headers=LIVE).get_json()}
    assert staging_ids and live_ids and not staging_ids & live_ids
    assert all(i.startswith("live-") for i in live_ids)


def test_merge_semantics_null_string_null_empty_and_omitted(client: FlaskClient) -> None:
    push(client, [contact("c1", firstname="Ann", lastname="Lee", properties={"a": 1, "b": 2})])
    push(client, [{"@type": "contact", "id": "c1", "firstname": None, "lastname": "null", "middlename": "",
                   "properties": {"b": None, "c": 3}}])
    assert without_profile_id(client.get("/v2/contacts/default/c1", headers=STAGING).get_json()) == {
        "@type": "contact", "id": "c1", "@collection": "default", "email": "c1@example.com",
        "lastname": "null", "properties": {"a": 1, "c": 3}, "middlename": ""}


def test_merge_false_replaces_the_stored_record(client: FlaskClient) -> None:
    push(client, [contact("c1", firstname="Ann", lastname="Lee")])
    push(client, [{"@type": "contact", "id": "c1", "customer_id": "x1", "@merge": False}])
    assert without_profile_id(client.get("/v2/contacts/default/c1", headers=STAGING).get_json()) == {
        "@type": "contact", "id": "c1", "@collection": "default", "customer_id": "x1"}


@pytest.mark.parametrize(("record", "path", "message"), [
    ("not an object", "root", "not a valid value"),
    ({"id": "x"}, "root > @type", "field is required"),
    ({"@type": "person", "id": "x"}, "root > @type", "not a valid value"),
    ({"@type": "contact"}, "root > id", "field is required"),
    ({"@type": "contact", "id": "has space"}, "root > id", "not a valid value"),
    ({"@type": "contact", "id": "tab\tinside"}, "root > id", "not a valid value"),
    ({"@type": "contact", "id": ""}, "root > id", "not a valid value"),
    ({"@type": "contact", "id": 12345}, "root > id", "not a valid value"),
])
def test_envelope_rejections_are_counted_and_logged(client: FlaskClient, record: Any, path: str, message: str) -> None:
    body = push(client, [contact("good"), record]).get_json()
    assert (body["accepted"], body["rejected"]) == (1, 1)
    entries = client.get("/v2/push/_errors", headers=STAGING).get_json()
    assert [(e["error_path"], e["error_message"], e["request_id"]) for e in entries] == [
        (path, message, body["request_id"])]
    assert list(entries[0]) == ["request_id", "record_type", "record_id", "timestamp", "error_message", "error_path"]


def test_field_problems_are_logged_at_processing_and_nothing_is_applied(client: FlaskClient) -> None:
    push(client, [contact("c1", firstname="Ann")])
    body = push(client, [contact("c1", firstname="Changed", gender="x", phone_number="0044",
                                 date_of_birth="1990-1-1")]).get_json()
    assert (body["accepted"], body["rejected"]) == (1, 0)  # accepted: fields are checked when processed
    entries = client.get("/v2/push/_errors", headers=STAGING).get_json()
    # written one per field in path order; the list reads newest first
    assert [(e["record_type"], e["record_id"], e["error_path"], e["error_message"]) for e in entries] == [
        ("contact", "c1", "root > phone_number", "not a valid value"),
        ("contact", "c1", "root > gender", "not a valid value"),
        ("contact", "c1", "root > date_of_birth", "not a valid value")]
    assert client.get("/v2/contacts/default/c1", headers=STAGING).get_json()["firstname"] == "Ann"


def test_new_contact_needs_an_identity_field(client: FlaskClient) -> None:
    push(client, [{"@type": "contact", "id": "anon", "firstname": "No identity"}])
    entries = client.get("/v2/push/_errors", headers=STAGING).get_json()
    assert [(e["error_path"], e["error_message"]) for e in entries] == [("root > email", "field is required")]
    assert client.get("/v2/contacts/default/anon", headers=STAGING).status_code == 404


def test_errors_keep_the_last_100_newest_first(client: FlaskClient) -> None:
    for batch in range(3):
        push(client, [{"@type": "contact", "id": f"bad {batch}-{i}"} for i in range(50)])
    entries = client.get("/v2/push/_errors", headers=STAGING).get_json()
    assert len(entries) == 100
    assert entries[0]["record_id"] == "bad 2-49" and entries[-1]["record_id"] == "bad 1-0"


@pytest.mark.parametrize(("body", "message"), [
    ({"@type": "contact", "id": "x"}, "Payload invalid: body must be a JSON array"),
    ([], "Payload invalid: no records"),
    ([contact(f"c{i}") for i in range(101)], "Payload invalid: more than 100 records"),
    ([contact("c1"), {"@type": "order", "id": "o1"}], "Payload invalid: records of different @type in one request"),
])
def test_requests_refused_as_a_whole(client: FlaskClient, mock: MockContext, body: Any, message: str) -> None:
    before = snapshot(mock)
    response = push(client, body)
    assert response.status_code == 400
    answer = response.get_json()
    assert answer == error(message, request_id=answer["request_id"])
    assert response.headers["X-QueueSize-Remaining"] == "50000"
    assert snapshot(mock) == before  # no record, no _errors entry, no queue slot


def test_exactly_100_records_are_accepted(client: FlaskClient) -> None:
    assert push(client, [contact(f"c{i}") for i in range(100)]).get_json()["accepted"] == 100


def test_unknown_types_do_not_count_as_a_second_type(client: FlaskClient) -> None:
    body = push(client, [contact("c1"), {"@type": "person", "id": "p"}]).get_json()
    assert (body["accepted"], body["rejected"]) == (1, 1)


def sized(size: int, char: str = "a") -> dict[str, Any]:
    record = contact("big", properties={"pad": ""})
    base = json_size(record)
    width = len(char.encode())
    record["properties"]["pad"] = char * ((size - base) // width) + "a" * ((size - base) % width)
    assert json_size(record) == size
    return record


@pytest.mark.parametrize(("size", "char", "status"), [(60_000, "a", 202), (60_001, "a", 400),
                                                      (60_000, "\u00e9", 202), (60_001, "\u20ac", 400)])
def test_record_size_limit(client: FlaskClient, mock: MockContext, size: int, char: str, status: int) -> None:
    before = snapshot(mock)
    response = push(client, [contact("small"), sized(size, char)])
    assert response.status_code == status
    if status == 400:
        assert response.get_json()["message"] == "Payload invalid: Record is too large"
        assert snapshot(mock) == before


@pytest.mark.parametrize(("raw", "message"), [(b"[{bad", "Payload invalid: body is not valid JSON"),
                                              (b"\xff\xfe", "Payload invalid: body is not valid JSON"),
                                              (b"", "Payload invalid: body is not valid JSON")])
def test_malformed_bodies(client: FlaskClient, raw: bytes, message: str) -> None:
    response = client.post("/v2/push", headers=STAGING, data=raw)
    assert response.status_code == 400 and response.get_json()["message"] == message


def test_body_over_the_cap_is_413_before_parsing() -> None:
    client = create_app(Settings(freeze_clock=True, body_cap=100)).test_client()
    response = client.post("/v2/push", headers=STAGING, data=b"[" + b" " * 200 + b"]")
    assert response.status_code == 413
    assert response.get_json()["message"] == "Request body too large"


@pytest.mark.parametrize("headers", [{}, {"X-Ometria-Auth": ""}, {"X-Ometria-Auth": "nope"},
                                     {"X-API-KEY": "ometria-staging-key"}])
def test_missing_or_unknown_key_is_403(client: FlaskClient, headers: dict[str, str]) -> None:
    for method, path in (("GET", "/v2/contacts"), ("POST", "/v2/push"), ("GET", "/v2/unknown")):
        response = client.open(path, method=method, headers=headers, json=[])
        assert (response.status_code, response.get_json()) == (
            403, error("API key is not authorised to access this resource"))


def test_key_header_is_case_insensitive(client: FlaskClient) -> None:
    assert client.get("/v2/contacts", headers={"X-OMETRIA-AUTH": "ometria-staging-key"}).status_code == 200


def test_routing_errors_use_the_ometria_envelope(client: FlaskClient) -> None:
    unknown = client.get("/v2/customers/1/orders", headers=STAGING)
    assert (unknown.status_code, unknown.get_json()) == (404, error("Not found"))
    for method in ("PUT", "DELETE", "PATCH"):
        response = client.open("/v2/contacts/default/c1", method=method, headers=STAGING, json={})
        assert (response.status_code, response.get_json()) == (405, error("Method not allowed"))
        assert "GET" in response.headers["Allow"]


def test_trailing_slash_and_get_with_body(client: FlaskClient) -> None:
    assert client.post("/v2/push/", headers=STAGING, json=[contact("c1")]).status_code == 202
    assert client.get("/v2/contacts/default/", headers=STAGING, json={}).status_code == 200


def test_list_paging_and_orderby(client: FlaskClient, mock: MockContext) -> None:
    for i in range(1, 6):
        mock.clock.advance(1)
        push(client, [contact(f"p{i}")], LIVE)
    mock.clock.advance(1)
    push(client, [contact("p2", firstname="changed")], LIVE)

    def page(query: str) -> list[str]:
        response = client.get(f"/v2/contacts/default?{query}", headers=LIVE)
        assert response.status_code == 200
        return [c["id"] for c in response.get_json() if c["id"].startswith("p")]

    # live seeds 4 default-collection listings first (internal ids 1..4), then p1..p5
    assert page("limit=2&offset=4") == ["p1", "p2"]
    assert page("limit=2&offset=6") == ["p3", "p4"]
    assert page("limit=2&offset=8") == ["p5"]
    assert page("limit=2&offset=10") == []
    assert page("limit=250&orderby=timestamp_update") == ["p1", "p3", "p4", "p5", "p2"]
    assert len(client.get("/v2/contacts/default", headers=LIVE).get_json()) == 9  # default limit 10


@pytest.mark.parametrize(("query", "name"), [("limit=0", "limit"), ("limit=251", "limit"), ("limit=x", "limit"),
                                             ("offset=-1", "offset"), ("orderby=title", "orderby")])
def test_bad_list_parameters(client: FlaskClient, query: str, name: str) -> None:
    response = client.get(f"/v2/contacts/default?{query}", headers=STAGING)
    assert (response.status_code, response.get_json()) == (400, error(f"Invalid value for parameter '{name}'"))


def test_unknown_collection_is_an_empty_list_and_ids_with_spaces_are_refused(client: FlaskClient,
                                                                            mock: MockContext) -> None:
    before = snapshot(mock)
    assert client.get("/v2/contacts/nothing", headers=STAGING).get_json() == []
    response = client.get("/v2/contacts/default/has%20space", headers=STAGING)
    assert (response.status_code, response.get_json()) == (400, error("Payload invalid: root > id: not a valid value"))
    assert snapshot(mock) == before


def test_rate_groups_push_and_data_at_n_and_n_plus_one() -> None:
    app = create_app(Settings(seed=1, freeze_clock=True))
    client, mock = app.test_client(), app.extensions["mock"]
    assert [push(client, [contact(f"r{i}")]).status_code for i in range(4)] == [202] * 4
    refused = push(client, [contact("r5")])
    assert refused.status_code == 429
    assert refused.get_json() == error("Too many requests", request_id=refused.get_json()["request_id"])
    assert refused.headers["Retry-After"] == "1"
    assert [client.get("/v2/contacts", headers=STAGING).status_code for _ in range(5)] == [200] * 4 + [429]
    assert client.get("/v2/contacts", headers=LIVE).status_code == 200  # per account
    mock.clock.advance(1)
    assert push(client, [contact("r5")]).status_code == 202
    assert client.get("/v2/contacts/default/r5", headers=STAGING).status_code == 200


def test_orderby_on_an_unknown_collection_is_an_empty_list(client: FlaskClient) -> None:
    response = client.get("/v2/contacts/nothing?orderby=timestamp_update", headers=STAGING)
    assert (response.status_code, response.get_json()) == (200, [])
