"""Automations, 2026-03-15 (reference §5.9): definitions, blocks, copy, enable/disable, UTM, test email."""

from __future__ import annotations

from flask import Blueprint, Response

from mock_server.core.filters import FilterSpec
from mock_server.core.http import empty_response, json_response
from mock_server.omnisend.backend import automation_switch as switch
from mock_server.omnisend.backend import automations as rules
from mock_server.omnisend.v2026.common import CursorList, brand, read_cursor_page
from mock_server.omnisend.v2026.marketing_common import NAME_CONTAINS, dates, json_object
from mock_server.omnisend.v2026.policy import operation
from mock_server.omnisend.v2026.schemas.marketing import AutomationRequestSchema, BlocksRequestSchema, OptionsSchema

# §3.1-§3.3: limit 1..250 (100); sort createdAt|updatedAt; isEnabled, nameContains, date ranges.
AUTOMATIONS = CursorList(
    name="api2026:automations", sorts=("createdAt", "updatedAt"), default_sort="createdAt",
    filters=(FilterSpec("isEnabled", "bool", getter=lambda r: r.get("isEnabled"), index="isEnabled"), NAME_CONTAINS,
             *dates("createdAt", "createdAt"), *dates("updatedAt", "updatedAt")))


def register(bp: Blueprint) -> None:
    """Attach the 2026 automation routes."""

    @bp.get("/api/automations")
    @operation("automations.read", query=AUTOMATIONS.parameters)
    def api_list_automations() -> Response:
        """List automations (cursor paging, filters, sort)."""
        b = brand()
        result, paging = read_cursor_page(AUTOMATIONS, b.col(rules.COLLECTION))
        return json_response({"automations": [rules.render(b, r) for r in result.items], "paging": paging})

    @bp.post("/api/automations")
    @operation("automations.write", body=AutomationRequestSchema)
    def api_create_automation() -> Response:
        """Create an automation, disabled (201)."""
        return json_response(rules.create(brand(), json_object()), 201)

    @bp.get("/api/automations/<automation_id>")
    @operation("automations.read")
    def api_get_automation(automation_id: str) -> Response:
        """Read one automation."""
        return json_response(rules.get(brand(), automation_id))

    @bp.patch("/api/automations/<automation_id>")
    @operation("automations.write", body=AutomationRequestSchema)
    def api_patch_automation(automation_id: str) -> Response:
        """Change the given fields of a disabled automation."""
        return json_response(rules.patch(brand(), automation_id, json_object()))

    @bp.delete("/api/automations/<automation_id>")
    @operation("automations.write")
    def api_delete_automation(automation_id: str) -> Response:
        """Delete an automation (204, also when it does not exist)."""
        rules.delete(brand(), automation_id)
        return empty_response(204)

    @bp.put("/api/automations/<automation_id>/blocks")
    @operation("automations.write", body=BlocksRequestSchema)
    def api_replace_blocks(automation_id: str) -> Response:
        """Replace the block tree of a disabled automation."""
        return json_response(rules.replace_blocks(brand(), automation_id, json_object()))

    @bp.post("/api/automations/<automation_id>/copy")
    @operation("automations.write")
    def api_copy_automation(automation_id: str) -> Response:
        """Copy an automation, disabled (201)."""
        return json_response(rules.copy(brand(), automation_id, json_object(optional=True)), 201)

    @bp.post("/api/automations/<automation_id>/enable")
    @operation("automations.write")
    def api_enable_automation(automation_id: str) -> Response:
        """Enable an automation (idempotent; 409 when enrollExisting does not apply)."""
        return json_response(switch.enable(brand(), automation_id, json_object(optional=True)))

    @bp.post("/api/automations/<automation_id>/disable")
    @operation("automations.write", body=OptionsSchema)
    def api_disable_automation(automation_id: str) -> Response:
        """Disable an automation; contactsInWorkflow keep|exit decides the contacts inside."""
        return json_response(switch.disable(brand(), automation_id, json_object()))

    @bp.get("/api/automations/<automation_id>/utm")
    @operation("automations.read")
    def api_automation_utm(automation_id: str) -> Response:
        """UTM tags of every send block."""
        return json_response(rules.utm(brand(), automation_id))

    @bp.get("/api/automations/<automation_id>/blocks/<block_id>/utm")
    @operation("automations.read")
    def api_block_utm(automation_id: str, block_id: str) -> Response:
        """UTM tags of one send block."""
        return json_response(rules.block_utm(brand(), automation_id, block_id))

    @bp.put("/api/automations/<automation_id>/blocks/<block_id>/utm")
    @operation("automations.write", body=OptionsSchema)
    def api_set_block_utm(automation_id: str, block_id: str) -> Response:
        """Replace the three UTM tags of one send block."""
        return json_response(rules.set_block_utm(brand(), automation_id, block_id, json_object()))

    @bp.post("/api/automations/<automation_id>/blocks/<block_id>/test-email")
    @operation("automations.write", body=OptionsSchema)
    def api_block_test_email(automation_id: str, block_id: str) -> Response:
        """Send the block's email to 1-5 recipients (204; recorded in the outbox)."""
        switch.test_email(brand(), automation_id, block_id, json_object())
        return empty_response(204)
