"""Lists (ometria.md §3.6): fixture lists, their stats and their membership changes."""

from __future__ import annotations

from flask import Blueprint, Response

from mock_server.core.http import json_response
from mock_server.core.request import query_args, route
from mock_server.ometria.backend import lists as rules
from mock_server.ometria.routes.common import account, check_path_id


def register(bp: Blueprint) -> None:
    """Attach the list routes."""

    @bp.get("/lists")
    @route(scope="read", group="data")
    def list_lists() -> Response:
        return json_response(rules.list_lists(account(), query_args()))

    @bp.get("/lists/<list_id>")
    @route(scope="read", group="data")
    def get_list(list_id: str) -> Response:
        check_path_id(list_id)
        return json_response(rules.get_list(account(), list_id))

    @bp.get("/lists/<list_id>/changes")
    @route(scope="read", group="data")
    def list_changes(list_id: str) -> Response:
        check_path_id(list_id)
        return json_response(rules.list_changes(account(), list_id, query_args()))
