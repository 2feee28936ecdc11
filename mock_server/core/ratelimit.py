"""Sliding-window rate limiting per tenant and limit group, on the mock clock.

Written here rather than taken from a library (flask-limiter, limits) because the vendors' exact
behaviour needs things those libraries do not give together: a controllable clock, a 429 that
consumes nothing, Omnisend's ``X-Rate-Limit-Reset`` defined as "until the oldest request leaves the
window", per-tenant overrides that change at runtime, and buckets shared across groups.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from mock_server.core.clock import Clock


@dataclass(frozen=True)
class LimitRule:
    """``limit`` requests per ``window`` seconds, counted in ``bucket`` (groups may share one)."""

    limit: int
    window: float
    bucket: str


@dataclass(frozen=True)
class Decision:
    """The outcome of one request against a window."""

    allowed: bool
    limit: int
    remaining: int
    # Whole seconds until the oldest request in the window leaves it (a slot frees).
    reset: int


class RateLimiter:
    """Sliding-window logs keyed by ``(scope..., bucket)``; thread-safe."""

    def __init__(self, clock: Clock, *, enabled: bool = True) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._windows: dict[Hashable, deque[float]] = {}
        self.enabled = enabled

    def _trim(self, log: deque[float], now: float, window: float) -> None:
        while log and log[0] <= now - window:
            log.popleft()

    def _reset_in(self, log: deque[float], now: float, window: float) -> int:
        if not log:
            return math.ceil(window)
        return max(1, math.ceil(log[0] + window - now))

    def hit(self, scope: Hashable, rule: LimitRule) -> Decision:
        """Count one request unless the window is full (a refused request consumes nothing)."""
        if not self.enabled:
            return Decision(True, rule.limit, rule.limit, math.ceil(rule.window))
        now = self._clock.time()
        window = rule.window
        with self._lock:
            # _trim and _reset_in inline, and no deque built for a window that exists (every request counts).
            log = self._windows.get(key := (scope, rule.bucket))
            if log is None:
                log = self._windows[key] = deque()
            while log and log[0] <= now - window:
                log.popleft()
            if len(log) >= rule.limit:
                return Decision(False, rule.limit, 0, self._reset_in(log, now, window))
            log.append(now)  # the window is not empty now: the oldest request decides the reset
            return Decision(True, rule.limit, rule.limit - len(log), max(1, math.ceil(log[0] + window - now)))

    def hit_all(self, scope: Hashable, rules: Sequence[LimitRule]) -> tuple[LimitRule, Decision] | None:
        """Count one request in every rule's window, or in none when one is full: return that rule and its
        refusal (the first full one), or None when the request was counted (or limiting is off)."""
        if not self.enabled or not rules:
            return None
        now = self._clock.time()
        with self._lock:
            logs = [self._windows.setdefault((scope, rule.bucket), deque()) for rule in rules]
            for log, rule in zip(logs, rules, strict=True):
                self._trim(log, now, rule.window)
                if len(log) >= rule.limit:
                    return rule, Decision(False, rule.limit, 0, self._reset_in(log, now, rule.window))
            for log in logs:
                log.append(now)
        return None

    def usage(self, scope: Hashable, rule: LimitRule) -> Decision:
        """Report the window's state without counting anything."""
        now = self._clock.time()
        with self._lock:
            log = self._windows.get((scope, rule.bucket), deque())
            self._trim(log, now, rule.window)
            used = len(log)
            return Decision(used < rule.limit, rule.limit, max(0, rule.limit - used),
                            self._reset_in(log, now, rule.window))

    def clear(self, scope_prefix: tuple[Hashable, ...] | None = None) -> None:
        """Forget every window (or those whose scope starts with ``scope_prefix``)."""
        with self._lock:
            if scope_prefix is None:
                self._windows.clear()
                return
            n = len(scope_prefix)
            for key in [k for k in self._windows if isinstance(k, tuple) and isinstance(k[0], tuple)
                        and k[0][:n] == scope_prefix]:
                del self._windows[key]
