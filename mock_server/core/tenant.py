"""What vendor rules get to work with: one tenant's state plus the app's clock, ids and outbox."""

from __future__ import annotations

from typing import Any, ClassVar

from mock_server.core.clock import iso_ms_at
from mock_server.core.context import MockContext
from mock_server.core.store import Collection, TenantState


class TenantView:
    """One tenant's state and the mechanisms its rules need; vendors subclass it (Brand, Account)."""

    vendor: ClassVar[str]

    def __init__(self, ctx: MockContext, tenant: TenantState) -> None:
        self.ctx = ctx
        self.tenant = tenant

    @property
    def tenant_id(self) -> str:
        """The tenant's id (an Omnisend brandID, an Ometria account id)."""
        return self.tenant.tenant_id

    @property
    def config(self) -> dict[str, Any]:
        """The tenant's fixture settings (``tenant.json``)."""
        return self.tenant.config

    def col(self, name: str) -> Collection:
        """Return one of the tenant's collections (created on first use with the vendor's spec)."""
        return self.tenant.collection(name)

    def now(self) -> str:
        """Mock time in the mock's own timestamp format (UTC, milliseconds, ``Z``)."""
        return iso_ms_at(self.ctx.clock.time())  # = iso_ms(clock.now()), rendered faster

    def now_ts(self) -> float:
        """Mock time as POSIX seconds."""
        return self.ctx.clock.time()

    def new_uuid(self) -> str:
        """A UUID v4 (reproducible under --seed)."""
        return self.tenant.ids.uuid4()

    def outbox(self, entry: dict[str, Any]) -> None:
        """Record a side effect (workflow, email, trigger, ...) for the control plane and dashboard."""
        entry = {"vendor": self.vendor, "tenant": self.tenant_id, "at": self.now(), **entry}
        self.tenant.extra.setdefault("outbox", []).append(entry)
