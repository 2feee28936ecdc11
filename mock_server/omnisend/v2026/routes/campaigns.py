"""Campaigns, 2026-03-15 (reference §5.10): drafts, send/schedule, cancel, copy, test email, A/B, UTM."""

from __future__ import annotations

from flask import Blueprint, Response

from mock_server.core.filters import FilterSpec
from mock_server.core.http import empty_response, json_response
from mock_server.omnisend import marketing_constants as M
from mock_server.omnisend.backend import campaign_sends as sends
from mock_server.omnisend.backend import campaigns_api as rules
from mock_server.omnisend.v2026.common import CursorList, brand, read_cursor_page
from mock_server.omnisend.v2026.marketing_common import NAME_CONTAINS, any_of, dates, json_object
from mock_server.omnisend.v2026.policy import operation
from mock_server.omnisend.v2026.schemas.marketing import CampaignRequestSchema, OptionsSchema

# §3.3: status and channel repeat (OR), type, parentCampaignID (implies booster), nameContains, ranges;
# any other parameter is a 400 (C-campaigns).
CAMPAIGNS = CursorList(
    name="api2026:campaigns", sorts=("createdAt", "updatedAt", "name"), default_sort="createdAt",
    filters=(any_of("status", M.CAMPAIGN_STATUSES, index="status"),
             any_of("channel", M.CAMPAIGN_CHANNELS, index="channel"), any_of("type", M.CAMPAIGN_TYPES, index="type"),
             FilterSpec("parentCampaignID", "exact", getter=rules.parent_of, index="parentCampaignID"),
             NAME_CONTAINS, *dates("createdAt", "createdAt"), *dates("updatedAt", "updatedAt")))


def register(bp: Blueprint) -> None:
    """Attach the 2026 campaign routes."""

    @bp.get("/api/campaigns")
    @operation("campaigns.read", query=CAMPAIGNS.parameters)
    def api_list_campaigns() -> Response:
        """List campaigns (cursor paging, filters, sort)."""
        result, paging = read_cursor_page(CAMPAIGNS, brand().col(rules.COLLECTION))
        return json_response({"campaigns": [rules.render(r) for r in result.items], "paging": paging})

    @bp.post("/api/campaigns")
    @operation("campaigns.write", body=CampaignRequestSchema)
    def api_create_campaign() -> Response:
        """Create a draft (201)."""
        return json_response(rules.create(brand(), json_object()), 201)

    @bp.get("/api/campaigns/<campaign_id>")
    @operation("campaigns.read")
    def api_get_campaign(campaign_id: str) -> Response:
        """Read one campaign."""
        return json_response(rules.get(brand(), campaign_id))

    @bp.patch("/api/campaigns/<campaign_id>")
    @operation("campaigns.write", body=CampaignRequestSchema)
    def api_patch_campaign(campaign_id: str) -> Response:
        """Change a draft."""
        return json_response(rules.patch(brand(), campaign_id, json_object()))

    @bp.delete("/api/campaigns/<campaign_id>")
    @operation("campaigns.write")
    def api_delete_campaign(campaign_id: str) -> Response:
        """Delete a campaign that is not going out (204)."""
        rules.delete(brand(), campaign_id)
        return empty_response(204)

    @bp.post("/api/campaigns/<campaign_id>/copy")
    @operation("campaigns.write")
    def api_copy_campaign(campaign_id: str) -> Response:
        """Copy into a new draft (201)."""
        return json_response(rules.copy(brand(), campaign_id), 201)

    @bp.post("/api/campaigns/<campaign_id>/send")
    @operation("campaigns.write")
    def api_send_campaign(campaign_id: str) -> Response:
        """Send or schedule a draft (204; the emails are in the outbox)."""
        sends.send(brand(), campaign_id)
        return empty_response(204)

    @bp.post("/api/campaigns/<campaign_id>/cancel")
    @operation("campaigns.write")
    def api_cancel_campaign(campaign_id: str) -> Response:
        """Cancel a scheduled, paused or started (email) campaign (204)."""
        sends.cancel(brand(), campaign_id)
        return empty_response(204)

    @bp.post("/api/campaigns/<campaign_id>/test-email")
    @operation("campaigns.write", body=OptionsSchema)
    def api_campaign_test_email(campaign_id: str) -> Response:
        """Send the campaign's email to 1-5 recipients (204)."""
        sends.test_email(brand(), campaign_id, json_object())
        return empty_response(204)

    @bp.post("/api/campaigns/<campaign_id>/ab-test/stop")
    @operation("campaigns.write")
    def api_stop_ab(campaign_id: str) -> Response:
        """Pause a started A/B test (204)."""
        sends.stop_ab(brand(), campaign_id)
        return empty_response(204)

    @bp.post("/api/campaigns/<campaign_id>/ab-test/resume")
    @operation("campaigns.write")
    def api_resume_ab(campaign_id: str) -> Response:
        """Resume a stopped A/B test (204)."""
        sends.resume_ab(brand(), campaign_id)
        return empty_response(204)

    @bp.post("/api/campaigns/<campaign_id>/ab-test/winner")
    @operation("campaigns.write", body=OptionsSchema)
    def api_ab_winner(campaign_id: str) -> Response:
        """Pick the winner; it goes to everyone not reached yet (204)."""
        sends.choose_winner(brand(), campaign_id, json_object())
        return empty_response(204)

    @bp.get("/api/campaigns/<campaign_id>/utm")
    @operation("campaigns.read")
    def api_campaign_utm(campaign_id: str) -> Response:
        """UTM settings."""
        return json_response(rules.utm(brand(), campaign_id))

    @bp.put("/api/campaigns/<campaign_id>/utm")
    @operation("campaigns.write", body=OptionsSchema)
    def api_set_campaign_utm(campaign_id: str) -> Response:
        """Replace the UTM settings of a draft."""
        return json_response(rules.set_utm(brand(), campaign_id, json_object()))
