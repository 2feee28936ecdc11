"""Omnisend backend: rules and state of one brand, no Flask. Views call these with a :class:`Brand`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mock_server.core.clock import iso_ms, sort_time
from mock_server.core.context import MockContext
from mock_server.core.store import Collection, CollectionSpec, TenantState

# Every resource of a brand with its sort indexes (omnisend.md §2.4) and lookups; filled by the
# resource modules through register_collection().
COLLECTIONS: dict[str, CollectionSpec] = {}


def created_key(record: dict[str, Any]) -> float | None:
    """Sort key: ``createdAt`` as POSIX seconds."""
    return sort_time(record.get("createdAt"))


def updated_key(record: dict[str, Any]) -> float | None:
    """Sort key: ``updatedAt`` as POSIX seconds."""
    return sort_time(record.get("updatedAt"))


class Brand:
    """One brand's state plus the mechanisms its rules need (clock, ids, settings)."""

    def __init__(self, ctx: MockContext, tenant: TenantState) -> None:
        self.ctx = ctx
        self.tenant = tenant

    @property
    def brand_id(self) -> str:
        """The brand's id."""
        return self.tenant.tenant_id

    @property
    def config(self) -> dict[str, Any]:
        """The brand's fixture settings."""
        return self.tenant.config

    def col(self, name: str) -> Collection:
        """Return one of the brand's collections."""
        return self.tenant.collection(name)

    def now(self) -> str:
        """Return mock time as the mock's own timestamp format."""
        return iso_ms(self.ctx.clock.now())

    def new_id(self) -> str:
        """Return a new 24-hex object id (reproducible under --seed)."""
        return self.tenant.ids.hex(24)

    def new_uuid(self) -> str:
        """Return a new UUID v4 (reproducible under --seed)."""
        return self.tenant.ids.uuid4()

    def workflow_enabled(self, name: str) -> bool:
        """Whether the brand's fixtures enable workflow ``name``."""
        return name in self.config.get("workflows", [])

    def outbox(self, entry: dict[str, Any]) -> None:
        """Record a side effect (workflow, campaign, batch) for the control plane and dashboard."""
        entry = {"vendor": "omnisend", "tenant": self.brand_id, "at": self.now(), **entry}
        self.tenant.extra.setdefault("outbox", []).append(entry)


# Resource file name -> (load order, seeder). Resource modules register theirs at import; lower orders
# load first, because later resources may refer to earlier ones (orders attach to contacts).
Seeder = Callable[["Brand", dict[str, Any]], None]
SEEDERS: dict[str, tuple[int, Seeder]] = {}


def register_seeder(resource: str, seeder: Seeder, order: int = 50) -> None:
    """Declare how the fixture file ``<resource>.json`` is loaded."""
    SEEDERS[resource] = (order, seeder)


def seeders() -> list[tuple[str, Seeder]]:
    """Every registered seeder in load order."""
    return [(name, seeder) for name, (_, seeder) in sorted(SEEDERS.items(), key=lambda item: (item[1][0], item[0]))]


def register_collection(name: str, spec: CollectionSpec) -> None:
    """Declare a resource's sort indexes and lookups (resource modules call this at import)."""
    COLLECTIONS[name] = spec
