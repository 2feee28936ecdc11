"""Overview: tenants of both vendors, record counts, rate-limit usage, the Ometria queue, the clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Response

from mock_server.control.routes.system import clock_state
from mock_server.control.ui.render import page
from mock_server.control.ui.samples import sampler
from mock_server.core.context import MockContext
from mock_server.core.request import ctx
from mock_server.core.store import TenantState
from mock_server.ometria import constants as ometria_constants
from mock_server.ometria.backend.queue import queue_status

if TYPE_CHECKING:
    from mock_server.control.ui.usage import Usage

REFRESH_MS = 2000  # the live part polls this often (the issue asks for "within a few seconds")


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


def tenant_view(mock: MockContext, tenant: TenantState) -> TenantView:
    """Everything the overview shows about one tenant, read under its lock."""
    from mock_server.control.ui.usage import rate_usage  # the overview's modules load with its first page

    with tenant.lock:
        view = TenantView(tenant.vendor, tenant.tenant_id, str(tenant.config.get("name") or ""))
        view.records = sorted((name, len(col)) for name, col in tenant.collections.items())
        view.usage = rate_usage(mock, tenant)
        if tenant.vendor == ometria_constants.VENDOR:
            status = queue_status(tenant)  # what GET /_mock/ometria/queue answers
            view.queue = Queue(int(status["waiting"]), int(status["cap"]), bool(status["paused"]))
    return view


def model(mock: MockContext) -> dict[str, Any]:
    """What the overview's live part shows: clock, counts, charts, one row per tenant."""
    from mock_server.control.ui.stats import overview_charts

    sampler().sample(mock)  # the charts end at this moment (a sample is also taken after each request)
    tenants = [tenant_view(mock, t) for t in sorted(mock.store.tenants(), key=lambda t: (t.vendor, t.tenant_id))]
    return {"tenants": tenants, "clock": clock_state(mock), "rate_limits": mock.limiter.enabled,
            "journal_entries": len(mock.journal), "journal_size": mock.journal.size,
            "faults": len(mock.faults.rules()), "charts": overview_charts(mock, sampler().samples())}


def register(bp: Blueprint) -> None:
    """Attach the overview page and its live part."""

    @bp.get("")
    def overview() -> Response:
        """Show the clock, charts of traffic, limits and queues, and every tenant; refreshing itself."""
        return page("ui/overview.html", title="Overview", refresh_ms=REFRESH_MS, **model(ctx()))

    @bp.get("/overview/live")
    def overview_live() -> Response:
        """Return the overview's live part alone (what the page's script fetches every few seconds)."""
        return page("ui/_overview_live.html", **model(ctx()))
