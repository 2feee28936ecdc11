"""pytest plugin (entry point ``pytest11``): the ``mock_server`` fixture.

One sandbox per test session, served by waitress on a free loopback port in a background thread,
with synchronous batch and queue processing; reset (data, journal, faults, clock) before each test::

    def test_sync(mock_server):
        mock_server.add_fault("/v3/orders", 503, after=2, count=1)
        run_my_integration(base_url=mock_server.url, api_key=mock_server.omnisend_key)
        mock_server.assert_called("POST", "/v3/orders", times=3)

Options: ``--mock-server-fixtures DIR`` (or ini ``mock_server_fixtures``), ``--mock-server-seed N``
(ini ``mock_server_seed``) and ``--mock-server-url URL`` (plus ``--mock-server-admin-token``) to use a
sandbox that is already running instead of starting one.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mock_server.client import Sandbox


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register the plugin's options."""
    group = parser.getgroup("mock_server", "Omnisend + Ometria sandbox")
    group.addoption("--mock-server-fixtures", default=None, help="fixture folder for the mock_server fixture")
    group.addoption("--mock-server-seed", default=None, help="seed: reproducible ids (and a fixed start time)")
    group.addoption("--mock-server-url", default=None, help="use this running sandbox instead of starting one")
    group.addoption("--mock-server-admin-token", default=None, help="admin token of --mock-server-url")
    parser.addini("mock_server_fixtures", "fixture folder for the mock_server fixture", default="")
    parser.addini("mock_server_seed", "seed of the mock_server fixture", default="")


def _option(config: pytest.Config, name: str) -> str | None:
    value = config.getoption(f"--mock-server-{name}") or (
        config.getini(f"mock_server_{name}") if name in ("fixtures", "seed") else None)
    return str(value) if value else None


@pytest.fixture(scope="session")
def mock_server_session(pytestconfig: pytest.Config) -> Iterator[Sandbox]:
    """The session's sandbox (started on first use, stopped at the end of the session)."""
    url = _option(pytestconfig, "url")
    if url is not None:
        remote = Sandbox(url, admin_token=_option(pytestconfig, "admin-token"))
        yield remote
        remote.close()
        return
    from mock_server.app import create_app
    from mock_server.core.context import Settings
    from mock_server.server import start_in_thread

    folder = _option(pytestconfig, "fixtures")
    seed = _option(pytestconfig, "seed")
    settings = Settings(fixtures=Path(folder) if folder else None, seed=int(seed) if seed else None,
                        omnisend_batch_mode="sync", ometria_queue_mode="sync")
    running = start_in_thread(create_app(settings), "127.0.0.1", 0)
    sandbox = Sandbox(running.url)
    try:
        yield sandbox
    finally:
        sandbox.close()
        running.stop()


@pytest.fixture
def mock_server(mock_server_session: Sandbox) -> Sandbox:
    """The sandbox, reset to its fixtures (journal, fault rules and clock too) for this test."""
    mock_server_session.reset()
    return mock_server_session
