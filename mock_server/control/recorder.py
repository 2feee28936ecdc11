"""Writes one journal entry per vendor request (the app's after-request and teardown hooks call it)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from flask import Response, g, request
from werkzeug.datastructures import EnvironHeaders

from mock_server.core.clock import iso_ms
from mock_server.core.context import MockContext
from mock_server.core.faults import ENV_DROP
from mock_server.core.journal import UNPACKERS, Deferred, lazy_body, mask_headers
from mock_server.core.limits import json_size
from mock_server.middleware import ENV_CAPTURE, ENV_OVERRIDDEN, CapturingInput

CONTROL_PREFIX = "/_mock"
# The environ keys of request headers, as werkzeug's EnvironHeaders reads them.
HEADER_ENVIRON = "HTTP_"
CONTENT_ENVIRON = ("CONTENT_TYPE", "CONTENT_LENGTH")


def start(ctx: MockContext) -> None:
    """Note when the request began (mock time for the entry, real time for the duration)."""
    g.started = time.perf_counter()
    g.mock_time = ctx.clock.time()


def journalled_path(path: str) -> bool:
    """Every path but the control plane's is a vendor request (unknown paths too)."""
    return not (path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/"))


def record(ctx: MockContext, response: Response | None, warnings: str | None = None) -> None:
    """Journal the current request once (``response`` None = it failed before an answer existed)."""
    if g.get("journalled") or g.get("preflight") or not journalled_path(request.path):
        return
    g.journalled = True
    limit = ctx.journal.body_limit
    dropped = bool(request.environ.get(ENV_DROP))
    status: int | None = None if dropped or response is None else response.status_code
    answer: Any = None
    answer_cut = False
    if response is not None and not dropped and not response.is_streamed:
        answer, answer_cut, _ = lazy_body(response.get_data(), limit)
    vendor = g.get("vendor")
    ctx.journal.record(journal_entry(
        mock_time=g.get("mock_time", ctx.clock.time()),
        request_id=g.get("request_id"),
        vendor=vendor.name if vendor is not None else None,
        api_version=g.get("api_version"),
        tenant=_tenant_id(),
        method=request.method,
        original_method=request.environ.get(ENV_OVERRIDDEN),
        path=request.path,
        query=request.query_string.decode("latin-1"),
        headers=request.headers.items(),
        body=_request_body(limit),
        status=500 if response is None and not dropped else status,
        response_headers=None if response is None or dropped else response.headers.items(),
        answer=(answer, answer_cut),
        started=g.get("started", time.perf_counter()),
        warnings=warnings,
        batch_item=bool(g.get("batch_item")),
        fault=g.get("fault"),
        dropped=dropped,
    ))


def journal_entry(*, mock_time: float, request_id: str | None, vendor: str | None, api_version: str | None,
                  tenant: str | None,
                  method: str, original_method: str | None, path: str, query: str,
                  headers: Iterable[tuple[str, str]] | Deferred, body: tuple[Any, bool, int], status: int | None,
                  response_headers: Iterable[tuple[str, str]] | None, answer: tuple[Any, bool], started: float,
                  warnings: str | None, batch_item: bool, fault: str | None, dropped: bool) -> dict[str, Any]:
    """One journal entry (both lanes build theirs here, so they cannot drift apart)."""
    return _entry(mock_time, request_id, vendor, api_version, tenant, method, original_method, path, query, headers,
                  body, status, response_headers, answer, round((time.perf_counter() - started) * 1000, 3),
                  warnings, batch_item, fault, dropped)


def _entry(mock_time: float, request_id: str | None, vendor: str | None, api_version: str | None,
           tenant: str | None, method: str, original_method: str | None, path: str, query: str,
           headers: Iterable[tuple[str, str]] | Deferred, body: tuple[Any, bool, int], status: int | None,
           response_headers: Iterable[tuple[str, str]] | None, answer: tuple[Any, bool], duration_ms: float,
           warnings: str | None, batch_item: bool, fault: str | None, dropped: bool) -> dict[str, Any]:
    shown, body_cut, body_size = body
    return {
        "time": Deferred(_iso, mock_time),
        "epoch": mock_time,
        "requestId": request_id,
        "vendor": vendor,
        "apiVersion": api_version,
        "tenant": tenant,
        "method": method,
        "originalMethod": original_method,
        "path": path,
        "query": query,
        "headers": Deferred(_masked, headers) if isinstance(headers, Deferred) else Deferred(mask_headers,
                                                                                             list(headers)),
        "body": shown,
        "bodyTruncated": body_cut,
        "bodySize": body_size,
        "status": status,
        "responseHeaders": None if response_headers is None else Deferred(mask_headers, list(response_headers)),
        "responseBody": answer[0],
        "responseTruncated": answer[1],
        "durationMs": duration_ms,
        "warnings": warnings,
        "batchItem": batch_item,
        "fault": fault,
        "dropped": dropped,
    }


def _header_names(environ: dict[str, Any]) -> tuple[str, ...]:
    names = _HEADER_NAMES.get(keys := tuple(environ))
    if names is None:
        names = tuple(name for name in keys if name.startswith(HEADER_ENVIRON) or name in CONTENT_ENVIRON)
        if len(_HEADER_NAMES) >= _SHAPES_KEPT:
            _HEADER_NAMES.clear()
        _HEADER_NAMES[keys] = names
    return names


# Which keys of an environ are request headers, by the environ's keys in order: a client sends the same
# headers request after request, so picking them out is one lookup rather than a test of every key.
_HEADER_NAMES: dict[tuple[str, ...], tuple[str, ...]] = {}
_SHAPES_KEPT = 256
LANE_ENTRY = "lane"


def lane_entry(*, mock_time: float, request_id: str, vendor: str, api_version: str | None, tenant: str,
               method: str, path: str, query: str, environ: dict[str, Any], body: bytes, status: int,
               response_headers: list[tuple[str, str]], answer: bytes, limit: int, started: float,
               warnings: str | None) -> tuple[Any, ...]:
    """The journal entry of a request a lane answered without Flask, packed for
    :meth:`Journal.record_packed`: the raw pieces (strings, numbers, bytes and tuples of them) that
    :func:`journal_entry` would build an entry from, built into that same entry when the journal is read.

    Building the entry's dict and its deferred values was a tenth of a push's cost, and most entries are
    never read; a tuple of plain values is also dropped from the collector's scans after its first one.
    """
    return (mock_time, request_id, vendor, api_version, tenant, method, path, query,
            tuple([(name, environ[name]) for name in _header_names(environ)]), body[:limit + 1], len(body), status,
            tuple(response_headers), answer[:limit + 1], len(answer), limit,
            round((time.perf_counter() - started) * 1000, 3), warnings)


def _lane_entry(mock_time: float, request_id: str, vendor: str, api_version: str | None, tenant: str, method: str,
                path: str, query: str, headers: tuple[tuple[str, str], ...], body: bytes, body_size: int,
                status: int, response_headers: tuple[tuple[str, str], ...], answer: bytes, answer_size: int,
                limit: int, duration_ms: float, warnings: str | None) -> dict[str, Any]:
    """What :func:`journal_entry` gives for the pieces :func:`lane_entry` kept."""
    return _entry(mock_time, request_id, vendor, api_version, tenant, method, None, path, query,
                  Deferred(_request_headers, dict(headers)), lazy_body(body, limit, body_size), status,
                  response_headers, lazy_body(answer, limit, answer_size)[:2], duration_ms, warnings, False, None,
                  False)


UNPACKERS[LANE_ENTRY] = _lane_entry


def _request_headers(snapshot: dict[str, Any]) -> list[tuple[str, str]]:
    return list(EnvironHeaders(snapshot).items())


def _masked(headers: Deferred) -> dict[str, str]:
    return mask_headers(headers.value())


def _iso(mock_time: float) -> str:
    return iso_ms(datetime.fromtimestamp(mock_time, UTC))


def _tenant_id() -> str | None:
    found: str | None = g.get("caller_tenant")
    if found is not None:
        return found
    tenant = g.get("tenant")
    if tenant is not None:
        return str(tenant.tenant_id)
    key = g.get("api_key")
    return None if key is None else str(key.tenant_id)


def _request_body(limit: int) -> tuple[Any, bool, int]:
    capture = request.environ.get(ENV_CAPTURE)
    if isinstance(capture, CapturingInput):
        if not capture.exhausted and len(capture.captured) <= limit:
            # The view did not read (all of) the body: read just enough of it to show.
            with contextlib.suppress(Exception):
                request.stream.read(limit + 1 - len(capture.captured))
        size = capture.size if capture.exhausted else max(request.content_length or 0, len(capture.captured))
        return lazy_body(bytes(capture.captured), limit, size)
    # An internal request (an Omnisend batch item) that did not come through the WSGI layer.
    parsed = g.get("body")
    if parsed is None:
        return None, False, 0
    size = json_size(parsed)
    if size > limit:
        return None, True, size
    return parsed, False, size
