"""Rate-limit usage of a tenant as the window stands now, read without counting (overview and charts)."""

from __future__ import annotations

from dataclasses import dataclass

from mock_server.core.context import MockContext
from mock_server.core.ratelimit import LimitRule
from mock_server.core.store import TenantState
from mock_server.ometria import constants as ometria_constants
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
