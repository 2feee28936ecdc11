"""The request journal: a bounded ring of what clients sent to the vendor APIs and what they got back.

The ring has a fixed size (oldest entries fall out) so memory stays flat however long the server runs.
Bodies are kept up to a byte limit. Entries are plain JSON-ready dicts; filters are vendor-neutral.
"""

from __future__ import annotations

import fnmatch
import itertools
import json
import threading
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mock_server.core.clock import parse_datetime

DEFAULT_SIZE = 1000
DEFAULT_BODY_LIMIT = 8192
# Headers whose values are secrets: shown as their first 4 characters + "***".
SECRET_HEADERS = frozenset({"x-api-key", "x-ometria-auth", "authorization", "proxy-authorization",
                            "x-mock-admin-token", "cookie"})
MASK_KEEP = 4


def mask(value: str) -> str:
    """Return ``value`` with everything after its first 4 characters hidden."""
    return value[:MASK_KEEP] + "***"


def mask_headers(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Return the headers as a dict with secret values masked (repeated headers joined by ``, ``)."""
    out: dict[str, str] = {}
    for name, value in headers:
        shown = mask(value) if name.lower() in SECRET_HEADERS else value
        out[name] = f"{out[name]}, {shown}" if name in out else shown
    return out


def capture_body(data: bytes, limit: int, size: int | None = None) -> tuple[Any, bool, int]:
    """Return ``(shown body, truncated, size)``: parsed JSON when whole and valid, else text."""
    total = len(data) if size is None else size
    if not data:
        return None, False, total
    truncated = total > limit or len(data) > limit
    data = data[:limit]
    if not truncated:
        try:
            return json.loads(data.decode("utf-8")), False, total
        except (UnicodeDecodeError, ValueError):
            pass
    return data.decode("utf-8", "replace"), truncated, total


class Deferred:
    """A journal value computed when the journal is read, not on the request path (most entries never are)."""

    __slots__ = ("_args", "_func")

    def __init__(self, func: Any, *args: Any) -> None:
        self._func = func
        self._args = args

    def value(self) -> Any:
        """Compute the value."""
        return self._func(*self._args)


class LazyBody(Deferred):
    """A body kept as bytes (cut one byte past the limit) and parsed only when the journal is read.

    Parsing every answer on the request path cost as much as rendering it.
    """

    __slots__ = ("_data", "_limit", "_size")

    def __init__(self, data: bytes, limit: int, size: int | None = None) -> None:
        self._data = data[:limit + 1]
        self._limit = limit
        self._size = len(data) if size is None else size

    def value(self) -> Any:
        """What :func:`capture_body` shows for these bytes."""
        return capture_body(self._data, self._limit, self._size)[0]

    def raw(self) -> tuple[bytes, int, int]:
        """The kept bytes, the limit and the full size (a shared journal stores them as they are)."""
        return self._data, self._limit, self._size


def lazy_body(data: bytes, limit: int, size: int | None = None) -> tuple[Any, bool, int]:
    """Like :func:`capture_body`, but the shown body is a :class:`LazyBody` parsed when read."""
    total = len(data) if size is None else size
    if not data:
        return None, False, total
    return LazyBody(data, limit, total), total > limit or len(data) > limit, total


# Builders of packed entries (:meth:`Journal.record_packed`), by kind: a packed entry names its builder
# rather than holding it, so that it holds plain values only.
UNPACKERS: dict[str, Callable[..., dict[str, Any]]] = {}
Packed = tuple[int, str, tuple[Any, ...]]  # (id, kind, the builder's arguments)


def unpack(kind: str, fields: tuple[Any, ...]) -> dict[str, Any]:
    """The entry (without its id) a packed entry stands for, as :meth:`Journal.record` takes it."""
    return UNPACKERS[kind](*fields)


def _materialise(entry: dict[str, Any]) -> dict[str, Any]:
    for name, value in entry.items():
        if isinstance(value, Deferred):
            entry[name] = value.value()
    return entry


@dataclass(frozen=True)
class JournalFilter:
    """Which entries a query selects; None means "any"."""

    vendor: str | None = None
    tenant: str | None = None
    method: str | None = None
    path: str | None = None  # glob: * and ? and [..]
    status: str | None = None  # "404", "4xx", or "dropped"
    since: float | None = None  # mock time, inclusive
    until: float | None = None  # mock time, inclusive
    request_id: str | None = None
    batch_item: bool | None = None
    fault: str | None = None

    def matches(self, entry: Mapping[str, Any]) -> bool:
        """Whether ``entry`` passes every set criterion."""
        checks = (
            self.vendor is None or entry["vendor"] == self.vendor,
            self.tenant is None or entry["tenant"] == self.tenant,
            self.method is None or entry["method"] == self.method.upper(),
            self.path is None or fnmatch.fnmatchcase(entry["path"], self.path),
            self.status is None or status_matches(entry["status"], self.status),
            self.since is None or entry["epoch"] >= self.since,
            self.until is None or entry["epoch"] <= self.until,
            self.request_id is None or entry["requestId"] == self.request_id,
            self.batch_item is None or entry["batchItem"] == self.batch_item,
            self.fault is None or entry["fault"] == self.fault,
        )
        return all(checks)


def status_matches(status: int | None, wanted: str) -> bool:
    """``wanted`` is an exact status ("429"), a class ("4xx") or "dropped" (no answer was sent)."""
    wanted = wanted.strip().lower()
    if wanted == "dropped":
        return status is None
    if status is None:
        return False
    if len(wanted) == 3 and wanted.endswith("xx") and wanted[0].isdigit():
        return status // 100 == int(wanted[0])
    return wanted.isdigit() and status == int(wanted)


def valid_status_filter(wanted: str) -> bool:
    """Whether ``wanted`` is a status filter :func:`status_matches` understands."""
    wanted = wanted.strip().lower()
    return (wanted == "dropped" or (len(wanted) == 3 and wanted.isdigit())
            or (len(wanted) == 3 and wanted.endswith("xx") and wanted[0] in "12345"))


def parse_time(value: str) -> float | None:
    """Parse a journal time bound (RFC 3339) into POSIX seconds; None if invalid."""
    parsed: datetime | None = parse_datetime(value)
    return parsed.timestamp() if parsed is not None else None


class Journal:
    """A thread-safe ring of request entries, numbered from 1 in arrival order."""

    def __init__(self, size: int = DEFAULT_SIZE, body_limit: int = DEFAULT_BODY_LIMIT) -> None:
        if size < 1:
            raise ValueError("the journal holds at least one entry")
        self._lock = threading.Lock()
        self._entries: deque[dict[str, Any] | Packed] = deque(maxlen=size)
        self._seq = itertools.count(1)
        self.size = size
        self.body_limit = body_limit

    def record(self, entry: dict[str, Any]) -> dict[str, Any]:
        """Append ``entry`` (it gets an ``id``); the oldest entry falls out when the ring is full."""
        with self._lock:
            entry = {"id": next(self._seq), **entry}
            self._entries.append(entry)
        return entry

    def record_packed(self, kind: str, fields: tuple[Any, ...]) -> None:
        """Append an entry kept as the arguments of its builder ``UNPACKERS[kind]`` (plain values only):
        it is built when the journal is read, as :meth:`record` would have kept it."""
        with self._lock:
            self._entries.append((next(self._seq), kind, fields))

    def entries(self, where: JournalFilter | None = None) -> list[dict[str, Any]]:
        """Return the matching entries, oldest first."""
        with self._lock:
            snapshot: list[dict[str, Any]] = []
            built = False
            for kept in self._entries:
                if isinstance(kept, tuple):
                    entry_id, kind, fields = kept
                    kept, built = {"id": entry_id, **unpack(kind, fields)}, True
                snapshot.append(_materialise(kept))
            if built:  # kept built: the next read finds the dicts
                self._entries = deque(snapshot, maxlen=self.size)
        if where is None:
            return snapshot
        return [e for e in snapshot if where.matches(e)]

    def count(self, where: JournalFilter | None = None) -> int:
        """Return how many entries match."""
        return len(self.entries(where))

    def clear(self) -> int:
        """Forget every entry (numbering continues); return how many there were."""
        with self._lock:
            n = len(self._entries)
            self._entries.clear()
            return n

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
