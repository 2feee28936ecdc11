"""Sliding-window limiter on the mock clock: N, N+1, the slide, refusals consume nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from mock_server.core.clock import Clock
from mock_server.core.ratelimit import LimitRule, RateLimiter

RULE = LimitRule(limit=3, window=60.0, bucket="api")


def limiter() -> tuple[Clock, RateLimiter]:
    clock = Clock(datetime(2026, 1, 1, tzinfo=UTC), frozen=True)
    return clock, RateLimiter(clock)


def test_first_request_counts_down_and_resets_in_the_full_window() -> None:
    _, rl = limiter()
    first = rl.hit("brand", RULE)
    assert (first.allowed, first.limit, first.remaining, first.reset) == (True, 3, 2, 60)


def test_request_n_passes_and_n_plus_one_is_refused() -> None:
    clock, rl = limiter()
    for expected in (2, 1, 0):
        clock.advance(1)
        assert rl.hit("brand", RULE).remaining == expected
    clock.advance(1)
    refused = rl.hit("brand", RULE)
    # The oldest request (t=1) leaves the window at t=61; now is t=4.
    assert (refused.allowed, refused.remaining, refused.reset) == (False, 0, 57)


def test_refusals_consume_nothing() -> None:
    clock, rl = limiter()
    for _ in range(3):
        rl.hit("brand", RULE)
    for _ in range(10):
        assert not rl.hit("brand", RULE).allowed
    clock.advance(60)
    assert rl.hit("brand", RULE).remaining == 2  # the window emptied; the refusals left no trace


def test_window_slides_one_slot_at_a_time() -> None:
    clock, rl = limiter()
    rl.hit("brand", RULE)  # t=0
    clock.advance(30)
    rl.hit("brand", RULE)  # t=30
    rl.hit("brand", RULE)  # t=30
    assert not rl.hit("brand", RULE).allowed
    clock.advance(29.999)
    assert not rl.hit("brand", RULE).allowed
    clock.advance(0.001)  # t=60: the first request leaves
    slot = rl.hit("brand", RULE)
    assert (slot.allowed, slot.remaining, slot.reset) == (True, 0, 30)
    assert not rl.hit("brand", RULE).allowed


def test_scopes_and_buckets_are_independent_unless_shared() -> None:
    _, rl = limiter()
    for _ in range(3):
        rl.hit("a", RULE)
    assert rl.hit("b", RULE).allowed
    assert rl.hit("a", LimitRule(3, 60.0, "other")).allowed
    assert not rl.hit("a", LimitRule(3, 1.0, "api")).allowed  # same bucket name = shared window


def test_disabled_limiter_counts_nothing() -> None:
    _, rl = limiter()
    rl.enabled = False
    assert all(rl.hit("brand", RULE).allowed for _ in range(10))
    rl.enabled = True
    assert rl.hit("brand", RULE).remaining == 2


def test_usage_reports_without_counting_and_clear_forgets() -> None:
    _, rl = limiter()
    rl.hit(("omnisend", "b1"), RULE)
    assert rl.usage(("omnisend", "b1"), RULE).remaining == 2
    assert rl.usage(("omnisend", "b1"), RULE).remaining == 2
    rl.clear(("omnisend", "b1"))
    assert rl.usage(("omnisend", "b1"), RULE).remaining == 3
