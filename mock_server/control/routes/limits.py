"""Rate limits and the push-queue cap at runtime, per tenant; rate limiting on/off for everyone.

Changes go into the tenant's config (the vendors read it on every request), so a reset brings back the
fixture values. ``null`` removes an override and the vendor default applies again.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app

from mock_server.control.common import bad_request, json_body, load, require_tenant
from mock_server.control.schemas import GlobalLimitsSchema, TenantLimitsSchema
from mock_server.core.context import MockContext
from mock_server.core.http import json_response
from mock_server.core.request import ctx
from mock_server.core.store import TenantState

# Which tenant-config keys each vendor reads (the keys are the fixture format; see the references:
# omnisend.md §1.4 "rateLimit", ometria.md §1.4 "rateLimits" per group and §4.3 "queueCap"; Omnisend's
# version 2026-03-15 budgets per endpoint group under "rateLimits" too, see docs/omnisend-2026.md).
CONFIG_KEYS: dict[str, tuple[str, ...]] = {"omnisend": ("rateLimit", "rateLimits"),
                                           "ometria": ("rateLimits", "queueCap")}
ALL_KEYS = ("rateLimit", "rateLimits", "queueCap")
_tenant_limits = TenantLimitsSchema()
_global = GlobalLimitsSchema()


def route_groups(mock: MockContext, vendor: str) -> list[str]:
    """The rate-limit groups the vendor's routes declare (their ``group`` metadata)."""
    groups: set[str] = set()
    for rule in current_app.url_map.iter_rules():
        owner = mock.vendor_for_path(rule.rule)
        meta = getattr(current_app.view_functions.get(rule.endpoint), "mock_meta", None)
        if owner is not None and owner.name == vendor and meta is not None and meta.group:
            groups.add(meta.group)
    return sorted(groups)


def view(mock: MockContext, tenant: TenantState) -> dict[str, Any]:
    """The tenant's limit overrides as stored (absent = the vendor's default)."""
    keys = CONFIG_KEYS.get(tenant.vendor, ALL_KEYS)
    out: dict[str, Any] = {"vendor": tenant.vendor, "tenant": tenant.tenant_id,
                           "rateLimitsEnabled": mock.limiter.enabled}
    with tenant.lock:
        for key in keys:
            out[key] = tenant.config.get(key)
    if "rateLimits" in keys:
        out["groups"] = route_groups(mock, tenant.vendor)
    return out


def change(mock: MockContext, tenant: TenantState, data: dict[str, Any]) -> None:
    """Merge ``data`` into the tenant's config under its lock (400 for a key the vendor does not read)."""
    keys = CONFIG_KEYS.get(tenant.vendor, ALL_KEYS)
    wrong = [(k, f"not a {tenant.vendor} setting (use {', '.join(keys)})") for k in data if k not in keys]
    if "rateLimits" in data and data["rateLimits"] and "rateLimits" in keys:
        known = route_groups(mock, tenant.vendor)
        wrong += [(f"rateLimits.{g}", f"unknown group (one of {', '.join(known)})")
                  for g in data["rateLimits"] if g not in known]
    if wrong:
        raise bad_request("invalid request body", sorted(wrong))
    with tenant.lock:
        config = tenant.config
        for key, value in data.items():
            if value is None:
                config.pop(key, None)
            elif key == "rateLimit":
                config[key] = {**(config.get(key) or {}), **value}
            elif key == "rateLimits":
                groups = dict(config.get(key) or {})
                for group, rule in value.items():
                    if rule is None:
                        groups.pop(group, None)
                    else:
                        groups[group] = {**(groups.get(group) or {}), **rule}
                config[key] = groups
            else:
                config[key] = value


def register(bp: Blueprint) -> None:
    """Attach the limits routes."""

    @bp.get("/limits")
    def limits_global() -> Response:
        """Say whether rate limiting is on."""
        return json_response({"enabled": ctx().limiter.enabled})

    @bp.put("/limits")
    def set_limits_global() -> Response:
        """Switch rate limiting on or off for every tenant (until the next full reset)."""
        mock = ctx()
        mock.limiter.enabled = load(_global, json_body())["enabled"]
        return json_response({"enabled": mock.limiter.enabled})

    @bp.get("/limits/<vendor>/<tenant_id>")
    def tenant_limits(vendor: str, tenant_id: str) -> Response:
        """Read a tenant's rate-limit and queue-cap overrides."""
        mock = ctx()
        return json_response(view(mock, require_tenant(mock, vendor, tenant_id)))

    @bp.put("/limits/<vendor>/<tenant_id>")
    def set_tenant_limits(vendor: str, tenant_id: str) -> Response:
        """Change a tenant's rate limits / queue cap (merged; ``null`` restores the default)."""
        mock = ctx()
        tenant = require_tenant(mock, vendor, tenant_id)
        change(mock, tenant, load(_tenant_limits, json_body()))
        return json_response(view(mock, tenant))
