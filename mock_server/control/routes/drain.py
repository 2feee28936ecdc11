"""Finish pending background work now: the Omnisend batches, the Ometria push queue."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from mock_server.control.common import jsonable, require_tenant, require_vendor
from mock_server.core.context import MockContext
from mock_server.core.http import json_response
from mock_server.core.request import ctx


def drain_vendor(mock: MockContext, vendor: str, tenant_id: str | None = None) -> Any:
    """Call the vendor's drain hook for every tenant (or one); return its report, JSON-ready."""
    require_vendor(mock, vendor)
    if tenant_id is not None:
        require_tenant(mock, vendor, tenant_id)
    return jsonable(mock.vendors[vendor].drain(mock, tenant_id))


def drain(vendor: str) -> Response:
    """Drain ``vendor`` for every tenant (or ``?tenant=``)."""
    tenant_id = request.args.get("tenant")
    result = drain_vendor(ctx(), vendor, tenant_id)
    return json_response({"vendor": vendor, "tenant": tenant_id, "drained": result})


def register(bp: Blueprint) -> None:
    """Attach the drain routes."""

    @bp.post("/ometria/queue/drain")
    def drain_ometria_queue() -> Response:
        """Process every waiting Ometria push record now."""
        return drain("ometria")

    @bp.post("/omnisend/batches/drain")
    def drain_omnisend_batches() -> Response:
        """Finish every pending Omnisend batch now."""
        return drain("omnisend")
