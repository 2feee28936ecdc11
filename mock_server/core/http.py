"""HTTP helpers shared by the vendors: JSON responses that keep key order, and empty responses."""

from __future__ import annotations

import json
from typing import Any

from flask import Response

JSON_CT = "application/json"
JSON_UTF8_CT = "application/json; charset=utf-8"
# The sandbox's own headers on every vendor answer (mock decision): the request's journal id, and the
# non-fatal remarks about the request.
REQUEST_ID_HEADER = "X-Mock-Request-Id"
WARNINGS_HEADER = "X-Mock-Warnings"


# One encoder for every answer (json.dumps with options builds a new one per call); encoding keeps no state.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def dumps(body: Any) -> str:
    """Serialise compactly, keeping key order, without escaping non-ASCII."""
    return _ENCODER.encode(body)


def json_response(body: Any, status: int = 200, *, content_type: str = JSON_CT,
                  headers: dict[str, str] | None = None) -> Response:
    """Return a JSON response with the exact Content-Type the vendor uses."""
    response = Response(dumps(body).encode("utf-8"), status=status, headers=headers)
    response.headers["Content-Type"] = content_type
    return response


def empty_response(status: int, headers: dict[str, str] | None = None) -> Response:
    """Return a bodyless response (204, or Omnisend's 202 for v5 events) with Content-Length 0."""
    response = Response(b"", status=status, headers=headers)
    response.headers.pop("Content-Type", None)
    response.headers["Content-Length"] = "0"
    return response
