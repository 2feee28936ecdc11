"""Glue shared by the control views: JSON bodies, query parsing, paging, the control error type."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from flask import request
from marshmallow import Schema
from marshmallow import ValidationError as MarshmallowError

from mock_server.core.context import MockContext
from mock_server.core.errors import MockError
from mock_server.core.limits import loads_strict
from mock_server.core.store import TenantState

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
T = TypeVar("T")


class ControlError(MockError):
    """An error of the control plane: ``{"error": text}`` plus optional ``fields`` and extra keys."""


def bad_request(message: str, fields: Sequence[tuple[str, str]] | None = None,
                extra: Mapping[str, Any] | None = None) -> ControlError:
    """Return a 400 to raise."""
    return ControlError(message, status=400, fields=fields, extra=extra)


def not_found(message: str) -> ControlError:
    """Return a 404 to raise."""
    return ControlError(message, status=404)


def json_body(*, required: bool = True) -> Any:
    """Parse the request body as JSON (400 on invalid JSON; None for an empty optional body)."""
    data = request.get_data(cache=True)
    if not data.strip():
        if required:
            raise bad_request("a JSON body is required")
        return None
    try:
        return loads_strict(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise bad_request(f"invalid JSON: {exc}") from exc
    except RecursionError as exc:
        raise bad_request("invalid JSON: nested too deeply") from exc


def load(schema: Schema, data: Any) -> Any:
    """Validate ``data`` with a marshmallow schema; 400 with one ``fields`` entry per problem."""
    if not isinstance(data, dict):
        raise bad_request("the body must be a JSON object")
    try:
        return schema.load(data)
    except MarshmallowError as exc:
        raise bad_request("invalid request body", fields=flatten(exc.messages)) from exc


def flatten(messages: Any, prefix: str = "") -> list[tuple[str, str]]:
    """Turn marshmallow's nested messages into sorted ``(path, message)`` pairs."""
    out: list[tuple[str, str]] = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            out.extend(flatten(value, path))
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        out.extend((prefix or "_schema", m) for m in messages)
    elif isinstance(messages, list):
        for item in messages:
            out.extend(flatten(item, prefix))
    else:
        out.append((prefix or "_schema", str(messages)))
    return sorted(out)


def query_int(name: str, default: int, low: int, high: int | None = None) -> int:
    """Read an integer query parameter within bounds (400 otherwise)."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise bad_request(f"{name} must be an integer", [(name, "must be an integer")]) from exc
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f">= {low}"
        raise bad_request(f"{name} must be {bound}", [(name, f"must be {bound}")])
    return value


def query_bool(name: str) -> bool | None:
    """Read ``true``/``false``/``1``/``0`` (None when absent; 400 otherwise)."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    lowered = raw.lower()
    if lowered in ("true", "1", "yes"):
        return True
    if lowered in ("false", "0", "no"):
        return False
    raise bad_request(f"{name} must be true or false", [(name, "must be true or false")])


def paging() -> tuple[int, int]:
    """Return ``(limit, offset)`` from the query (limit 1..500, default 50)."""
    return query_int("limit", DEFAULT_LIMIT, 1, MAX_LIMIT), query_int("offset", 0, 0)


def page(items: Sequence[T], limit: int, offset: int, render: Callable[[T], Any] | None = None
         ) -> dict[str, Any]:
    """Return one page of an in-memory sequence with its paging facts."""
    chosen = items[offset:offset + limit]
    return {"total": len(items), "limit": limit, "offset": offset,
            "items": [render(i) for i in chosen] if render else list(chosen)}


def require_vendor(mock: MockContext, vendor: str) -> None:
    """404 unless ``vendor`` is served."""
    if vendor not in mock.vendors:
        raise not_found(f"unknown vendor {vendor!r} (expected one of {', '.join(sorted(mock.vendors))})")


def require_tenant(mock: MockContext, vendor: str, tenant_id: str) -> TenantState:
    """Return the tenant, or 404 for an unknown vendor or tenant."""
    require_vendor(mock, vendor)
    found = mock.tenant(vendor, tenant_id)
    if found is None:
        raise not_found(f"unknown {vendor} tenant {tenant_id!r}")
    return found


def jsonable(value: Any) -> Any:
    """Make stored state JSON-ready (tuples become lists; anything unknown becomes its text)."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, (str, int, bool)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    return str(value)
