"""Control plane: finish pending Omnisend background work now (omnisend.md §6.8, §6.9)."""

from __future__ import annotations

from flask import Blueprint, Response, request

from mock_server.core.errors import MockError
from mock_server.core.http import json_response
from mock_server.core.request import ctx

blueprint = Blueprint("control_omnisend_batches", __name__, url_prefix="/_mock/omnisend")


@blueprint.post("/batches/drain")
def drain_batches() -> Response:
    """Run every pending batch item and started campaign of every brand (or ``?tenant=``) at once."""
    mock = ctx()
    tenant_id = request.args.get("tenant")
    if tenant_id is not None and mock.tenant("omnisend", tenant_id) is None:
        raise MockError(f"unknown tenant {tenant_id!r}", status=404)
    return json_response({"drained": mock.vendors["omnisend"].drain(mock, tenant_id)})
