"""Progress of a fixture load, for the person waiting at a terminal: how many records are seeded so far.

The command line wraps a load in :func:`reporting`; the seeding loop asks :func:`current` once per
resource file and calls :meth:`LoadMeter.seeded` per record. Nobody watching (tests, ``/_mock/fixtures``)
means :func:`current` is None and the loop pays one check per file. Lines go to stderr: on a terminal one
line rewritten in place a few times a second; elsewhere (a CI log) a line every few seconds, so a small
set that loads at once prints nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TextIO

TTY_INTERVAL = 0.25  # seconds between rewrites of the one line on a terminal
LOG_INTERVAL = 2.0  # seconds between lines in a log (a load quicker than this prints nothing)


class LoadMeter:
    """Counts seeded records and shows the count on ``stream`` at most once per interval."""

    def __init__(self, stream: TextIO, *, interval: float | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.interval = interval if interval is not None else (TTY_INTERVAL if self.tty else LOG_INTERVAL)
        self.clock = clock
        self.records = 0
        self.started = clock()
        self.shown = 0
        self.elapsed: float | None = None
        self._last = self.started
        self._where = ""

    def seeded(self, where: str) -> None:
        """Count one record of ``where`` (``omnisend/demo contacts``); show progress when it is time."""
        self.records += 1
        self._where = where
        now = self.clock()
        if now - self._last >= self.interval:
            self._last = now
            self._show(now)

    def _show(self, now: float) -> None:
        text = f"loading fixtures: {self.records:,} records ({self._where}), {now - self.started:.0f} s"
        # On a terminal the line is rewritten in place (carriage return, then erase to the end of line).
        self.stream.write(f"\r{text}\x1b[K" if self.tty else f"{text}\n")
        self.stream.flush()
        self.shown += 1

    def finish(self) -> float:
        """End the load (once); return the seconds it took. The terminal line is cleared for the banner."""
        if self.elapsed is None:
            self.elapsed = self.clock() - self.started
            if self.tty and self.shown:
                self.stream.write("\r\x1b[K")
                self.stream.flush()
        return self.elapsed


_meter: ContextVar[LoadMeter | None] = ContextVar("mock_server_load_meter", default=None)


def current() -> LoadMeter | None:
    """The meter of the load in progress, if someone is watching it."""
    return _meter.get()


@contextmanager
def reporting(meter: LoadMeter) -> Iterator[LoadMeter]:
    """Report the loads inside the block on ``meter``."""
    token = _meter.set(meter)
    try:
        yield meter
    finally:
        _meter.reset(token)
        meter.finish()
