"""Events v5 (omnisend.md §4, §6.4)."""

from __future__ import annotations

from flask import Blueprint, Response

from mock_server.core.http import empty_response
from mock_server.core.request import route, warn
from mock_server.omnisend.backend import events
from mock_server.omnisend.v3.routes.common import brand, load_body
from mock_server.omnisend.v5.schemas.events import V5EventSchema

_v5 = V5EventSchema()


def register(bp: Blueprint) -> None:
    """Attach the v5 events routes."""

    @bp.post("/v5/events")
    @route(scope="events", body=True)
    def v5_post_event() -> Response:
        events.accept_v5_event(brand(), load_body(_v5), warn)
        return empty_response(202)
