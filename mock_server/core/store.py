"""All tenants' state: per tenant, per resource collections (core.collection) behind one lock each.

A tenant's collections, its settings and its other state (queues, logs, counters) live in one
:class:`TenantState`; the :class:`Store` holds every tenant and the seed snapshots that reset returns to.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from mock_server.core.collection import (
    IID_ORDER,
    ChangeHook,
    Collection,
    CollectionSpec,
    Lookup,
    Page,
    Position,
    Predicate,
    Record,
    SortKey,
    clone,
)
from mock_server.core.ids import IdGenerator
from mock_server.core.locking import TenantLock
from mock_server.core.pagecache import Generations, LocalGenerations

__all__ = ["IID_ORDER", "ChangeHook", "Collection", "CollectionSpec", "Lookup", "Page", "Position",
           "Predicate", "Record", "SortKey", "Store", "StoreObserver", "TenantState", "clone"]


class StoreObserver(Protocol):
    """Told of every change to stored state (the persistence layer's one hook into the store)."""

    def record_changed(self, tenant: TenantState, collection: str, op: str, key: str, value: Any) -> None:
        """A collection of ``tenant`` changed (called under the tenant's lock, after the change)."""

    def tenant_reset(self, tenant: TenantState) -> None:
        """``tenant`` went back to its seed."""

    def tenants_replaced(self) -> None:
        """A new set of tenants (and seeds) was swapped in."""


@dataclass
class TenantState:
    """Everything one tenant (an Omnisend brand, an Ometria account) owns, behind one lock."""

    vendor: str
    tenant_id: str
    config: dict[str, Any]
    ids: IdGenerator
    collection_specs: Mapping[str, CollectionSpec]
    # Every write happens under this lock; its release bumps the tenant's generation (see core.locking).
    lock: TenantLock = field(default_factory=TenantLock)
    collections: dict[str, Collection] = field(default_factory=dict)
    # JSON-like state that is not a keyed collection (logs, queues, counters).
    extra: dict[str, Any] = field(default_factory=dict)
    observer: StoreObserver | None = None

    def __post_init__(self) -> None:
        for name, spec in self.collection_specs.items():
            self.collections.setdefault(name, Collection(spec))

    def collection(self, name: str) -> Collection:
        """Return the collection ``name`` (created on first use with the vendor's sort keys)."""
        found = self.collections.get(name)
        if found is None:
            found = self.collections[name] = Collection(self._spec_for(name), self._hook(name))
        return found

    def observe(self, observer: StoreObserver | None) -> None:
        """Tell ``observer`` of every later change to this tenant's collections."""
        self.observer = observer
        for name, col in self.collections.items():
            col.on_change = self._hook(name)

    def _hook(self, name: str) -> ChangeHook | None:
        observer = self.observer
        if observer is None:
            return None
        return lambda op, key, value: observer.record_changed(self, name, op, key, value)

    def _spec_for(self, name: str) -> CollectionSpec | None:
        # "contacts:vip" takes the spec of "contacts": one store collection per sub-collection.
        return self.collection_specs.get(name) or self.collection_specs.get(name.split(":", 1)[0])

    def empty_collection(self, name: str) -> Collection:
        """An empty, unregistered collection with the sort keys ``name`` would have (reads of nothing)."""
        return Collection(self._spec_for(name))

    def find_collection(self, name: str) -> Collection | None:
        """Return the collection ``name`` if it exists (reads must not create collections)."""
        return self.collections.get(name)

    def snapshot(self) -> dict[str, Any]:
        """Return a deep copy of the whole state, for an exact reset."""
        with self.lock:
            return {
                "config": clone(self.config),
                "collections": {name: col.dump() for name, col in self.collections.items()},
                "extra": clone(self.extra),
                "ids": self.ids.getstate(),
            }

    def restore(self, snap: Mapping[str, Any]) -> None:
        """Put the state back exactly as :meth:`snapshot` saw it."""
        with self.lock:
            self.config = clone(snap["config"])
            self.collections = {}
            for name, dumped in snap["collections"].items():
                self.collection(name).load(dumped)
            for name in self.collection_specs:
                self.collection(name)
            self.extra = clone(snap["extra"])
            self.ids.setstate(snap["ids"])


class Store:
    """All tenants of all vendors, with the seed snapshots that ``reset`` returns to."""

    def __init__(self, generations: Generations | None = None) -> None:
        self.lock = threading.RLock()
        self._tenants: dict[tuple[str, str], TenantState] = {}
        self._seeds: dict[tuple[str, str], dict[str, Any]] = {}
        self.generations: Generations = generations or LocalGenerations()
        self.observer: StoreObserver | None = None

    def _track(self, tenant: TenantState) -> None:
        key = (tenant.vendor, tenant.tenant_id)
        tenant.lock.on_write = lambda: self.generations.bump(key)

    def observe(self, observer: StoreObserver | None) -> None:
        """Tell ``observer`` of every later change to stored state (the persistence hook)."""
        with self.lock:
            self.observer = observer
            for tenant in self._tenants.values():
                tenant.observe(observer)

    def add(self, tenant: TenantState) -> None:
        """Register a freshly seeded tenant and remember its seed."""
        with self.lock:
            key = (tenant.vendor, tenant.tenant_id)
            self._tenants[key] = tenant
            self._seeds[key] = tenant.snapshot()
            self._track(tenant)
            self.generations.bump(key)
            tenant.observe(self.observer)

    def replace_all(self, tenants: list[TenantState]) -> None:
        """Swap in a whole new set of seeded tenants at once (fixture reload)."""
        snaps = {(t.vendor, t.tenant_id): t.snapshot() for t in tenants}
        with self.lock:
            self._tenants = {(t.vendor, t.tenant_id): t for t in tenants}
            self._seeds = snaps
            for tenant in tenants:
                self._track(tenant)
                tenant.observe(self.observer)
            self.generations.bump_all()
        if self.observer is not None:
            self.observer.tenants_replaced()

    def tenant(self, vendor: str, tenant_id: str) -> TenantState | None:
        """Return a tenant, or None."""
        return self._tenants.get((vendor, tenant_id))

    def tenants(self, vendor: str | None = None) -> list[TenantState]:
        """Return the tenants of one vendor (or all), in registration order."""
        with self.lock:
            return [t for (v, _), t in self._tenants.items() if vendor is None or v == vendor]

    def reset(self, vendor: str | None = None, tenant_id: str | None = None) -> list[TenantState]:
        """Restore the seed of every matching tenant; return the tenants reset."""
        done = []
        with self.lock:
            for (v, t), state in self._tenants.items():
                if (vendor is None or v == vendor) and (tenant_id is None or t == tenant_id):
                    state.restore(self._seeds[(v, t)])
                    done.append(state)
                    if self.observer is not None:
                        self.observer.tenant_reset(state)
        return done
