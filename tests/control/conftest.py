"""Control-plane fixtures: a real server on a free loopback port for what needs a socket."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from flask import Flask

from mock_server.server import RunningServer, start_in_thread


@pytest.fixture
def live(app: Flask) -> Iterator[RunningServer]:
    """The test's app served by waitress on 127.0.0.1:<free port>."""
    running = start_in_thread(app, "127.0.0.1", 0, threads=2)
    yield running
    running.stop()


@pytest.fixture
def http() -> Iterator[requests.Session]:
    """A requests session closed after the test."""
    with requests.Session() as session:
        yield session
