"""v5 brands/current (omnisend.md §4)."""

from __future__ import annotations

from flask import Blueprint, Response

from mock_server.core.errors import Forbidden
from mock_server.core.http import json_response
from mock_server.core.request import route
from mock_server.omnisend import constants as C
from mock_server.omnisend.backend import brands
from mock_server.omnisend.v3.routes.common import brand


def register(bp: Blueprint) -> None:
    """Attach the v5 brands routes."""

    @bp.get("/v5/brands/current")
    @route(scope="brands")
    def v5_current_brand() -> Response:
        return json_response(brands.render(brand()))

    @bp.post("/v5/brands/current")
    @route(scope="brands")
    def v5_update_brand() -> Response:
        # The vendor allows this only through OAuth; API keys never can (§4).
        raise Forbidden(C.ERR_FORBIDDEN)
