"""Ometria backend: rules and state of one account, no Flask. Views call these with an :class:`Account`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mock_server.core.context import MockContext
from mock_server.core.resources import ResourceRegistry
from mock_server.core.store import Collection, TenantState
from mock_server.core.tenant import TenantView

# Internal bookkeeping kept beside a record's stored fields, never rendered:
#   {"id": <record id>, "collection": <contact collection, contacts only>, "created": <POSIX s>,
#    "updated": <POSIX s of the last applied write>, ...}
# Stored shapes: collection "contacts:<name>" keyed by contact id; "orders", "products", "custom_events"
# keyed by record id. A stored record = the pushed fields minus @type / id / control keys, plus META.
META = "_meta"


def updated_at(record: dict[str, Any]) -> float:
    """Sort key for ``orderby=timestamp_update``: the time of the last applied write."""
    return float(record[META]["updated"])


def contact_collection(name: str) -> str:
    """Return the store collection that holds the listings of one Ometria collection."""
    return f"contacts:{name}"


class Account(TenantView):
    """One account's state plus the mechanisms its rules need."""

    vendor = "ometria"

    def __init__(self, ctx: MockContext, tenant: TenantState) -> None:
        super().__init__(ctx, tenant)
        # Remarks ``(path, message)`` made while this Account served one request; a view copies them
        # into X-Mock-Warnings (only synchronous work has a response to carry them).
        self.warnings: list[tuple[str, str]] = []

    @property
    def account_id(self) -> str:
        """The account's id."""
        return self.tenant.tenant_id

    def contact_collections(self) -> dict[str, Collection]:
        """Return ``{collection name: store collection}`` for every contact collection."""
        return {name.split(":", 1)[1]: col for name, col in self.tenant.collections.items()
                if name.startswith("contacts:")}

    def warn(self, path: str, message: str) -> None:
        """Record a non-fatal remark about the current work."""
        if (path, message) not in self.warnings:
            self.warnings.append((path, message))


# Every resource of an account: store specs (sort indexes) and fixture seeders, filled by the resource
# modules at import. Contacts live in one collection per ``@collection`` ("contacts:<name>").
REGISTRY: ResourceRegistry[Account] = ResourceRegistry()
COLLECTIONS = REGISTRY.collections
SEEDERS = REGISTRY.seeders
register_collection = REGISTRY.register_collection
register_seeder = REGISTRY.register_seeder
seeders = REGISTRY.ordered_seeders


# Hooks run after a record of a resource is written (push processing or REST POST), e.g. profile
# clustering on "contacts" and "orders". Signature: hook(account, resource, stored_record).
WriteHook = Callable[["Account", str, dict[str, Any]], None]
WRITE_HOOKS: dict[str, list[WriteHook]] = {}


def register_write_hook(resource: str, hook: WriteHook) -> None:
    """Run ``hook`` after every write of ``resource`` ("contacts", "orders", "products", "custom_events")."""
    WRITE_HOOKS.setdefault(resource, []).append(hook)


def run_write_hooks(account: Account, resource: str, record: dict[str, Any]) -> None:
    """Call the hooks of ``resource`` (the record is the stored one, hooks may update it in place)."""
    for hook in WRITE_HOOKS.get(resource, []):
        hook(account, resource, record)
