"""POST /push limits beyond the contact tests (ometria.md §4.1-4.3): record count and response shape,
ids in the per-record envelope, the queue cap and its headers."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_server.core.context import MockContext, Settings
from mock_server.ometria import constants as C
from mock_server.ometria.backend.queue import set_paused, waiting, waiting_count
from tests.conftest import LIVE, STAGING
from tests.ometria.helpers import products


def _tenant(mock: MockContext, account: str = "staging") -> Any:
    tenant = mock.tenant(C.VENDOR, account)
    assert tenant is not None
    return tenant


def _fill_queue(mock: MockContext, count: int) -> None:
    """Put ``count`` records in the staging queue directly and pause it, so they stay there (under the
    tenant's lock, as the store's writers do: with a shared store every process then sees them)."""
    tenant = _tenant(mock)
    item = {"request_id": "filler", "record": {"@type": "product", "id": "filler"}, "enqueued": 0.0}
    with tenant.lock:
        set_paused(tenant, True)
        waiting(tenant).extend(dict(item) for _ in range(count))


def _waiting(mock: MockContext) -> int:
    """How many records wait in the staging queue, as the store holds it now."""
    tenant = _tenant(mock)
    with tenant.lock.reading():
        return waiting_count(tenant)


def _error(message: str, response: Any) -> dict[str, Any]:
    return {"status": "ERROR", "message": message, "request_id": response.get_json()["request_id"]}


@pytest.mark.parametrize("count", [1, 100])
def test_push_up_to_100_records_is_accepted(client: FlaskClient, count: int) -> None:
    response = client.post("/v2/push", json=products(count), headers=STAGING)
    assert response.status_code == 202
    body = response.get_json()
    assert list(body) == ["status", "request_id", "accepted", "rejected"]
    assert body["status"] == "OK" and body["accepted"] == count and body["rejected"] == 0
    assert response.headers[C.H_QUEUE_LIMIT] == "50000"
    assert response.headers[C.H_QUEUE_REMAINING] == "50000"  # sync mode: processed before the 202


def test_ids_with_whitespace_are_rejected_per_record(client: FlaskClient) -> None:
    records = [{"@type": "product", "id": "p 1"}, {"@type": "product", "id": "p\u00a02"},
               {"@type": "product", "id": ""}, {"@type": "product", "id": 7}, {"@type": "product"},
               {"id": "x"}, "text", {"@type": "product", "id": "ok-1"}]
    response = client.post("/v2/push", json=records, headers=STAGING)
    assert response.status_code == 202
    body = response.get_json()
    assert (body["accepted"], body["rejected"]) == (1, 7)
    errors = client.get("/v2/push/_errors", headers=STAGING).get_json()
    assert [(e["record_id"], e["error_path"], e["error_message"]) for e in reversed(errors)] == [
        ("p 1", "root > id", C.MSG_INVALID),
        ("p\u00a02", "root > id", C.MSG_INVALID),
        ("", "root > id", C.MSG_INVALID),
        (None, "root > id", C.MSG_INVALID),
        (None, "root > id", C.MSG_REQUIRED),
        ("x", "root > @type", C.MSG_REQUIRED),
        (None, "root", C.MSG_INVALID),
    ]
    assert {e["request_id"] for e in errors} == {body["request_id"]}
    assert client.get("/v2/products/ok-1", headers=STAGING).status_code == 200


def test_queue_with_49999_waiting_takes_one_more(client: FlaskClient, mock: MockContext) -> None:
    _fill_queue(mock, 49_999)
    response = client.post("/v2/push", json=products(1), headers=STAGING)
    assert response.status_code == 202
    assert response.headers[C.H_QUEUE_REMAINING] == "0"
    assert _waiting(mock) == 50_000


def test_queue_with_49999_waiting_refuses_two_more(client: FlaskClient, mock: MockContext) -> None:
    _fill_queue(mock, 49_999)
    response = client.post("/v2/push", json=products(2), headers=STAGING)
    assert response.status_code == 429
    assert response.get_json() == _error(C.ERR_QUEUE_FULL, response)
    assert response.headers["Retry-After"] == "1"
    assert response.headers[C.H_QUEUE_REMAINING] == "1"
    assert _waiting(mock) == 49_999


@pytest.mark.parametrize("count", [50_000, 50_001])
def test_full_queue_refuses_a_push_and_logs_nothing(client: FlaskClient, mock: MockContext, count: int) -> None:
    _fill_queue(mock, count)
    response = client.post("/v2/push", json=[{"@type": "product", "id": "p1"}, {"@type": "product"}],
                           headers=STAGING)
    assert response.status_code == 429
    assert response.get_json() == _error(C.ERR_QUEUE_FULL, response)
    assert response.headers[C.H_QUEUE_LIMIT] == "50000"
    assert response.headers[C.H_QUEUE_REMAINING] == "0"
    assert _waiting(mock) == count
    assert client.get("/v2/push/_errors", headers=STAGING).get_json() == []


@pytest.fixture
def settings(settings: Settings, request: pytest.FixtureRequest) -> Settings:
    """The conftest settings, with the queue rate a test names (``indirect`` parametrization): every
    sandbox of the test is built from them, as every worker of a server gets the same options."""
    settings.ometria_queue_rate = getattr(request, "param", settings.ometria_queue_rate)
    return settings


@pytest.mark.parametrize("settings", [10.0], indirect=True)
def test_retry_after_on_a_full_queue_follows_the_worker_rate(client: FlaskClient, mock: MockContext) -> None:
    assert mock.settings.ometria_queue_rate == 10.0
    _fill_queue(mock, 50_000)
    response = client.post("/v2/push", json=products(100), headers=STAGING)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "10"  # ceil(100 excess / 10 records per second)


def test_queue_headers_on_every_push_answer(client: FlaskClient, mock: MockContext) -> None:
    _fill_queue(mock, 10)
    for response in (client.post("/v2/push", json=products(1), headers=STAGING),
                     client.post("/v2/push", data=b"{not json", headers=STAGING),
                     client.post("/v2/push", json=[], headers=STAGING)):
        assert response.headers[C.H_QUEUE_LIMIT] == "50000"
        assert int(response.headers[C.H_QUEUE_REMAINING]) in (49_989, 49_990)


def test_queue_cap_is_per_account(client: FlaskClient, mock: MockContext) -> None:
    _fill_queue(mock, 50_000)
    response = client.post("/v2/push", json=products(1), headers=LIVE)
    assert response.status_code == 202
    assert response.headers[C.H_QUEUE_REMAINING] == "50000"
