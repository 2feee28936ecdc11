"""Fixtures of the cross-process tests: real ``mock-server serve`` processes on the session's redis-server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.processes.served import Served
from tests.redis_server import RedisServer

# These tests' databases on the session's redis-server (the suites' apps use 0).
DB = 7
HOSTS_DB = 8
WORKERS_DB = 9


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    """An emptied database of the session's redis-server."""
    redis_server.flush(DB)
    return redis_server.url(DB)


@pytest.fixture(scope="module")
def hosts_url(redis_server: RedisServer) -> str:
    """The database of one module's two hosts (emptied once: the hosts run for the whole module)."""
    redis_server.flush(HOSTS_DB)
    return redis_server.url(HOSTS_DB)


@pytest.fixture(scope="module")
def hosts(hosts_url: str) -> Iterator[tuple[Served, Served]]:
    """Two single-process sandboxes on two ports with one Redis URL (two hosts, as far as they know),
    started once per module (process start-up is the slow part of these tests)."""
    first = Served("--store", hosts_url).wait_ready()
    second = Served("--store", hosts_url).wait_ready()
    try:
        yield first, second
    finally:
        first.stop()
        second.stop()


@pytest.fixture
def two_hosts(hosts: tuple[Served, Served]) -> tuple[Served, Served]:
    """The module's two hosts, after a full reset (data, journal, fault rules, clock) through the first."""
    assert hosts[0].post("/_mock/reset").status_code == 200
    return hosts


@pytest.fixture(scope="module")
def module_workers(redis_server: RedisServer) -> Iterator[Served]:
    """One sandbox with ``--workers 2`` for a whole module (reset before each test by ``shared_workers``)."""
    redis_server.flush(WORKERS_DB)
    served = Served("--store", redis_server.url(WORKERS_DB), "--workers", "2").wait_ready()
    try:
        yield served
    finally:
        assert served.stop() == 0, served.output


@pytest.fixture
def shared_workers(module_workers: Served) -> Served:
    """The module's ``--workers 2`` sandbox after a full reset."""
    assert module_workers.post("/_mock/reset").status_code == 200
    return module_workers


@pytest.fixture
def workers(redis_url: str) -> Iterator[Served]:
    """One sandbox, ``--workers 2``."""
    served = Served("--store", redis_url, "--workers", "2").wait_ready()
    try:
        yield served
    finally:
        assert served.stop() == 0, served.output
