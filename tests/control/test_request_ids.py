"""One id per request: ``X-Mock-Request-Id``, the journal's ``requestId`` and the ``request_id`` a vendor
body carries (Ometria push, its ``_errors`` entries, transactional email, merge profile, data deletion's
``source.api_request_id``) are the same value, so a person can follow one request everywhere."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from mock_server.core.context import MockContext, Settings
from mock_server.ometria import constants as C
from tests.conftest import OMNISEND, STAGING
from tests.ometria.profile_helpers import profile_by_email

UUID4 = r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"


def journalled(client: FlaskClient, response: TestResponse) -> dict[str, Any]:
    """The one journal entry of ``response``, found by its header."""
    request_id = response.headers["X-Mock-Request-Id"]
    found = client.get(f"/_mock/journal?requestId={request_id}").get_json()
    assert found["total"] == 1
    entry: dict[str, Any] = found["items"][0]
    assert entry["requestId"] == request_id
    assert entry["responseBody"] == response.get_json()
    return entry


def test_push_answer_journal_and_error_entries_share_the_id(client: FlaskClient) -> None:
    response = client.post("/v2/push", headers=STAGING, json=[
        {"@type": "product", "id": "p1", "price": "cheap"},  # processed: a field problem
        {"@type": "product"},                                # refused by the envelope: no id
        {"@type": "product", "id": "p2", "title": "Tee"}])
    request_id = response.headers["X-Mock-Request-Id"]
    assert (response.status_code, response.get_json()) == (202, {
        "status": "OK", "request_id": request_id, "accepted": 2, "rejected": 1})
    assert journalled(client, response)["path"] == "/v2/push"
    errors = client.get("/v2/push/_errors", headers=STAGING).get_json()
    assert {(e["error_path"], e["request_id"]) for e in errors} == {
        ("root > id", request_id), ("root > price", request_id)}


@pytest.mark.parametrize(("body", "message"), [
    ({"@type": "product", "id": "p1"}, "Payload invalid: body must be a JSON array"),
    ([], "Payload invalid: no records"),
])
def test_a_refused_push_names_the_same_id(client: FlaskClient, body: Any, message: str) -> None:
    response = client.post("/v2/push", headers=STAGING, json=body)
    assert response.status_code == 400
    assert response.get_json() == {"status": "ERROR", "message": message,
                                   "request_id": response.headers["X-Mock-Request-Id"]}
    assert journalled(client, response)["status"] == 400


def test_a_rate_limited_push_names_the_same_id(client: FlaskClient) -> None:
    answers = [client.post("/v2/push", headers=STAGING, json=[{"@type": "product", "id": "p1"}]) for _ in range(5)]
    refused = answers[-1]
    assert refused.status_code == 429
    assert refused.get_json() == {"status": "ERROR", "message": C.ERR_RATE,
                                  "request_id": refused.headers["X-Mock-Request-Id"]}
    journalled(client, refused)
    ids = [a.headers["X-Mock-Request-Id"] for a in answers]
    assert len(set(ids)) == 5 and all(a.get_json()["request_id"] == i for a, i in zip(answers, ids, strict=True))


def test_transactional_email_answer_journal_and_outbox_share_the_id(client: FlaskClient,
                                                                     mock: MockContext) -> None:
    response = client.post("/v2/transactional-email/send", headers=STAGING,
                           json={"to": {"email": "buyer@example.com"}, "template_id": 7})
    request_id = response.headers["X-Mock-Request-Id"]
    assert (response.status_code, response.get_json()) == (200, {"status": "OK", "request_id": request_id})
    journalled(client, response)
    tenant = mock.store.tenant("ometria", "staging")
    assert tenant is not None
    with tenant.lock.reading():  # up to date with the sandbox that answered (two with --mock-processes 2)
        assert [e["request_id"] for e in tenant.extra["outbox"] if e["kind"] == "transactional_email"] == [request_id]


def test_merge_profile_answer_and_journal_share_the_id(client: FlaskClient) -> None:
    survivor = profile_by_email(client, STAGING, "customer1@staging.example.com")
    response = client.post("/v2/merge-profile", headers=STAGING, json={
        "survivor": {"type": "profile_hash", "value": survivor["id"]},
        "customers_to_merge": [{"type": "customer_id", "value": "staging-cust-2"}]})
    request_id = response.headers["X-Mock-Request-Id"]
    assert (response.status_code, response.get_json()) == (200, {"status": "OK", "request_id": request_id})
    journalled(client, response)


def test_data_deletion_source_names_the_request(client: FlaskClient) -> None:
    response = client.post("/v2/data-deletion-requests", headers=STAGING, json={"email": "nobody@example.com"})
    assert response.status_code == 202
    body = response.get_json()
    assert body["source"] == {"api_request_id": response.headers["X-Mock-Request-Id"], "origin": "api",
                              "user": None}
    assert body["id"] != body["source"]["api_request_id"]  # the deletion request is a resource of its own
    journalled(client, response)


def test_omnisend_header_and_journal_share_the_id(client: FlaskClient) -> None:
    answers = [client.get("/v3/contacts?limit=1", headers=OMNISEND), client.get("/v3/nowhere", headers=OMNISEND)]
    for response in answers:
        assert journalled(client, response)["vendor"] == "omnisend"
    assert answers[0].headers["X-Mock-Request-Id"] != answers[1].headers["X-Mock-Request-Id"]


def test_ids_are_uuid4_and_reproducible_under_a_seed() -> None:
    from mock_server.app import create_app

    def ids(app: Flask) -> list[str]:
        client = app.test_client()
        return [client.post("/v2/push", headers=STAGING, json=[{"@type": "product", "id": f"p{i}"}]).get_json()[
            "request_id"] for i in range(3)]

    first = ids(create_app(Settings(seed=5, freeze_clock=True)))
    assert first == ids(create_app(Settings(seed=5, freeze_clock=True)))
    assert all(re.match(UUID4, value) for value in first)
