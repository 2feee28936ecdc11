"""Background-work rates shared by every process: one budget in Redis, earned on the mock clock.

Every process runs the async workers (the Ometria push queue, the Omnisend batch runner); each asks this
budget for units before working, so the configured rate holds for the sandbox as a whole, not per
process. The budget grows with the mock time since it last grew (whoever asks), up to one second's worth,
as :class:`mock_server.core.worker.RateBudget` does, and a grant is taken atomically in one Lua script.
"""

from __future__ import annotations

from typing import Any

from mock_server.core.clock import Clock
from mock_server.core.worker import RateBudget
from mock_server.redisstore.shared import PREFIX

BUDGETS = PREFIX + "budget:"

# KEYS: the budget hash. ARGV: now, rate, cap, wanted. Returns the units granted (taken from the budget).
_RESERVE = """
local now, rate, cap, want = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local last = tonumber(redis.call('HGET', KEYS[1], 'last') or ARGV[1])
local available = tonumber(redis.call('HGET', KEYS[1], 'available') or '0')
if now > last then available = math.min(available + (now - last) * rate, cap) end
if now > last or redis.call('HEXISTS', KEYS[1], 'last') == 0 then redis.call('HSET', KEYS[1], 'last', ARGV[1]) end
local granted = math.max(0, math.min(math.floor(available), want))
redis.call('HSET', KEYS[1], 'available', tostring(available - granted))
return granted
"""


class SharedBudget(RateBudget):
    """A :class:`RateBudget` every process on one Redis draws from."""

    def __init__(self, client: Any, clock: Clock, name: str, rate: float) -> None:
        super().__init__(rate)
        self._key = BUDGETS + name
        self._clock = clock
        self._redis = client
        self._reserve = client.register_script(_RESERVE)
        self._started = False

    def grow(self, elapsed: float) -> None:
        """The shared budget grows with the mock time since anyone last asked; the first process to use it
        starts it ``elapsed`` ago (its worker's last tick), as a :class:`RateBudget` would."""
        if not self._started:
            self._redis.hsetnx(self._key, "last", repr(self._clock.time() - elapsed))
            self._started = True

    def reserve(self, wanted: int) -> int:
        """Take up to ``wanted`` whole units; return how many were granted."""
        now = self._clock.time()
        return int(self._reserve(keys=[self._key], args=[repr(now), repr(self.rate), repr(max(self.rate, 1.0)),
                                                         wanted]))

    def refund(self, units: int) -> None:
        """Give back units reserved but not used."""
        if units > 0:
            self._redis.hincrbyfloat(self._key, "available", units)
