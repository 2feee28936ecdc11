"""Health, reset and fixture loading."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, request

from mock_server import __version__
from mock_server.control import auth
from mock_server.control.common import (
    ControlError,
    bad_request,
    json_body,
    not_found,
    require_tenant,
    require_vendor,
)
from mock_server.core import fixtures
from mock_server.core.clock import SEEDED_EPOCH, iso_ms
from mock_server.core.context import MockContext
from mock_server.core.http import json_response
from mock_server.core.request import ctx
from mock_server.core.store import TenantState


def clock_state(mock: MockContext) -> dict[str, Any]:
    """The clock as the control plane shows it."""
    return {"now": iso_ms(mock.clock.now()), "epoch": mock.clock.time(), "frozen": mock.clock.frozen}


def tenant_summary(mock: MockContext) -> list[dict[str, Any]]:
    """Every tenant with its keys and record counts."""
    out = []
    for tenant in mock.store.tenants():
        vendor = mock.vendors[tenant.vendor]
        with tenant.lock.reading():  # up to date with every process on a shared store
            out.append({"vendor": tenant.vendor, "tenant": tenant.tenant_id,
                        "name": tenant.config.get("name"),
                        "keys": [k.key for k in vendor.api_keys(tenant)],
                        "records": {name: len(col) for name, col in tenant.collections.items() if len(col)}})
    return out


def restart_clock(mock: MockContext) -> None:
    """Put the clock back where a fresh server starts (seeded epoch or now; frozen per settings)."""
    start = SEEDED_EPOCH if mock.settings.seed is not None else datetime.now(UTC)
    if mock.settings.freeze_clock:
        mock.clock.freeze(start)
    else:
        mock.clock.resume()
        mock.clock.set(start)


def reset_everything(mock: MockContext) -> None:
    """Tenants to their seed, windows, journal, fault rules, clock and the rate-limit switch."""
    mock.reset()
    mock.journal.clear()
    mock.faults.clear()
    mock.limiter.enabled = mock.settings.rate_limits
    restart_clock(mock)


def reset_selected(mock: MockContext, vendor: str | None, tenant_id: str | None) -> list[TenantState]:
    """Reset everything (both None) or the named tenants' data and windows; 404 for unknown names."""
    if vendor is not None:
        require_vendor(mock, vendor)
    if vendor is not None and tenant_id is not None:
        require_tenant(mock, vendor, tenant_id)
    if vendor is None and tenant_id is None:
        reset_everything(mock)
        return mock.store.tenants()
    done = mock.reset(vendor, tenant_id)
    if tenant_id is not None and not done:
        raise not_found(f"unknown tenant {tenant_id!r}")
    return done


def register(bp: Blueprint) -> None:
    """Attach the system routes."""

    @bp.get("/health")
    def health() -> Response:
        """Say the server is up, with its version, clock and tenants."""
        mock = ctx()
        body: dict[str, Any] = {"status": "ok", "version": __version__}
        if auth.authorised(mock.settings):
            body.update({"clock": clock_state(mock), "rateLimits": mock.limiter.enabled,
                         "journal": {"size": mock.journal.size, "entries": len(mock.journal)},
                         "faults": len(mock.faults.rules()), "tenants": tenant_summary(mock),
                         # Which process answered (with --workers N, one of N) and where state lives.
                         "process": {"pid": os.getpid(), "workers": mock.settings.workers,
                                     "store": "redis" if mock.redis is not None else "memory"}})
        return json_response(body)

    @bp.post("/reset")
    def reset() -> Response:
        """Reset to the fixture seed: everything, or only ``?vendor=`` / ``?tenant=`` data."""
        vendor = request.args.get("vendor")
        tenant_id = request.args.get("tenant")
        done = reset_selected(ctx(), vendor, tenant_id)
        return json_response({"reset": [{"vendor": t.vendor, "tenant": t.tenant_id} for t in done],
                              "full": vendor is None and tenant_id is None})

    @bp.post("/fixtures")
    def load_fixtures() -> Response:
        """Replace the data set with a fixture folder or a posted fixture document (all or nothing)."""
        mock = ctx()
        try:
            origin, found = read_posted(json_body())
            tenants = fixtures.build_tenants(mock, found)
            if not tenants:
                raise fixtures.FixtureError(origin, "$", "no tenants to load")
        except fixtures.FixtureError as exc:
            raise bad_request(f"fixture error: {exc}", extra=exc.as_dict()) from exc
        if mock.redis is not None:
            # Mock decision: the other processes on the shared store could not rebuild the new tenants.
            raise ControlError("fixture reload is not available with a Redis store (--store redis://...): "
                               "every process would have to rebuild the new tenants; restart them all with "
                               "the new fixtures on an emptied Redis database", status=409)
        fixtures.install(mock, tenants)
        return json_response({"loaded": [{"vendor": t.vendor, "tenant": t.tenant_id} for t in tenants]})


Found = dict[str, list[tuple[str, dict[str, Any]]]]


def read_posted(posted: Any) -> tuple[str, Found]:
    """Read ``{"path": folder}`` or a fixture document; return its origin and its tenant documents."""
    if isinstance(posted, dict) and set(posted) == {"path"}:
        if not isinstance(posted["path"], str) or not posted["path"]:
            raise bad_request("path must be a folder path", [("path", "must be a non-empty string")])
        return posted["path"], fixtures.read_folder(Path(posted["path"]))
    found = fixtures.document_from_posted(posted)
    for name in posted:
        found.setdefault(name, [])  # so that an unknown vendor is named even when it lists no tenant
    return "<posted>", found
