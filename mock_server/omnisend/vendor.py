"""The Omnisend vendor: request pipeline in the reference's order of checks, seeding, headers.

Order of checks (§1.5): auth (401) -> rate limit (429) -> method override (400) -> route (404, 405)
-> scope (403) -> body size (413) -> JSON parse (400) -> [view: query (400) -> body (400) -> rules].
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Callable, Hashable, Mapping
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Response, g, request

from mock_server.core import errors as E
from mock_server.core import faults
from mock_server.core.auth import ApiKey
from mock_server.core.context import MockContext, Vendor
from mock_server.core.ratelimit import Decision, LimitRule
from mock_server.core.registry import register_modules
from mock_server.core.request import RouteMeta, check_route, count_request, current_meta, read_json_body, warn
from mock_server.core.store import TenantState
from mock_server.middleware import ENV_ALIAS, ENV_BAD_OVERRIDE, ENV_BATCH_ITEM
from mock_server.omnisend import constants as C
from mock_server.omnisend.fixtures import seed_brand
from mock_server.omnisend.v3 import errors as omnisend_errors
from mock_server.omnisend.v2026 import constants as C2026
from mock_server.omnisend.v2026 import errors as problems
from mock_server.omnisend.v2026 import policy as api2026

if TYPE_CHECKING:
    from mock_server.core.worker import TickWorker

API_AUTH_ENVIRON = "HTTP_" + C2026.AUTH_HEADER.upper().replace("-", "_")
API_VERSION_ENVIRON = "HTTP_" + C2026.VERSION_HEADER.upper().replace("-", "_")
API_VERSION = C2026.VERSION
API_RATE_DEFAULT = C2026.RATE_DEFAULT
API_REFUSED = Decision(False, 0, 0, 0)  # the fast lane hands the request to the pipeline, which answers the 429


def rate_rule(tenant: TenantState) -> LimitRule | None:
    """Return the brand's rate-limit rule (None when switched off for this brand)."""
    conf = tenant.config.get("rateLimit") or {}
    if conf.get("enabled") is False:
        return None
    limit, window = conf.get("limit", C.RATE_LIMIT), conf.get("window", C.RATE_WINDOW)
    try:
        return _rule(limit, window)  # every request asks: the (frozen) rule of one setting is built once
    except TypeError:  # an unhashable setting: built (and refused) as before, uncached
        return _rule.__wrapped__(limit, window)


@functools.lru_cache(maxsize=64)
def _rule(limit: Any, window: Any) -> LimitRule:
    return LimitRule(int(limit), float(window), C.RATE_GROUP)


def require_scope(area: str, write: bool) -> None:
    """Raise 403 unless the request's key carries ``<area>.read`` / ``<area>.write``."""
    key: ApiKey | None = g.get("api_key")
    if key is not None and not key.allows(f"{area}.{'write' if write else 'read'}"):
        raise E.Forbidden(C.ERR_FORBIDDEN)


class Omnisend(Vendor):
    """Omnisend v3, v5 and 2026-03-15 on one brand store; each generation brings its own pipeline."""

    name = C.VENDOR
    prefixes = C.PREFIXES

    def __init__(self) -> None:
        # Per brand: (write generation, membership-change times) for cache_variant.
        self._changes: dict[tuple[str, str], tuple[Hashable, list[float]]] = {}
        self.worker: TickWorker | None = None

    def blueprint(self) -> Blueprint:
        """Return one blueprint with the routes of every generation (one route package each)."""
        from mock_server.omnisend.v3 import routes as v3_routes
        from mock_server.omnisend.v5 import routes as v5_routes
        from mock_server.omnisend.v2026 import routes as v2026_routes

        bp = Blueprint("omnisend", __name__)
        for package in (v3_routes, v5_routes, v2026_routes):
            register_modules(bp, package)
        return bp

    def seed_tenant(self, ctx: MockContext, document: Mapping[str, Any], origin: str) -> TenantState:
        """Build a brand from its fixture document."""
        return seed_brand(ctx, document, origin)

    def render_error(self, error: E.MockError) -> Response:
        """Render in the generation's envelope: RFC 9457 problems under /api, else ``{"error", "fields"}``."""
        if api2026.is_api_path(request.path):
            return problems.render(error)
        meta = current_meta()
        content_type = (meta.content_type if meta and meta.content_type else C.CT_JSON)
        return omnisend_errors.render(error, content_type)

    def before_request(self, ctx: MockContext) -> None:
        """Authenticate, count, route, check scope and read the body (the 2026 pipeline under /api)."""
        if api2026.is_api_path(request.path):
            api2026.before_request(ctx)
            return
        g.api_version = request.path.split("/", 2)[1]
        if request.environ.get(ENV_ALIAS):
            warn(*C.ALIAS_WARNING)
        key = ctx.keyring.lookup(C.VENDOR, request.headers.get(C.API_KEY_HEADER))
        if key is None:
            anon = LimitRule(C.RATE_LIMIT, C.RATE_WINDOW, C.RATE_GROUP)
            decision = ctx.limiter.hit(("omnisend-anonymous", request.remote_addr or "?"), anon)
            g.rate = decision
            if not decision.allowed:
                raise E.RateLimited(decision.reset, anon.limit, anon.window)
            raise E.Unauthorized()
        tenant = ctx.tenant(C.VENDOR, key.tenant_id)
        if tenant is None:
            raise E.Unauthorized()
        g.api_key = key
        faults.authenticated(ctx, C.VENDOR, tenant.tenant_id)  # sandbox plane: journal tenant, fault rules
        rule = None if request.environ.get(ENV_BATCH_ITEM) else rate_rule(tenant)
        if rule is not None:
            decision = count_request(ctx, (C.VENDOR, tenant.tenant_id), rule)
            g.rate = decision
            if not decision.allowed:
                raise E.RateLimited(decision.reset, rule.limit, rule.window)
        if request.environ.get(ENV_BAD_OVERRIDE) is not None:
            raise E.InvalidParameters(fields=[C.OVERRIDE_FIELD])
        check_route()
        meta = current_meta()
        if meta is not None and meta.scope is not None:
            require_scope(meta.scope, request.method != "GET")
        g.tenant = tenant
        if meta is not None and meta.body and request.method in ("POST", "PUT", "PATCH"):
            read_json_body(ctx.settings.body_cap)

    def start_workers(self, ctx: MockContext) -> None:
        """In async mode, start the batch worker thread (``Settings.start_workers = False``
        keeps it off, so tests drive the work with :meth:`drain` instead of sleeping)."""
        from mock_server.omnisend.batch_runner import BatchWorker

        if ctx.settings.omnisend_batch_mode != "async" or not ctx.settings.start_workers:
            return
        worker = self.worker = BatchWorker(ctx)
        ctx.app.extensions["omnisend_batch_worker"] = worker
        worker.start()

    def stop_workers(self) -> None:
        """Stop the batch worker (tests, server shutdown)."""
        if self.worker is not None:
            self.worker.stop()
            self.worker = None

    def on_clock(self, ctx: MockContext) -> None:
        """After a clock change: move automation runs and send campaigns the new time has made due."""
        from mock_server.omnisend.backend import Brand, marketing

        for tenant in ctx.store.tenants(C.VENDOR):
            with tenant.lock:
                marketing.run_due(Brand(ctx, tenant))

    def drain(self, ctx: MockContext, tenant_id: str | None = None) -> dict[str, Any]:
        """Finish every pending batch and started campaign now (all brands, or one)."""
        from mock_server.omnisend.batch_runner import drain

        return drain(ctx, tenant_id)

    def derived_state(self, ctx: MockContext, tenant: TenantState) -> dict[str, Callable[[], list[Any]]]:
        """Segments in the OAS3 ``segments-output`` shape with their current member counts (§6.6)."""
        from mock_server.omnisend.backend import Brand, segments

        return {"segments": lambda: segments.describe(Brand(ctx, tenant))}

    def after_request(self, ctx: MockContext, response: Response) -> Response:
        """Add the three rate-limit headers to every v3/v5 answer that was counted (errors too); 2026 sends
        none (2026 §4)."""
        if api2026.is_api_path(request.path):
            return response
        decision = g.get("rate")
        if decision is not None:
            for name, value in self.rate_headers(decision):
                response.headers[name] = value
        return response

    auth_environ = "HTTP_" + C.API_KEY_HEADER.upper().replace("-", "_")

    def read_key(self, environ: Mapping[str, Any]) -> str | None:
        """v3/v5: ``X-API-KEY``. 2026: the ``Authorization`` token, and only with an ``Omnisend-Version``
        the pipeline serves (any other version answers an error: the pipeline's)."""
        if not api2026.is_api_path(environ.get("PATH_INFO") or "/"):
            return environ.get(self.auth_environ)
        found = api2026.parse_credential(environ.get(API_AUTH_ENVIRON) or "")
        if found is None or api2026.version_served(environ.get(API_VERSION_ENVIRON)) is None:
            return None
        return found[1]

    def api_version(self, path: str) -> str | None:
        """``v3`` / ``v5``: the first path segment, as before_request notes it; 2026 the version served."""
        return API_VERSION if api2026.is_api_path(path) else path.split("/", 2)[1]

    def read_scope(self, meta: RouteMeta, path: str) -> str | None:
        """``<area>.read``, as :func:`require_scope` checks it (2026 routes name the whole scope)."""
        if meta.scope is None or api2026.is_api_path(path):
            return meta.scope
        return f"{meta.scope}.read"

    def read_count(self, ctx: MockContext, tenant: TenantState, meta: RouteMeta, path: str) -> Decision | None:
        """v3/v5: one window, shown in headers. 2026: every window of the route's group, no headers; a
        refusal counts nothing (the pipeline then answers the 429 and counts nothing either)."""
        if not api2026.is_api_path(path):
            return super().read_count(ctx, tenant, meta, path)
        try:
            api2026.count_request(ctx, tenant, meta.group or API_RATE_DEFAULT)
        except problems.RateLimitExceeded:
            return API_REFUSED
        return None

    def read_rate_rule(self, tenant: TenantState, meta: RouteMeta) -> LimitRule | None:
        """Every request of a brand counts in its one window."""
        return rate_rule(tenant)

    def rate_headers(self, decision: Decision) -> list[tuple[str, str]]:
        """``X-Rate-Limit-Limit``, ``-Remaining``, ``-Reset``."""
        return [(C.H_LIMIT, str(decision.limit)), (C.H_REMAINING, str(decision.remaining)),
                (C.H_RESET, str(decision.reset))]

    def cache_variant(self, ctx: MockContext, tenant: TenantState) -> tuple[Hashable, ...] | None:
        """Segments with a ``withinDays`` event condition change membership as mock time passes: answers
        also depend on which of the brand's membership-change times (segments.membership_changes) the
        mock time has passed. The list is computed once per write generation."""
        from mock_server.omnisend.backend import Brand
        from mock_server.omnisend.backend.segments import membership_changes

        scope = (C.VENDOR, tenant.tenant_id)
        generation = ctx.generations.current(scope)
        memo = self._changes.get(scope)
        if memo is None or memo[0] != generation:
            with tenant.lock.reading():
                changes = membership_changes(Brand(ctx, tenant))
            if ctx.generations.current(scope) != generation:
                return None  # written meanwhile: answer this one through the pipeline
            memo = self._changes[scope] = (generation, changes)
        return (bisect.bisect_left(memo[1], ctx.clock.time()),) if memo[1] else ()
