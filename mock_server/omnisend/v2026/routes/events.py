"""Events and event metadata, 2026-03-15 (reference §5.2, §5.3)."""

from __future__ import annotations

from flask import Blueprint, Response

from mock_server.core.http import empty_response, json_response
from mock_server.core.request import warn
from mock_server.omnisend.backend import event_metadata, events
from mock_server.omnisend.v2026.common import brand, load_body
from mock_server.omnisend.v2026.policy import operation
from mock_server.omnisend.v2026.schemas.events import (
    V2026EventMetadataCreateSchema,
    V2026EventMetadataUpdateSchema,
    V2026EventQuerySchema,
    V2026EventSchema,
)

_event = V2026EventSchema()
_meta_create, _meta_update = V2026EventMetadataCreateSchema(), V2026EventMetadataUpdateSchema()
_query = V2026EventQuerySchema()


def register(bp: Blueprint) -> None:
    """Attach the 2026 event and event-metadata routes."""

    @bp.post("/api/events")
    @operation("events.write", body=V2026EventSchema)
    def api_post_event() -> Response:
        """Accept an event (202, no body): contact upsert, workflows, dedup as /v5/events."""
        events.accept_v5_event(brand(), load_body(_event), warn)
        return empty_response(202)

    @bp.post("/api/event-metadata")
    @operation("events.write", body=V2026EventMetadataCreateSchema)
    def api_create_event_metadata() -> Response:
        """Declare a custom event schema (201 ``{event}``)."""
        item = event_metadata.create(brand(), load_body(_meta_create))
        return json_response({"event": item}, 201)

    @bp.put("/api/event-metadata")
    @operation("events.write", body=V2026EventMetadataUpdateSchema)
    def api_update_event_metadata() -> Response:
        """Merge into a custom event schema (200 ``{event}``)."""
        item = event_metadata.update(brand(), load_body(_meta_update))
        return json_response({"event": item})

    # C-event-metadata: "authorization is not enforced via OAuth2 scopes" here.
    @bp.post("/api/event-metadata/query")
    @operation(None, body=V2026EventQuerySchema)
    def api_query_event_metadata() -> Response:
        """List the events of one category."""
        return json_response({"events": event_metadata.query(brand(), load_body(_query))})
