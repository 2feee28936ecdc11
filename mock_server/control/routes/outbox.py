"""The outbox: side effects (workflows, emails, triggers) of every tenant, filtered; clear."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from mock_server.control.common import jsonable, page, paging, require_tenant, require_vendor
from mock_server.core.context import MockContext
from mock_server.core.http import json_response
from mock_server.core.request import ctx
from mock_server.core.store import TenantState


def selected_tenants(mock: MockContext) -> list[TenantState]:
    """The tenants the ``vendor`` / ``tenant`` query names (404 for unknown ones)."""
    vendor = request.args.get("vendor")
    tenant_id = request.args.get("tenant")
    if vendor is not None:
        require_vendor(mock, vendor)
        if tenant_id is not None:
            return [require_tenant(mock, vendor, tenant_id)]
    chosen = [t for t in mock.store.tenants(vendor) if tenant_id is None or t.tenant_id == tenant_id]
    if tenant_id is not None and not chosen:
        require_tenant(mock, vendor or "omnisend", tenant_id)
    return chosen


def wanted(entry: dict[str, Any]) -> bool:
    """Whether an entry passes the ``kind`` filter."""
    kind = request.args.get("kind")
    return kind is None or entry.get("kind") == kind


def register(bp: Blueprint) -> None:
    """Attach the outbox routes."""

    @bp.get("/outbox")
    def outbox() -> Response:
        """Return outbox entries of every tenant (``vendor``, ``tenant``, ``kind``), oldest first, paged."""
        mock = ctx()
        entries: list[dict[str, Any]] = []
        for tenant in selected_tenants(mock):
            with tenant.lock:
                entries.extend(jsonable(e) for e in tenant.extra.get("outbox", []) if wanted(e))
        entries.sort(key=lambda e: str(e.get("at", "")))  # stable: per-tenant order kept within an instant
        limit, offset = paging()
        return json_response(page(entries, limit, offset))

    @bp.delete("/outbox")
    def clear_outbox() -> Response:
        """Delete the matching outbox entries."""
        deleted = 0
        for tenant in selected_tenants(ctx()):
            with tenant.lock:
                entries = tenant.extra.get("outbox", [])
                kept = [e for e in entries if not wanted(e)]
                deleted += len(entries) - len(kept)
                if entries:
                    tenant.extra["outbox"] = kept
        return json_response({"deleted": deleted})
