"""The answer cache behind the fast lane: per-tenant write generations and cached answers.

A cached answer is keyed by the tenant, the tenant's current write *generation* and the request as the
view saw it (path, raw query, host). Every write to a tenant bumps its generation, so an answer cached
before the write is never found again; nothing is ever invalidated by hand. Both halves sit behind small
interfaces (:class:`Generations`, :class:`AnswerCache`) so that a shared store (Redis, issue 15) can hold
them instead of this process.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any, Protocol

TenantKey = tuple[str, str]  # (vendor, tenant id)
# How many answers, and how many body bytes, the in-process cache keeps (least recently used fall out).
DEFAULT_MAX_ENTRIES = 4096
DEFAULT_MAX_BYTES = 64 * 1024 * 1024


class Generations(Protocol):
    """Write generations per tenant: a value that changes whenever the tenant's state may have changed."""

    def current(self, tenant: TenantKey) -> Hashable:
        """The tenant's generation now."""

    def bump(self, tenant: TenantKey) -> None:
        """Note a write to one tenant."""

    def bump_all(self) -> None:
        """Note a change that may touch every tenant (reset, fixture reload, clock move)."""


class LocalGenerations:
    """Generations in this process: a global epoch plus a counter per tenant."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._epoch = 0
        self._counts: dict[TenantKey, int] = {}

    def current(self, tenant: TenantKey) -> Hashable:
        """``(epoch, tenant counter)``."""
        return (self._epoch, self._counts.get(tenant, 0))

    def bump(self, tenant: TenantKey) -> None:
        """Count one write."""
        with self._lock:
            self._counts[tenant] = self._counts.get(tenant, 0) + 1

    def bump_all(self) -> None:
        """Start a new epoch."""
        with self._lock:
            self._epoch += 1


@dataclass(frozen=True)
class CachedAnswer:
    """What the slow path answered, minus what changes per request.

    ``headers`` are the answer's headers in order; a value of None marks a per-request header (the
    request id, the rate-limit headers) that the fast lane fills in. ``scope`` is the permission the
    route needs (checked on every hit), ``body`` the exact bytes, ``route`` the route's metadata (its
    rate-limit group), handed back to the vendor on every hit.
    """

    status: str
    headers: tuple[tuple[str, str | None], ...]
    body: bytes
    scope: str | None
    route: Any


class AnswerCache(Protocol):
    """Cached answers by key."""

    def get(self, key: Hashable) -> CachedAnswer | None:
        """The answer stored under ``key``, or None."""

    def put(self, key: Hashable, answer: CachedAnswer) -> None:
        """Store an answer."""

    def clear(self) -> None:
        """Forget everything."""


class LocalAnswerCache:
    """A bounded least-recently-used map in this process (entries and body bytes both bounded)."""

    def __init__(self, max_entries: int = DEFAULT_MAX_ENTRIES, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self._lock = threading.Lock()
        self._items: OrderedDict[Hashable, CachedAnswer] = OrderedDict()
        self._bytes = 0
        self.max_entries = max_entries
        self.max_bytes = max_bytes

    def get(self, key: Hashable) -> CachedAnswer | None:
        """Look up (and refresh) an entry."""
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: Hashable, answer: CachedAnswer) -> None:
        """Store, then drop the least recently used entries past either bound."""
        if len(answer.body) > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body)
            self._items[key] = answer
            self._bytes += len(answer.body)
            while len(self._items) > self.max_entries or self._bytes > self.max_bytes:
                _, dropped = self._items.popitem(last=False)
                self._bytes -= len(dropped.body)

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._items.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._items)
