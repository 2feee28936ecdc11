"""One sandbox across processes on one Redis: real ``mock-server serve`` processes and the session's real
redis-server (no mocks). Two processes on two ports behave as one sandbox (as two hosts would); one
server with ``--workers 2`` shares one rate budget, loses nothing a worker acknowledged before a kill -9,
and restarts that worker. Nothing here waits for a window: the mock clock is frozen and advanced."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.processes.served import API_2026, OMNISEND, STAGING, Served, new_contact
from tests.redis_server import RedisServer

pytestmark = pytest.mark.slow


# -- two processes, one sandbox -------------------------------------------------------------------

def test_a_write_on_one_process_is_read_on_the_other(two_hosts: tuple[Served, Served]) -> None:
    a, b = two_hosts
    created = a.post("/v3/contacts", headers=OMNISEND, json=new_contact("shared@example.com"))
    assert created.status_code == 200, created.text
    contact_id = created.json()["contactID"]
    read = b.get(f"/v3/contacts/{contact_id}", headers=OMNISEND)
    assert read.status_code == 200 and read.json()["email"] == "shared@example.com"
    listed = b.get("/api/contacts?limit=250", headers=API_2026)
    assert contact_id in {c["id"] for c in listed.json()["contacts"]}
    pushed = b.post("/v2/push", headers=STAGING, json=[{"@type": "contact", "id": "x-proc", "email": "x@p.com"}])
    assert pushed.status_code == 202, pushed.text


def test_paging_links_of_one_process_are_followed_on_the_other(two_hosts: tuple[Served, Served]) -> None:
    a, b = two_hosts
    first = a.get("/v3/contacts?limit=2", headers=OMNISEND).json()
    link = first["paging"]["next"].replace(a.url, b.url)
    second = b.get(link.removeprefix(b.url), headers=OMNISEND)
    assert second.status_code == 200, second.text
    seen = [c["contactID"] for c in first["contacts"]]
    assert not {c["contactID"] for c in second.json()["contacts"]} & set(seen)
    page = a.get("/api/contacts?limit=2", headers=API_2026).json()
    after = page["paging"]["cursors"]["after"]
    following = b.get(f"/api/contacts?limit=2&after={after}", headers=API_2026)
    assert following.status_code == 200, following.text
    assert not {c["id"] for c in following.json()["contacts"]} & {c["id"] for c in page["contacts"]}


def test_a_push_queued_on_one_process_is_drained_on_the_other(two_hosts: tuple[Served, Served]) -> None:
    a, b = two_hosts
    record = {"@type": "contact", "id": "queued-x", "email": "queued@example.com", "collection": "default"}
    assert a.post("/v2/push", headers=STAGING, json=[record]).status_code == 202
    assert b.post("/_mock/ometria/queue/drain").status_code == 200
    read = a.get("/v2/contacts/default/queued-x", headers=STAGING)
    assert read.status_code == 200 and read.json()["email"] == "queued@example.com"


def test_a_fault_rule_set_through_one_process_fires_on_the_other_once(two_hosts: tuple[Served, Served]) -> None:
    a, b = two_hosts
    rule = a.post("/_mock/faults", json={"path": "/v3/products*", "status": 503, "count": 1})
    assert rule.status_code in (200, 201), rule.text
    first = b.get("/v3/products", headers=OMNISEND)
    assert (first.status_code, first.json()) == (503, {"error": "Service Unavailable"})
    # "count": 1 is one firing for the whole sandbox, not one per process.
    assert a.get("/v3/products", headers=OMNISEND).status_code == 200
    assert b.get("/v3/products", headers=OMNISEND).status_code == 200


def test_the_clock_is_frozen_and_advanced_for_every_process(two_hosts: tuple[Served, Served]) -> None:
    a, b = two_hosts
    a.freeze()
    assert b.get("/_mock/clock").json()["now"] == "2026-02-01T10:00:00.000Z"
    assert b.post("/_mock/clock", json={"action": "advance", "by": "90s"}).status_code == 200
    state = a.get("/_mock/clock").json()
    assert (state["now"], state["frozen"]) == ("2026-02-01T10:01:30.000Z", True)
    created = b.post("/v3/contacts", headers=OMNISEND, json=new_contact("clock@example.com")).json()
    read = a.get(f"/v3/contacts/{created['contactID']}", headers=OMNISEND).json()
    assert read["createdAt"].startswith("2026-02-01T10:01:30")


def test_reset_through_one_process_resets_everyone(two_hosts: tuple[Served, Served]) -> None:
    a, b = two_hosts
    created = a.post("/v3/contacts", headers=OMNISEND, json=new_contact("gone@example.com")).json()
    assert b.post("/_mock/reset").status_code == 200
    assert a.get(f"/v3/contacts/{created['contactID']}", headers=OMNISEND).status_code == 404
    assert b.get(f"/v3/contacts/{created['contactID']}", headers=OMNISEND).status_code == 404
    # The seed is back for both.
    assert a.get("/v2/products/stg-tee", headers=STAGING).status_code == 200


def test_a_joining_process_does_not_reseed(two_hosts: tuple[Served, Served], hosts_url: str) -> None:
    a, _ = two_hosts
    created = a.post("/v3/contacts", headers=OMNISEND, json=new_contact("kept@example.com")).json()
    a.freeze("2026-03-01T00:00:00Z")
    joining = Served("--store", hosts_url).wait_ready()
    try:
        read = joining.get(f"/v3/contacts/{created['contactID']}", headers=OMNISEND)
        assert read.status_code == 200 and read.json()["email"] == "kept@example.com"
        assert joining.get("/_mock/clock").json()["now"] == "2026-03-01T00:00:00.000Z"
        assert a.get(f"/v3/contacts/{created['contactID']}", headers=OMNISEND).status_code == 200
    finally:
        joining.stop()


def test_a_burst_over_two_workers_admits_exactly_the_limit(shared_workers: Served) -> None:
    workers = shared_workers
    workers.worker_pids(2)  # both accept connections
    workers.freeze()  # one window for the whole burst: nothing slides out of it

    def call(_: int) -> int:
        with requests.Session() as session:  # one connection per call: spread over the workers
            return session.get(workers.url + "/v3/contacts?limit=1", headers=OMNISEND, timeout=30).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(call, range(400)))
    assert codes.count(200) == 400, {code: codes.count(code) for code in set(codes)}
    refused = workers.get("/v3/contacts?limit=1", headers=OMNISEND)
    assert refused.status_code == 429, refused.text
    assert refused.headers["X-Rate-Limit-Remaining"] == "0"
    assert workers.post("/_mock/clock", json={"action": "advance", "by": "61s"}).status_code == 200
    assert workers.get("/v3/contacts?limit=1", headers=OMNISEND).status_code == 200


def test_kill_9_of_a_worker_loses_nothing_it_acknowledged(shared_workers: Served) -> None:
    workers = shared_workers
    with requests.Session() as session:  # one keep-alive connection: one worker answers all three
        pid = session.get(workers.url + "/_mock/health", timeout=30).json()["process"]["pid"]
        created = session.post(workers.url + "/v3/contacts", headers=OMNISEND, timeout=30,
                               json=new_contact("acknowledged@example.com"))
        assert created.status_code == 200, created.text
        assert session.get(workers.url + "/_mock/health", timeout=30).json()["process"]["pid"] == pid
    os.kill(pid, signal.SIGKILL)
    read = workers.get(f"/v3/contacts/{created.json()['contactID']}", headers=OMNISEND)
    assert read.status_code == 200 and read.json()["email"] == "acknowledged@example.com"


# -- Redis going away mid-run ----------------------------------------------------------------------

@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    """A redis-server of this test's own, stopped and started again on the same port."""
    with contextlib.closing(RedisServer()) as server:
        server.start()
        yield server


UNAVAILABLE = [
    ("/v3/contacts", OMNISEND, {"error": "Service Unavailable"}),
    ("/v5/contacts", OMNISEND, {"error": "Service Unavailable"}),
    ("/v2/contacts", STAGING, {"status": "ERROR", "message": "Service unavailable"}),
    ("/_mock/journal", {}, {"error": "Service unavailable"}),
]


def test_redis_going_away_answers_the_vendor_503_and_recovers_by_itself(own_redis: RedisServer) -> None:
    served = Served("--store", own_redis.url(0), "--workers", "2").wait_ready()
    try:
        created = served.post("/v3/contacts", headers=OMNISEND, json=new_contact("before@example.com")).json()
        with own_redis.client(0) as client:
            client.save()  # Redis comes back with its data (as a persistent Redis restarts)
        own_redis.stop()
        for path, headers, body in UNAVAILABLE:
            answer = served.get(path, headers=headers)
            assert (answer.status_code, answer.json()) == (503, body), (path, answer.text)
            assert answer.headers["Content-Type"].startswith("application/")
            assert answer.headers["Retry-After"] == "1"
        problem = served.get("/api/contacts", headers=API_2026)
        assert problem.status_code == 503 and problem.headers["Content-Type"].startswith("application/json")
        assert problem.json()["status"] == 503 and problem.json()["type"].endswith("service-unavailable")
        assert served.proc.poll() is None
        assert "Traceback" not in served.output, served.output
        own_redis.start()
        read = served.get(f"/v3/contacts/{created['contactID']}", headers=OMNISEND)
        assert read.status_code == 200 and read.json()["email"] == "before@example.com"
        assert served.get("/_mock/journal").status_code == 200
        # A Redis that hangs instead of refusing: the 503 comes after the client's socket timeout (5 s).
        assert own_redis.process is not None
        os.kill(own_redis.process.pid, signal.SIGSTOP)
        try:
            began = time.monotonic()
            hung = served.get("/v2/contacts", headers=STAGING)
            assert (hung.status_code, hung.json()["message"]) == (503, "Service unavailable")
            assert time.monotonic() - began < 15
        finally:
            os.kill(own_redis.process.pid, signal.SIGCONT)
        assert served.get(f"/v3/contacts/{created['contactID']}", headers=OMNISEND).status_code == 200
    finally:
        assert served.stop() == 0
