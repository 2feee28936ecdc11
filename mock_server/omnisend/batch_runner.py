"""Executing batch items as internal requests, and the background worker of async mode (§6.8).

Why this module imports Flask although it is backend work: a batch item must give exactly what the
single request would (status, body, ``fields`` texts, 404/422 wording) for every endpoint, including
products, orders and categories, which live in other modules. Re-entering the app with an internal
WSGI request runs the very same pipeline and view (auth, scope, validation, rules) without importing
any resource module; it is isolated here so the backends stay Flask-free.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from mock_server.core.context import MockContext
from mock_server.core.errors import ValidationFailed
from mock_server.core.store import TenantState
from mock_server.core.worker import TickWorker, rate_budget
from mock_server.middleware import ENV_BATCH_ITEM
from mock_server.omnisend import constants as C
from mock_server.omnisend.backend import Brand, batches, campaigns, marketing
from mock_server.omnisend.v3.errors import envelope

# How each generation's internal request authenticates, and renders an item's own 400, by batch version.
# Generations other than v3/v5 add themselves with :func:`register_generation`.
AuthHeaders = Callable[[str], dict[str, str]]
Envelope = Callable[[ValidationFailed], tuple[int, Any]]
GENERATIONS: dict[str, tuple[AuthHeaders, Envelope]] = {
    "v3": (lambda key: {C.API_KEY_HEADER: key}, envelope),
    "v5": (lambda key: {C.API_KEY_HEADER: key}, envelope),
}


def register_generation(version: str, headers: AuthHeaders, render: Envelope) -> None:
    """Say how batch items of ``version`` authenticate and how a bad item is answered."""
    GENERATIONS[version] = (headers, render)

log = logging.getLogger("mock_server.omnisend.batches")
TICK_SECONDS = 0.05


def executor(ctx: MockContext) -> batches.Executor:
    """Return a function that runs one item as the single request it stands for."""

    def run(record: dict[str, Any], item: dict[str, Any]) -> tuple[int, Any]:
        headers, render = GENERATIONS[record["version"]]
        try:
            method, path = batches.target(record, item)
        except ValidationFailed as exc:
            return render(exc)
        # A fresh app context, so flask.g (tenant, body, warnings) is not shared with an outer request.
        with ctx.app.app_context():
            response = ctx.app.test_client().open(
                path, method=method, json=item["request"],
                headers=headers(record["apiKey"]),
                environ_overrides={ENV_BATCH_ITEM: True})
        body = response.get_json(silent=True)
        return response.status_code, ({} if body is None else body)

    return run


def run_batch(ctx: MockContext, brand: Brand, version: str, batch_id: str) -> int:
    """Run every remaining item of one batch now (sync mode); the caller holds the tenant lock."""
    return batches.process(brand, version, batch_id, executor(ctx))


def drain_tenant(ctx: MockContext, tenant: TenantState) -> dict[str, int]:
    """Finish every pending batch and started campaign of one brand now."""
    brand = Brand(ctx, tenant)
    done = {"batches": 0, "items": 0, "campaigns": 0}
    run = executor(ctx)
    with tenant.lock:
        for version, batch_id in batches.pending(brand):
            done["items"] += batches.process(brand, version, batch_id, run)
            done["batches"] += 1
        done["campaigns"] = campaigns.complete_started(brand)
        done.update(marketing.run_due(brand))
    return done


def drain(ctx: MockContext, tenant_id: str | None = None) -> dict[str, Any]:
    """Finish all pending background work of every brand (or one); return counts per brand."""
    out: dict[str, Any] = {}
    for tenant in ctx.store.tenants(C.VENDOR):
        if tenant_id is None or tenant.tenant_id == tenant_id:
            out[tenant.tenant_id] = drain_tenant(ctx, tenant)
    return out


class BatchWorker(TickWorker):
    """Async mode: runs queued items at ``omnisend_batch_rate`` items per second of mock time across
    brands, taking the brand's lock per item, and completes started campaigns."""

    name = "omnisend-batches"

    def __init__(self, ctx: MockContext) -> None:
        super().__init__(ctx, TICK_SECONDS)
        # Redis mode: one budget for every process, so the rate is the sandbox's, not each worker's.
        self.budget = rate_budget(ctx, "omnisend-batches", ctx.settings.omnisend_batch_rate)

    def tick(self, ctx: MockContext, now: float, elapsed: float) -> int:
        """Run as many items as the budget allows across brands; return how many ran."""
        self.budget.grow(elapsed)
        ran = 0
        run = executor(ctx)
        for tenant in ctx.store.tenants(C.VENDOR):
            brand = Brand(ctx, tenant)
            with tenant.lock:
                campaigns.complete_started(brand)
                marketing.run_due(brand)
            while not self.stopping and self.budget.reserve(1):
                count = 0
                try:
                    with tenant.lock:
                        queue = batches.pending(brand)
                        if not queue:
                            break
                        version, batch_id = queue[0]
                        count = batches.process(brand, version, batch_id, run, limit=1)
                finally:
                    self.budget.refund(1 - count)
                ran += count
        return ran
