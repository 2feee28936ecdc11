"""Omnisend routes: thin views, one module per resource (each with ``register(bp)``), one blueprint."""

from __future__ import annotations

import sys

from flask import Blueprint

from mock_server.core.registry import register_modules


def build_blueprint() -> Blueprint:
    """Return a blueprint carrying every Omnisend route (v3, v5)."""
    bp = Blueprint("omnisend", __name__)
    register_modules(bp, sys.modules[__name__])
    return bp
