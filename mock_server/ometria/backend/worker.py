"""The ``async`` push-queue worker (ometria.md §4.3) and the drain the control plane calls.

One daemon thread (a core TickWorker) serves every account: it wakes every ``QUEUE_TICK_SECONDS``
(real time), and for
each account that is not paused processes the records that have waited at least ``delay`` seconds of
mock time, at most ``rate`` records per second of mock time, holding the account's lock for at most
``QUEUE_CHUNK`` records at a time so requests interleave. Delay and rate follow the mock clock, so a
test with a frozen clock controls the worker by advancing it (or drains instead). Each tick also
completes the data-deletion requests whose delay has passed.
"""

from __future__ import annotations

from typing import Any

from mock_server.core.context import MockContext
from mock_server.core.store import TenantState
from mock_server.core.worker import RateBudget, TickWorker, rate_budget
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


class QueueWorker(TickWorker):
    """Background processing of every account's queue."""

    name = "ometria-queue-worker"

    def __init__(self, ctx: MockContext) -> None:
        super().__init__(ctx, C.QUEUE_TICK_SECONDS)
        self.delay = ctx.settings.ometria_queue_delay
        self.rate = ctx.settings.ometria_queue_rate
        # Per account: the records it may still process.
        self._budgets: dict[str, RateBudget] = {}

    def tick(self, ctx: MockContext, now: float, elapsed: float) -> int:
        """One pass over every account; return how many records were processed."""
        total = 0
        for tenant in ctx.store.tenants(C.VENDOR):
            total += self._serve(ctx, tenant, now, elapsed)
            with tenant.lock:
                # Data-deletion requests wait for the same delay (§6.9); their due time is set at creation.
                process_pending_deletions(Account(ctx, tenant), due_only=True)
        return total

    def _serve(self, ctx: MockContext, tenant: TenantState, now: float, elapsed: float) -> int:
        budget = self._budgets.get(tenant.tenant_id)
        if budget is None:  # Redis mode: one budget per account for every process (the rate is global)
            budget = self._budgets[tenant.tenant_id] = rate_budget(ctx, f"ometria-queue:{tenant.tenant_id}",
                                                                   self.rate)
        budget.grow(elapsed)
        done = 0
        while not self.stopping:
            granted = budget.reserve(C.QUEUE_CHUNK)
            if granted == 0:
                break
            chunk = 0
            try:
                with tenant.lock:
                    if is_paused(tenant) or not waiting_count(tenant):
                        break
                    chunk = process_waiting(Account(ctx, tenant), granted, due_before=now - self.delay)
            finally:
                budget.refund(granted - chunk)
            if chunk == 0:
                break
            done += chunk
        return done
