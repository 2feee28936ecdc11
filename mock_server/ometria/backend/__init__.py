"""Ometria backend: rules and state of one account, no Flask. Views call these with an :class:`Account`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mock_server.core.clock import iso_ms
from mock_server.core.context import MockContext
from mock_server.core.store import Collection, CollectionSpec, TenantState

# Internal bookkeeping kept beside a record's stored fields, never rendered:
#   {"id": <record id>, "collection": <contact collection, contacts only>, "created": <POSIX s>,
#    "updated": <POSIX s of the last applied write>, ...}
# Stored shapes: collection "contacts:<name>" keyed by contact id; "orders", "products", "custom_events"
# keyed by record id. A stored record = the pushed fields minus @type / id / control keys, plus META.
META = "_meta"


def updated_at(record: dict[str, Any]) -> float:
    """Sort key for ``orderby=timestamp_update``: the time of the last applied write."""
    return float(record[META]["updated"])


# Record collections with their sort indexes, filled by the resource modules through
# register_collection(). Contacts live in one collection per ``@collection`` ("contacts:<name>").
COLLECTIONS: dict[str, CollectionSpec] = {}


def contact_collection(name: str) -> str:
    """Return the store collection that holds the listings of one Ometria collection."""
    return f"contacts:{name}"


class Account:
    """One account's state plus the mechanisms its rules need."""

    def __init__(self, ctx: MockContext, tenant: TenantState) -> None:
        self.ctx = ctx
        self.tenant = tenant
        # Remarks ``(path, message)`` made while this Account served one request; a view copies them
        # into X-Mock-Warnings (only synchronous work has a response to carry them).
        self.warnings: list[tuple[str, str]] = []

    @property
    def account_id(self) -> str:
        """The account's id."""
        return self.tenant.tenant_id

    def col(self, name: str) -> Collection:
        """Return a collection (``contacts:<name>`` ones take the contact sort keys)."""
        return self.tenant.collection(name)

    def contact_collections(self) -> dict[str, Collection]:
        """Return ``{collection name: store collection}`` for every contact collection."""
        return {name.split(":", 1)[1]: col for name, col in self.tenant.collections.items()
                if name.startswith("contacts:")}

    def now(self) -> str:
        """Mock time in the mock's timestamp format."""
        return iso_ms(self.ctx.clock.now())

    def now_ts(self) -> float:
        """Mock time as POSIX seconds."""
        return self.ctx.clock.time()

    def new_uuid(self) -> str:
        """A UUID v4 (reproducible under --seed)."""
        return self.tenant.ids.uuid4()

    def warn(self, path: str, message: str) -> None:
        """Record a non-fatal remark about the current work."""
        if (path, message) not in self.warnings:
            self.warnings.append((path, message))

    def outbox(self, entry: dict[str, Any]) -> None:
        """Record a side effect for the control plane and dashboard."""
        entry = {"vendor": "ometria", "tenant": self.account_id, "at": self.now(), **entry}
        self.tenant.extra.setdefault("outbox", []).append(entry)


# Resource file name -> (load order, seeder). Resource modules register theirs at import; lower orders
# load first, because later resources may refer to earlier ones (orders attach to contacts).
Seeder = Callable[["Account", dict[str, Any]], None]
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
