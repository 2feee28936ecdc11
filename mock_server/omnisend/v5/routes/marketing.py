"""v5 automations and campaigns lists (issue 12): read-only lists over the 2026 objects.

Omnisend's v5 navigation lists GET /v5/automations and GET /v5/campaigns without a published schema; the
sandbox answers the same objects as /api, in v5's envelope and offset paging with links (mock decision).
"""

from __future__ import annotations

from flask import Blueprint, Response

from mock_server.core.filters import FilterSpec
from mock_server.core.http import json_response
from mock_server.core.paging import ListSpec
from mock_server.core.request import route
from mock_server.omnisend import constants as C
from mock_server.omnisend import marketing_constants as M
from mock_server.omnisend.backend import automations, campaigns_api
from mock_server.omnisend.v3.routes.common import brand, list_body, read_list

AUTOMATIONS = ListSpec(name="v5-automations", sort_keys={"createdAt": True, "updatedAt": True},
                       default_order="createdAt", default_descending=True, default_limit=C.DEFAULT_LIMIT,
                       max_limit=C.MAX_LIMIT, filters=(FilterSpec("isEnabled", "bool"),))
CAMPAIGNS = ListSpec(name="v5-campaigns", sort_keys={"createdAt": True, "updatedAt": True},
                     default_order="createdAt", default_descending=True, default_limit=C.DEFAULT_LIMIT,
                     max_limit=C.MAX_LIMIT, filters=(FilterSpec("status", "enum", choices=M.CAMPAIGN_STATUSES),
                                                     FilterSpec("channel", "enum", choices=M.CAMPAIGN_CHANNELS)))


def register(bp: Blueprint) -> None:
    """Attach the v5 marketing lists."""

    @bp.get("/v5/automations")
    @route(scope="automations")
    def v5_list_automations() -> Response:
        b = brand()
        result = read_list(AUTOMATIONS, automations.COLLECTION)
        items = [automations.render(b, r) for r in result.items]
        return json_response(list_body("automations", items, result, "/v5/automations"))

    @bp.get("/v5/campaigns")
    @route(scope="campaigns")
    def v5_list_campaigns() -> Response:
        result = read_list(CAMPAIGNS, campaigns_api.COLLECTION)
        items = [campaigns_api.render(r) for r in result.items]
        return json_response(list_body("campaigns", items, result, "/v5/campaigns"))
