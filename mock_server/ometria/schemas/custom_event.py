"""The ``custom_event`` record (ometria.md §5.4)."""

from __future__ import annotations

from mock_server.core import schema as S
from mock_server.ometria.schemas import Id, RecordSchema

N = {"allow_none": True}


class CustomEventRecordSchema(RecordSchema):
    """Fields of a custom event. ``event_type`` cannot be deleted or empty (mock decision)."""

    id = Id(required=True, allow_none=False)
    event_type = S.Str(validate=S.length(1, None))
    timestamp = S.DateTimeStr(**N)
    identity_email = S.Str(**N)
    identity_account_id = Id()
    profile_id = Id()
    properties = S.Obj(**N)
