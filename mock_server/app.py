"""The app factory: settings -> context -> vendors and fixtures -> blueprints -> error handling."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException

from mock_server.core import fixtures
from mock_server.core.context import MockContext, Settings, Vendor
from mock_server.core.errors import InternalError, MethodNotAllowed, MockError, RouteNotFound
from mock_server.core.http import json_response
from mock_server.core.request import ctx as current_ctx
from mock_server.core.request import warnings_header
from mock_server.middleware import PathNormalizer

log = logging.getLogger("mock_server")


def create_app(settings: Settings | None = None) -> Flask:
    """Build a fully seeded app; raise FixtureError (changing nothing) if the fixtures are bad."""
    from mock_server.control.ometria_queue import blueprint as ometria_queue_blueprint
    from mock_server.control.omnisend_batches import blueprint as omnisend_batches_blueprint
    from mock_server.control.routes import blueprint as control_blueprint
    from mock_server.ometria.vendor import Ometria
    from mock_server.omnisend.vendor import Omnisend

    settings = settings or Settings()
    app = Flask(__name__)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.url_map.strict_slashes = False
    ctx = MockContext(settings)
    app.extensions["mock"] = ctx
    ctx.app = app
    vendor: Vendor
    for vendor in (Omnisend(), Ometria()):
        ctx.vendors[vendor.name] = vendor
        app.register_blueprint(vendor.blueprint())
    app.register_blueprint(control_blueprint)
    app.register_blueprint(ometria_queue_blueprint)
    app.register_blueprint(omnisend_batches_blueprint)
    fixtures.load_folder(ctx, settings.fixtures or fixtures.default_fixtures_dir())
    for vendor in ctx.vendors.values():
        vendor.start_workers(ctx)

    request_ids = ctx.ids.derive("request-ids")

    @app.before_request
    def _pipeline() -> None:
        g.request_id = request_ids.uuid4()
        vendor = ctx.vendor_for_path(request.path)
        if vendor is not None:
            g.vendor = vendor
            vendor.before_request(ctx)

    @app.after_request
    def _finish(response: Response) -> Response:
        vendor = g.get("vendor") or ctx.vendor_for_path(request.path)
        if vendor is not None:
            response = vendor.after_request(ctx, response)
            warnings = warnings_header()
            if warnings:
                response.headers["X-Mock-Warnings"] = warnings
        response.headers["X-Mock-Request-Id"] = g.get("request_id", "")
        return response

    @app.errorhandler(Exception)
    def _error(exc: Exception) -> Response:
        return render_error(exc)

    PathNormalizer.install(app, ctx)
    return app


def to_mock_error(exc: Exception) -> MockError:
    """Turn any exception into a :class:`MockError` (unknown ones are logged and become 500)."""
    if isinstance(exc, MockError):
        return exc
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
    if vendor is not None:
        response = vendor.render_error(error)
    else:
        body: dict[str, Any] = {"error": error.message or _control_text(error)}
        if error.fields:
            body["fields"] = [f"{p}: {m}" for p, m in error.fields]
        response = json_response(body, error.status)
    for name, value in error.headers.items():
        response.headers[name] = value
    return response


def _control_text(error: MockError) -> str:
    return {404: "Not found", 405: "Method not allowed", 413: "Request body too large",
            401: "Unauthorized", 400: "Bad request"}.get(error.status, "Internal server error")
