"""The mock clock in Redis: frozen, advanced, set or resumed through one process, seen by every other."""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask

from mock_server.redisstore.clock import RedisClock
from tests.redisstore.conftest import ctx_of


def clock(client: Any) -> dict[str, Any]:
    body: dict[str, Any] = client.get("/_mock/clock").get_json()
    return body


def test_a_clock_change_through_one_app_is_seen_by_the_other(pair: tuple[Flask, Flask]) -> None:
    a, b = (app.test_client() for app in pair)
    assert clock(a) == clock(b)
    assert clock(a)["frozen"] is True and clock(a)["now"] == "2026-01-01T00:00:00.000Z"
    a.post("/_mock/clock", json={"action": "advance", "by": "90s"})
    assert clock(b)["now"] == "2026-01-01T00:01:30.000Z"
    b.post("/_mock/clock", json={"action": "set", "at": "2026-05-01T12:00:00Z"})
    assert clock(a)["now"] == "2026-05-01T12:00:00.000Z"
    a.post("/_mock/clock", json={"action": "resume"})
    running = clock(b)
    assert running["frozen"] is False and running["epoch"] >= 1777636800.0
    b.post("/_mock/clock", json={"action": "freeze", "at": "2027-01-01T00:00:00Z"})
    assert clock(a) == {"now": "2027-01-01T00:00:00.000Z", "epoch": 1798761600.0, "frozen": True}


def test_a_process_joining_a_running_sandbox_takes_its_clock(make_app: Any) -> None:
    first = make_app().test_client()
    first.post("/_mock/clock", json={"action": "advance", "seconds": 3600})
    joined = make_app().test_client()  # same settings: it does not put the clock back to the epoch
    assert clock(joined)["now"] == "2026-01-01T01:00:00.000Z"


def test_concurrent_advances_all_count(pair: tuple[Flask, Flask]) -> None:
    clocks = [ctx_of(app).clock for app in pair]
    assert all(isinstance(c, RedisClock) for c in clocks)
    start = clocks[0].time()

    def advance(index: int) -> None:
        for _ in range(10):
            clocks[index % 2].advance(1)

    threads = [threading.Thread(target=advance, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ctx_of(pair[1]).shared.refresh()
    assert clocks[1].time() == start + 40


def test_a_clock_change_bumps_every_generation(pair: tuple[Flask, Flask]) -> None:
    ctx = ctx_of(pair[0])
    scope = ("omnisend", "64a1f0c2e4b0a1b2c3d4e5f6")
    before = ctx.generations.current(scope)
    ctx.clock.advance(5)
    assert ctx.generations.current(scope) != before


def test_a_refused_move_changes_nothing(pair: tuple[Flask, Flask]) -> None:
    a, b = (app.test_client() for app in pair)
    answer = a.post("/_mock/clock", json={"action": "set", "at": "9999-01-01T00:00:00Z"})
    assert answer.status_code == 400
    assert clock(b)["now"] == "2026-01-01T00:00:00.000Z"
