"""Control-plane routes under ``/_mock`` (JSON in, JSON out): one module per area, one blueprint."""

from __future__ import annotations

import sys

from flask import Blueprint

from mock_server.control import auth
from mock_server.core.registry import register_modules
from mock_server.core.request import ctx

PREFIX = "/_mock"


def build_blueprint() -> Blueprint:
    """Return the blueprint of the whole control plane (admin token checked first)."""
    bp = Blueprint("control", __name__, url_prefix=PREFIX)

    @bp.before_request
    def _admin_token() -> None:
        auth.check(ctx().settings)

    register_modules(bp, sys.modules[__name__])
    return bp
