"""The Ometria push queue on two sandboxes sharing one Redis database (issue 15): its length in every
process's headers, one pause state, and one worker rate with each record processed once."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import redis
from flask import Flask

from mock_server.control.ui import samples
from mock_server.core.errors import MockError
from mock_server.ometria import constants as C
from mock_server.ometria.backend.worker import QueueWorker
from mock_server.ometria.vendor import refusal_queue_headers
from mock_server.redisstore.tenants import TenantSync
from tests.conftest import STAGING
from tests.ometria.helpers import products
from tests.redisstore.conftest import ctx_of


@pytest.fixture(autouse=True)
def no_incidental_catch_up(monkeypatch: pytest.MonkeyPatch) -> None:
    """The dashboard's sampler reads every tenant under its lock after an answer (at most every 0.25 s in
    Redis mode), which would catch a process up by chance: these tests check what a request itself reads."""
    monkeypatch.setattr(samples, "SHARED_STORE_GAP", float("inf"))


def test_a_refused_push_shows_the_queue_another_process_filled(make_app: Callable[..., Flask]) -> None:
    a, b = (make_app(ometria_queue_mode="async", start_workers=False).test_client() for _ in range(2))
    assert b.get("/v2/push/_errors", headers=STAGING).status_code == 200  # B has read the account once
    assert a.post("/v2/push", json=products(3), headers=STAGING).status_code == 202
    for refused in (b.post("/v2/push", data=b"{not json", headers=STAGING),  # refused before the view
                    b.post("/v2/push", json=[], headers=STAGING)):  # refused in the view
        assert refused.status_code == 400
        assert refused.headers[C.H_QUEUE_REMAINING] == str(C.QUEUE_CAP - 3)
    assert a.put("/_mock/limits/ometria/staging", json={"queueCap": 5}).status_code == 200
    full = b.post("/v2/push", json=products(3, prefix="q"), headers=STAGING)
    assert full.status_code == 429
    assert (full.headers[C.H_QUEUE_LIMIT], full.headers[C.H_QUEUE_REMAINING]) == ("5", "2")
    assert b.post("/v2/push", data=b"{not json", headers=STAGING).headers[C.H_QUEUE_LIMIT] == "5"


def test_a_pause_through_one_process_holds_the_other_processes_worker(make_app: Callable[..., Flask]) -> None:
    apps = [make_app(ometria_queue_mode="async", start_workers=False, ometria_queue_delay=0.0) for _ in range(2)]
    a, b = (app.test_client() for app in apps)
    assert b.post("/_mock/ometria/queue/pause?tenant=staging").status_code == 200
    assert a.post("/v2/push", json=products(4), headers=STAGING).status_code == 202
    worker = QueueWorker(ctx_of(apps[0]))  # not started: the test ticks it
    ctx_of(apps[0]).clock.advance(10)
    assert worker.run_once() == 0
    assert b.get("/_mock/ometria/queue?tenant=staging").get_json()["queues"][0]["waiting"] == 4
    assert a.post("/_mock/ometria/queue/resume?tenant=staging").status_code == 200
    ctx_of(apps[0]).clock.advance(1)
    assert worker.run_once() == 4


def test_two_processes_workers_share_one_rate_and_process_each_record_once(
        make_app: Callable[..., Flask]) -> None:
    apps = [make_app(ometria_queue_mode="async", start_workers=False, ometria_queue_delay=0.0,
                     ometria_queue_rate=3.0) for _ in range(2)]
    a, b = (app.test_client() for app in apps)
    assert a.post("/v2/push", json=products(10), headers=STAGING).status_code == 202
    workers = [QueueWorker(ctx_of(app)) for app in apps]
    done = []
    for _ in range(4):
        ctx_of(apps[0]).clock.advance(1)
        for app in apps:
            ctx_of(app).shared.refresh()
        done.append(sum(worker.run_once() for worker in workers))
    assert done == [3, 3, 3, 1]  # the sandbox's rate, not each process's
    assert [b.get(f"/v2/products/p{i}", headers=STAGING).status_code for i in (1, 10)] == [200, 200]
    assert b.get("/_mock/ometria/queue?tenant=staging").get_json()["queues"][0]["waiting"] == 0


def test_a_refused_push_while_redis_is_away_keeps_its_answer(make_app: Callable[..., Flask],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app()
    mock = ctx_of(app)
    tenant = mock.tenant(C.VENDOR, "staging")
    assert tenant is not None

    def away(*_: object) -> None:
        raise redis.ConnectionError("Connection refused")

    monkeypatch.setattr(TenantSync, "enter", away)
    refused = MockError("x")
    assert refusal_queue_headers(mock, tenant, refused) == {C.H_QUEUE_LIMIT: str(C.QUEUE_CAP),
                                                           C.H_QUEUE_REMAINING: str(C.QUEUE_CAP)}


def test_a_rate_limit_set_through_one_process_holds_on_the_other(make_app: Callable[..., Flask]) -> None:
    a, b = (make_app().test_client() for _ in range(2))
    assert b.get("/v2/push/_errors", headers=STAGING).status_code == 200  # B has read the account once
    assert a.put("/_mock/limits/ometria/staging", json={"rateLimits": {"push": {"limit": 1}}}).status_code == 200
    assert a.post("/v2/push", json=products(1), headers=STAGING).status_code == 202
    assert b.post("/v2/push", data=b"[", headers=STAGING).status_code == 429  # before the body is read
    assert b.get("/v2/products", headers=STAGING).status_code == 200  # another group
    assert b.post("/v2/push", json=products(1, prefix="q"), headers=STAGING).status_code == 429
