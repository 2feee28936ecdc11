"""The app factory: settings -> context -> vendors and fixtures -> blueprints -> error handling.

Around every request: CORS preflights are answered first (no auth); vendor paths run the vendor's
pipeline (which calls the fault hook right after auth); every non-/_mock request is journalled after
its answer exists (errors included), with the teardown hook as a safety net.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Rule

from mock_server.control import auth, cors, recorder
from mock_server.core import fixtures
from mock_server.core.context import MockContext, Settings, Vendor
from mock_server.core.errors import (
    BodyTooLarge,
    HeaderFieldsTooLarge,
    InternalError,
    MalformedRequest,
    MethodNotAllowed,
    MockError,
    RouteNotFound,
)
from mock_server.core.faults import CustomFault
from mock_server.core.http import REQUEST_ID_HEADER, WARNINGS_HEADER, dumps, json_response
from mock_server.core.request import check_route, warnings_header
from mock_server.core.request import ctx as current_ctx
from mock_server.fastlane import FastLane, WriteFront
from mock_server.middleware import ENV_BATCH_ITEM, ENV_TRANSPORT_ERROR, PathNormalizer, SandboxWsgi
from mock_server.redisstore.connection import StoreUnavailable, unavailable
from mock_server.redisstore.guard import StoreGuard

log = logging.getLogger("mock_server")


class LazyBuildRule(Rule):
    """A werkzeug rule whose two URL builders are compiled when the rule first builds a URL.

    Werkzeug compiles them (Python source through ``ast`` and ``compile``) as each rule is added: about
    two thirds of the cost of registering our ~250 routes, paid by every app (the test suite builds
    thousands). Only ``url_for`` uses them (the dashboard's links), so each is compiled on its first use,
    from the same rule state, and replaces itself: matching and every built URL stay werkzeug's own.
    """

    def _compile_builder(self, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        compile_builder = super()._compile_builder
        attribute = "_build_unknown" if append_unknown else "_build"

        def build(rule: Rule, **values: Any) -> tuple[str, str]:
            builder = compile_builder(append_unknown).__get__(rule, None)
            setattr(rule, attribute, builder)  # werkzeug's own builder from now on (a rebind resets it)
            return builder(**values)  # type: ignore[no-any-return]

        return build


def create_app(settings: Settings | None = None) -> Flask:
    """Build a fully seeded app; raise FixtureError (changing nothing) if the fixtures are bad."""
    # Without the cyclic collector, as the fixture load already was: building an app imports ~200 modules
    # and allocates tens of thousands of objects that all live as long as the app, and the collections
    # they set off (a full one among them, walking every module already imported) were a fifth of the
    # cost of building an app on the default fixtures.
    with fixtures.bulk_allocation():
        return _build_app(settings)


def _build_app(settings: Settings | None) -> Flask:
    from mock_server import tracking
    from mock_server.control.routes import build_blueprint as control_blueprint
    from mock_server.control.ui import build_blueprint as dashboard_blueprint
    from mock_server.ometria.vendor import Ometria
    from mock_server.omnisend.vendor import Omnisend

    settings = settings or Settings()
    if settings.require_admin_token and not settings.admin_token:
        settings.admin_token = auth.new_token()
        log.warning("control plane admin token: %s", settings.admin_token)
    # No app-wide /static route: every path outside /_mock belongs to a vendor (unknown ones answer the
    # vendor's 404); the dashboard serves its own files under /_mock/ui/static.
    app = Flask(__name__, static_folder=None)
    app.url_rule_class = LazyBuildRule
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.url_map.strict_slashes = False
    ctx = MockContext(settings)
    app.extensions["mock"] = ctx
    ctx.app = app
    vendor: Vendor
    for vendor in (Omnisend(), Ometria()):
        ctx.vendors[vendor.name] = vendor
        app.register_blueprint(vendor.blueprint())
    tracking.install(app, ctx)
    app.register_blueprint(control_blueprint())
    app.register_blueprint(dashboard_blueprint())
    fixtures.load_folder(ctx, settings.fixtures or fixtures.default_fixtures_dir())
    if settings.state_dir is not None and ctx.redis is not None:
        raise ValueError("--state-dir cannot be used with a Redis store: Redis keeps the state")
    if settings.state_dir is not None:
        from mock_server.core.persistence import Persistence

        # Before any worker or request: the saved state replaces the seed (StateError refuses start-up).
        ctx.persistence = Persistence(ctx, settings.state_dir / "store")
        ctx.persistence.open()
    for vendor in ctx.vendors.values():
        vendor.start_workers(ctx)

    request_ids = ctx.request_ids

    @app.before_request
    def _pipeline() -> Response | None:
        g.request_id = request_ids.uuid4()
        g.batch_item = bool(request.environ.get(ENV_BATCH_ITEM))
        recorder.start(ctx)
        refused = request.environ.get(ENV_TRANSPORT_ERROR)
        if refused is not None and refused != 413:
            raise transport_error(refused, ctx.settings.body_cap)
        if cors.is_preflight(request):
            g.preflight = True
            owner = ctx.vendor_for_path(request.path)
            answer = owner.preflight(request) if owner is not None else None
            return answer or cors.preflight(request, ctx.settings.cors_origins)
        vendor = ctx.vendor_for_path(request.path)
        if vendor is not None:
            g.vendor = vendor
            vendor.before_request(ctx)
        if refused == 413:
            # The server refused the body: 413 where the vendors check the body cap (after auth, route and
            # scope), even on a route that would not have read it.
            raise BodyTooLarge(ctx.settings.body_cap)
        if vendor is None and request.method == "OPTIONS":
            # Flask would answer a plain OPTIONS with an empty text/html 200: the control plane answers
            # it as any method a path does not serve (JSON 405, or 404 for an unknown path).
            check_route()
        return None

    @app.after_request
    def _finish(response: Response) -> Response:
        vendor = g.get("vendor") or ctx.vendor_for_path(request.path)
        warnings = None
        if vendor is not None and not g.get("preflight"):
            response = vendor.after_request(ctx, response)
            warnings = warnings_header()
            if warnings:
                response.headers[WARNINGS_HEADER] = warnings
        response.headers[REQUEST_ID_HEADER] = g.get("request_id", "")
        cors.decorate(request, response, ctx.settings.cors_origins)
        recorder.record(ctx, response, warnings)
        return response

    @app.teardown_request
    def _journal_failures(exc: BaseException | None) -> None:
        # Only when no answer reached after_request (an exception escaped the handlers).
        recorder.record(ctx, None, None)

    @app.errorhandler(Exception)
    def _error(exc: Exception) -> Response:
        return render_error(exc)

    FastLane.install(app, ctx)
    PathNormalizer.install(app, ctx)
    SandboxWsgi.install(app, ctx)
    WriteFront.install(app, ctx)  # the write lane's pushes skip the two layers above (mock_server/fastlane.py)
    if ctx.shared is not None:  # Redis mode: one read of the shared clock, switches and rules per request
        from mock_server.redisstore.wsgi import RefreshEachRequest

        RefreshEachRequest.install(app, ctx)
    if ctx.redis is not None:  # outermost: Redis gone mid-run is the vendor's 503 (redisstore/guard.py)
        StoreGuard.install(app, render_error)
    return app


def transport_error(status: int, body_cap: int) -> MockError:
    """The error for a request the HTTP server refused with ``status`` before the app read it."""
    if status == 413:
        return BodyTooLarge(body_cap)
    if status == 431:
        return HeaderFieldsTooLarge()
    if status == 400:
        return MalformedRequest("Bad Request - malformed HTTP request")  # mock decision: no vendor text known
    if status == 500:
        return InternalError()
    return MockError(HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error", status=status)


def to_mock_error(exc: Exception) -> MockError:
    """Turn any exception into a :class:`MockError` (unknown ones are logged and become 500)."""
    if isinstance(exc, MockError):
        return exc
    if unavailable(exc):  # Redis went away mid-run: the vendor's 503, recovering when it returns
        log.warning("the store is unreachable (%s): %s %s answered 503", exc, request.method, request.path)
        g.journalled = True  # the journal lives in the store that is away: nothing to record
        return StoreUnavailable()
    if isinstance(exc, HTTPException):
        if exc.code == 404:
            return RouteNotFound()
        if exc.code == 405:
            valid = getattr(exc, "valid_methods", None) or []
            return MethodNotAllowed(list(valid))
        return MockError(exc.description or exc.name, status=exc.code or 500)
    log.exception("unexpected exception while serving %s %s", request.method, request.path)
    return InternalError()


def render_error(exc: Exception) -> Response:
    """Render ``exc`` in the envelope of the vendor whose path this is (or the control plane's)."""
    ctx = current_ctx()
    error = to_mock_error(exc)
    vendor = g.get("vendor") or ctx.vendor_for_path(request.path)
    if vendor is None and error.status == 404 and not request.path.startswith("/_mock"):
        # Unknown top-level paths (/v4, /api, an unversioned path with the alias off) answer 404 in the
        # Omnisend envelope (omnisend.md §1.1, §9).
        vendor = ctx.vendors["omnisend"]
    if isinstance(error, CustomFault):
        response = custom_fault_response(error)
    elif vendor is not None:
        response = vendor.render_error(error)
    else:
        body: dict[str, Any] = {"error": error.message or _control_text(error)}
        if error.fields:
            body["fields"] = [f"{p}: {m}" for p, m in error.fields]
        body.update(error.extra)
        response = json_response(body, error.status)
    for name, value in error.headers.items():
        response.headers[name] = value
    return response


def _control_text(error: MockError) -> str:
    return {404: "Not found", 405: "Method not allowed", 413: "Request body too large",
            401: "Unauthorized", 400: "Bad request", 503: "Service unavailable"
            }.get(error.status, "Internal server error")


def custom_fault_response(fault: CustomFault) -> Response:
    """A fault rule's own body: text as given, anything else as JSON."""
    if isinstance(fault.body, str):
        return Response(fault.body.encode("utf-8"), status=fault.status, content_type="text/plain; charset=utf-8")
    if fault.body is None:
        return Response(b"", status=fault.status)
    return Response(dumps(fault.body).encode("utf-8"), status=fault.status, content_type="application/json")
