"""The Ometria vendor: request pipeline in the reference's order of checks, seeding, headers.

Order of checks (§1.5): key (403) -> route (404/405) -> scope (403) -> rate limit of the route's
group (429) -> body cap (413) -> JSON (400) -> [view: query (400) -> rules (400) -> queue (429) ->
resource (404)].
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

from flask import Blueprint, Response, g, request

from mock_server.core import errors as E
from mock_server.core import faults
from mock_server.core.context import MockContext, Vendor
from mock_server.core.ratelimit import LimitRule
from mock_server.core.request import RouteMeta, check_route, count_request, current_meta, read_json_body, request_id
from mock_server.core.store import TenantState
from mock_server.ometria import constants as C
from mock_server.ometria import errors as ometria_errors
from mock_server.ometria.backend.queue import queue_headers
from mock_server.ometria.backend.worker import QueueWorker
from mock_server.ometria.backend.worker import drain as drain_queues
from mock_server.ometria.fixtures import seed_account
from mock_server.redisstore.connection import StoreUnavailable, unavailable


def rate_rule(tenant: TenantState, group: str) -> LimitRule | None:
    """Return the account's rule for ``group`` (None when switched off)."""
    limit, window = C.RATE_GROUPS[group]
    conf = (tenant.config.get("rateLimits") or {}).get(group) or {}
    if conf.get("enabled") is False:
        return None
    given = (conf.get("limit", limit), conf.get("window", window), conf.get("bucket", group))
    try:
        return _rule(*given)  # every request asks: the rule of one configuration is built once
    except TypeError:  # an unhashable setting: built (and refused) as before, uncached
        return _rule.__wrapped__(*given)


@functools.lru_cache(maxsize=256, typed=True)  # typed: 1 and 1.0 make different buckets ("1", "1.0")
def _rule(limit: Any, window: Any, bucket: Any) -> LimitRule:
    return LimitRule(int(limit), float(window), str(bucket))


def refusal_queue_headers(ctx: MockContext, tenant: TenantState, error: E.MockError) -> dict[str, str]:
    """The queue headers of a refused push. With a shared store the refusal may come before the view took
    the tenant's lock (bad JSON, 413, 429) or after it let go, and another process may have queued since this
    one last read the account: read the queue and its cap as the store holds them now (the memory store's
    state is always current). When the store itself is away, this process's last view is all there is."""
    if ctx.redis is None or isinstance(error, StoreUnavailable):
        return queue_headers(ctx, tenant)
    try:
        with tenant.lock.reading():
            return queue_headers(ctx, tenant)
    except Exception as exc:
        if not unavailable(exc):
            raise
        return queue_headers(ctx, tenant)


class Ometria(Vendor):
    """Ometria Data API v2."""

    name = C.VENDOR
    prefixes = C.PREFIXES

    def __init__(self) -> None:
        self.worker: QueueWorker | None = None

    def blueprint(self) -> Blueprint:
        """Return the blueprint with every Ometria route."""
        from mock_server.ometria.routes import build_blueprint

        return build_blueprint()

    def seed_tenant(self, ctx: MockContext, document: Mapping[str, Any], origin: str) -> TenantState:
        """Build an account from its fixture document."""
        return seed_account(ctx, document, origin)

    def render_error(self, error: E.MockError) -> Response:
        """Render in the ``{"status": "ERROR", "message"}`` envelope."""
        response = ometria_errors.render(error, g.get("push_request_id"))
        tenant = g.get("tenant")
        if g.get("push_request_id") is not None and tenant is not None:
            from mock_server.core.request import ctx

            response.headers.update(refusal_queue_headers(ctx(), tenant, error))
        return response

    def before_request(self, ctx: MockContext) -> None:
        """Authenticate, route, check scope, count and read the body."""
        key = ctx.keyring.lookup(C.VENDOR, request.headers.get(C.AUTH_HEADER))
        tenant = ctx.tenant(C.VENDOR, key.tenant_id) if key is not None else None
        if key is None or tenant is None:
            raise E.Forbidden(C.ERR_FORBIDDEN)
        faults.authenticated(ctx, C.VENDOR, tenant.tenant_id)  # sandbox plane: journal tenant, fault rules
        check_route()
        meta = current_meta()
        if meta is not None and meta.scope is not None and not key.allows(meta.scope):
            raise E.Forbidden(C.ERR_FORBIDDEN)
        g.api_key = key
        g.tenant = tenant
        if meta is not None and meta.group == "push":
            g.push_request_id = request_id()  # one id per request: header, journal and body agree
        if meta is not None and meta.group is not None:
            rule = rate_rule(tenant, meta.group)
            if rule is not None:
                decision = count_request(ctx, (C.VENDOR, tenant.tenant_id), rule)
                if not decision.allowed:
                    raise E.RateLimited(decision.reset, rule.limit, rule.window)
        if meta is not None and meta.body and request.method == "POST":
            read_json_body(ctx.settings.body_cap)

    auth_environ = "HTTP_" + C.AUTH_HEADER.upper().replace("-", "_")

    def read_rate_rule(self, tenant: TenantState, meta: RouteMeta) -> LimitRule | None:
        """The rule of the route's limit group."""
        return None if meta.group is None else rate_rule(tenant, meta.group)

    def on_reset(self, ctx: MockContext, tenant: TenantState) -> None:
        """Nothing outside the store to clear (the queue and its pause flag live in the tenant state)."""

    def start_workers(self, ctx: MockContext) -> None:
        """In ``async`` queue mode, start the background worker (§4.3); ``Settings.start_workers =
        False`` keeps it off, as it does the Omnisend batch worker (tests then drain instead of sleeping)."""
        if not ctx.settings.start_workers:
            return
        if ctx.settings.ometria_queue_mode == "async" and self.worker is None:
            self.worker = QueueWorker(ctx)
            self.worker.start()

    def stop_workers(self) -> None:
        """Stop the background worker (tests, server shutdown)."""
        if self.worker is not None:
            self.worker.stop()
            self.worker = None

    def derived_state(self, ctx: MockContext, tenant: TenantState) -> dict[str, Callable[[], list[Any]]]:
        """The custom-event log (no v2 read endpoint exists, §5.4) and the derived profiles (§6.3)."""
        from mock_server.core.store import clone
        from mock_server.ometria.backend import Account
        from mock_server.ometria.backend import profiles as P
        from mock_server.ometria.backend.custom_events import event_log

        account = Account(ctx, tenant)

        def all_profiles() -> list[Any]:
            found = tenant.find_collection(P.PROFILES)  # merged-away profiles are gone (aliases live on)
            return [] if found is None else [P.render(account, clone(stored)) for _, stored in found.items()]

        return {"event_log": lambda: event_log(account), "rendered_profiles": all_profiles}

    def drain(self, ctx: MockContext, tenant_id: str | None = None) -> dict[str, Any]:
        """Finish pending background work now: every waiting push record (paused queues included),
        then the data-deletion requests waiting for their delay. Answer per account, like Omnisend's."""
        from mock_server.ometria.backend import Account
        from mock_server.ometria.backend.data_deletion import process_pending_deletions

        records = drain_queues(ctx, tenant_id)["drained"]
        out: dict[str, Any] = {}
        for tenant in ctx.store.tenants(C.VENDOR):
            if tenant_id is None or tenant.tenant_id == tenant_id:
                with tenant.lock:
                    deletions = process_pending_deletions(Account(ctx, tenant))
                out[tenant.tenant_id] = {"records": records.get(tenant.tenant_id, 0), "data_deletions": deletions}
        return out
