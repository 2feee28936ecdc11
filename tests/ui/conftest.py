"""Browser fixtures: Debian's Chromium driven by Playwright against a real server on a free port.

The browser is never downloaded (no ``playwright install``): scripts/ensure-browser installs Debian's
package. If Chromium cannot start, every browser test errors with the launch failure, so a run without
a browser fails loudly instead of skipping.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect, sync_playwright

from mock_server.app import create_app
from mock_server.core.context import Settings
from mock_server.server import RunningServer, start_in_thread

CHROMIUM = Path(os.environ.get("MOCK_CHROMIUM", "/usr/bin/chromium"))
# Quiet, offline Chromium: no sandbox (root in CI), no GPU, no calls home (the network is closed).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
                 "--disable-extensions", "--mute-audio"]
WIDE = {"width": 1280, "height": 800}  # the laptop window the dashboard is made for
SMALL = {"width": 1024, "height": 768}  # still usable here
NARROW = {"width": 400, "height": 800}
# Screenshots a person can look at: one folder per test (git-ignored), kept after the run.
SCREENSHOTS = Path(os.environ.get("MOCK_SCREENSHOTS", Path(__file__).resolve().parent / "screenshots"))
# Auto-waiting assertions wait this long (the journal refreshes every second; a busy CI machine is slow).
expect.set_options(timeout=10_000)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the session; raises (never skips) when it cannot start."""
    if not CHROMIUM.exists():
        raise RuntimeError(f"Chromium is missing at {CHROMIUM}: run scripts/ensure-browser (Debian's chromium "
                           "package); the browser tests do not skip")
    manager = sync_playwright().start()
    try:
        launched = manager.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    except Exception as exc:
        manager.stop()
        raise RuntimeError(f"Chromium at {CHROMIUM} did not start: {exc}") from exc
    yield launched
    launched.close()
    manager.stop()


@pytest.fixture
def ui_settings() -> Settings:
    """Seeded ids, a running clock (the tests freeze it through the dashboard)."""
    return Settings(seed=1234)


@pytest.fixture
def server(ui_settings: Settings) -> Iterator[RunningServer]:
    """A fresh app served by waitress on 127.0.0.1:<free port>."""
    app: Flask = create_app(ui_settings)
    running = start_in_thread(app, "127.0.0.1", 0, threads=4)
    yield running
    running.stop()


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Path:
    """This test's screenshot folder (emptied first): ``tests/ui/screenshots/<test>/``."""
    folder = SCREENSHOTS / re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name)
    if folder.exists():
        for old in folder.glob("*.png"):
            old.unlink()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def page(browser: Browser, shots: Path) -> Iterator[Page]:
    """A fresh browser context and page at 1280x800 (cookies never leak between tests); the page the test
    ends on is saved as ``final.png`` in its screenshot folder, pass or fail."""
    context = browser.new_context(viewport=WIDE)  # type: ignore[arg-type]
    context.set_default_timeout(10_000)
    opened = context.new_page()
    yield opened
    if opened.url.startswith("http"):
        shot(opened, shots, "final")
    context.close()


def shot(page: Page, folder: Path, name: str) -> Path:
    """Save a full-page screenshot in the test's screenshot folder."""
    target = folder / f"{name}.png"
    page.screenshot(path=str(target), full_page=True)
    return target
