"""Omnisend backend: rules and state of one brand, no Flask. Views call these with a :class:`Brand`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mock_server.core.clock import sort_time
from mock_server.core.resources import ResourceRegistry
from mock_server.core.tenant import TenantView

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo


def created_key(record: dict[str, Any]) -> float | None:
    """Sort key: ``createdAt`` as POSIX seconds."""
    return sort_time(record.get("createdAt"))


def updated_key(record: dict[str, Any]) -> float | None:
    """Sort key: ``updatedAt`` as POSIX seconds."""
    return sort_time(record.get("updatedAt"))


class Brand(TenantView):
    """One brand's state plus the mechanisms its rules need (clock, ids, settings)."""

    vendor = "omnisend"

    @property
    def brand_id(self) -> str:
        """The brand's id."""
        return self.tenant.tenant_id

    def new_id(self) -> str:
        """Return a new 24-hex object id (reproducible under --seed)."""
        return self.tenant.ids.hex(24)

    def zone(self) -> ZoneInfo:
        """The brand's timezone (``tenant.json`` ``timezone``; UTC when absent or unknown)."""
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # a start-up never asks (it imports sysconfig)

        try:
            return ZoneInfo(str(self.config.get("timezone") or "UTC"))
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo("UTC")

    def workflow_enabled(self, name: str) -> bool:
        """Whether the brand's fixtures enable workflow ``name``."""
        return name in self.config.get("workflows", [])


# Every resource of a brand: store specs (sort indexes, §2.4, and lookups) and fixture seeders, filled
# by the resource modules at import.
REGISTRY: ResourceRegistry[Brand] = ResourceRegistry()
COLLECTIONS = REGISTRY.collections
SEEDERS = REGISTRY.seeders
register_collection = REGISTRY.register_collection
register_seeder = REGISTRY.register_seeder
seeders = REGISTRY.ordered_seeders
