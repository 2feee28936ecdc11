"""What every process on one Redis shares beyond the tenant data (merge of issue-15a and issue-15b).

- The control state, read once per request (issue-15b): the clock, the rate-limiting switch and the fault
  rules' version live in one Redis hash. Each process reads that hash once at the start of every request
  (and of every background tick) and keeps the answer until the next one, so mechanisms that are read many
  times per request (the clock above all) cost one round trip per request, and a change made through any
  process is seen by every other at its next request.
- Small process-wide values (issue-15a): the cursor secret (a paging cursor one process hands out must
  decode on every other process, so the first process's secret is kept in Redis with ``SET NX`` and every
  later one adopts it), and counters (tracking hit sequence numbers: one Redis ``INCR`` each).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mock_server.redisstore.keys import PREFIX

__all__ = ["CONTROL", "PREFIX", "SharedControl", "SharedCounter", "shared_secret"]

CONTROL = PREFIX + "control"

Listener = Callable[[dict[bytes, bytes]], None]


class SharedControl:
    """The ``mock:control`` hash and the mechanisms that read it (each gets every fresh copy)."""

    def __init__(self, client: Any) -> None:
        self.redis = client
        self.key = CONTROL
        self._listeners: list[Listener] = []

    def listen(self, listener: Listener) -> None:
        """Call ``listener`` with the hash now and after every refresh."""
        self._listeners.append(listener)
        listener(self.redis.hgetall(self.key))

    def refresh(self) -> None:
        """Read the hash (one round trip) and hand it to every listener."""
        fields = self.redis.hgetall(self.key)
        for listener in self._listeners:
            listener(fields)


def shared_secret(client: Any, name: str, candidate: bytes) -> bytes:
    """The secret stored under ``name``: ``candidate`` if this process is the first, else the first's."""
    key = f"{PREFIX}secret:{name}"
    client.set(key, candidate, nx=True)
    value: bytes | None = client.get(key)
    return candidate if value is None else value


class SharedCounter:
    """A counter every process draws from (the memory store's ``itertools.count`` equivalent)."""

    def __init__(self, client: Any, name: str, start: int = 1) -> None:
        self.client = client
        self.key = f"{PREFIX}counter:{name}"
        # Never below what is already stored (the first value handed out is at least ``start``).
        current = int(client.get(self.key) or 0)
        if current < start - 1:
            client.set(self.key, start - 1)

    def next(self) -> int:
        """The next number (one INCR)."""
        return int(self.client.incr(self.key))
