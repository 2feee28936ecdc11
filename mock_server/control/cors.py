"""CORS for browser clients: allowed origins from settings (loopback by default), preflights answered
without auth, and the vendors' headers exposed to scripts."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Request, Response

ALLOW_METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
EXPOSE_HEADERS = ", ".join((
    "X-Rate-Limit-Limit", "X-Rate-Limit-Remaining", "X-Rate-Limit-Reset", "Retry-After",
    "X-QueueSize-Limit", "X-QueueSize-Remaining", "X-Mock-Request-Id", "X-Mock-Warnings", "Allow",
))
DEFAULT_ALLOW_HEADERS = "Content-Type, X-API-KEY, X-Ometria-Auth, X-HTTP-Method-Override, Authorization, " \
    "X-Mock-Admin-Token"
MAX_AGE = "600"


def origin_allowed(origin: str, patterns: Iterable[str]) -> bool:
    """Whether ``origin`` matches one pattern: exact, ``*`` (any), or ``scheme://host:*`` (any port)."""
    for pattern in patterns:
        if pattern == "*" or origin == pattern:
            return True
        if pattern.endswith(":*"):
            base = pattern[:-2]
            if origin == base or (origin.startswith(base + ":") and origin[len(base) + 1:].isdigit()):
                return True
    return False


def is_preflight(request: Request) -> bool:
    """Whether the request is a CORS preflight (answered before any auth)."""
    return (request.method == "OPTIONS" and "Origin" in request.headers
            and "Access-Control-Request-Method" in request.headers)


def preflight(request: Request, patterns: Iterable[str]) -> Response:
    """Answer a preflight: 204, with the permissions when the origin is allowed."""
    response = Response(b"", status=204)
    origin = request.headers.get("Origin", "")
    if origin_allowed(origin, patterns):
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Methods"] = ALLOW_METHODS
        response.headers["Access-Control-Allow-Headers"] = (
            request.headers.get("Access-Control-Request-Headers") or DEFAULT_ALLOW_HEADERS)
        response.headers["Access-Control-Max-Age"] = MAX_AGE
    response.headers.add("Vary", "Origin")
    return response


def decorate(request: Request, response: Response, patterns: Iterable[str]) -> None:
    """Add the CORS headers of an actual (non-preflight) answer to an allowed origin."""
    origin = request.headers.get("Origin")
    if origin is None or not origin_allowed(origin, patterns):
        return
    if response.headers.get("Access-Control-Allow-Origin") == "*":
        return  # a public answer (the browser tracking hosts): any origin already reads it
    response.headers["Access-Control-Allow-Origin"] = origin
    response.headers["Access-Control-Expose-Headers"] = EXPOSE_HEADERS
    response.headers.add("Vary", "Origin")
