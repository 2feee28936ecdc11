"""The outermost WSGI layer in Redis mode: one read of the shared control state per request."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mock_server.middleware import Middleware, StartResponse
from mock_server.redisstore.tenants import RedisStore


class RefreshEachRequest(Middleware):
    """Refresh ``ctx.shared`` (the clock, the rate-limit switch, the fault rules) before each request, and
    run it in the store's request scope (a tenant is caught up with Redis once per request for readers)."""

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Refresh, then run the app."""
        shared = self.ctx.shared
        if shared is not None:
            shared.refresh()
        store = self.ctx.store
        if not isinstance(store, RedisStore):
            return self.app(environ, start_response)
        with store.sync.request_scope():
            return self.app(environ, start_response)
