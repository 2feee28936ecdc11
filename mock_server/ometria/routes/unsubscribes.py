"""Unsubscribes (ometria.md §3.7)."""

from __future__ import annotations

from flask import Blueprint, Response

from mock_server.core.http import json_response
from mock_server.core.request import query_args, route
from mock_server.ometria.backend import unsubscribes as rules
from mock_server.ometria.routes.common import account


def register(bp: Blueprint) -> None:
    """Attach the unsubscribe routes."""

    @bp.get("/unsubscribes")
    @route(scope="read", group="data")
    def list_unsubscribes() -> Response:
        return json_response(rules.list_unsubscribes(account(), query_args()))
