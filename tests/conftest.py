"""Shared fixtures: a fresh, seeded app with a frozen clock per test, and its test client."""

from __future__ import annotations

import copy
import os
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mock_server.app import create_app
from mock_server.core.context import MockContext, Settings
from mock_server.middleware import ENV_BATCH_ITEM
from tests.redis_server import RedisServer

OMNISEND_KEY = "omnisend-demo-key"
OMNISEND_READONLY_KEY = "omnisend-readonly-key"
STAGING_KEY = "ometria-staging-key"
LIVE_KEY = "ometria-live-key"
OMNISEND = {"X-API-KEY": OMNISEND_KEY}
STAGING = {"X-Ometria-Auth": STAGING_KEY}
LIVE = {"X-Ometria-Auth": LIVE_KEY}
BRAND_ID = "64a1f0c2e4b0a1b2c3d4e5f6"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--mock-store", choices=("memory", "redis"),
                     default=os.environ.get("MOCK_TEST_STORE", "memory"),
                     help="the store the `settings` fixture's apps use: memory (default) or redis (a real "
                          "redis-server the session starts on a free port); env MOCK_TEST_STORE")
    parser.addoption("--mock-processes", type=int, choices=(1, 2),
                     default=int(os.environ.get("MOCK_TEST_PROCESSES", "1")),
                     help="with --mock-store redis: 2 gives the `app` fixture a second sandbox that joins the "
                          "same Redis database, and the test client's requests alternate between the two (as "
                          "two worker processes or two hosts behind a balancer would answer them)")


def alternating_client(second: Flask) -> type[FlaskClient]:
    """A test-client class whose requests alternate between its app and ``second`` (a round-robin load
    balancer in front of two sandboxes). An app's own internal requests (batch items) stay in it, as they
    stay in one process."""

    class AlternatingClient(FlaskClient):
        turn = 0

        def run_wsgi_app(self, environ: dict[str, Any], buffered: bool = False) -> Any:
            if environ.get(ENV_BATCH_ITEM):
                return super().run_wsgi_app(environ, buffered)
            own = self.application
            target = own if AlternatingClient.turn == 0 else second
            AlternatingClient.turn ^= 1
            self.application = target
            try:
                return super().run_wsgi_app(environ, buffered)
            finally:
                self.application = own

    return AlternatingClient


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """A real redis-server on a free loopback port for the whole session (stopped at the end)."""
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def store_url(request: pytest.FixtureRequest) -> str:
    """The --store value of this run's apps: ``memory``, or an emptied Redis database."""
    if request.config.getoption("--mock-store") != "redis" or request.node.get_closest_marker("memory_store"):
        return "memory"
    server: RedisServer = request.getfixturevalue("redis_server")
    server.flush(0)
    return server.url(0)


@pytest.fixture
def settings(store_url: str) -> Settings:
    """Deterministic settings: seeded ids, a frozen clock, synchronous background work (and, with
    ``--mock-store redis``, the shared store in a real Redis)."""
    return Settings(seed=1234, freeze_clock=True, store=store_url)


@pytest.fixture
def app(settings: Settings, request: pytest.FixtureRequest) -> Iterator[Flask]:
    """A freshly seeded app (and, with ``--mock-processes 2``, its second sandbox). At teardown both stop
    their background workers: a finished test's sandbox must not keep working on the store, which in
    Redis mode the next test empties and seeds again (an old worker would write into it, or reseed it)."""
    application = create_app(settings)
    application.config["TESTING"] = False  # keep the real error handlers (no exception propagation)
    apps = [application]
    if (settings.store != "memory" and request.config.getoption("--mock-processes") == 2
            and not request.node.get_closest_marker("one_process")):
        second = create_app(copy.deepcopy(settings))  # joins the seeded store: never reseeds it
        second.config["TESTING"] = False
        application.test_client_class = alternating_client(second)
        apps.append(second)
    try:
        yield application
    finally:
        for each in apps:
            each.extensions["mock"].close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """The app's test client."""
    return app.test_client()


@pytest.fixture
def mock(app: Flask) -> MockContext:
    """The app's mock context (store, clock, limiter)."""
    ctx: MockContext = app.extensions["mock"]
    return ctx


def snapshot(mock: MockContext) -> dict[str, Any]:
    """Every tenant's full state, for asserting that a refused request changed nothing."""
    return {(t.vendor, t.tenant_id): _strip_volatile(t.snapshot()) for t in mock.store.tenants()}


def _strip_volatile(snap: dict[str, Any]) -> dict[str, Any]:
    snap = dict(snap)
    snap.pop("ids", None)  # request ids come from the generator; records do not
    return snap
