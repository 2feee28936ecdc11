"""API keys per vendor: which tenant a key belongs to and which scopes it carries."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class ApiKey:
    """One key of one tenant; ``scopes`` None means every scope."""

    vendor: str
    key: str
    tenant_id: str
    scopes: frozenset[str] | None = None

    def allows(self, scope: str | None) -> bool:
        """Whether the key carries ``scope`` (None = no scope needed)."""
        return scope is None or self.scopes is None or scope in self.scopes


class KeyRing:
    """Lookup of keys by vendor; rebuilt whenever fixtures load."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._keys: dict[tuple[str, str], ApiKey] = {}

    def replace(self, keys: Iterable[ApiKey]) -> None:
        """Swap in a new set of keys."""
        new = {(k.vendor, k.key): k for k in keys}
        with self._lock:
            self._keys = new

    def lookup(self, vendor: str, key: str | None) -> ApiKey | None:
        """Return the key record, or None for a missing or unknown key."""
        if not key:
            return None
        return self._keys.get((vendor, key))

    def for_tenant(self, vendor: str, tenant_id: str) -> list[ApiKey]:
        """Return the keys of one tenant."""
        return [k for k in self._keys.values() if k.vendor == vendor and k.tenant_id == tenant_id]
