"""Small process-wide values that every process on one shared store must agree on.

- The cursor secret: a paging cursor one process hands out must decode on every other process, so the
  first process's secret is kept in Redis (``SET NX``) and every later one adopts it.
- Counters (tracking hit sequence numbers): one Redis ``INCR`` each, never the same number twice.
"""

from __future__ import annotations

from typing import Any

from mock_server.redisstore.keys import PREFIX


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
