"""Email templates, email content and universal layouts, 2026-03-15 (reference §5.11), with render."""

from __future__ import annotations

from flask import Blueprint, Response

from mock_server.core.http import empty_response, json_response
from mock_server.omnisend.backend import email_content as rules
from mock_server.omnisend.v2026 import constants as C
from mock_server.omnisend.v2026.common import CursorList, brand, read_cursor_page
from mock_server.omnisend.v2026.marketing_common import NAME_CONTAINS, json_object
from mock_server.omnisend.v2026.policy import operation
from mock_server.omnisend.v2026.schemas.marketing import DesignRequestSchema

# §3.1: templates 1..100 (50), sort createdAt|name; layouts 1..250 (100), always newest first, no sort.
TEMPLATES = CursorList(name="api2026:email-templates", sorts=("createdAt", "name"), default_sort="createdAt",
                       default_limit=50, max_limit=100, filters=(NAME_CONTAINS,))
LAYOUTS = CursorList(name="api2026:email-universal-layouts", sorts=("createdAt",), default_sort="createdAt",
                     filters=(NAME_CONTAINS,))
LAYOUT_QUERY = (*C.PAGING_PARAMS, "nameContains")


def register(bp: Blueprint) -> None:
    """Attach the 2026 email content routes."""

    @bp.get("/api/email-templates")
    @operation("email-templates.read", query=TEMPLATES.parameters)
    def api_list_templates() -> Response:
        """List templates (id, name and dates only)."""
        result, paging = read_cursor_page(TEMPLATES, brand().col(rules.TEMPLATES))
        return json_response({"templates": [rules.list_item(r) for r in result.items], "paging": paging})

    @bp.post("/api/email-templates")
    @operation("email-templates.write", body=DesignRequestSchema)
    def api_create_template() -> Response:
        """Create a template (201)."""
        return json_response(rules.create_template(brand(), json_object()), 201)

    @bp.post("/api/email-templates/import")
    @operation("email-templates.write", body=DesignRequestSchema)
    def api_import_template() -> Response:
        """Create a template from an HTML document (201)."""
        return json_response(rules.import_template(brand(), json_object()), 201)

    @bp.get("/api/email-templates/<template_id>")
    @operation("email-templates.read")
    def api_get_template(template_id: str) -> Response:
        """Read one template."""
        return json_response(rules.get_template(brand(), template_id))

    @bp.put("/api/email-templates/<template_id>")
    @operation("email-templates.write", body=DesignRequestSchema)
    def api_replace_template(template_id: str) -> Response:
        """Replace a template."""
        return json_response(rules.replace_template(brand(), template_id, json_object()))

    @bp.delete("/api/email-templates/<template_id>")
    @operation("email-templates.write")
    def api_delete_template(template_id: str) -> Response:
        """Delete a template (204)."""
        rules.delete_template(brand(), template_id)
        return empty_response(204)

    @bp.post("/api/email-templates/<template_id>/render")
    @operation("email-templates.write", group=C.RATE_RENDER)
    def api_render_template(template_id: str) -> Response:
        """Render a template to HTML, personalised for ``contactID``/``email`` when given."""
        return json_response(rules.render_template(brand(), template_id, json_object(optional=True)))

    @bp.get("/api/email-content/<content_id>")
    @operation("email-templates.read")
    def api_get_content(content_id: str) -> Response:
        """Read a campaign's or automation's email content."""
        return json_response(rules.get_content(brand(), content_id))

    @bp.put("/api/email-content/<content_id>")
    @operation("email-templates.write", body=DesignRequestSchema)
    def api_replace_content(content_id: str) -> Response:
        """Replace email content (409 once it has been sent)."""
        return json_response(rules.replace_content(brand(), content_id, json_object()))

    @bp.post("/api/email-content/<content_id>/render")
    @operation("email-templates.write", group=C.RATE_RENDER)
    def api_render_content(content_id: str) -> Response:
        """Render email content with an empty context (422 on a broken tag)."""
        return json_response(rules.render_content(brand(), content_id))

    @bp.get("/api/email-universal-layouts")
    @operation("email-templates.read", query=LAYOUT_QUERY)
    def api_list_layouts() -> Response:
        """List universal layouts, newest first."""
        result, paging = read_cursor_page(LAYOUTS, brand().col(rules.LAYOUTS))
        return json_response({"universalLayouts": [dict(r) for r in result.items], "paging": paging})

    @bp.post("/api/email-universal-layouts")
    @operation("email-templates.write", body=DesignRequestSchema)
    def api_create_layout() -> Response:
        """Create a universal layout (201)."""
        return json_response(rules.create_layout(brand(), json_object()), 201)

    @bp.get("/api/email-universal-layouts/<layout_id>")
    @operation("email-templates.read")
    def api_get_layout(layout_id: str) -> Response:
        """Read one universal layout."""
        return json_response(dict(rules.find_layout(brand(), layout_id)))

    @bp.put("/api/email-universal-layouts/<layout_id>")
    @operation("email-templates.write", body=DesignRequestSchema)
    def api_replace_layout(layout_id: str) -> Response:
        """Replace a universal layout."""
        return json_response(rules.replace_layout(brand(), layout_id, json_object()))

    @bp.delete("/api/email-universal-layouts/<layout_id>")
    @operation("email-templates.write")
    def api_delete_layout(layout_id: str) -> Response:
        """Delete a universal layout (204)."""
        rules.delete_layout(brand(), layout_id)
        return empty_response(204)
