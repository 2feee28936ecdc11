"""Read-only views of stored state, one page at a time (never the whole store in one answer)."""

from __future__ import annotations

import itertools
from typing import Any

from flask import Blueprint, Response

from mock_server.control.common import jsonable, not_found, page, paging, require_tenant, require_vendor
from mock_server.core.http import json_response
from mock_server.core.request import ctx
from mock_server.core.store import TenantState

CONFIG = "config"


def derived(tenant: TenantState) -> dict[str, Any]:
    """The vendor's computed views of a tenant (segments, profiles, event log), by name."""
    mock = ctx()
    return mock.vendors[tenant.vendor].derived_state(mock, tenant)


def resources(tenant: TenantState) -> list[dict[str, Any]]:
    """Name, kind and size of everything a tenant holds."""
    out: list[dict[str, Any]] = [{"name": name, "kind": "collection", "count": len(col)}
                                 for name, col in tenant.collections.items()]
    for name, view in derived(tenant).items():
        if name not in tenant.collections:
            out.append({"name": name, "kind": "derived", "count": len(view())})
    for name, value in tenant.extra.items():
        if name not in tenant.collections:
            count = len(value) if isinstance(value, (list, dict)) else 1
            out.append({"name": name, "kind": "extra", "count": count})
    out.append({"name": CONFIG, "kind": "config", "count": 1})
    return out


def resource_page(tenant: TenantState, resource: str, limit: int, offset: int) -> dict[str, Any]:
    """One page of a tenant's resource as the state route answers it (404 for an unknown resource)."""
    head = {"vendor": tenant.vendor, "tenant": tenant.tenant_id, "resource": resource}
    with tenant.lock:
        collection = tenant.find_collection(resource)
        if collection is not None:
            chosen = itertools.islice(collection.items(), offset, offset + limit)
            items = [{"key": key, "record": jsonable(record)} for key, record in chosen]
            return {**head, "kind": "collection", "total": len(collection), "limit": limit, "offset": offset,
                    "items": items}
        if resource in tenant.extra:
            value = tenant.extra[resource]
            if isinstance(value, list):
                return {**head, "kind": "extra", **page(value, limit, offset, jsonable)}
            if isinstance(value, dict):
                pairs = list(value.items())
                return {**head, "kind": "extra", **page(
                    pairs, limit, offset, lambda kv: {"key": str(kv[0]), "value": jsonable(kv[1])})}
            return {**head, "kind": "extra", "value": jsonable(value)}
        view = derived(tenant).get(resource)
        if view is not None:
            return {**head, "kind": "derived", **page(view(), limit, offset, jsonable)}
        if resource == CONFIG:
            return {**head, "kind": "config", "value": jsonable(tenant.config)}
    raise not_found(f"unknown resource {resource!r} of {tenant.vendor} tenant {tenant.tenant_id!r}")


def register(bp: Blueprint) -> None:
    """Attach the state routes."""

    @bp.get("/state")
    def state_tenants() -> Response:
        """List the vendors and their tenants."""
        mock = ctx()
        return json_response({"vendors": {name: [t.tenant_id for t in mock.store.tenants(name)]
                                          for name in mock.vendors}})

    @bp.get("/state/<vendor>")
    def state_vendor(vendor: str) -> Response:
        """List one vendor's tenants."""
        mock = ctx()
        require_vendor(mock, vendor)
        return json_response({"vendor": vendor, "tenants": [t.tenant_id for t in mock.store.tenants(vendor)]})

    @bp.get("/state/<vendor>/<tenant_id>")
    def state_resources(vendor: str, tenant_id: str) -> Response:
        """List a tenant's resources (collections, other state, config) with their sizes."""
        tenant = require_tenant(ctx(), vendor, tenant_id)
        with tenant.lock:
            return json_response({"vendor": vendor, "tenant": tenant_id, "resources": resources(tenant)})

    @bp.get("/state/<vendor>/<tenant_id>/<resource>")
    def state_resource(vendor: str, tenant_id: str, resource: str) -> Response:
        """Return one page (``limit``, ``offset``) of a tenant's resource, in insertion order."""
        tenant = require_tenant(ctx(), vendor, tenant_id)
        limit, offset = paging()
        return json_response(resource_page(tenant, resource, limit, offset))
