"""Live journal: the latest vendor requests newest first, filtered; one request in full."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from flask import Blueprint, Response, request

from mock_server.control.common import not_found
from mock_server.control.routes.journal import journal_filter, ordered_entries
from mock_server.control.ui.render import page, pretty
from mock_server.core.journal import JournalFilter
from mock_server.core.request import ctx

SHOWN = 100  # rows on the page; the JSON route pages through everything
REFRESH_MS = 2000
# "4xx" includes 429; "429" alone picks the rate-limited requests (any exact status works in the address).
STATUS_CLASSES = ("2xx", "3xx", "4xx", "429", "5xx", "dropped")
FILTERS = ("vendor", "tenant", "status", "path")
GLOB = "*?["
NONE = "\N{EN DASH}"  # shown for a request no vendor or tenant claimed (unknown path, bad key)


@dataclass(frozen=True)
class JournalRow:
    """One request in the table."""

    id: int
    time: str
    vendor: str
    tenant: str
    method: str
    target: str
    status: str
    status_class: str
    duration_ms: float
    fault: str
    warnings: bool
    version: str = ""  # the vendor API version the request spoke (v3, v5, 2026-03-15)


def row_of(entry: dict[str, Any]) -> JournalRow:
    """The table's view of a journal entry."""
    from mock_server.control.ui.stats import request_class  # the charts' module: a start does not need it

    target = entry["path"] + (f"?{entry['query']}" if entry.get("query") else "")
    status = entry.get("status")
    return JournalRow(entry["id"], entry["time"], entry.get("vendor") or NONE, entry.get("tenant") or NONE,
                      entry["method"], target, "dropped" if status is None else str(status),
                      request_class(status), entry.get("durationMs") or 0.0, entry.get("fault") or "",
                      bool(entry.get("warnings")), entry.get("apiVersion") or "")


def page_filter() -> JournalFilter:
    """The JSON route's filter (same parsing, empty values mean any); a path without glob characters is
    searched as a part of the path (mock decision: people type ``contacts``, not ``*contacts*``)."""
    where = journal_filter()
    path = request.args.get("path", "").strip()
    if path and not any(char in path for char in GLOB):
        where = replace(where, path=f"*{path}*")
    return where


def latest_rows() -> tuple[list[JournalRow], int]:
    """The newest matching requests (at most :data:`SHOWN`) and how many match in all."""
    entries = ordered_entries(page_filter(), "desc")
    return [row_of(e) for e in entries[:SHOWN]], len(entries)


def selected() -> dict[str, str]:
    """The filters in the query (empty values dropped), to carry into the refresh URL."""
    return {name: request.args[name] for name in FILTERS if request.args.get(name)}


def register(bp: Blueprint) -> None:
    """Attach the journal pages."""

    @bp.get("/journal")
    def journal() -> Response:
        """Show the latest vendor requests, newest first, refreshing itself."""
        mock = ctx()
        rows, total = latest_rows()
        tenants = sorted({t.tenant_id for t in mock.store.tenants()})
        return page("ui/journal.html", title="Journal", rows=rows, total=total, shown=SHOWN,
                    vendors=sorted(mock.vendors), tenants=tenants, status_classes=STATUS_CLASSES,
                    filters=selected(), refresh_ms=REFRESH_MS)

    @bp.get("/journal/rows")
    def journal_rows() -> Response:
        """Return the journal table's rows alone (what the page's auto-refresh fetches)."""
        rows, total = latest_rows()
        return page("ui/_journal_rows.html", rows=rows, total=total, shown=SHOWN)

    @bp.get("/journal/<int:entry_id>")
    def journal_entry(entry_id: int) -> Response:
        """Show one request: headers (secrets masked), body, answer, warnings."""
        found = [e for e in ctx().journal.entries() if e["id"] == entry_id]
        if not found:
            raise not_found(f"no journal entry {entry_id} (the journal keeps the newest {ctx().journal.size})")
        entry = found[0]
        warnings = [w.strip() for w in (entry.get("warnings") or "").split(";") if w.strip()]
        return page("ui/journal_entry.html", title=f"Request {entry_id}", entry=entry, row=row_of(entry),
                    body=pretty(entry.get("body")) if entry.get("body") is not None else "",
                    answer=pretty(entry.get("responseBody")) if entry.get("responseBody") is not None else "",
                    warnings=warnings)
