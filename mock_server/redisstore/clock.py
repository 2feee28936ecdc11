"""The mock clock shared through Redis: every process reads the same offset / frozen instant.

The state is ``[frozen_at, base, ref]`` in the control hash: frozen at ``frozen_at``, or running as
``base + (wall time - ref)``. Running processes use the wall clock (``time.time()``) rather than their own
monotonic clocks, which start at different points in different processes and hosts; hosts sharing one
sandbox are expected to keep their clocks in step (NTP), as any distributed service does (mock decision). Each process
keeps the state it read at the start of the current request (:class:`SharedControl`), so reading the
clock many times in a request costs nothing more, and a change through any process is seen by every
other at its next request. Changes are made in a Redis transaction (WATCH), so two concurrent advances
both count.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from mock_server.core.clock import Clock, _checked
from mock_server.redisstore.shared import SharedControl

FIELD = "clock"
State = tuple[float | None, float, float]  # frozen_at, base, ref (wall time when base was mock time)


def _encode(state: State) -> str:
    return json.dumps(list(state))


def _decode(raw: bytes) -> State:
    frozen, base, ref = json.loads(raw)
    return (None if frozen is None else float(frozen)), float(base), float(ref)


def _time(state: State) -> float:
    frozen, base, ref = state
    return frozen if frozen is not None else base + (time.time() - ref)


class RedisClock(Clock):
    """Mock time shared by every process on one Redis (same interface as :class:`Clock`)."""

    def __init__(self, shared: SharedControl, start: datetime | None = None, *, frozen: bool = False,
                 on_change: Callable[[], None] | None = None) -> None:
        super().__init__(start, frozen=frozen)
        self._shared = shared
        self._raw: bytes | None = None
        self._state: State = (self._frozen_at, self._base, time.time())
        # The first process on a Redis sets the clock; one joining a running sandbox takes it as it is.
        shared.redis.hsetnx(shared.key, FIELD, _encode(self._state))
        self.on_change = on_change
        shared.listen(self._load)

    def _load(self, fields: dict[bytes, bytes]) -> None:
        raw = fields.get(FIELD.encode())
        if raw is None or raw == self._raw:
            return
        self._state, self._raw = _decode(raw), raw

    def _change(self, change: Callable[[State], State]) -> None:
        """Apply ``change`` to the shared state atomically; raise what ``change`` raises (nothing is written)."""
        shared = self._shared

        def update(pipe: Any) -> None:
            raw = pipe.hget(shared.key, FIELD)
            state = _decode(raw) if raw is not None else self._state
            new = change(state)
            pipe.multi()
            pipe.hset(shared.key, FIELD, _encode(new))

        shared.redis.transaction(update, shared.key)
        self._load(shared.redis.hgetall(shared.key))
        if self.on_change is not None:
            self.on_change()

    def time(self) -> float:
        """Return mock time as POSIX seconds (as of this request's read of the shared state)."""
        return _time(self._state)

    @property
    def frozen(self) -> bool:
        """Whether the clock is frozen."""
        return self._state[0] is not None

    def freeze(self, at: datetime | None = None) -> None:
        """Stop the clock at ``at`` (default: the current mock time), for every process."""
        value = _checked(at.timestamp()) if at is not None else None
        self._change(lambda s: (_time(s) if value is None else value, s[1], s[2]))

    def resume(self) -> None:
        """Let a frozen clock run again from where it stands."""
        self._change(lambda s: s if s[0] is None else (None, s[0], time.time()))

    def advance(self, seconds: float) -> None:
        """Move the clock forward (frozen or running) by ``seconds``."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")

        def moved(s: State) -> State:
            if s[0] is not None:
                return _checked(s[0] + seconds), s[1], s[2]
            _checked(_time(s) + seconds)
            return None, s[1] + seconds, s[2]

        self._change(moved)

    def set(self, at: datetime) -> None:
        """Jump to ``at``, keeping the frozen/running state."""
        value = _checked(at.timestamp())
        self._change(lambda s: (value, s[1], s[2]) if s[0] is not None else (None, value, time.time()))
