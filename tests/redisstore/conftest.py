"""Two sandbox apps on one real Redis database: what one process does, the other sees."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask

from mock_server.app import create_app
from mock_server.core.context import MockContext, Settings
from tests.redis_server import RedisServer

# A database of its own, so these tests never meet the `settings` fixture's (database 0).
DB = 7


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    """An emptied Redis database."""
    redis_server.flush(DB)
    return redis_server.url(DB)


@pytest.fixture
def make_app(redis_url: str) -> Callable[..., Flask]:
    """Build an app on the test's Redis database (seeded, frozen clock, unless told otherwise)."""

    def make(**options: object) -> Flask:
        values: dict[str, object] = {"seed": 1234, "freeze_clock": True, "store": redis_url, **options}
        app = create_app(Settings(**values))  # type: ignore[arg-type]
        app.config["TESTING"] = False
        return app

    return make


@pytest.fixture
def pair(make_app: Callable[..., Flask]) -> tuple[Flask, Flask]:
    """Two apps (two processes' worth of sandbox) on one Redis database."""
    return make_app(), make_app()


def ctx_of(app: Flask) -> MockContext:
    """An app's mock context."""
    ctx: MockContext = app.extensions["mock"]
    return ctx
