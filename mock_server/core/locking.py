"""The tenant lock: an ``RLock`` that reports every writer's release, so the answer cache knows.

All tenant state is changed under the tenant's lock (views, background workers, the control plane).
Leaving the outermost ``with tenant.lock`` calls ``on_write`` (the tenant's generation bump) unless the
holder declared a pure read with :meth:`TenantLock.reading`; a read that was not declared costs at most
a needless bump, never a stale answer.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from types import TracebackType


class TenantLock:
    """A re-entrant lock whose outermost release counts as a write unless declared a read."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._local = threading.local()
        self.on_write: Callable[[], None] | None = None

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        """Acquire like ``RLock.acquire``."""
        got = self._lock.acquire(blocking, timeout)
        if got:
            self._local.depth = getattr(self._local, "depth", 0) + 1
        return got

    def release(self) -> None:
        """Release; the outermost release of a writer calls ``on_write`` first (still holding the lock)."""
        depth = self._local.depth - 1
        self._local.depth = depth
        if depth == 0 and not getattr(self._local, "reading", False) and self.on_write is not None:
            self.on_write()
        self._lock.release()

    def __enter__(self) -> TenantLock:
        self.acquire()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()

    def reading(self) -> AbstractContextManager[None]:
        """Hold the lock for a pure read: leaving it bumps nothing (unless an outer holder writes)."""
        return _Reading(self)


class _Reading:
    """``with lock.reading():`` (a plain context manager: a generator-based one cost more than the read it
    guards on the answer path)."""

    __slots__ = ("_lock", "_outer")

    def __init__(self, lock: TenantLock) -> None:
        self._lock = lock
        self._outer = False

    def __enter__(self) -> None:
        lock = self._lock
        local = lock._local
        self._outer = outer = getattr(local, "reading", False)
        nested = getattr(local, "depth", 0) > 0
        lock.acquire()
        local.reading = outer or not nested

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            self._lock.release()  # still flagged: a reader's outermost release bumps nothing
        finally:
            self._lock._local.reading = self._outer
