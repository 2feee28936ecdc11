"""The Ometria error envelope: ``{"status": "ERROR", "message": text}`` (+ ``request_id`` on push)."""

from __future__ import annotations

from typing import Any

from flask import Response

from mock_server.core import errors as E
from mock_server.core.http import json_response
from mock_server.core.schema import REQUIRED
from mock_server.ometria import constants as C


def error_path(path: tuple[str | int, ...]) -> str:
    """Render a field path in the vendor's ``root > field > 0 > sub`` style."""
    return " > ".join(["root", *(str(p) for p in path)])


def error_message(message: str) -> str:
    """Collapse the shared vocabulary into the vendor's two phrases."""
    return C.MSG_REQUIRED if message == REQUIRED else C.MSG_INVALID


def field_problems(problems: list[tuple[tuple[str | int, ...], str]]) -> list[tuple[str, str]]:
    """Return ``(error_path, error_message)`` pairs, one per path, in path order."""
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for path, message in problems:
        rendered = error_path(path)
        if rendered not in seen:
            seen.add(rendered)
            out.append((rendered, error_message(message)))
    return out


def message_for(error: E.MockError) -> str:
    """Return the ``message`` text for ``error``."""
    if isinstance(error, E.ValidationFailed):
        details = "; ".join(f"{p}: {m}" for p, m in field_problems(error.problems))
        return C.ERR_FIELDS.format(details=details)
    if isinstance(error, E.InvalidParameters):
        return C.ERR_PARAM.format(name=error.fields[0][0] if error.fields else "?")
    if isinstance(error, E.InvalidJson):
        return C.ERR_BAD_JSON
    if isinstance(error, (E.Unauthorized, E.Forbidden)):
        return C.ERR_FORBIDDEN
    if isinstance(error, E.RouteNotFound):
        return C.ERR_ROUTE_NOT_FOUND
    if isinstance(error, E.MethodNotAllowed):
        return C.ERR_METHOD
    if isinstance(error, E.BodyTooLarge):
        return C.ERR_TOO_LARGE
    if isinstance(error, E.RateLimited):
        return error.message or C.ERR_RATE
    if isinstance(error, E.InternalError):
        return C.ERR_INTERNAL
    return error.message or C.FAULT_TEXTS.get(error.status, "Error")


def render(error: E.MockError, request_id: str | None = None) -> Response:
    """Render ``error``; ``request_id`` is added on push answers."""
    status = 403 if isinstance(error, E.Unauthorized) else error.status
    body: dict[str, Any] = {"status": "ERROR", "message": message_for(error)}
    if request_id is not None:
        body["request_id"] = request_id
    body.update(error.extra)
    response = json_response(body, status)
    for name, value in error.headers.items():
        response.headers[name] = value
    return response
