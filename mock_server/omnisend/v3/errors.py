"""The Omnisend error envelope: ``{"error": text}`` plus ``fields`` for validation (§1.5)."""

from __future__ import annotations

from typing import Any

from flask import Response

from mock_server.core import errors as E
from mock_server.core.http import json_response
from mock_server.omnisend import constants as C

_FAULT_TEXT = {408: C.ERR_TIMEOUT, 503: C.ERR_UNAVAILABLE, 500: C.ERR_INTERNAL, 429: "Too many requests",
               404: C.ERR_ROUTE_NOT_FOUND.strip(), 401: C.ERR_UNAUTHORIZED, 403: C.ERR_FORBIDDEN,
               400: C.ERR_BAD_PARAMS, 422: "Unprocessable Entity", 502: "Bad Gateway", 504: "Gateway Timeout"}


def field_path(path: tuple[str | int, ...]) -> str:
    """Render ``("identifiers", 0, "channels")`` as ``identifiers[0].channels``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def validation_fields(problems: list[tuple[tuple[str | int, ...], str]]) -> list[str]:
    """Render schema problems as the flat ``fields`` array."""
    return [f"{field_path(path)}: {message}" if path else message for path, message in problems]


def envelope(error: E.MockError) -> tuple[int, dict[str, Any]]:
    """Return the status and body for ``error``."""
    body: dict[str, Any]
    if isinstance(error, E.ValidationFailed):
        fields = validation_fields(error.problems)
        body = {"error": C.ERR_VALIDATION.format(count=len(fields)), "fields": fields}
    elif isinstance(error, E.InvalidParameters):
        body = {"error": C.ERR_BAD_PARAMS, "fields": [f"{name}: {reason}" for name, reason in error.fields]}
    elif isinstance(error, E.InvalidJson):
        body = {"error": C.ERR_BAD_JSON}
    elif isinstance(error, E.Unauthorized):
        body = {"error": C.ERR_UNAUTHORIZED}
    elif isinstance(error, E.Forbidden):
        body = {"error": error.message or C.ERR_FORBIDDEN}
    elif isinstance(error, E.RouteNotFound):
        body = {"error": C.ERR_ROUTE_NOT_FOUND}
    elif isinstance(error, E.MethodNotAllowed):
        body = {"error": C.ERR_METHOD}
    elif isinstance(error, E.BodyTooLarge):
        body = {"error": C.ERR_TOO_LARGE.format(cap=error.cap)}
    elif isinstance(error, E.RateLimited):
        if error.window == C.RATE_WINDOW:
            body = {"error": C.ERR_RATE.format(limit=error.limit)}
        else:
            body = {"error": C.ERR_RATE_WINDOW.format(limit=error.limit, window=f"{error.window:g}")}
    elif isinstance(error, E.InternalError):
        body = {"error": C.ERR_INTERNAL}
    elif isinstance(error, E.InjectedFault) and not error.message:
        body = {"error": _FAULT_TEXT.get(error.status, "Error")}
    else:
        body = {"error": error.message or _FAULT_TEXT.get(error.status, "Error")}
        if error.fields:
            body["fields"] = [f"{p}: {m}" for p, m in error.fields]
    body.update(error.extra)
    return error.status, body


def render(error: E.MockError, content_type: str = C.CT_JSON) -> Response:
    """Render ``error`` as a response (headers from the error are added by the app)."""
    status, body = envelope(error)
    response = json_response(body, status, content_type=content_type)
    for name, value in error.headers.items():
        response.headers[name] = value
    return response
