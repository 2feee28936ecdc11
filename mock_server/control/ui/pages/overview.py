"""Overview: tenants of both vendors, record counts, rate-limit usage, the Ometria queue, the clock."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, Response

from mock_server.control.routes.system import clock_state
from mock_server.control.ui.render import page
from mock_server.core.context import MockContext
from mock_server.core.ratelimit import LimitRule
from mock_server.core.request import ctx
from mock_server.core.store import TenantState
from mock_server.ometria import constants as ometria_constants
from mock_server.ometria.backend.queue import queue_status
from mock_server.ometria.vendor import rate_rule as ometria_rule
from mock_server.omnisend import constants as omnisend_constants
from mock_server.omnisend.vendor import rate_rule as omnisend_rule


@dataclass(frozen=True)
class Usage:
    """One rate-limit group of one tenant as the window stands now."""

    group: str
    enabled: bool
    used: int = 0
    limit: int = 0
    window: float = 0.0
    reset_in: int | None = None  # seconds until a slot frees (None: nothing used)
    shared_with: str | None = None  # the bucket when the group shares its window

    @property
    def window_text(self) -> str:
        """The window for people: ``60 s``, ``1 s``, ``0.5 s``."""
        return f"{self.window:g} s"

    @property
    def percent(self) -> int:
        """How full the window is, 0-100."""
        return min(100, round(100 * self.used / self.limit)) if self.limit else 0


@dataclass(frozen=True)
class Queue:
    """The Ometria push queue of one account."""

    waiting: int
    cap: int
    paused: bool


@dataclass
class TenantView:
    """One tenant's row of the overview."""

    vendor: str
    tenant_id: str
    name: str
    records: list[tuple[str, int]] = field(default_factory=list)
    usage: list[Usage] = field(default_factory=list)
    queue: Queue | None = None

    @property
    def total_records(self) -> int:
        """Records in every collection."""
        return sum(count for _, count in self.records)

    @property
    def filled(self) -> list[tuple[str, int]]:
        """The resources that hold records (the empty ones are only counted)."""
        return [(name, count) for name, count in self.records if count]

    @property
    def empty(self) -> int:
        """How many resources hold nothing."""
        return sum(1 for _, count in self.records if not count)


def usage_of(mock: MockContext, tenant: TenantState, group: str, rule: LimitRule | None) -> Usage:
    """Read one window without counting (``RateLimiter.usage``), the way the vendor's pipeline keys it."""
    if rule is None:
        return Usage(group, enabled=False)
    state = mock.limiter.usage((tenant.vendor, tenant.tenant_id), rule)
    used = rule.limit - state.remaining
    return Usage(group, True, used, rule.limit, rule.window, state.reset if used else None,
                 rule.bucket if rule.bucket != group else None)


def rate_usage(mock: MockContext, tenant: TenantState) -> list[Usage]:
    """Omnisend: the brand's one window; Ometria: one per limit group (shared buckets show as such)."""
    if tenant.vendor == omnisend_constants.VENDOR:
        return [usage_of(mock, tenant, omnisend_constants.RATE_GROUP, omnisend_rule(tenant))]
    if tenant.vendor == ometria_constants.VENDOR:
        return [usage_of(mock, tenant, group, ometria_rule(tenant, group)) for group in ometria_constants.RATE_GROUPS]
    return []


def tenant_view(mock: MockContext, tenant: TenantState) -> TenantView:
    """Everything the overview shows about one tenant, read under its lock."""
    with tenant.lock:
        view = TenantView(tenant.vendor, tenant.tenant_id, str(tenant.config.get("name") or ""))
        view.records = sorted((name, len(col)) for name, col in tenant.collections.items())
        view.usage = rate_usage(mock, tenant)
        if tenant.vendor == ometria_constants.VENDOR:
            status = queue_status(tenant)  # what GET /_mock/ometria/queue answers
            view.queue = Queue(int(status["waiting"]), int(status["cap"]), bool(status["paused"]))
    return view


def register(bp: Blueprint) -> None:
    """Attach the overview page."""

    @bp.get("")
    def overview() -> Response:
        """Show tenants, record counts, rate-limit usage, queue depth and the clock."""
        mock = ctx()
        tenants = [tenant_view(mock, t) for t in sorted(mock.store.tenants(), key=lambda t: (t.vendor, t.tenant_id))]
        return page("ui/overview.html", title="Overview", tenants=tenants, clock=clock_state(mock),
                    rate_limits=mock.limiter.enabled, journal_entries=len(mock.journal),
                    journal_size=mock.journal.size, faults=len(mock.faults.rules()))
