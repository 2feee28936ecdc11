"""WSGI middleware run before routing: trailing slashes, the unversioned v3 alias, method override."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask

from mock_server.core.context import MockContext

# First path segments served through the unversioned alias of /v3 (omnisend.md §1.1).
V3_RESOURCES = frozenset({"contacts", "products", "categories", "orders", "carts", "events", "batches",
                          "campaigns", "accounts"})
OVERRIDE_HEADER = "HTTP_X_HTTP_METHOD_OVERRIDE"
OVERRIDE_METHODS = ("PUT", "PATCH", "DELETE")  # omnisend.md §1.7 (seed 000)
ENV_ALIAS = "mock.alias"
ENV_BAD_OVERRIDE = "mock.bad_override"
ENV_OVERRIDDEN = "mock.overridden_from"
# Set on internal requests that execute one Omnisend batch item: not rate-limited individually
# (omnisend.md §6.8) and journalled as part of their batch.
ENV_BATCH_ITEM = "mock.batch_item"

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class PathNormalizer:
    """Rewrite ``PATH_INFO`` / ``REQUEST_METHOD`` so that routing sees the canonical request."""

    def __init__(self, app: WsgiApp, ctx: MockContext) -> None:
        self.app = app
        self.ctx = ctx

    @classmethod
    def install(cls, app: Flask, ctx: MockContext) -> None:
        """Wrap ``app.wsgi_app``."""
        app.wsgi_app = cls(app.wsgi_app, ctx)  # type: ignore[method-assign]

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path: str = environ.get("PATH_INFO") or "/"
        # Because the vendors never redirect: /v3/contacts/ answers like /v3/contacts.
        while len(path) > 1 and path.endswith("/"):
            path = path[:-1]
        first = path.split("/", 2)[1] if path != "/" else ""
        if (self.ctx.settings.unversioned_alias and first in V3_RESOURCES):
            path = "/v3" + path
            environ[ENV_ALIAS] = True
        environ["PATH_INFO"] = path
        if path.startswith(("/v3/", "/v5/")) and environ.get("REQUEST_METHOD") == "POST":
            override = environ.get(OVERRIDE_HEADER)
            if override is not None:
                wanted = override.strip().upper()
                if wanted in OVERRIDE_METHODS:
                    environ["REQUEST_METHOD"] = wanted
                    environ[ENV_OVERRIDDEN] = "POST"
                else:
                    environ[ENV_BAD_OVERRIDE] = override
        return self.app(environ, start_response)
