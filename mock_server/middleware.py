"""WSGI middleware run before routing: trailing slashes, the unversioned v3 alias, method override;
and around the app: body capture for the journal and dropped connections for fault injection."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any, NoReturn
from urllib.parse import unquote_to_bytes

from flask import Flask

from mock_server.core.context import MockContext
from mock_server.core.errors import BodyTooLarge
from mock_server.core.faults import ENV_DROP

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
# The capturing wrapper around wsgi.input (the journal reads the first bytes of the body from it).
ENV_CAPTURE = "mock.capture"
# The HTTP status of a request the HTTP server refused before the application saw it (headers too large,
# body over the cap, malformed framing): the app answers it in the envelope of the path's vendor.
ENV_TRANSPORT_ERROR = "mock.transport_error"

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class Middleware:
    """A WSGI layer around the Flask app that knows the mock's context."""

    def __init__(self, app: WsgiApp, ctx: MockContext) -> None:
        self.app = app
        self.ctx = ctx

    @classmethod
    def install(cls, app: Flask, ctx: MockContext) -> None:
        """Wrap ``app.wsgi_app``."""
        app.wsgi_app = cls(app.wsgi_app, ctx)  # type: ignore[method-assign]

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Handle one request (subclasses change the environ or the answer around ``self.app``)."""
        return self.app(environ, start_response)


class PathNormalizer(Middleware):
    """Rewrite ``PATH_INFO`` / ``REQUEST_METHOD`` so that routing sees the canonical request."""

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path: str = encoded_slash_path(environ) or environ.get("PATH_INFO") or "/"
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


def encoded_slash_path(environ: dict[str, Any]) -> str | None:
    """The path with every ``%2F`` kept encoded, or None when the request line has none.

    Because an encoded slash belongs to a path segment (an id), never separates segments: the server
    decodes it into ``PATH_INFO``, which would make ``/v3/contacts/%2F`` the list ``/v3/contacts/``.
    Kept as the text ``%2F`` it names a record no route matches as a separator: the vendor's 404.
    """
    raw: str = environ.get("RAW_URI") or environ.get("REQUEST_URI") or ""
    if "%2f" not in raw.lower():
        return None
    target = raw.split("?", 1)[0].split("#", 1)[0]
    if "://" in target:  # absolute-form request target
        target = "/" + target.split("://", 1)[1].partition("/")[2]
    pieces = re.split("%2[fF]", target)
    return "%2F".join(unquote_to_bytes(piece).decode("latin-1") for piece in pieces)


class CapturingInput:
    """A ``wsgi.input`` wrapper that keeps the first ``limit`` bytes read (and counts them all).

    With ``cap`` it is also the request-size layer for every server: reading past ``cap`` bytes raises
    :class:`BodyTooLarge` (a chunked body stops being read there, whoever reads it).
    """

    def __init__(self, stream: IO[bytes], limit: int, cap: int | None = None, *, refused: bool = False) -> None:
        self._stream = stream
        self.limit = limit
        self.cap = cap
        # A declared length over the cap (or a body the HTTP server already refused): the first read fails.
        self.refused = refused
        self.captured = bytearray()
        self.size = 0
        self.exhausted = False

    def _check(self) -> None:
        if self.cap is not None and (self.refused or self.size > self.cap):
            raise BodyTooLarge(self.cap)

    def _keep(self, data: bytes, asked: int | None) -> bytes:
        self.size += len(data)
        self._check()
        room = self.limit + 1 - len(self.captured)  # one byte more, to know it was cut
        if room > 0:
            self.captured += data[:room]
        if not data or asked is None or asked < 0:
            self.exhausted = True
        return data

    def read(self, size: int | None = -1) -> bytes:
        """Read like the wrapped stream, remembering what went through."""
        self._check()
        data = self._stream.read() if size is None or size < 0 else self._stream.read(size)
        return self._keep(data, size)

    def readline(self, size: int | None = -1) -> bytes:
        """Read one line like the wrapped stream."""
        self._check()
        data = self._stream.readline() if size is None or size < 0 else self._stream.readline(size)
        return self._keep(data, 0 if data.endswith(b"\n") else None)

    def __iter__(self) -> Iterator[bytes]:
        while True:
            line = self.readline()
            if not line:
                return
            yield line


class ConnectionDropped(ConnectionAbortedError):
    """Raised out of the WSGI app when a fault drops the connection and no server socket is at hand."""


class SandboxWsgi(Middleware):
    """Capture the body for the journal; drop the connection when a fault rule says so."""

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        cap = self.ctx.settings.body_cap
        declared = environ.get("CONTENT_LENGTH") or ""
        # Refused before a byte is read: a declared length over the cap, or a body the server refused.
        refused = (declared.isascii() and declared.isdigit() and int(declared) > cap) or \
            environ.get(ENV_TRANSPORT_ERROR) == 413
        stream = environ.get("wsgi.input")
        if stream is not None:
            capture = CapturingInput(stream, self.ctx.journal.body_limit, cap, refused=refused)
            environ["wsgi.input"] = environ[ENV_CAPTURE] = capture
        started: list[Any] = []

        def deferred(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            if environ.get(ENV_DROP):
                started.append(status)
                return lambda data: None
            return start_response(status, headers, exc_info)

        result = self.app(environ, deferred)
        if not environ.get(ENV_DROP):
            return result
        close = getattr(result, "close", None)
        if callable(close):
            close()
        drop_connection(environ)


def drop_connection(environ: dict[str, Any]) -> NoReturn:
    """Close the client connection without an answer (waitress, werkzeug's server), then raise."""
    if "waitress.client_disconnected" in environ:
        from waitress.channel import ClientDisconnected

        # waitress closes the channel without writing anything when the app raises this.
        raise ClientDisconnected("connection dropped by a fault rule")
    sock = environ.get("werkzeug.socket")
    if sock is not None:
        import socket

        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
    raise ConnectionDropped("connection dropped by a fault rule")


def minimal_environ(method: str, target: str, remote_addr: str = "127.0.0.1") -> dict[str, Any]:
    """A WSGI environ from a request line alone (the HTTP server gave up before the headers)."""
    from werkzeug.test import EnvironBuilder

    path = target.split("?", 1)[0].split("#", 1)[0]
    if "://" in path:
        path = "/" + path.split("://", 1)[1].partition("/")[2]
    try:
        environ = EnvironBuilder(path=path if path.startswith("/") else "/", method=method or "GET").get_environ()
    except Exception:  # an unparseable target: the answer still needs an envelope
        environ = EnvironBuilder(path="/", method="GET").get_environ()
    environ["REMOTE_ADDR"] = remote_addr
    return environ


def transport_error_answer(app: WsgiApp, environ: dict[str, Any], status: int
                           ) -> tuple[str, list[tuple[str, str]], bytes]:
    """Run ``app`` for a request the HTTP server refused with ``status``; return its answer.

    A 413 carries the request's headers, so the vendor pipeline runs in its documented order (auth,
    route, scope, then the body cap) and only the body is missing; without headers (431, broken framing)
    the app refuses first thing, as the vendors' front ends do before their API code runs.
    """
    from werkzeug.test import run_wsgi_app

    environ[ENV_TRANSPORT_ERROR] = status
    body, status_line, headers = run_wsgi_app(app, environ)
    data = read_all(body)
    return status_line, [(k, v) for k, v in headers.items() if k.lower() not in ("content-length", "connection")], data


def read_all(result: Iterable[bytes]) -> bytes:
    """The whole body of a WSGI answer, closing the iterable as the WSGI server would."""
    try:
        return b"".join(result)
    finally:
        close = getattr(result, "close", None)
        if callable(close):
            close()
