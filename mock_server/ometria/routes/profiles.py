"""Profiles (ometria.md §3.5): derived, read-only."""

from __future__ import annotations

from flask import Blueprint, Response

from mock_server.core.http import json_response
from mock_server.core.request import query_args, route
from mock_server.ometria.backend import profiles as rules
from mock_server.ometria.routes.common import account, check_path_id


def register(bp: Blueprint) -> None:
    """Attach the profile routes."""

    @bp.get("/profiles")
    @route(scope="read", group="data")
    def list_profiles() -> Response:
        return json_response(rules.list_profiles(account(), query_args()))

    @bp.get("/profiles/<profile_id>")
    @route(scope="read", group="data")
    def get_profile(profile_id: str) -> Response:
        check_path_id(profile_id)
        return json_response(rules.get_profile(account(), profile_id))
