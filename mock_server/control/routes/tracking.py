"""The tracking hits of the browser stand-ins and headless tracking (tracking.md §6): list, clear, sessions."""

from __future__ import annotations

from flask import Blueprint, Response, request

from mock_server.control.common import not_found, page, paging
from mock_server.core.context import MockContext
from mock_server.core.http import json_response
from mock_server.core.request import ctx
from mock_server.core.store import TenantState
from mock_server.tracking import constants as C
from mock_server.tracking import hits
from mock_server.tracking.ometria import resolve_account

VENDORS = (C.OMETRIA, C.OMNISEND)


def selected(mock: MockContext, vendor: str | None, tenant_id: str | None) -> list[TenantState]:
    """The tenants the ``vendor`` / ``tenant`` filters name (an Ometria ``tagHash`` names its account)."""
    if vendor is not None and vendor not in VENDORS:
        raise not_found(C.ERR_UNKNOWN_VENDOR.format(vendor=vendor))
    chosen = [t for t in mock.store.tenants(vendor) if t.vendor in VENDORS]
    if tenant_id is None:
        return chosen
    by_hash = resolve_account(mock, tenant_id) if vendor in (None, C.OMETRIA) else None
    found = [t for t in chosen if t.tenant_id == tenant_id or t is by_hash]
    if not found:
        raise not_found(C.ERR_UNKNOWN_TENANT.format(tenant=tenant_id))
    return found


def listed(mock: MockContext) -> list[hits.Hit]:
    """The hits every filter of the query selects, newest first."""
    args = request.args
    tenants = selected(mock, args.get("vendor") or None, args.get("tenant") or None)
    return hits.select(hits.hits_of(tenants), args.get("visitor") or None, args.get("type") or None,
                       args.get("source") or None)


def register(bp: Blueprint) -> None:
    """Attach the tracking routes."""

    @bp.get("/tracking")
    def tracking_hits() -> Response:
        """Every recorded tracking hit, newest first (``vendor``, ``tenant``, ``visitor``, ``type``, ``source``)."""
        limit, offset = paging()
        return json_response(page(listed(ctx()), limit, offset, hits.render))

    @bp.delete("/tracking")
    def clear_tracking_hits() -> Response:
        """Forget the hits of the selected tenants (``vendor``, ``tenant``)."""
        mock = ctx()
        tenants = selected(mock, request.args.get("vendor") or None, request.args.get("tenant") or None)
        return json_response({"deleted": hits.delete(tenants)})

    @bp.get("/tracking/sessions")
    def tracking_sessions() -> Response:
        """Page views per session (``vendor``, ``tenant``), newest ``lastAt`` first."""
        mock = ctx()
        tenants = selected(mock, request.args.get("vendor") or None, request.args.get("tenant") or None)
        return json_response({"items": hits.sessions(hits.hits_of(tenants))})
