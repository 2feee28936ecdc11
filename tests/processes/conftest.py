"""Fixtures of the cross-process tests: real ``mock-server serve`` processes on the session's redis-server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.processes.served import Served
from tests.redis_server import RedisServer

DB = 7  # these tests' database on the session's redis-server (the suites' apps use 0)


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    """An emptied database of the session's redis-server."""
    redis_server.flush(DB)
    return redis_server.url(DB)


@pytest.fixture
def two_hosts(redis_url: str) -> Iterator[tuple[Served, Served]]:
    """Two single-process sandboxes on two ports with one Redis URL (two hosts, as far as they know)."""
    first = Served("--store", redis_url).wait_ready()
    second = Served("--store", redis_url).wait_ready()
    try:
        yield first, second
    finally:
        first.stop()
        second.stop()


@pytest.fixture
def workers(redis_url: str) -> Iterator[Served]:
    """One sandbox, ``--workers 2``."""
    served = Served("--store", redis_url, "--workers", "2").wait_ready()
    try:
        yield served
    finally:
        assert served.stop() == 0, served.output
