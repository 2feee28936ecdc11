"""Per-vendor registries of resources: store specs and fixture seeders (no Flask here)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from mock_server.core.store import CollectionSpec

T = TypeVar("T")


class ResourceRegistry(Generic[T]):
    """A vendor's resources: their store specs (sort keys, lookups) and fixture seeders.

    Resource modules register themselves at import, so adding a resource touches no shared list.
    Seeders run in ``order`` (lower first), because later resources may refer to earlier ones (orders
    attach to contacts); ``T`` is the vendor's tenant view (Brand, Account).
    """

    def __init__(self) -> None:
        self.collections: dict[str, CollectionSpec] = {}
        self.seeders: dict[str, tuple[int, Callable[[T, dict[str, Any]], None]]] = {}

    def register_collection(self, name: str, spec: CollectionSpec) -> None:
        """Declare a resource's sort indexes and lookups."""
        self.collections[name] = spec

    def register_seeder(self, resource: str, seeder: Callable[[T, dict[str, Any]], None], order: int = 50) -> None:
        """Declare how the fixture file ``<resource>.json`` is loaded."""
        self.seeders[resource] = (order, seeder)

    def ordered_seeders(self) -> list[tuple[str, Callable[[T, dict[str, Any]], None]]]:
        """Every registered seeder in load order."""
        ranked = sorted(self.seeders.items(), key=lambda item: (item[1][0], item[0]))
        return [(name, seeder) for name, (_, seeder) in ranked]
