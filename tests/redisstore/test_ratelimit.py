"""The rate limiter in Redis: one set of windows for every process, exact under bursts."""

from __future__ import annotations

import threading

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from mock_server.core.ratelimit import LimitRule
from mock_server.omnisend import constants as OC
from mock_server.omnisend.v2026 import constants as C26
from mock_server.redisstore.ratelimit import RedisRateLimiter
from tests.conftest import OMNISEND
from tests.redisstore.conftest import ctx_of

API26 = {"Authorization": f"{C26.API_KEY_SCHEME} omnisend-demo-key", C26.VERSION_HEADER: C26.VERSION}
TAGS = {"tags": ["t"], "emails": ["nobody@example.com"]}
RULE = LimitRule(5, 60.0, "api")
SCOPE = ("omnisend", "brand-1")


def limiters(pair: tuple[Flask, Flask]) -> tuple[RedisRateLimiter, RedisRateLimiter]:
    a, b = (ctx_of(app).limiter for app in pair)
    assert isinstance(a, RedisRateLimiter) and isinstance(b, RedisRateLimiter)
    return a, b


def test_the_limit_holds_across_processes_and_a_refusal_consumes_nothing(pair: tuple[Flask, Flask]) -> None:
    a, b = limiters(pair)
    decisions = [(a if i % 2 else b).hit(SCOPE, RULE) for i in range(8)]
    assert [d.allowed for d in decisions] == [True] * 5 + [False] * 3
    assert [d.remaining for d in decisions] == [4, 3, 2, 1, 0, 0, 0, 0]
    assert {d.reset for d in decisions} == {60}
    assert b.usage(SCOPE, RULE).remaining == 0  # the refusals took nothing: still exactly 5 in the window
    ctx_of(pair[0]).clock.advance(59.5)
    ctx_of(pair[1]).shared.refresh()  # what the other process does at its next request
    assert b.hit(SCOPE, RULE).reset == 1  # the oldest leaves the window in half a second: 1 whole second
    ctx_of(pair[1]).clock.advance(0.5)
    ctx_of(pair[0]).shared.refresh()
    allowed = a.hit(SCOPE, RULE)
    assert (allowed.allowed, allowed.remaining) == (True, 4)  # all five were counted at one frozen instant


def test_a_burst_spread_over_processes_and_threads_admits_exactly_the_limit(pair: tuple[Flask, Flask]) -> None:
    a, b = limiters(pair)
    rule = LimitRule(37, 60.0, "burst")
    results: list[bool] = []
    lock = threading.Lock()

    def burst(limiter: RedisRateLimiter) -> None:
        for _ in range(10):
            allowed = limiter.hit(SCOPE, rule).allowed
            with lock:
                results.append(allowed)

    threads = [threading.Thread(target=burst, args=(a if i % 2 else b,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (len(results), results.count(True)) == (80, 37)


def test_buckets_are_shared_by_groups_and_windows_by_scope(pair: tuple[Flask, Flask]) -> None:
    a, b = limiters(pair)
    a.hit(SCOPE, LimitRule(3, 60.0, "shared"))
    b.hit(SCOPE, LimitRule(3, 60.0, "shared"))
    assert a.usage(SCOPE, LimitRule(3, 60.0, "shared")).remaining == 1
    assert a.usage(("omnisend", "brand-2"), LimitRule(3, 60.0, "shared")).remaining == 3


def test_hit_all_counts_in_every_window_or_in_none(pair: tuple[Flask, Flask]) -> None:
    a, b = limiters(pair)
    minute, second = LimitRule(3, 60.0, "m"), LimitRule(2, 1.0, "s")
    assert a.hit_all(SCOPE, [minute, second]) is None
    assert b.hit_all(SCOPE, [minute, second]) is None
    refused = a.hit_all(SCOPE, [minute, second])
    assert refused is not None and refused[0] == second and refused[1].allowed is False
    assert b.usage(SCOPE, minute).remaining == 1  # the refused request was not counted in the minute
    ctx_of(pair[0]).clock.advance(1)
    ctx_of(pair[1]).shared.refresh()
    assert b.hit_all(SCOPE, [minute, second]) is None
    refused = a.hit_all(SCOPE, [minute, second])
    assert refused is not None and refused[0] == minute


def test_clear_by_prefix_and_the_switch_are_shared(pair: tuple[Flask, Flask]) -> None:
    a, b = limiters(pair)
    other = ("ometria", "acct")
    for _ in range(2):
        a.hit(SCOPE, RULE)
        a.hit(other, RULE)
    b.clear(("omnisend",))
    assert (a.usage(SCOPE, RULE).remaining, a.usage(other, RULE).remaining) == (5, 3)
    b.clear()
    assert a.usage(other, RULE).remaining == 5
    a.enabled = False
    ctx_of(pair[1]).shared.refresh()
    assert b.enabled is False
    assert all(b.hit(SCOPE, LimitRule(1, 60.0, "off")).allowed for _ in range(3))


def test_the_429_boundary_over_http_across_two_apps(pair: tuple[Flask, Flask]) -> None:
    clients = [app.test_client() for app in pair]
    statuses = [clients[i % 2].get("/v3/contacts", headers=OMNISEND).status_code
                for i in range(OC.RATE_LIMIT + 3)]
    assert statuses == [200] * OC.RATE_LIMIT + [429] * 3
    assert clients[0].put("/_mock/limits", json={"enabled": False}).status_code == 200
    assert clients[1].get("/v3/contacts", headers=OMNISEND).status_code == 200  # off for the other too
    assert clients[1].put("/_mock/limits", json={"enabled": True}).status_code == 200
    assert clients[0].get("/v3/contacts", headers=OMNISEND).status_code == 429
    clients[0].post("/_mock/reset")  # a full reset forgets the windows for everyone
    assert clients[1].get("/v3/contacts", headers=OMNISEND).status_code == 200


def test_a_2026_group_with_two_windows_counts_across_apps(pair: tuple[Flask, Flask],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(C26.RATE_GROUPS, C26.RATE_CONTACT_TAGS, ((3, 60.0), (5, 3600.0)))
    clients = [app.test_client() for app in pair]

    def tag(n: int) -> TestResponse:
        return clients[n % 2].post("/api/contacts/tags", headers=API26, json=TAGS)

    assert [tag(n).status_code for n in range(4)] == [202, 202, 202, 429]
    ctx_of(pair[0]).clock.advance(60)
    statuses = [tag(n).status_code for n in range(3)]
    assert statuses == [202, 202, 429]  # the hour's window (5) is full: the minute's had room
    refused = tag(1).get_json()
    assert (refused["status"], refused["retryAfter"]) == (429, 3540)
