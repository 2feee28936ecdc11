"""RFC 9457 problem bodies of API version 2026-03-15 (§2): one function renders every error.

Written here (about 80 lines) rather than with a problem-details library because the body must match
Omnisend's exactly: no ``instance`` and no ``detail`` on a 401 (OBS-401), ``errors[]`` items of
``{field, code, message}`` (no ``pointer``), ``retryAfter`` on a 429 and ``application/json``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import Response, g

from mock_server.core import errors as E
from mock_server.core.http import json_response
from mock_server.core.schema import REQUIRED
from mock_server.omnisend.v2026 import constants as C

FieldError = tuple[str, str, str]  # (field, code, message)


class Problem(E.MockError):
    """An error with a status and a detail; ``field_errors`` fill ``errors[]``."""

    kind = "problem"

    def __init__(self, status: int, detail: str = "", field_errors: Sequence[FieldError] = ()) -> None:
        super().__init__(detail, status=status)
        self.field_errors = list(field_errors)


class Invalid(Problem):
    """400 validation problem from ``(field, code, message)`` triples (all reported together, §2.1)."""

    def __init__(self, field_errors: Sequence[FieldError], detail: str = C.DETAIL_VALIDATION) -> None:
        super().__init__(400, detail, field_errors)


class Conflict(Problem):
    """409: a duplicate, or the resource's state blocks the action (§2.2)."""

    def __init__(self, detail: str) -> None:
        super().__init__(409, detail)


class VersionRetired(Problem):
    """410: the ``Omnisend-Version`` names a retired version (§1.2)."""

    def __init__(self, version: str) -> None:
        super().__init__(410, C.DETAIL_VERSION_RETIRED.format(version=version))


class RateLimitExceeded(Problem):
    """429 with ``retryAfter`` in the body and no rate-limit headers at all (§4)."""

    def __init__(self, retry_after: int, limit: int, window: float) -> None:
        per = "minute" if window == C.MINUTE else ("24 hours" if window == C.DAY else f"{window:g} seconds")
        super().__init__(429, C.DETAIL_RATE.format(limit=limit, window=per))
        self.retry_after = retry_after


def field_name(path: Sequence[str | int]) -> str:
    """Render ``("identifiers", 0, "id")`` as ``identifiers[0].id`` (mock decision, §2.1)."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def code_for(message: str) -> str:
    """The ``errors[].code`` for a message of the shared validation vocabulary (mock decision)."""
    if message == REQUIRED or "required" in message:
        return C.CODE_REQUIRED
    if message.startswith("invalid type"):
        return C.CODE_TYPE
    if message.startswith("invalid format"):
        return C.CODE_FORMAT
    if message.startswith(("length must", "must contain")):
        return C.CODE_LENGTH
    return C.CODE_VALUE


def _message(message: str) -> str:
    return C.MSG_REQUIRED if message == REQUIRED else message


def field_errors(error: E.MockError) -> list[FieldError]:
    """The ``errors[]`` triples of a validation-type error."""
    if isinstance(error, Problem):
        return error.field_errors
    if isinstance(error, E.ValidationFailed):
        return [(field_name(path) or "body", code_for(msg), _message(msg)) for path, msg in error.problems]
    return [(name, code_for(reason), _message(reason)) for name, reason in error.fields]


def _detail(error: E.MockError) -> str | None:
    if isinstance(error, E.RouteNotFound):
        from flask import request

        return C.DETAIL_ROUTE.format(method=request.method, path=request.path)
    if isinstance(error, E.MethodNotAllowed):
        from flask import request

        return C.DETAIL_METHOD.format(method=request.method, path=request.path, allowed=", ".join(error.allowed))
    if isinstance(error, E.BodyTooLarge):
        return C.DETAIL_TOO_LARGE.format(cap=error.cap)
    if isinstance(error, E.InvalidJson):
        return C.DETAIL_BAD_JSON
    if isinstance(error, (E.ValidationFailed, E.InvalidParameters)):
        return C.DETAIL_VALIDATION
    if isinstance(error, E.InternalError):
        return C.DETAIL_INTERNAL
    return error.message or None


def problem(error: E.MockError) -> dict[str, Any]:
    """The problem body for ``error``."""
    status = error.status
    body: dict[str, Any] = {"type": C.TYPES.get(status, C.T_GENERIC), "title": C.TITLES.get(status, "Error"),
                            "status": status}
    if isinstance(error, E.Unauthorized) and not error.message:
        return body  # exactly what OBS-401 recorded: no detail, no instance
    detail = _detail(error)
    if detail:
        body["detail"] = detail
    body["instance"] = C.INSTANCE.format(id=g.get("request_id", ""))
    if status == 400 and isinstance(error, (Problem, E.ValidationFailed, E.InvalidParameters)):
        errors = field_errors(error)
        if errors:
            body["errors"] = [{"field": f, "code": c, "message": m} for f, c, m in errors]
    if isinstance(error, RateLimitExceeded):
        body["retryAfter"] = error.retry_after
    return body


def render(error: E.MockError) -> Response:
    """Render ``error`` as a problem response (the app adds ``error.headers``, e.g. 405's Allow)."""
    return json_response(problem(error), error.status, content_type=C.CT_JSON)
