"""Request-scoped helpers for views and pipelines: the tenant, the parsed body, warnings, route metadata.

Views stay glue: they read ``body()`` / ``query_args()``, call one backend method with ``tenant()``
and render the result. The pipeline fills ``g`` before the view runs.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from flask import current_app, g, request
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import MethodNotAllowed as WzMethodNotAllowed
from werkzeug.exceptions import NotFound as WzNotFound

from mock_server.core.context import MockContext
from mock_server.core.errors import InvalidJson, MethodNotAllowed, RouteNotFound
from mock_server.core.limits import parse_json, read_body
from mock_server.core.ratelimit import Decision, LimitRule
from mock_server.core.store import TenantState

F = TypeVar("F", bound=Callable[..., Any])
# Set by a cacheable route's view (its RouteMeta): the fast lane may keep this answer.
ENV_CACHEABLE = "mock.cacheable"
# A rate-limit decision the fast lane already took for this request: the pipeline uses it instead of
# counting the request a second time.
ENV_RATE_DECISION = "mock.rate_decision"


@dataclass(frozen=True)
class RouteMeta:
    """What the pipeline needs to know about a route before its view runs."""

    scope: str | None = None  # vendor scope area (Omnisend) or scope name (Ometria)
    group: str | None = None  # rate-limit group (Ometria)
    content_type: str | None = None  # Content-Type of this route's answers, errors included
    body: bool = False  # whether the route reads a JSON body
    # A pure read whose answer depends only on the tenant's state and the request line: the fast lane
    # may answer it again from the cache until the tenant's next write.
    cache: bool = False


def route(**meta: Any) -> Callable[[F], F]:
    """Attach :class:`RouteMeta` to a view and run it under the tenant's lock."""
    info = RouteMeta(**meta)

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            tenant_state = getattr(g, "tenant", None)
            if tenant_state is None:
                return view(*args, **kwargs)
            if info.cache and request.method in ("GET", "HEAD"):
                request.environ[ENV_CACHEABLE] = info
                with tenant_state.lock.reading():
                    return view(*args, **kwargs)
            with tenant_state.lock:
                return view(*args, **kwargs)

        wrapper.mock_meta = info  # type: ignore[attr-defined]
        return cast(F, wrapper)

    return decorate


def current_meta() -> RouteMeta | None:
    """Return the metadata of the route the path names, or None for unknown paths.

    A path served for other methods only (a 405) still names its route, so the answer keeps that route's
    details (Omnisend's recorded content type of products and categories).
    """
    endpoint = request.endpoint
    if request.url_rule is None:
        exc = request.routing_exception
        if not isinstance(exc, WzMethodNotAllowed) or not exc.valid_methods:
            return None
        adapter = current_app.url_map.bind_to_environ(request.environ)
        try:
            endpoint, _ = adapter.match(method=sorted(exc.valid_methods)[0])
        except HTTPException:
            return None
    view = current_app.view_functions.get(endpoint) if endpoint else None
    return getattr(view, "mock_meta", None)


def count_request(mock: MockContext, scope: Hashable, rule: LimitRule) -> Decision:
    """Count this request against ``rule`` once (the fast lane may have counted it already)."""
    taken = request.environ.pop(ENV_RATE_DECISION, None)
    return taken if isinstance(taken, Decision) else mock.limiter.hit(scope, rule)


def ctx() -> MockContext:
    """Return the app's :class:`MockContext`."""
    return cast(MockContext, current_app.extensions["mock"])


def tenant() -> TenantState:
    """Return the tenant the request's key belongs to."""
    return cast(TenantState, g.tenant)


def request_id() -> str:
    """Return the request's one id: ``X-Mock-Request-Id``, the journal's ``requestId`` and any
    ``request_id`` a vendor body carries."""
    return cast(str, g.request_id)


def body() -> Any:
    """Return the parsed JSON body (the pipeline has read it)."""
    return g.get("body")


def query_args() -> list[tuple[str, str]]:
    """Return the query parameters as ordered pairs (form-decoded: ``+`` is a space)."""
    return list(request.args.items(multi=True))


def warn(path: str, message: str) -> None:
    """Record a non-fatal remark for ``X-Mock-Warnings`` and the journal."""
    warnings: list[tuple[str, str]] = g.setdefault("warnings", [])
    if (path, message) not in warnings:
        warnings.append((path, message))


def warnings_header() -> str | None:
    """Render the request's warnings: sorted by path, joined by ``; ``, non-ASCII escaped."""
    return render_warnings(g.get("warnings", []))


def render_warnings(warnings: list[tuple[str, str]]) -> str | None:
    """``X-Mock-Warnings`` for these remarks (None when there are none); both lanes render it here."""
    if not warnings:
        return None
    text = "; ".join(f"{p}: {m}" for p, m in sorted(warnings, key=lambda w: (w[0], w[1])))
    return text.encode("ascii", "backslashreplace").decode("ascii").replace("\\x", "\\u00")


def check_route() -> None:
    """Raise the vendor-neutral 404/405 for a request no route matched.

    A plain ``OPTIONS`` (CORS preflights are answered before the vendor pipeline) gets the vendor's 405
    too: Flask would otherwise answer it with an empty 200, and every vendor answer is JSON.
    """
    exc = request.routing_exception
    if exc is None:
        if request.method == "OPTIONS" and request.url_rule is not None:
            adapter = current_app.url_map.bind_to_environ(request.environ)
            raise MethodNotAllowed(list(adapter.allowed_methods()))
        return
    if isinstance(exc, WzMethodNotAllowed):
        raise MethodNotAllowed(list(exc.valid_methods or []))
    if isinstance(exc, WzNotFound):
        raise RouteNotFound()
    raise exc


def read_json_body(cap: int, *, required: bool = True) -> Any:
    """Read and parse the body within ``cap``; store it on ``g.body``.

    An empty body is None when not ``required``, else invalid JSON.
    """
    data = read_body(request.stream, request.content_length, cap)
    if not data.strip():
        if required:
            raise InvalidJson("body is empty")
        g.body = None
        return None
    g.body = parse_json(data)
    return g.body
