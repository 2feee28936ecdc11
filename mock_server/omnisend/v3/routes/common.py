"""Glue shared by the Omnisend views: the brand of the request, list reading, paging objects."""

from __future__ import annotations

from typing import Any

from flask import request
from marshmallow import Schema

from mock_server.core import schema as S
from mock_server.core.paging import ListResult, ListSpec, link, parse_list_query, run_list
from mock_server.core.request import body, ctx, query_args, tenant
from mock_server.core.store import Record
from mock_server.omnisend.backend import Brand


def brand() -> Brand:
    """Return the request's brand."""
    return Brand(ctx(), tenant())


def load_body(schema: Schema) -> dict[str, Any]:
    """Validate the request body with ``schema`` (400 with ``fields`` on problems)."""
    return S.load(schema, body())


def read_list(spec: ListSpec, collection: str, context: dict[str, Any] | None = None) -> ListResult:
    """Parse the list query against ``spec`` and read one page of ``collection``.

    Custom filters find the request's brand under ``context["brand"]`` (e.g. ``segmentID``).
    """
    mock = ctx()
    query = parse_list_query(spec, query_args(), mock.codec, {"brand": brand(), **(context or {})})
    return run_list(spec, brand().col(collection), query, mock.codec)


def public_base() -> str:
    """The base of absolute links: ``--public-url`` or the request's scheme and host."""
    return ctx().settings.public_url or request.host_url


def paging(result: ListResult, path: str) -> dict[str, Any]:
    """Render ``{"previous", "next", "offset", "limit"}`` with absolute links on the canonical path."""
    base, args = public_base(), query_args()
    return {
        "previous": link(base, path, args, result.previous) if result.previous is not None else None,
        "next": link(base, path, args, result.next) if result.next is not None else None,
        "offset": result.offset,
        "limit": result.limit,
    }


def list_body(key: str, items: list[Record], result: ListResult, path: str) -> dict[str, Any]:
    """Render ``{key: items, "paging": {...}}``."""
    return {key: items, "paging": paging(result, path)}
