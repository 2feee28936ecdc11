"""The request pipeline of API version 2026-03-15, and the decorator its routes declare themselves with.

Order of checks: credentials (401) -> ``Omnisend-Version`` (400, 410) -> route (404, 405) -> the
endpoint's rate limit (429) -> scope (403) -> body size (413) -> JSON (400) -> [view: query (400) ->
body (400) -> rules (404, 409)]. The API authenticates before it looks at the version (§1.3, OBS-VER).

A new resource's routes use :func:`operation` (scope, rate-limit group, body schema, documented query
parameters) and the helpers of :mod:`mock_server.omnisend.v2026.common`; nothing here names a resource.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, TypeVar

from flask import current_app, g, request
from marshmallow import Schema

from mock_server.core import errors as E
from mock_server.core import faults
from mock_server.core.auth import ApiKey
from mock_server.core.context import MockContext
from mock_server.core.ratelimit import LimitRule
from mock_server.core.request import check_route, current_meta, read_json_body, route
from mock_server.core.store import TenantState
from mock_server.middleware import ENV_BATCH_ITEM
from mock_server.omnisend import constants as VC
from mock_server.omnisend.v2026 import constants as C
from mock_server.omnisend.v2026.common import check_query
from mock_server.omnisend.v2026.errors import Invalid, Problem, RateLimitExceeded, VersionRetired

F = TypeVar("F", bound=Callable[..., Any])
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FIRST_RELEASE = date.fromisoformat(C.VERSION)


def is_api_path(path: str) -> bool:
    """Whether ``path`` belongs to the 2026 generation (everything under /api a tracker does not claim)."""
    return path == C.PREFIX or path.startswith(C.PREFIX + "/")


# -- credentials ---------------------------------------------------------------------------------------
def credential() -> tuple[str, str] | None:
    """``(scheme, token)`` from ``Authorization``; schemes compared case-insensitively."""
    return parse_credential(request.headers.get(C.AUTH_HEADER, ""))


def parse_credential(raw: str) -> tuple[str, str] | None:
    """``(scheme, token)`` from an ``Authorization`` value (the fast lane reads the environ with it)."""
    scheme, _, token = raw.strip().partition(" ")
    token = token.strip()
    for known in (C.API_KEY_SCHEME, C.BEARER_SCHEME):
        if scheme.lower() == known.lower() and token:
            return known, token
    return None


def authenticate(ctx: MockContext) -> tuple[ApiKey, TenantState]:
    """Return the key and brand of the request, or raise the 401 problem."""
    found = credential()
    if found is None:
        if request.headers.get(C.LEGACY_KEY_HEADER):
            # §1.3 OBS-XKEY: the legacy header alone is "not provided" (mock decision: 401 problem).
            raise E.Unauthorized(C.DETAIL_LEGACY_KEY)
        raise E.Unauthorized()
    scheme, token = found
    key = ctx.keyring.lookup(VC.VENDOR, token)
    tenant = None if key is None else ctx.tenant(VC.VENDOR, key.tenant_id)
    if key is None or tenant is None:
        raise E.Unauthorized()  # no key and a wrong key answer alike (OBS-401)
    g.auth_scheme = scheme
    return key, tenant


# -- version -------------------------------------------------------------------------------------------
def resolve_version(raw: str | None) -> str:
    """Map the header to the version served: absent/malformed 400, before the first release 410."""
    if raw is None or not raw.strip():
        raise Invalid([(C.VERSION_HEADER, C.CODE_REQUIRED, C.MSG_REQUIRED)])
    value = raw.strip()
    if value == C.PREVIEW:
        return C.VERSION  # (mock decision) the preview branch is served as 2026-03-15
    try:
        asked = date.fromisoformat(value) if _DATE.match(value) else None
    except ValueError:
        asked = None
    if asked is None:
        raise Invalid([(C.VERSION_HEADER, C.CODE_FORMAT, C.MSG_VERSION_FORMAT)])  # OBS-VER
    if asked < FIRST_RELEASE:
        raise VersionRetired(value)  # (mock decision) dates before the first dated release are retired
    return C.VERSION  # a later date resolves to the nearest earlier release (§1.2)


def version_served(raw: str | None) -> str | None:
    """The version :func:`resolve_version` serves for ``raw``, or None where it answers an error."""
    try:
        return resolve_version(raw)
    except Problem:
        return None


# -- rate limits ---------------------------------------------------------------------------------------
def rules_for(tenant: TenantState, group: str) -> list[LimitRule]:
    """The group's rules with the brand's ``rateLimits`` overrides (``/_mock/limits``) applied.

    An override ``{limit, window}`` replaces the group's first rule (its per-minute budget);
    ``rateLimit.enabled: false`` (the brand switch v3 reads too) or ``enabled: false`` on the group turn
    the group off.
    """
    if (tenant.config.get("rateLimit") or {}).get("enabled") is False:
        return []
    conf = (tenant.config.get("rateLimits") or {}).get(group) or {}
    if conf.get("enabled") is False:
        return []
    base = C.RATE_GROUPS.get(group, C.RATE_GROUPS[C.RATE_DEFAULT])
    given = (group, tuple(base), conf.get("limit", _UNSET), conf.get("window", _UNSET))
    try:
        return list(_group_rules(*given))  # every request asks: the rules of one override are built once
    except TypeError:  # an unhashable override: built (and refused) as before, uncached
        return list(_group_rules.__wrapped__(*given))


_UNSET = object()


@functools.lru_cache(maxsize=256)
def _group_rules(group: str, base: tuple[tuple[int, float], ...], given_limit: Any,
                 given_window: Any) -> tuple[LimitRule, ...]:
    rules = []
    for index, (limit, window) in enumerate(base):
        if index == 0:
            limit = int(limit if given_limit is _UNSET else given_limit)
            window = float(window if given_window is _UNSET else given_window)
        rules.append(LimitRule(limit, window, f"{C.BUCKET_PREFIX}{group}:{window:g}"))
    return tuple(rules)


def count_request(ctx: MockContext, tenant: TenantState, group: str) -> None:
    """Count one request in every window of its group, or raise 429 without counting anything."""
    rules = rules_for(tenant, group)
    scope = (VC.VENDOR, tenant.tenant_id)
    refused = ctx.limiter.hit_all(scope, rules)  # one atomic check of every window (Redis mode too)
    if refused is not None:
        rule, decision = refused
        raise RateLimitExceeded(decision.reset, rule.limit, rule.window)


# -- scopes --------------------------------------------------------------------------------------------
def require_scope(scope: str | None) -> None:
    """Raise 403 unless the request's key carries ``scope`` (e.g. ``contacts.write``, §1.4)."""
    key: ApiKey | None = g.get("api_key")
    if scope is not None and key is not None and not key.allows(scope):
        raise Problem(403, C.DETAIL_FORBIDDEN.format(scope=scope))


# -- the pipeline ----------------------------------------------------------------------------------------
def before_request(ctx: MockContext) -> None:
    """Run the 2026 checks up to the view."""
    g.api_version = request.headers.get(C.VERSION_HEADER)
    key, tenant = authenticate(ctx)
    g.api_key = key
    faults.authenticated(ctx, VC.VENDOR, tenant.tenant_id)  # sandbox plane: journal tenant, fault rules
    g.api_version = resolve_version(request.headers.get(C.VERSION_HEADER))
    check_route()
    meta = current_meta()
    if not request.environ.get(ENV_BATCH_ITEM):
        count_request(ctx, tenant, meta.group if meta and meta.group else C.RATE_DEFAULT)
    if meta is not None:
        require_scope(meta.scope)
    g.tenant = tenant
    allowed = getattr(current_app.view_functions.get(request.endpoint or ""), "api_query", None)
    if allowed is not None:
        check_query(allowed)
    if meta is not None and meta.body and request.method in ("POST", "PUT", "PATCH", "DELETE"):
        read_json_body(ctx.settings.body_cap)


# -- declaring an operation -------------------------------------------------------------------------------
def operation(scope: str | None, *, group: str | None = None, body: type[Schema] | None = None,
              query: Sequence[str] = (), bearer_only: bool = False, cache: bool = False) -> Callable[[F], F]:
    """Declare a 2026 view: its scope, rate-limit group, JSON body schema and documented query parameters
    (``cache``: a pure read the fast lane may answer again until the brand's next write).

    The same facts feed the pipeline (scope, group, body) and the mock's OpenAPI document (``mock_doc``).
    """
    wrap = route(scope=scope, group=group or C.RATE_DEFAULT, body=body is not None, content_type=C.CT_JSON,
                 cache=cache)

    def decorate(view: F) -> F:
        wrapped = wrap(view)
        parameters = [{"name": C.VERSION_HEADER, "in": "header", "required": True,
                       "schema": {"type": "string", "default": C.VERSION}}]
        parameters += [{"name": name, "in": "query", "required": False, "schema": {"type": "string"}}
                       for name in query]
        doc: dict[str, Any] = {"parameters": parameters, "security": [{"omnisend2026Bearer": []}]
                               if bearer_only else [{"omnisend2026ApiKey": []}, {"omnisend2026Bearer": []}]}
        if body is not None:
            doc["requestBody"] = {"required": True, "content": {C.CT_JSON: {"schema": body}}}
        wrapped.mock_doc = doc  # type: ignore[attr-defined]
        wrapped.api_query = tuple(query)  # type: ignore[attr-defined]
        return wrapped

    return decorate
