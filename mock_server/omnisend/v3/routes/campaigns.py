"""Campaigns v3 (omnisend.md §3.8, §6.9); the list key is ``campaign`` as the real API answers (§8)."""

from __future__ import annotations

from flask import Blueprint, Response

from mock_server.core.http import empty_response, json_response
from mock_server.core.request import route
from mock_server.omnisend.backend import campaigns
from mock_server.omnisend.v3 import listing
from mock_server.omnisend.v3.routes.common import brand, list_body, read_list


def register(bp: Blueprint) -> None:
    """Attach the campaign routes."""

    @bp.get("/v3/campaigns")
    @route(scope="campaigns")
    def v3_list_campaigns() -> Response:
        result = read_list(listing.CAMPAIGNS, campaigns.COLLECTION)
        items = [campaigns.render(r) for r in result.items]
        return json_response(list_body("campaign", items, result, "/v3/campaigns"))

    @bp.get("/v3/campaigns/<campaign_id>")
    @route(scope="campaigns")
    def v3_get_campaign(campaign_id: str) -> Response:
        return json_response(campaigns.get(brand(), campaign_id))

    @bp.delete("/v3/campaigns/<campaign_id>")
    @route(scope="campaigns")
    def v3_delete_campaign(campaign_id: str) -> Response:
        campaigns.delete(brand(), campaign_id)
        return empty_response(204)

    @bp.get("/v3/campaigns/<campaign_id>/contacts")
    @route(scope="contacts")
    def v3_campaign_contacts(campaign_id: str) -> Response:
        b = brand()
        campaigns.find(b, campaign_id)
        result = read_list(listing.CAMPAIGN_CONTACTS, f"{campaigns.ROWS}:{campaign_id}")
        items = [campaigns.render_row(b, r) for r in result.items]
        return json_response(list_body("contacts", items, result, f"/v3/campaigns/{campaign_id}/contacts"))

    @bp.get("/v3/campaigns/<campaign_id>/contacts/<contact_id>")
    @route(scope="contacts")
    def v3_campaign_contact(campaign_id: str, contact_id: str) -> Response:
        return json_response(campaigns.contact_row(brand(), campaign_id, contact_id))

    @bp.post("/v3/campaigns/<campaign_id>/actions/start")
    @route(scope="campaigns")
    def v3_start_campaign(campaign_id: str) -> Response:
        return json_response(campaigns.start(brand(), campaign_id))
