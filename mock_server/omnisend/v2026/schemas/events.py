"""Events, event metadata, batches and brand connection input of 2026-03-15 (reference §5.2, §5.3, §5.6,
§5.7)."""

from __future__ import annotations

from typing import Any

from mock_server.core import schema as S
from mock_server.omnisend import constants as VC
from mock_server.omnisend.v5.schemas.events import V5EventSchema
from mock_server.omnisend.v2026 import constants as C


class V2026EventSchema(V5EventSchema):
    """``EventRequest``: the v5 envelope (same body, §6.2); eventName, origin and a contact identity are
    required (mock decision, §7.2 #8)."""


class V2026PropertyNodeSchema(S.BaseSchema):
    """``WritePropertyNode``: ``type`` required; ``properties`` nest for struct types."""

    type = S.Str(required=True, validate=S.one_of(C.PROPERTY_TYPES))
    displayName = S.Str()
    description = S.Str()
    group = S.Str()
    properties = S.Map(keys=S.Str(), values=S.Nested(lambda: V2026PropertyNodeSchema()))  # type: ignore[arg-type]


def _write_fields(create: bool) -> dict[str, Any]:
    return {"name": S.Str(required=True, validate=S.length(1, None)),
            "origin": S.Str(required=True, validate=S.length(1, None)),
            "displayName": S.Str(required=create),
            "properties": S.Map(keys=S.Str(), values=S.Nested(V2026PropertyNodeSchema),
                                required=create, validate=S.length(1, None) if create else None)}


V2026EventMetadataCreateSchema = S.BaseSchema.from_dict(_write_fields(True), name="V2026EventMetadataCreateSchema")
V2026EventMetadataUpdateSchema = S.BaseSchema.from_dict(_write_fields(False), name="V2026EventMetadataUpdateSchema")


class V2026EventQuerySchema(S.BaseSchema):
    """``QueryEventsRequest``: ``category`` required."""

    category = S.Str(required=True, validate=S.one_of(C.METADATA_CATEGORIES))
    events = S.List(S.Str())
    origins = S.List(S.Str())
    includeProperties = S.Bool()
    excludeCustomEvents = S.Bool()


class V2026BatchSchema(S.BaseSchema):
    """``CreateBatchRequest``: method, endpoint and 1..100 items required."""

    method = S.Str(required=True, validate=S.one_of(("POST", "PUT")))
    endpoint = S.Str(required=True, validate=S.one_of(tuple(VC.BATCH_METHODS_V2026)))
    items = S.List(S.Obj(), required=True, validate=S.length(1, C.MAX_BATCH_ITEMS, items=True))
    origin = S.Str()


class V2026ConnectBrandSchema(S.BaseSchema):
    """``ConnectBrandRequest``: platform, version (<= 10) and website required."""

    platform = S.Str(required=True)
    version = S.Str(required=True, validate=S.length(None, 10))
    website = S.Str(required=True)
    currency = S.Str()
