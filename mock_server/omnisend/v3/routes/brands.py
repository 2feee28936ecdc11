"""v3 accounts (omnisend.md §3.9)."""

from __future__ import annotations

from flask import Blueprint, Response

from mock_server.core.http import json_response
from mock_server.core.request import route
from mock_server.omnisend.backend import brands
from mock_server.omnisend.v3.routes.common import brand, load_body
from mock_server.omnisend.v3.schemas.brands import AccountSchema

_account = AccountSchema()


def register(bp: Blueprint) -> None:
    """Attach the brand routes."""

    @bp.get("/v3/accounts")
    @route(scope="brands")
    def v3_get_account() -> Response:
        return json_response(brands.render(brand()))

    @bp.post("/v3/accounts")
    @route(scope="brands", body=True)
    def v3_verify_account() -> Response:
        return json_response(brands.verify_account(brand(), None, load_body(_account)))

    @bp.post("/v3/accounts/<brand_id>")
    @route(scope="brands", body=True)
    def v3_verify_account_id(brand_id: str) -> Response:
        return json_response(brands.verify_account(brand(), brand_id, load_body(_account)))
