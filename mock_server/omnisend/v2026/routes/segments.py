"""Segments, 2026-03-15 (reference §5.8): CRUD and statistics over live membership; their own budgets."""

from __future__ import annotations

from flask import Blueprint, Response

from mock_server.core.http import empty_response, json_response
from mock_server.omnisend.backend import segments_api as rules
from mock_server.omnisend.v2026 import constants as C
from mock_server.omnisend.v2026.common import CursorList, brand, read_cursor_page
from mock_server.omnisend.v2026.marketing_common import json_object
from mock_server.omnisend.v2026.policy import operation
from mock_server.omnisend.v2026.schemas.marketing import SegmentRequestSchema

# §3.1: limit 1..50, default 10 (C-segments); sort createdAt|name, newest first by default.
SEGMENTS = CursorList(name="api2026:segments", sorts=("createdAt", "name"), default_sort="createdAt",
                      default_limit=10, max_limit=50)


def register(bp: Blueprint) -> None:
    """Attach the 2026 segment routes."""

    @bp.get("/api/segments")
    @operation("segments.read", group=C.RATE_SEGMENTS, query=SEGMENTS.parameters)
    def api_list_segments() -> Response:
        """List segments (cursor paging)."""
        b = brand()
        result, paging = read_cursor_page(SEGMENTS, b.col(rules.COLLECTION))
        return json_response({"segments": [rules.render(b, r) for r in result.items], "paging": paging})

    @bp.post("/api/segments")
    @operation("segments.write", group=C.RATE_SEGMENTS_WRITE, body=SegmentRequestSchema)
    def api_create_segment() -> Response:
        """Create a segment (201)."""
        return json_response(rules.create(brand(), json_object()), 201)

    @bp.get("/api/segments/<segment_id>")
    @operation("segments.read", group=C.RATE_SEGMENTS)
    def api_get_segment(segment_id: str) -> Response:
        """Read one segment."""
        return json_response(rules.get(brand(), segment_id))

    @bp.put("/api/segments/<segment_id>")
    @operation("segments.write", group=C.RATE_SEGMENTS_WRITE, body=SegmentRequestSchema)
    def api_replace_segment(segment_id: str) -> Response:
        """Replace a segment's name and rules (409 while it is being built)."""
        return json_response(rules.replace(brand(), segment_id, json_object()))

    @bp.delete("/api/segments/<segment_id>")
    @operation("segments.write", group=C.RATE_SEGMENTS)
    def api_delete_segment(segment_id: str) -> Response:
        """Delete a segment (204; 409 while it is being built)."""
        rules.delete(brand(), segment_id)
        return empty_response(204)

    @bp.get("/api/segments/<segment_id>/statistics")
    @operation("segments.read", group=C.RATE_SEGMENTS)
    def api_segment_statistics(segment_id: str) -> Response:
        """Count the segment's members now."""
        return json_response(rules.statistics(brand(), segment_id))
