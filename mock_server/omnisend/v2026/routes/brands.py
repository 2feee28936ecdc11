"""Brands, 2026-03-15 (reference §5.6): the current brand; connecting a store is OAuth-only."""

from __future__ import annotations

from flask import Blueprint, Response, g

from mock_server.core.http import empty_response, json_response
from mock_server.omnisend.backend import brands
from mock_server.omnisend.v2026 import constants as C
from mock_server.omnisend.v2026 import renames
from mock_server.omnisend.v2026.common import brand, load_body
from mock_server.omnisend.v2026.errors import Problem
from mock_server.omnisend.v2026.policy import operation
from mock_server.omnisend.v2026.schemas.events import V2026ConnectBrandSchema

_connect = V2026ConnectBrandSchema()


def register(bp: Blueprint) -> None:
    """Attach the 2026 brand routes."""

    @bp.get("/api/brands/current")
    @operation("brands.read")
    def api_current_brand() -> Response:
        """Read the brand the credential belongs to."""
        return json_response(renames.brand_view(brands.render(brand())))

    @bp.post("/api/brands/current")
    @operation("brands.write", body=V2026ConnectBrandSchema, bearer_only=True)
    def api_connect_brand() -> Response:
        """Connect a store (Bearer only); 200 with no body, as the contract declares no content."""
        if g.get("auth_scheme") != C.BEARER_SCHEME:
            # C-brands lists no ApiKeyAuth here; with an API key: 403 (mock decision, §5.6).
            raise Problem(403, C.DETAIL_BEARER_ONLY)
        b = brand()
        brands.connect_store(b, load_body(_connect))
        return empty_response(200)
