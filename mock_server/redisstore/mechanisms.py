"""Redis mode: replace a context's in-process mechanisms with the ones every process shares."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mock_server.core.clock import SEEDED_EPOCH
from mock_server.core.cursor import CursorCodec
from mock_server.redisstore.clock import RedisClock
from mock_server.redisstore.faults import RedisFaultEngine
from mock_server.redisstore.ids import SharedRequestIds, cursor_secret
from mock_server.redisstore.journal import RedisJournal
from mock_server.redisstore.ratelimit import RedisRateLimiter
from mock_server.redisstore.shared import SharedControl

if TYPE_CHECKING:
    from mock_server.core.context import MockContext


def share(ctx: MockContext) -> None:
    """Give ``ctx`` (whose ``redis`` is connected) the shared clock, limiter, journal, faults and ids."""
    settings = ctx.settings
    shared = ctx.shared = SharedControl(ctx.redis)
    start = SEEDED_EPOCH if settings.seed is not None else None
    ctx.clock = RedisClock(shared, start, frozen=settings.freeze_clock, on_change=lambda: _bump_all(ctx))
    ctx.limiter = RedisRateLimiter(ctx.clock, shared, enabled=settings.rate_limits)
    ctx.journal = RedisJournal(ctx.redis, settings.journal_size, settings.journal_body_limit)
    ctx.faults = RedisFaultEngine(shared, settings.seed)
    ctx.request_ids = SharedRequestIds(ctx.redis, settings.seed)
    ctx.codec = CursorCodec(cursor_secret(ctx.redis, ctx.ids, settings.seed is not None))


def _bump_all(ctx: MockContext) -> None:
    """A clock change changes what reads answer (delays, windows, retention): every cached answer goes."""
    ctx.generations.bump_all()
