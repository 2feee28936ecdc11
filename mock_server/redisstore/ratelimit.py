"""Sliding-window rate limiting in Redis: one sorted set per window, one Lua script per check.

The same windows as :class:`mock_server.core.ratelimit.RateLimiter` (a log of request times on the mock
clock, a refused request consumes nothing, the reset is "until the oldest request leaves the window"),
but each check runs as one Lua script, which Redis runs atomically: a burst spread over processes and
hosts admits exactly the limit. Several windows (the 2026 groups count one request in each of their
windows) are checked and counted together in one script, so either all count it or none does.
"""

from __future__ import annotations

import json
import math
from collections.abc import Hashable, Sequence
from typing import Any

from mock_server.core.clock import Clock
from mock_server.core.ratelimit import Decision, LimitRule, RateLimiter
from mock_server.redisstore.shared import PREFIX, SharedControl

WINDOW_PREFIX = PREFIX + "rl:"
INDEX = PREFIX + "rl-index"  # every window key ever counted in (for clear by scope)
SEQUENCE = PREFIX + "rl-seq"  # makes each counted request a distinct member of its window
FIELD = "rate-limits"  # in the control hash: "1" on, "0" off

# KEYS: index, sequence, window keys...  ARGV: now, count (1/0), then per window: limit, window, cutoff.
# Returns {full, used_1, oldest_1, used_2, oldest_2, ...}: full = the first full window's number (0: none).
_SCRIPT = """
local now = ARGV[1]
local n = #KEYS - 2
local used = {}
local full = 0
for i = 1, n do
  local key = KEYS[i + 2]
  redis.call('ZREMRANGEBYSCORE', key, '-inf', ARGV[3 * i + 2])
  used[i] = redis.call('ZCARD', key)
  if full == 0 and used[i] >= tonumber(ARGV[3 * i]) then full = i end
end
if ARGV[2] == '1' and full == 0 then
  local seq = redis.call('INCR', KEYS[2])
  for i = 1, n do
    local key = KEYS[i + 2]
    redis.call('ZADD', key, now, seq .. ':' .. i)
    redis.call('PEXPIRE', key, math.ceil(tonumber(ARGV[3 * i + 1]) * 1000) + 1000)
    redis.call('SADD', KEYS[1], key)
    used[i] = used[i] + 1
  end
end
local out = {full}
for i = 1, n do
  local oldest = redis.call('ZRANGE', KEYS[i + 2], 0, 0, 'WITHSCORES')
  out[#out + 1] = used[i]
  out[#out + 1] = oldest[2] or ''
end
return out
"""


def window_key(scope: Hashable, bucket: str) -> str:
    """The Redis key of one window: the scope and bucket as JSON (tuples as lists)."""
    return WINDOW_PREFIX + json.dumps([scope, bucket], separators=(",", ":"), default=str)


def _scope_of(key: bytes) -> Any:
    return json.loads(key.decode()[len(WINDOW_PREFIX):])[0]


def _reset_in(oldest: bytes, now: float, window: float) -> int:
    if not oldest:
        return math.ceil(window)
    return max(1, math.ceil(float(oldest) + window - now))


class RedisRateLimiter(RateLimiter):
    """The rate limiter of every process on one Redis (same interface as :class:`RateLimiter`)."""

    def __init__(self, clock: Clock, shared: SharedControl, *, enabled: bool = True) -> None:
        super().__init__(clock, enabled=enabled)
        self._redis = shared.redis
        self._shared = shared
        self._script = self._redis.register_script(_SCRIPT)
        shared.redis.hsetnx(shared.key, FIELD, "1" if enabled else "0")
        shared.listen(self._load)

    def _load(self, fields: dict[bytes, bytes]) -> None:
        self._enabled = fields.get(FIELD.encode(), b"1") == b"1"

    @property
    def enabled(self) -> bool:
        """Whether rate limiting is on (for every process)."""
        return self._enabled

    @enabled.setter
    def enabled(self, value: bool) -> None:
        if not hasattr(self, "_shared"):  # RateLimiter.__init__ sets it before the Redis client is known
            self._enabled = value
            return
        self._redis.hset(self._shared.key, FIELD, "1" if value else "0")
        self._enabled = value

    def _run(self, scope: Hashable, rules: Sequence[LimitRule], count: bool) -> tuple[int, float, list[Decision]]:
        now = self._clock.time()
        args: list[Any] = [repr(now), "1" if count else "0"]
        for rule in rules:
            args += [rule.limit, repr(rule.window), repr(now - rule.window)]
        keys = [INDEX, SEQUENCE, *(window_key(scope, rule.bucket) for rule in rules)]
        out = self._script(keys=keys, args=args)
        full = int(out[0])
        decisions = []
        for index, rule in enumerate(rules):
            used, oldest = int(out[1 + 2 * index]), out[2 + 2 * index]
            reset = _reset_in(oldest, now, rule.window)
            decisions.append(Decision(used < rule.limit if not count else full == 0, rule.limit,
                                      max(0, rule.limit - used) if full == 0 or not count else 0, reset))
        return full, now, decisions

    def hit(self, scope: Hashable, rule: LimitRule) -> Decision:
        """Count one request unless the window is full (a refused request consumes nothing)."""
        if not self.enabled:
            return Decision(True, rule.limit, rule.limit, math.ceil(rule.window))
        return self._run(scope, [rule], True)[2][0]

    def hit_all(self, scope: Hashable, rules: Sequence[LimitRule]) -> tuple[LimitRule, Decision] | None:
        """Count one request in every window, or in none when one is full (its decision is returned)."""
        if not self.enabled or not rules:
            return None
        full, _, decisions = self._run(scope, rules, True)
        return None if full == 0 else (rules[full - 1], decisions[full - 1])

    def usage(self, scope: Hashable, rule: LimitRule) -> Decision:
        """Report the window's state without counting anything."""
        return self._run(scope, [rule], False)[2][0]

    def clear(self, scope_prefix: tuple[Hashable, ...] | None = None) -> None:
        """Forget every window (or those whose scope starts with ``scope_prefix``), for every process."""
        keys = self._redis.smembers(INDEX)
        if scope_prefix is not None:
            wanted = json.loads(json.dumps(list(scope_prefix), default=str))
            keys = {k for k in keys if isinstance(scope := _scope_of(k), list) and scope[:len(wanted)] == wanted}
        if keys:
            pipe = self._redis.pipeline()
            pipe.delete(*keys)
            pipe.srem(INDEX, *keys)
            pipe.execute()
