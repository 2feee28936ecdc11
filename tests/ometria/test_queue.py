"""The push queue (ometria.md §4.3): async processing, pause and resume, drain, the worker's delay and
rate, and the control-plane endpoints."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mock_server.core.context import MockContext
from mock_server.ometria import constants as C
from mock_server.ometria.backend import Account
from mock_server.ometria.backend.custom_events import event_log
from mock_server.ometria.backend.queue import set_paused
from mock_server.ometria.backend.worker import QueueWorker
from tests.conftest import LIVE, STAGING
from tests.ometria.helpers import fixture_copy, make_app, products


@pytest.fixture
def async_app() -> Iterator[Flask]:
    """An app in async queue mode; its worker thread runs, but the frozen clock keeps records waiting."""
    app = make_app(ometria_queue_mode="async")
    yield app
    app.extensions["mock"].vendors["ometria"].stop_workers()


def _tenant(mock: MockContext, account: str = "staging") -> Any:
    tenant = mock.tenant(C.VENDOR, account)
    assert tenant is not None
    return tenant


def _pause(mock: MockContext, paused: bool, account: str = "staging") -> None:
    """Pause or resume an account's queue directly, under its lock as the store's writers do (with a shared
    store every process then sees it)."""
    tenant = _tenant(mock, account)
    with tenant.lock:
        set_paused(tenant, paused)


def test_async_push_waits_until_drained(async_app: Flask) -> None:
    client = async_app.test_client()
    mock: MockContext = async_app.extensions["mock"]
    assert mock.vendors["ometria"].worker.alive
    response = client.post("/v2/push", json=[*products(3), {"@type": "product", "id": "bad", "price": "x"}],
                           headers=STAGING)
    assert response.status_code == 202
    assert response.get_json()["accepted"] == 4
    assert response.headers[C.H_QUEUE_REMAINING] == "49996"
    # Waiting records are not visible, and not yet validated.
    assert client.get("/v2/products/p1", headers=STAGING).status_code == 404
    assert client.get("/v2/push/_errors", headers=STAGING).get_json() == []
    drained = client.post("/_mock/ometria/queue/drain?tenant=staging")
    assert drained.status_code == 200
    assert drained.get_json()["drained"] == {"staging": {"records": 4, "data_deletions": 0}}
    assert client.get("/v2/products/p1", headers=STAGING).status_code == 200
    errors = client.get("/v2/push/_errors", headers=STAGING).get_json()
    assert [(e["record_id"], e["error_path"], e["error_message"], e["request_id"]) for e in errors] == [
        ("bad", "root > price", C.MSG_INVALID, response.get_json()["request_id"])]
    after = client.post("/v2/push", json=products(1, prefix="q"), headers=STAGING)
    assert after.headers[C.H_QUEUE_REMAINING] == "49999"


def test_async_truncation_warning_stays_on_the_event(async_app: Flask) -> None:
    client = async_app.test_client()
    mock: MockContext = async_app.extensions["mock"]
    response = client.post("/v2/push", json=[{"@type": "custom_event", "id": "e1", "event_type": "e" * 40,
                                              "profile_id": "pr-1"}], headers=STAGING)
    assert "X-Mock-Warnings" not in response.headers  # nothing was processed during the request
    mock.vendors["ometria"].drain(mock, "staging")
    event = event_log(Account(mock, _tenant(mock)))[-1]
    assert event["event_type"] == "e" * 32
    assert event["@warnings"] == ["root > event_type: " + C.WARN_EVENT_TYPE_TRUNCATED.format(id="e1")]


def test_drain_of_one_account_leaves_the_other(async_app: Flask) -> None:
    client = async_app.test_client()
    client.post("/v2/push", json=products(2), headers=STAGING)
    client.post("/v2/push", json=products(3), headers=LIVE)
    assert client.post("/_mock/ometria/queue/drain?tenant=live").get_json()["drained"] == {
        "live": {"records": 3, "data_deletions": 0}}
    status = client.get("/_mock/ometria/queue").get_json()
    assert status["mode"] == "async"
    assert {q["tenant"]: q["waiting"] for q in status["queues"]} == {"staging": 2, "live": 0}
    assert client.post("/_mock/ometria/queue/drain").get_json()["drained"] == {
        "live": {"records": 0, "data_deletions": 0}, "staging": {"records": 2, "data_deletions": 0}}


def test_two_pushes_of_one_id_apply_in_push_order(async_app: Flask) -> None:
    client = async_app.test_client()
    client.post("/v2/push", json=[{"@type": "product", "id": "p1", "title": "first"}], headers=STAGING)
    client.post("/v2/push", json=[{"@type": "product", "id": "p1", "title": "second"}], headers=STAGING)
    client.post("/_mock/ometria/queue/drain")
    assert client.get("/v2/products/p1", headers=STAGING).get_json()["title"] == "second"


def test_pause_fills_the_queue_in_sync_mode_and_resume_lets_the_next_push_process(client: FlaskClient) -> None:
    paused = client.post("/_mock/ometria/queue/pause?tenant=staging")
    assert paused.get_json()["queues"] == [{"tenant": "staging", "waiting": 0, "cap": 50_000, "remaining": 50_000,
                                            "paused": True}]
    response = client.post("/v2/push", json=products(3), headers=STAGING)
    assert response.headers[C.H_QUEUE_REMAINING] == "49997"
    assert client.get("/v2/products/p1", headers=STAGING).status_code == 404
    client.post("/_mock/ometria/queue/resume?tenant=staging")
    response = client.post("/v2/push", json=products(1, prefix="q"), headers=STAGING)
    assert response.headers[C.H_QUEUE_REMAINING] == "50000"
    assert client.get("/v2/products/p3", headers=STAGING).status_code == 200


def test_control_plane_unknown_tenant(client: FlaskClient) -> None:
    response = client.post("/_mock/ometria/queue/drain?tenant=nope")
    assert response.status_code == 404
    assert response.get_json() == {"error": "unknown ometria tenant 'nope'"}


def test_reset_empties_the_queue(client: FlaskClient) -> None:
    client.post("/_mock/ometria/queue/pause")
    client.post("/v2/push", json=products(3), headers=STAGING)
    client.post("/_mock/reset")
    assert client.get("/_mock/ometria/queue?tenant=staging").get_json()["queues"][0]["waiting"] == 0


def test_per_account_queue_cap_from_fixtures(tmp_path: Path) -> None:
    client = make_app(fixture_copy(tmp_path, tenant={"staging": {"queueCap": 5}})).test_client()
    client.post("/_mock/ometria/queue/pause?tenant=staging")
    first = client.post("/v2/push", json=products(3), headers=STAGING)
    assert (first.status_code, first.headers[C.H_QUEUE_LIMIT], first.headers[C.H_QUEUE_REMAINING]) == (202, "5", "2")
    second = client.post("/v2/push", json=products(3, prefix="q"), headers=STAGING)
    assert second.status_code == 429
    assert second.get_json()["message"] == C.ERR_QUEUE_FULL
    assert second.headers[C.H_QUEUE_REMAINING] == "2"


# -- the worker: delay and rate on the mock clock ------------------------------------------------------
def test_worker_waits_for_the_delay_then_processes_at_its_rate(client: FlaskClient, mock: MockContext) -> None:
    mock.settings.ometria_queue_delay = 1.0
    mock.settings.ometria_queue_rate = 2.0
    _pause(mock, True)
    client.post("/v2/push", json=products(5), headers=STAGING)
    _pause(mock, False)
    worker = QueueWorker(mock)  # not started: the test ticks it
    mock.clock.advance(0.5)
    assert worker.run_once() == 0  # not due yet (enqueued 0.5 s ago), though the budget grows
    mock.clock.advance(0.5)
    assert worker.run_once() == 2  # due now; one second of budget at 2 records/s
    assert worker.run_once() == 0  # no time has passed: no budget
    mock.clock.advance(1)
    assert worker.run_once() == 2
    mock.clock.advance(3600)
    assert worker.run_once() == 1  # a clock jump gives at most one second's worth, and one is left
    assert client.get("/v2/products/p5", headers=STAGING).status_code == 200


def test_worker_skips_paused_accounts(client: FlaskClient, mock: MockContext) -> None:
    _pause(mock, True)
    client.post("/v2/push", json=products(2), headers=STAGING)
    worker = QueueWorker(mock)
    mock.clock.advance(10)
    assert worker.run_once() == 0
    assert mock.vendors["ometria"].drain(mock) == {"live": {"records": 0, "data_deletions": 0},
                                                   "staging": {"records": 2, "data_deletions": 0}}


def test_sync_mode_starts_no_worker(mock: MockContext) -> None:
    assert mock.vendors["ometria"].worker is None


def test_start_workers_false_keeps_the_async_worker_off() -> None:
    # The app-wide switch the Omnisend batch worker honours: tests that move the clock (rate limits) and
    # drain the queue must not race a worker that processes due records meanwhile.
    app = make_app(ometria_queue_mode="async", start_workers=False)
    mock: MockContext = app.extensions["mock"]
    assert mock.vendors["ometria"].worker is None
    client = app.test_client()
    assert client.post("/v2/push", json=products(2), headers=STAGING).status_code == 202
    mock.clock.advance(60)  # long past the queue delay: only a drain processes them
    assert client.get("/v2/products/p1", headers=STAGING).status_code == 404
    assert mock.vendors["ometria"].drain(mock, "staging") == {"staging": {"records": 2, "data_deletions": 0}}


def _tenant_state(tenant: Any) -> tuple[Any, ...]:
    """Everything a push may change in an account: every collection's records in order, the extra entries
    (their order too: the shared store keeps it)."""
    collections = {name: list(col.items()) for name, col in tenant.collections.items()}
    return list(tenant.collections), collections, list(tenant.extra), dict(tenant.extra)


def test_sync_one_record_push_leaves_what_queuing_it_leaves() -> None:
    """A one-record push in sync mode into an empty queue is processed without being queued first (issue 14):
    the state it leaves (records, profiles, logged errors, the empty queue, the extra's key order) is the
    state queuing it and processing the queue leave, push after push."""
    from mock_server.ometria.backend.push import enqueue
    from mock_server.ometria.backend.queue import process_waiting, waiting

    pushes: list[dict[str, Any]] = [
        {"@type": "contact", "id": "c1", "email": "One@Example.com", "firstname": "One"},
        {"@type": "contact", "id": "c1", "lastname": "Later", "firstname": None},
        {"@type": "contact", "id": "c2", "email": "not-an-email"},  # a field problem: logged, not applied
        {"@type": "contact", "id": "c3", "customer_id": "cust-3", "@collection": "shop"},
        {"@type": "contact", "id": "c4", "email": "one@example.com", "@force_optin": True},  # joins c1's profile
        *products(2),
    ]
    shortcut, queued = make_app(), make_app()
    for number, record in enumerate(pushes):
        request_id = f"req-{number}"
        mock: MockContext = shortcut.extensions["mock"]
        tenant = _tenant(mock)
        with tenant.lock:
            enqueue(Account(mock, tenant), ([record], []), request_id, mode="sync")
        mock = queued.extensions["mock"]
        tenant = _tenant(mock)
        with tenant.lock:  # the queued path: in the queue first, then processed and taken off
            account = Account(mock, tenant)
            waiting(tenant).append({"request_id": request_id, "record": record, "enqueued": account.now_ts()})
            assert process_waiting(account) == 1
        assert _tenant_state(_tenant(shortcut.extensions["mock"])) == _tenant_state(tenant)
    assert _tenant(shortcut.extensions["mock"]).extra["queue"] == []
    assert len(_tenant(shortcut.extensions["mock"]).extra["push_errors"]) == 1
