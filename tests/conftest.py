"""Shared fixtures: a fresh, seeded app with a frozen clock per test, and its test client."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mock_server.app import create_app
from mock_server.core.context import MockContext, Settings
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
def app(settings: Settings) -> Iterator[Flask]:
    """A freshly seeded app."""
    application = create_app(settings)
    application.config["TESTING"] = False  # keep the real error handlers (no exception propagation)
    yield application


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
