"""The server's own OpenAPI document."""

from __future__ import annotations

from flask import Blueprint, Response, current_app

from mock_server.core.http import json_response
from mock_server.core.request import ctx


def register(bp: Blueprint) -> None:
    """Attach the OpenAPI route."""

    @bp.get("/openapi.json")
    def openapi() -> Response:
        """Return the OpenAPI 3 document of every route (vendor APIs and this control plane)."""
        from mock_server.control.openapi import build_spec  # apispec is imported on the first request for it

        return json_response(build_spec(current_app, ctx()))
