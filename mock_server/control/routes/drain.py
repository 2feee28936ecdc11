"""Finish pending background work now: the Omnisend batches, the Ometria push queue."""

from __future__ import annotations

from flask import Blueprint, Response, request

from mock_server.control.common import jsonable, require_tenant, require_vendor
from mock_server.core.http import json_response
from mock_server.core.request import ctx


def drain(vendor: str) -> Response:
    """Call the vendor's drain hook for every tenant (or ``?tenant=``)."""
    mock = ctx()
    require_vendor(mock, vendor)
    tenant_id = request.args.get("tenant")
    if tenant_id is not None:
        require_tenant(mock, vendor, tenant_id)
    result = mock.vendors[vendor].drain(mock, tenant_id)
    return json_response({"vendor": vendor, "tenant": tenant_id, "drained": jsonable(result)})


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
