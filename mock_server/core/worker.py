"""Background workers for the async modes (Omnisend batches, the Ometria push queue).

A :class:`TickWorker` is one daemon thread that wakes every ``interval`` seconds of real time and calls
:meth:`TickWorker.tick` with the mock time elapsed since its last tick, so rates and delays follow the
mock clock: a test with a frozen clock drives a worker by advancing the clock (or drains instead). It
holds the context weakly, so an app nobody uses any more (a finished test's) can be collected and its
thread ends.
"""

from __future__ import annotations

import logging
import threading
import weakref
from abc import ABC, abstractmethod

from mock_server.core.context import MockContext

log = logging.getLogger("mock_server.worker")


class RateBudget:
    """Work allowed at ``rate`` units per second; unused budget never exceeds one second's worth, so a
    pause or a clock jump does not turn into a burst."""

    def __init__(self, rate: float) -> None:
        self.rate = max(rate, 0.0)
        self.available = 0.0

    def grow(self, elapsed: float) -> None:
        """Add what ``elapsed`` seconds earn."""
        self.available = min(self.available + elapsed * self.rate, max(self.rate, 1.0))

    def take(self, units: float) -> None:
        """Spend ``units``."""
        self.available -= units

    def reserve(self, wanted: int) -> int:
        """Take up to ``wanted`` whole units now; return how many (give back the unused with ``refund``)."""
        granted = max(0, min(int(self.available), wanted))
        self.available -= granted
        return granted

    def refund(self, units: int) -> None:
        """Give back units reserved but not used."""
        self.available += units


def rate_budget(ctx: MockContext, name: str, rate: float) -> RateBudget:
    """A budget for background work: this process's own, or (Redis mode) one every process shares."""
    if ctx.redis is None:
        return RateBudget(rate)
    from mock_server.redisstore.budget import SharedBudget

    return SharedBudget(ctx.redis, ctx.clock, name, rate)


class TickWorker(ABC):
    """A daemon thread calling :meth:`tick` until stopped."""

    name = "mock-worker"

    def __init__(self, ctx: MockContext, interval: float) -> None:
        self._ctx = weakref.ref(ctx)
        self.interval = interval
        self._last = ctx.clock.time()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the thread."""
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the thread to stop and wait for it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def stopping(self) -> bool:
        """Whether a stop was asked for (long ticks check it between units of work)."""
        return self._stop.is_set()

    @property
    def alive(self) -> bool:
        """Whether the thread runs."""
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.run_once()
            except Exception:  # pragma: no cover - keep the worker alive, log the cause
                log.exception("%s tick failed", self.name)

    def run_once(self) -> int:
        """One tick with the mock time elapsed since the last; return how much work was done."""
        ctx = self._ctx()
        if ctx is None:
            self._stop.set()
            return 0
        if ctx.shared is not None:
            ctx.shared.refresh()  # Redis mode: the clock and switches as every process sees them now
        now = ctx.clock.time()
        elapsed, self._last = max(0.0, now - self._last), now
        return self.tick(ctx, now, elapsed)

    @abstractmethod
    def tick(self, ctx: MockContext, now: float, elapsed: float) -> int:
        """Do the work ``elapsed`` seconds of mock time allow; return how much was done."""
