"""Contact input of 2026-03-15 (C-contacts ``ContactRequest``, ``AddTagsRequest``; reference §5.1)."""

from __future__ import annotations

import re
from typing import Any

from marshmallow import ValidationError, validates_schema

from mock_server.core import schema as S
from mock_server.omnisend import constants as VC
from mock_server.omnisend.v2026 import constants as C

E164 = r"^\+[1-9][0-9]{1,14}$"  # §5.1: phone identifiers in E.164 form


class V2026ChannelSchema(S.BaseSchema):
    """``channels.<name>``: ``status`` required; ``statusDate`` is the v3/v5 name (accepted, mock decision)."""

    status = S.Str(required=True, validate=S.one_of(C.CONTACT_STATUSES))
    statusChangedAt = S.DateTimeStr()
    statusDate = S.DateTimeStr()


class V2026ChannelsSchema(S.BaseSchema):
    """``identifiers[].channels``, keyed by channel name."""

    email = S.Nested(V2026ChannelSchema)
    sms = S.Nested(V2026ChannelSchema)


class V2026ConsentSchema(S.BaseSchema):
    """``identifiers[].consent``."""

    createdAt = S.DateTimeStr()
    ip = S.Str()
    source = S.Str()
    userAgent = S.Str()


class V2026IdentifierSchema(S.BaseSchema):
    """``ContactIdentifierRequest``: ``type`` and ``id`` required; email or E.164 phone."""

    type = S.Str(required=True, validate=S.one_of(VC.IDENTIFIER_TYPES))
    id = S.Str(required=True)
    channels = S.Nested(V2026ChannelsSchema)
    consent = S.Nested(V2026ConsentSchema)
    sendWelcomeMessage = S.Bool()
    source = S.Str()

    @validates_schema(skip_on_field_errors=False)
    def _id_format(self, data: dict[str, Any], **kwargs: Any) -> None:
        kind, value = data.get("type"), data.get("id")
        if not isinstance(value, str):
            return
        if kind == "email" and not S.EmailStr()._valid(value):
            raise ValidationError({"id": [S.format_message("email")]})
        if kind == "phone" and not re.match(E164, value):
            raise ValidationError({"id": [S.format_message("E.164 phone number")]})


def _fields() -> dict[str, Any]:
    return {
        "identifiers": S.List(S.Nested(V2026IdentifierSchema)),
        "firstName": S.Str(), "lastName": S.Str(), "address": S.Str(), "city": S.Str(), "state": S.Str(),
        "postalCode": S.Str(), "country": S.Str(),
        "countryCode": S.Str(validate=S.length(2, 2)),
        "birthdate": S.DateStr(),
        "gender": S.Str(validate=S.one_of(VC.GENDERS)),
        "tags": S.List(S.Str(), validate=S.length(0, C.MAX_TAGS, items=True)),
        "customProperties": S.Obj(),
        "createdAt": S.DateTimeStr(),
    }


V2026ContactRequestSchema = S.BaseSchema.from_dict(_fields(), name="V2026ContactRequestSchema")


def _selectors() -> dict[str, Any]:
    return {
        "tags": S.List(S.Str(), required=True, validate=S.length(1, C.MAX_TAGS, items=True)),
        "contactIDs": S.List(S.Str(), validate=S.length(0, C.MAX_TAG_SELECTORS, items=True)),
        "emails": S.List(S.Str(), validate=S.length(0, C.MAX_TAG_SELECTORS, items=True)),
        "phones": S.List(S.Str(), validate=S.length(0, C.MAX_TAG_SELECTORS, items=True)),
        "segmentID": S.Str(),
    }


V2026TagsRequestSchema = S.BaseSchema.from_dict(_selectors(), name="V2026TagsRequestSchema")
