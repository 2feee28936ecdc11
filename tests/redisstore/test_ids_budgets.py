"""Request ids unique across processes, one cursor secret, and background-work rates for the sandbox."""

from __future__ import annotations

from typing import Any

from flask import Flask

from mock_server.app import create_app
from mock_server.core.context import Settings
from mock_server.core.worker import rate_budget
from mock_server.redisstore.budget import SharedBudget
from tests.conftest import OMNISEND
from tests.redisstore.conftest import ctx_of


def request_ids(client: Any, n: int) -> list[str]:
    return [client.get("/v3/contacts", headers=OMNISEND).headers["X-Mock-Request-Id"] for _ in range(n)]


def test_request_ids_are_unique_across_processes_and_the_first_stream_is_the_memory_one(
        pair: tuple[Flask, Flask]) -> None:
    first, second = (request_ids(app.test_client(), 5) for app in pair)
    assert len(set(first) | set(second)) == 10
    memory = create_app(Settings(seed=1234, freeze_clock=True))
    assert request_ids(memory.test_client(), 5) == first  # a single seeded process stays reproducible


def test_unseeded_request_ids_are_unique_too(make_app: Any) -> None:
    a, b = make_app(seed=None).test_client(), make_app(seed=None).test_client()
    assert len(set(request_ids(a, 5)) | set(request_ids(b, 5))) == 10


def test_a_cursor_from_one_process_pages_on_the_other(make_app: Any) -> None:
    a, b = make_app(seed=None).test_client(), make_app(seed=None).test_client()
    page = a.get("/v3/contacts?limit=1", headers=OMNISEND).get_json()
    following = page["paging"]["next"]
    assert following
    path = following[following.index("/v3/"):]
    assert b.get(path, headers=OMNISEND).status_code == 200


def test_a_budget_shared_by_processes_grants_the_rate_once(pair: tuple[Flask, Flask]) -> None:
    budgets = [rate_budget(ctx_of(app), "test-work", 10.0) for app in pair]
    assert all(isinstance(b, SharedBudget) for b in budgets)
    assert budgets[0].reserve(5) == 0  # nothing earned yet
    ctx_of(pair[0]).clock.advance(1)
    for app in pair:
        ctx_of(app).shared.refresh()
    granted = [budgets[i % 2].reserve(3) for i in range(6)]
    assert sum(granted) == 10 and granted[:4] == [3, 3, 3, 1]
    budgets[1].refund(2)
    assert budgets[0].reserve(5) == 2
    ctx_of(pair[1]).clock.advance(60)  # a long pause earns at most one second's worth
    for app in pair:
        ctx_of(app).shared.refresh()
    assert budgets[0].reserve(100) + budgets[1].reserve(100) == 10
