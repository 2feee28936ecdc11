"""Transactional email, data deletion and merge-profile (ometria.md §3.8)."""

from __future__ import annotations

from flask import Blueprint, Response

from mock_server.core.http import json_response
from mock_server.core.request import body, query_args, request_id, route
from mock_server.ometria.backend import data_deletion, merge_profile, transactional
from mock_server.ometria.routes.common import account, check_path_id


def register(bp: Blueprint) -> None:
    """Attach the transactional-email, data-deletion and merge-profile routes."""

    @bp.post("/transactional-email/send")
    @route(scope="transactional", group="transactional", body=True)
    def send_transactional_email() -> Response:
        return json_response(transactional.send(account(), body(), request_id()))

    @bp.get("/data-deletion-requests")
    @route(scope="gdpr", group="data")
    def list_data_deletion_requests() -> Response:
        return json_response(data_deletion.list_requests(account(), query_args()))

    @bp.post("/data-deletion-requests")
    @route(scope="gdpr", group="gdpr", body=True)
    def create_data_deletion_request() -> Response:
        return json_response(data_deletion.create(account(), body(), request_id()), 202)

    @bp.get("/data-deletion-requests/<request_id>")
    @route(scope="gdpr", group="data")
    def get_data_deletion_request(request_id: str) -> Response:
        check_path_id(request_id)
        return json_response(data_deletion.get_request(account(), request_id))

    @bp.post("/merge-profile")
    @route(scope="gdpr", group="merge", body=True)
    def merge_profiles() -> Response:
        return json_response(merge_profile.merge_profiles(account(), body(), request_id()))
