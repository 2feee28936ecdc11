"""Connecting to Redis: the store URL, the client, and the errors a user reads when it is not there."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from mock_server.core.errors import MockError

if TYPE_CHECKING:
    import redis

MEMORY = "memory"
INSTALL_HINT = "pip install 'ecommerce-marketing-mock[redis]'"
# Seconds to wait for a connection or an answer before calling Redis unreachable (never hang a request).
SOCKET_TIMEOUT = 5.0


class StoreURLError(ValueError):
    """The --store value is neither ``memory`` nor a redis:// URL."""


class RedisUnavailable(Exception):
    """Redis cannot be reached (at start: refuse to serve; mid-run: the vendor's 503)."""


class StoreUnavailable(MockError):
    """Redis went away mid-run: every request answers the vendor's 503 in its own envelope (the text is
    the vendor's "service unavailable"), and the next request after Redis returns is served as usual.

    (mock decision) ``Retry-After: 1``: the sandbox recovers by itself as soon as Redis answers again.
    """

    status = 503
    kind = "store_unavailable"

    def __init__(self) -> None:
        super().__init__("", headers={"Retry-After": "1"})


def unavailable(exc: BaseException | None) -> bool:
    """Whether ``exc``, or an exception it was raised from or while handling, is Redis being unreachable
    (refused, reset, timed out, still loading its data set)."""
    redis_lib = sys.modules.get("redis")
    kinds: tuple[type[BaseException], ...] = (RedisUnavailable,)
    if redis_lib is not None:
        kinds += (redis_lib.ConnectionError, redis_lib.TimeoutError)
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, kinds):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__ or getattr(exc, "original_exception", None)
    return False


def parse_store(value: str) -> str:
    """Check a --store value: ``memory`` or ``redis://[:password@]host[:port][/db]`` (also ``rediss://``,
    ``unix://``). Return it unchanged; raise :class:`StoreURLError` with the reason."""
    if value == MEMORY:
        return value
    parts = urlsplit(value)
    if parts.scheme not in ("redis", "rediss", "unix"):
        raise StoreURLError(f"--store must be 'memory' or a redis://HOST:PORT/DB URL, not {value!r}")
    if parts.scheme != "unix" and not parts.hostname:
        raise StoreURLError(f"--store {value!r} names no host (expected redis://HOST:PORT/DB)")
    db = parts.path.strip("/")
    if db and not db.isdigit():
        raise StoreURLError(f"--store {value!r}: the database must be a number (redis://HOST:PORT/0)")
    return value


def redacted(url: str) -> str:
    """``url`` without its password (for the banner and logs)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rpartition("@")[2]
    user = f"{parts.username}:***@" if parts.username else ":***@"
    return parts._replace(netloc=user + netloc).geturl()


def is_redis(store: str) -> bool:
    """Whether a --store value selects the shared store."""
    return store != MEMORY


def connect(url: str, **options: Any) -> redis.Redis:
    """A client for ``url`` that has answered a PING; raise :class:`RedisUnavailable` saying why not."""
    try:
        import redis as redis_lib
    except ImportError as exc:  # the optional extra is not installed
        raise RedisUnavailable(f"--store {url} needs the redis client: {INSTALL_HINT}") from exc
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    options.setdefault("socket_timeout", SOCKET_TIMEOUT)
    options.setdefault("socket_connect_timeout", SOCKET_TIMEOUT)
    # One immediate retry on a broken connection, none on a timeout. The client's default (10 retries with
    # backoff, timeouts included) would hold a request for seconds (a minute against a Redis that hangs)
    # before the vendor's 503; one retry is what a pooled connection needs after Redis restarted (its
    # first use finds the old socket closed, the retry reconnects).
    options.setdefault("retry", Retry(NoBackoff(), 1, supported_errors=(redis_lib.ConnectionError,)))
    client = redis_lib.Redis.from_url(url, **options)
    try:
        client.ping()
    except (redis_lib.ConnectionError, redis_lib.TimeoutError, OSError) as exc:
        raise RedisUnavailable(f"cannot reach Redis at {url}: {exc}") from exc
    except redis_lib.ResponseError as exc:  # e.g. a password is needed
        raise RedisUnavailable(f"Redis at {url} refused us: {exc}") from exc
    return client
