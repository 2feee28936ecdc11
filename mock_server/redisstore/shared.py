"""The control state every process on one Redis shares, read once per request.

The clock, the rate-limiting switch and the fault rules' version live in one Redis hash. Each process reads
that hash once at the start of every request (and of every background tick) and keeps the answer until the
next one, so mechanisms that are read many times per request (the clock above all) cost one round trip
per request, and a change made through any process is seen by every other at its next request.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# Every key of the shared mechanisms starts with this (the tenant store uses its own names).
PREFIX = "mock:"
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

