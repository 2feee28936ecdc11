"""Redis going away mid-run: the vendor's 503, never a hang or waitress's plain-text 500.

Inside the app, the error handler turns a store failure into :class:`StoreUnavailable` (see
``mock_server.app.to_mock_error``). This outermost WSGI layer catches the failures that escape it (the fast
lane, a middleware, a hook that runs after the answer was chosen) and answers them the same way: the
envelope of the path's vendor, rendered without touching the store. The redis client reconnects on its
next command, so the first request after Redis returns is served as usual.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, Response, g

from mock_server.core.http import REQUEST_ID_HEADER
from mock_server.redisstore.connection import StoreUnavailable, unavailable

log = logging.getLogger("mock_server.store")

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class StoreGuard:
    """Wrap ``app.wsgi_app``; ``render`` draws an error in the envelope of the request's vendor."""

    def __init__(self, app: Flask, render: Callable[[Exception], Response]) -> None:
        self.wsgi: WsgiApp = app.wsgi_app
        self.flask = app
        self.render = render

    @classmethod
    def install(cls, app: Flask, render: Callable[[Exception], Response]) -> None:
        """Make the guard the outermost layer of ``app``."""
        app.wsgi_app = cls(app, render)  # type: ignore[method-assign]

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        try:
            return self.wsgi(environ, start_response)
        except Exception as exc:
            if not unavailable(exc):
                raise
            log.warning("the store is unreachable (%s): %s %s answered 503", exc,
                        environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"))
            exc_info = sys.exc_info()
        context = self.flask.request_context(environ)
        context.push()
        try:
            g.journalled = True  # the journal lives in the store that is away: nothing to record
            g.request_id = str(uuid.uuid4())  # the request never reached the app's id (it may need the store)
            response = self.render(StoreUnavailable())
            response.headers[REQUEST_ID_HEADER] = g.request_id
        finally:
            with contextlib.suppress(Exception):  # a teardown hook that reaches for the store
                context.pop()
        return response(environ, lambda status, headers, _=None: start_response(status, headers, exc_info))
