"""Control-plane routes under ``/_mock`` (JSON in, JSON out)."""

from __future__ import annotations

from flask import Blueprint, Response, request

from mock_server import __version__
from mock_server.core.errors import MockError
from mock_server.core.http import json_response
from mock_server.core.request import ctx

blueprint = Blueprint("control", __name__, url_prefix="/_mock")


def _tenant_summary() -> list[dict[str, object]]:
    mock = ctx()
    out = []
    for tenant in mock.store.tenants():
        vendor = mock.vendors[tenant.vendor]
        out.append({"vendor": tenant.vendor, "tenant": tenant.tenant_id,
                    "name": tenant.config.get("name"),
                    "keys": [k.key for k in vendor.api_keys(tenant)],
                    "records": {name: len(col) for name, col in tenant.collections.items() if len(col)}})
    return out


@blueprint.get("/health")
def health() -> Response:
    """Say the server is up, with its version, clock and tenants."""
    mock = ctx()
    return json_response({"status": "ok", "version": __version__, "clock": {
        "now": mock.clock.now().isoformat().replace("+00:00", "Z"), "frozen": mock.clock.frozen},
        "rateLimits": mock.limiter.enabled, "tenants": _tenant_summary()})


@blueprint.post("/reset")
def reset() -> Response:
    """Restore every tenant (or ``?tenant=``, optionally with ``?vendor=``) to its fixture seed."""
    mock = ctx()
    tenant_id = request.args.get("tenant")
    vendor = request.args.get("vendor")
    if vendor is not None and vendor not in mock.vendors:
        raise MockError(f"unknown vendor {vendor!r}", status=400)
    done = mock.reset(vendor, tenant_id)
    if tenant_id is not None and not done:
        raise MockError(f"unknown tenant {tenant_id!r}", status=404)
    return json_response({"reset": [{"vendor": t.vendor, "tenant": t.tenant_id} for t in done]})
