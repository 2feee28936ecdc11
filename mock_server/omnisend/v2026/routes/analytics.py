"""Analytics, 2026-03-15 (reference §5.14): reports and statistics computed from the brand's own data;
10 per minute and 55 per 24 hours, shared by both endpoints."""

from __future__ import annotations

from flask import Blueprint, Response, request

from mock_server.core.http import json_response
from mock_server.omnisend.backend import analytics as rules
from mock_server.omnisend.v2026 import constants as C
from mock_server.omnisend.v2026.common import brand
from mock_server.omnisend.v2026.errors import Problem
from mock_server.omnisend.v2026.marketing_common import json_object
from mock_server.omnisend.v2026.policy import operation

DETAIL_MEDIA = "Content-Type must be application/json."  # C-analytics 415 (mock wording)


def _json_only() -> None:
    # The analytics contracts are the only ones declaring 415; checked before the body is parsed.
    if request.mimetype != C.CT_JSON:
        raise Problem(415, DETAIL_MEDIA)


def register(bp: Blueprint) -> None:
    """Attach the 2026 analytics routes."""

    @bp.post("/api/analytics/reports")
    @operation("analytics.read", group=C.RATE_ANALYTICS)
    def api_analytics_reports() -> Response:
        """Aggregate sends, engagement and attributed revenue by message send date."""
        _json_only()
        return json_response(rules.reports(brand(), json_object()))

    @bp.post("/api/analytics/statistics")
    @operation("analytics.read", group=C.RATE_ANALYTICS)
    def api_analytics_statistics() -> Response:
        """Aggregate by event date (a timestamp dimension is required)."""
        _json_only()
        return json_response(rules.statistics(brand(), json_object()))
