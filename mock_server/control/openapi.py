"""The OpenAPI document of the running server, built by walking ``app.url_map`` with apispec.

Walking the URL map means every route (a teammate's new vendor endpoint included) appears without a
hand-kept list; summaries come from the views' docstrings; control-plane bodies come from their
marshmallow schemas through apispec's marshmallow plugin.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask
from marshmallow import Schema

from mock_server import __version__
from mock_server.control import schemas
from mock_server.control.auth import TOKEN_HEADER
from mock_server.control.ui import is_dashboard_endpoint
from mock_server.core.context import MockContext

OPENAPI_VERSION = "3.0.3"
_PARAM = re.compile(r"<(?:([a-zA-Z_]\w*)(?:\([^)]*\))?:)?([a-zA-Z_]\w*)>")
_TYPES = {"int": "integer", "float": "number"}
# How each vendor authenticates (for the document only; the vendors' own constants decide behaviour).
VENDOR_SECURITY = {
    "omnisend": ("omnisendApiKey", {"type": "apiKey", "in": "header", "name": "X-API-KEY"}),
    "ometria": ("ometriaApiKey", {"type": "apiKey", "in": "header", "name": "X-Ometria-Auth"}),
}
# Schemes a route names through its ``mock_doc`` (Omnisend 2026-03-15 under /api).
EXTRA_SECURITY = {
    "omnisend2026ApiKey": {"type": "apiKey", "in": "header", "name": "Authorization",
                           "description": "Omnisend-API-Key <key>"},
    "omnisend2026Bearer": {"type": "http", "scheme": "bearer"},
}
# Request bodies of control endpoints, by endpoint.
CONTROL_BODIES: dict[str, type[Schema]] = {
    "control.add_fault": schemas.FaultRuleSchema,
    "control.clock_action": schemas.ClockSchema,
    "control.set_tenant_limits": schemas.TenantLimitsSchema,
    "control.set_limits_global": schemas.GlobalLimitsSchema,
}
SKIPPED_METHODS = frozenset({"HEAD", "OPTIONS"})


def documented(endpoint: str) -> bool:
    """Whether a route belongs in the document: every route but static files and the dashboard's HTML
    pages (pages for people, described in docs/dashboard.md; their JSON twins under /_mock are here)."""
    return endpoint != "static" and not is_dashboard_endpoint(endpoint)


def openapi_path(rule: str) -> tuple[str, list[dict[str, Any]]]:
    """Turn ``/v3/contacts/<contact_id>`` into ``/v3/contacts/{contact_id}`` plus its path parameters."""
    parameters: list[dict[str, Any]] = []

    def replace(match: re.Match[str]) -> str:
        converter, name = match.group(1) or "default", match.group(2)
        parameters.append({"name": name, "in": "path", "required": True,
                           "schema": {"type": _TYPES.get(converter, "string")}})
        return "{" + name + "}"

    return _PARAM.sub(replace, rule), parameters


def summary(view: Callable[..., Any] | None, endpoint: str) -> str:
    """First line of the view's docstring, else the endpoint name in words."""
    doc = (getattr(view, "__doc__", None) or "").strip()
    if doc:
        return doc.splitlines()[0].strip()
    return endpoint.rsplit(".", 1)[-1].replace("_", " ")


def build_spec(app: Flask, mock: MockContext) -> dict[str, Any]:
    """Return the OpenAPI 3 document of every route of ``app`` (except those :func:`documented` leaves out)."""
    spec = APISpec(title="Omnisend + Ometria sandbox", version=__version__, openapi_version=OPENAPI_VERSION,
                   plugins=[MarshmallowPlugin()],
                   info={"description": "Omnisend REST API v3/v5 and 2026-03-15 (/api) and Ometria Data API v2 "
                                        "emulation, with the /_mock sandbox plane."})
    for scheme, definition in [*VENDOR_SECURITY.values(), *EXTRA_SECURITY.items()]:
        spec.components.security_scheme(scheme, definition)
    spec.components.security_scheme("adminBearer", {"type": "http", "scheme": "bearer"})
    spec.components.security_scheme("adminHeader", {"type": "apiKey", "in": "header", "name": TOKEN_HEADER})
    for schema in dict.fromkeys(CONTROL_BODIES.values()):
        spec.components.schema(schema.__name__.removesuffix("Schema"), schema=schema)
    paths: dict[str, tuple[list[dict[str, Any]], dict[str, Any]]] = {}
    used_ids: set[str] = set()
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not documented(rule.endpoint):
            continue
        path, parameters = openapi_path(rule.rule)
        _, operations = paths.setdefault(path, (parameters, {}))
        view = app.view_functions.get(rule.endpoint)
        vendor = mock.vendor_for_path(path)
        tag = vendor.name if vendor is not None else ("control" if path.startswith("/_mock") else "other")
        for method in sorted((rule.methods or set()) - SKIPPED_METHODS):
            op_id = f"{rule.endpoint}.{method.lower()}"
            while op_id in used_ids:
                op_id += "_"
            used_ids.add(op_id)
            operation: dict[str, Any] = {
                "operationId": op_id, "summary": summary(view, rule.endpoint), "tags": [tag],
                "responses": {"default": {"description": "JSON answer (errors in the vendor's envelope)"}},
            }
            if vendor is not None and vendor.name in VENDOR_SECURITY and not vendor.keyless:
                operation["security"] = [{VENDOR_SECURITY[vendor.name][0]: []}]
            elif tag == "control":
                operation["security"] = [{}, {"adminBearer": []}, {"adminHeader": []}]
            body = CONTROL_BODIES.get(rule.endpoint)
            if body is not None and method in ("POST", "PUT"):
                operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
            # A view may describe itself (parameters, request body, security): see omnisend.v2026.policy.
            described = getattr(view, "mock_doc", None)
            if described:
                operation.update(described)
            operations[method.lower()] = operation
    for path, (parameters, operations) in paths.items():
        spec.path(path=path, operations=operations, parameters=parameters or None)
    document: dict[str, Any] = spec.to_dict()
    return document
