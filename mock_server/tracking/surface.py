"""The tracking hosts as path owners: no API key, public CORS, and the tracking error body (§1, §8).

They are not vendors of their own: each answers for one vendor (its ``name``), so the journal, the
fault rules and the listing see Omnisend's snippet hits as ``omnisend`` and Ometria's tag and headless
hits as ``ometria``.
"""

from __future__ import annotations

from typing import Any

from flask import Request, Response, request

from mock_server.core import errors as E
from mock_server.core.context import MockContext, PathOwner
from mock_server.core.http import json_response
from mock_server.core.request import check_route
from mock_server.tracking import constants as C

ALLOW_ORIGIN = "Access-Control-Allow-Origin"
_STATUS_TEXT = {404: C.ERR_NOT_FOUND, 405: C.ERR_METHOD, 413: "request body too large",
                500: "internal error"}


class TrackingHost(PathOwner):
    """The browser-facing host of one vendor's tracking (Omnisend's snippet, Ometria's tag)."""

    keyless = True

    def __init__(self, vendor: str, prefixes: tuple[str, ...], paths: tuple[str, ...] = ()) -> None:
        self.name = vendor
        self.prefixes = prefixes
        self.paths = paths

    def render_error(self, error: E.MockError) -> Response:
        """``{"error": text}`` with ``fields`` (``<field>: <problem>``) and any extra keys (§8)."""
        body: dict[str, Any] = {"error": error.message or _STATUS_TEXT.get(error.status, "error")}
        if error.fields:
            body["fields"] = [f"{path}: {message}" for path, message in error.fields]
        body.update(error.extra)
        return json_response(body, error.status)

    def before_request(self, ctx: MockContext) -> None:
        """No key, no rate limit (§1): only the route check (the views name the tenant).

        ``/api/track`` serves ``OPTIONS`` itself and names it in its 405 ``Allow`` (§1).
        """
        if request.path in self.paths:
            # Decided here, not by the URL map: a catch-all ``/api/<path>`` route of Omnisend's 2026 API
            # would otherwise take the methods this path does not serve.
            if request.method not in C.HEADLESS_METHODS:
                error = E.MethodNotAllowed(list(C.HEADLESS_METHODS))
                error.headers["Allow"] = ", ".join(C.HEADLESS_METHODS)
                raise error
            return
        check_route()

    def after_request(self, ctx: MockContext, response: Response) -> Response:
        """Any origin may read the answer, without credentials (§1, mock decision)."""
        response.headers[ALLOW_ORIGIN] = "*"
        return response

    def preflight(self, request: Request) -> Response | None:
        """Only ``/api/track`` takes a body a browser preflights (§5)."""
        if request.path != C.HEADLESS_PATH:
            return None
        return headless_preflight()


def headless_preflight() -> Response:
    """The 204 that lets any origin POST JSON with the account header to ``/api/track`` (§5)."""
    response = Response(b"", status=204)
    response.headers[ALLOW_ORIGIN] = "*"
    response.headers["Access-Control-Allow-Methods"] = C.HEADLESS_ALLOW_METHODS
    response.headers["Access-Control-Allow-Headers"] = C.HEADLESS_ALLOW_HEADERS
    return response


class TrackingError(E.MockError):
    """A tracking request the sandbox cannot use (§8); nothing is stored."""


def malformed(message: str, problems: list[tuple[str, str]], **extra: Any) -> TrackingError:
    """A 400 naming each problem as ``(field, problem)``."""
    return TrackingError(message, status=400, fields=problems, extra=extra)


def unknown(message: str) -> TrackingError:
    """A 404 for an unknown brand or account."""
    return TrackingError(message, status=404)


def hosts() -> list[TrackingHost]:
    """Omnisend's snippet host and Ometria's tag host (``/api/track`` claimed as an exact path)."""
    return [TrackingHost(C.OMNISEND, C.OMNISEND_PREFIXES),
            TrackingHost(C.OMETRIA, C.OMETRIA_PREFIXES, (C.HEADLESS_PATH,))]
