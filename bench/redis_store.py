"""The Redis-mode columns of ``make bench``: a redis-server of the benchmark's own (Debian's binary, as in
the tests: a free loopback port, nothing kept on disk), started on first use and stopped at exit."""

from __future__ import annotations

import atexit

from tests.redis_server import RedisServer

_server: RedisServer | None = None


def url(db: int) -> str:
    """``redis://127.0.0.1:PORT/DB`` of the benchmark's redis-server (started now if it is not yet)."""
    global _server
    if _server is None:
        server = RedisServer()
        server.start()
        atexit.register(server.close)
        _server = server
    _server.flush(db)
    return _server.url(db)
