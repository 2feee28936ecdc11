"""The ``async`` push-queue worker (ometria.md §4.3) and the drain the control plane calls.

One daemon thread serves every account: it wakes every ``QUEUE_TICK_SECONDS`` (real time), and for
each account that is not paused processes the records that have waited at least ``delay`` seconds of
mock time, at most ``rate`` records per second of mock time, holding the account's lock for at most
``QUEUE_CHUNK`` records at a time so requests interleave. Delay and rate follow the mock clock, so a
test with a frozen clock controls the worker by advancing it (or drains instead). Each tick also
completes the data-deletion requests whose delay has passed.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

from mock_server.core.context import MockContext
from mock_server.core.store import TenantState
from mock_server.ometria import constants as C
from mock_server.ometria.backend import Account
from mock_server.ometria.backend.data_deletion import process_pending_deletions
from mock_server.ometria.backend.queue import is_paused, process_waiting, waiting_count


def drain(ctx: MockContext, tenant_id: str | None = None) -> dict[str, Any]:
    """Process everything waiting now (paused queues too); return ``{"drained": {account: n}}``."""
    done: dict[str, int] = {}
    for tenant in ctx.store.tenants(C.VENDOR):
        if tenant_id is not None and tenant.tenant_id != tenant_id:
            continue
        with tenant.lock:
            done[tenant.tenant_id] = process_waiting(Account(ctx, tenant))
    return {"drained": done}


class QueueWorker:
    """Background processing of every account's queue."""

    def __init__(self, ctx: MockContext) -> None:
        # Weak, so that an app nobody uses any more (a test's) can be collected; the thread then ends.
        self._ctx = weakref.ref(ctx)
        self.delay = ctx.settings.ometria_queue_delay
        self.rate = ctx.settings.ometria_queue_rate
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        # Per account: the records it may still process (the rate budget, in mock time).
        self._allowance: dict[str, float] = {}
        self._last = ctx.clock.time()

    def start(self) -> None:
        """Start the daemon thread."""
        self._thread = threading.Thread(target=self._run, name="ometria-queue-worker", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the thread and wait for it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        """Whether the thread runs."""
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        while not self._stop.wait(C.QUEUE_TICK_SECONDS):
            self.run_once()

    def run_once(self) -> int:
        """One tick over every account; return how many records were processed."""
        ctx = self._ctx()
        if ctx is None:
            self._stop.set()
            return 0
        now = ctx.clock.time()
        elapsed, self._last = max(0.0, now - self._last), now
        total = 0
        for tenant in ctx.store.tenants(C.VENDOR):
            total += self._serve(ctx, tenant, now, elapsed)
            with tenant.lock:
                # Data-deletion requests wait for the same delay (§6.9); their due time is set at creation.
                process_pending_deletions(Account(ctx, tenant), due_only=True)
        return total

    def _serve(self, ctx: MockContext, tenant: TenantState, now: float, elapsed: float) -> int:
        # Never more than one second's worth at once: a clock jump does not turn into a burst.
        budget = min(self._allowance.get(tenant.tenant_id, 0.0) + elapsed * self.rate, max(self.rate, 1.0))
        done = 0
        while budget >= 1 and not self._stop.is_set():
            with tenant.lock:
                if is_paused(tenant) or not waiting_count(tenant):
                    break
                chunk = process_waiting(Account(ctx, tenant), min(int(budget), C.QUEUE_CHUNK),
                                        due_before=now - self.delay)
            if chunk == 0:
                break
            budget -= chunk
            done += chunk
        self._allowance[tenant.tenant_id] = budget
        return done
