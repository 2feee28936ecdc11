"""The request journal: read (filtered, ordered, paged), count, clear."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from mock_server.control.common import bad_request, page, query_bool, query_int
from mock_server.core.http import json_response
from mock_server.core.journal import JournalFilter, parse_time, valid_status_filter
from mock_server.core.request import ctx

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


def journal_filter() -> JournalFilter:
    """Build the filter from the query (``status`` 404 or 4xx; ``since``/``until`` RFC 3339, mock time; empty
    values ignored)."""
    # An empty parameter means "any" (a form's "Any status" option sends ``status=``).
    args = {name: value for name, value in request.args.items() if value != ""}
    status = args.get("status")
    if status is not None and not valid_status_filter(status):
        raise bad_request("status must be a status (404), a class (4xx) or 'dropped'",
                          [("status", "must be a status (404), a class (4xx) or 'dropped'")])
    bounds: dict[str, float | None] = {}
    for name in ("since", "until"):
        raw = args.get(name)
        bounds[name] = None if raw is None else parse_time(raw)
        if raw is not None and bounds[name] is None:
            raise bad_request(f"{name} must be an RFC 3339 date-time", [(name, "must be an RFC 3339 date-time")])
    return JournalFilter(vendor=args.get("vendor"), tenant=args.get("tenant"), method=args.get("method"),
                         path=args.get("path"), status=status, since=bounds["since"], until=bounds["until"],
                         request_id=args.get("requestId"), batch_item=query_bool("batchItem"),
                         fault=args.get("fault"))


# Newest first by default, as the dashboard shows it and as WireMock's request log lists it (mock decision);
# ``order=asc`` gives arrival order.
ORDERS = ("desc", "asc")
DEFAULT_ORDER = "desc"


def journal_order() -> str:
    """Read ``order`` (``desc``, the default, or ``asc``); 400 otherwise."""
    order = request.args.get("order") or DEFAULT_ORDER
    if order not in ORDERS:
        raise bad_request("order must be asc or desc", [("order", "must be asc or desc")])
    return order


def ordered_entries(where: JournalFilter, order: str = DEFAULT_ORDER) -> list[dict[str, Any]]:
    """The matching entries, newest first (``desc``) or in arrival order (``asc``)."""
    entries = ctx().journal.entries(where)
    if order == "desc":
        entries.reverse()
    return entries


def register(bp: Blueprint) -> None:
    """Attach the journal routes."""

    @bp.get("/journal")
    def journal() -> Response:
        """Return journalled vendor requests, newest first unless ``order=asc`` (filters, paging)."""
        where = journal_filter()
        order = journal_order()
        limit = query_int("limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
        offset = query_int("offset", 0, 0)
        return json_response(page(ordered_entries(where, order), limit, offset))

    @bp.get("/journal/count")
    def journal_count() -> Response:
        """Count journalled requests matching the filters."""
        return json_response({"count": ctx().journal.count(journal_filter())})

    @bp.delete("/journal")
    def journal_clear() -> Response:
        """Forget every journalled request."""
        return json_response({"deleted": ctx().journal.clear()})
