"""Custom events v3 (omnisend.md §3.6, §6.5)."""

from __future__ import annotations

from flask import Blueprint, Response

from mock_server.core.http import empty_response, json_response
from mock_server.core.request import route, warn
from mock_server.omnisend.backend import custom_events
from mock_server.omnisend.v3.routes.common import brand, load_body
from mock_server.omnisend.v3.schemas.events import TriggerByIdSchema, TriggerByNameSchema

_by_name = TriggerByNameSchema()
_by_id = TriggerByIdSchema()


def register(bp: Blueprint) -> None:
    """Attach the event routes."""

    @bp.get("/v3/events")
    @route(scope="events")
    def v3_list_events() -> Response:
        return json_response(custom_events.list_events(brand()))

    @bp.get("/v3/events/<event_id>")
    @route(scope="events")
    def v3_get_event(event_id: str) -> Response:
        return json_response(custom_events.get_event(brand(), event_id))

    @bp.post("/v3/events")
    @route(scope="events", body=True)
    def v3_trigger_by_name() -> Response:
        custom_events.trigger_by_name(brand(), load_body(_by_name), warn)
        return empty_response(204)

    @bp.post("/v3/events/<event_id>")
    @route(scope="events", body=True)
    def v3_trigger_by_id(event_id: str) -> Response:
        custom_events.trigger_by_id(brand(), event_id, load_body(_by_id), warn)
        return empty_response(204)
