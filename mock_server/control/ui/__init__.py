"""The QA dashboard at ``/_mock/ui``: server-rendered pages over the same functions the /_mock JSON routes
use (nothing here keeps state of its own but the charts' samples, see ``samples``).

Pages: overview (live, with SVG charts), records, contacts (timeline), live journal, outbox (email
preview), tracking hits, controls. Views prepare plain view models; templates in
``mock_server/templates/ui`` only lay them out. The dashboard is for people, not programs, so it is left
out of the OpenAPI document (see :func:`is_dashboard_endpoint`); docs/dashboard.md describes it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, Response, request

from mock_server.control.ui import access, pages, samples
from mock_server.control.ui.render import page
from mock_server.core.errors import MockError
from mock_server.core.registry import register_modules
from mock_server.core.request import ctx

PREFIX = "/_mock/ui"
NAME = "ui"
STATIC = Path(__file__).resolve().parents[2] / "static"
# The navigation, in order: (endpoint, label). A new page adds one line here (and its module under pages/).
NAV = [("ui.overview", "Overview"), ("ui.records", "Records"), ("ui.contacts", "Contacts"),
       ("ui.journal", "Journal"), ("ui.outbox", "Outbox"), ("ui.tracking", "Tracking"), ("ui.controls", "Controls")]


def is_dashboard_endpoint(endpoint: str) -> bool:
    """Whether a URL-map endpoint belongs to the dashboard (pages and their static files)."""
    return endpoint.startswith(NAME + ".")


def build_blueprint() -> Blueprint:
    """Return the dashboard blueprint (token rule first, then the pages)."""
    bp = Blueprint(NAME, __name__, url_prefix=PREFIX, static_folder=str(STATIC), static_url_path="/static")

    @bp.before_request
    def _token() -> Response | None:
        if request.endpoint == f"{NAME}.static":
            return None  # style sheet and script hold no secrets
        return access.check(ctx().settings)

    @bp.context_processor
    def _globals() -> dict[str, Any]:
        return {"nav": NAV, "form_token": access.form_token(ctx().settings), "token_field": access.FORM_FIELD}

    @bp.errorhandler(MockError)
    def _error(exc: MockError) -> Response:
        fields = [f"{path}: {message}" for path, message in exc.fields]
        return page("ui/error.html", exc.status, code=exc.status, message=exc.message, fields=fields)

    bp.record_once(lambda state: samples.install(state.app))
    register_modules(bp, pages)
    return bp
