"""The outbox: side effects (workflows, emails, triggers) of every tenant, filtered; clear."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from mock_server.control.common import jsonable, page, paging, require_tenant, require_vendor
from mock_server.core.context import MockContext
from mock_server.core.http import json_response
from mock_server.core.request import ctx
from mock_server.core.store import TenantState


def selected_tenants(mock: MockContext, vendor: str | None, tenant_id: str | None) -> list[TenantState]:
    """The tenants a vendor / tenant filter names (404 for unknown ones)."""
    if vendor is not None:
        require_vendor(mock, vendor)
        if tenant_id is not None:
            return [require_tenant(mock, vendor, tenant_id)]
    chosen = [t for t in mock.store.tenants(vendor) if tenant_id is None or t.tenant_id == tenant_id]
    if tenant_id is not None and not chosen:
        require_tenant(mock, vendor or "omnisend", tenant_id)
    return chosen


def collect(mock: MockContext, vendor: str | None = None, tenant_id: str | None = None,
            kind: str | None = None) -> list[dict[str, Any]]:
    """Outbox entries of the selected tenants (of ``kind`` if given), JSON-ready, oldest first."""
    entries: list[dict[str, Any]] = []
    for tenant in selected_tenants(mock, vendor, tenant_id):
        with tenant.lock:
            entries.extend(jsonable(e) for e in tenant.extra.get("outbox", []) if kind is None or e.get("kind") == kind)
    entries.sort(key=lambda e: str(e.get("at", "")))  # stable: per-tenant order kept within an instant
    return entries


def register(bp: Blueprint) -> None:
    """Attach the outbox routes."""

    @bp.get("/outbox")
    def outbox() -> Response:
        """Return outbox entries of every tenant (``vendor``, ``tenant``, ``kind``), oldest first, paged."""
        args = request.args
        entries = collect(ctx(), args.get("vendor"), args.get("tenant"), args.get("kind"))
        limit, offset = paging()
        return json_response(page(entries, limit, offset))

    @bp.delete("/outbox")
    def clear_outbox() -> Response:
        """Delete the matching outbox entries."""
        deleted = 0
        kind = request.args.get("kind")
        for tenant in selected_tenants(ctx(), request.args.get("vendor"), request.args.get("tenant")):
            with tenant.lock:
                entries = tenant.extra.get("outbox", [])
                kept = [e for e in entries if kind is not None and e.get("kind") != kind]
                deleted += len(entries) - len(kept)
                if entries:
                    tenant.extra["outbox"] = kept
        return json_response({"deleted": deleted})
