"""Ometria routes: thin views, one module per resource (each with ``register(bp)``), one blueprint."""

from __future__ import annotations

import sys

from flask import Blueprint

from mock_server.core.registry import register_modules


def build_blueprint() -> Blueprint:
    """Return a blueprint carrying every Ometria route."""
    bp = Blueprint("ometria", __name__, url_prefix="/v2")
    register_modules(bp, sys.modules[__name__])
    return bp
