"""Ids that must be unique, or the same, across the processes of one sandbox.

Request ids (``X-Mock-Request-Id``) are unique across processes: unseeded they come from the operating
system's randomness (``uuid.uuid4``), which a forked worker does not share with its parent as it would a
Python generator's state; under ``--seed`` each process draws from its own seeded stream, numbered by a
Redis counter, and the first process on a Redis draws exactly the stream a memory-store server draws, so
single-process runs stay reproducible (mock decision). The cursor secret is one value for every process (a cursor one
process hands out is read by another), kept in Redis when the server is not seeded.
"""

from __future__ import annotations

import os
import secrets
import threading
import uuid
from typing import Any

from mock_server.core.ids import IdGenerator
from mock_server.redisstore.shared import PREFIX

PROCESSES = PREFIX + "processes"  # how many processes have drawn a seeded request-id stream
CURSOR_SECRET = PREFIX + "cursor-secret"


class SharedRequestIds(IdGenerator):
    """Request ids unique across processes (same ``uuid4()`` as :class:`IdGenerator`)."""

    def __init__(self, client: Any, seed: int | None) -> None:
        super().__init__(seed)
        self._redis = client
        self._pid = -1
        self._pid_lock = threading.Lock()
        if seed is not None:
            self._claim()

    def _claim(self) -> None:
        """Take this process's numbered stream (a forked child takes a new one)."""
        number = int(self._redis.incr(PROCESSES))
        name = "request-ids" if number == 1 else f"request-ids:{number}"
        self._rng.seed(f"{self._seed}:{name}")
        self._pid = os.getpid()

    def uuid4(self) -> str:
        """Return a UUID version 4 string no other process of this sandbox returns."""
        if self._seed is None:
            return str(uuid.uuid4())
        if self._pid != os.getpid():
            with self._pid_lock:
                if self._pid != os.getpid():
                    self._claim()
        return super().uuid4()


def cursor_secret(client: Any, ids: IdGenerator, seeded: bool) -> bytes:
    """The cursor signing secret: the seeded one (the same in every process anyway), else one in Redis."""
    if seeded:
        return ids.derive("cursor").token_bytes()
    client.set(CURSOR_SECRET, secrets.token_bytes(32), nx=True)
    return bytes(client.get(CURSOR_SECRET))
