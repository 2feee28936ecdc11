"""The v5 event envelope (omnisend.md §6.4)."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, validate, validates_schema

from mock_server.core import schema as S
from mock_server.omnisend import constants as C
from mock_server.omnisend.v3.schemas.events import UuidStr


class OptSchema(S.BaseSchema):
    """``contact.optIns[]`` / ``contact.optOuts[]``."""

    channel = S.Str(required=True, validate=S.one_of(C.OPT_CHANNELS))
    createdAt = S.DateTimeStr()
    source = S.Str()


class EventContactSchema(S.BaseSchema):
    """The v5 event ``contact``: at least one of email, phone, id (non-empty strings)."""

    email = S.Str()
    phone = S.Str(validate=S.length(0, 15))
    id = S.Str()
    firstName = S.Str(validate=S.length(0, 50))
    lastName = S.Str(validate=S.length(0, 50))
    address = S.Str(validate=S.length(0, 500))
    postalCode = S.Str(validate=S.length(0, 20))
    city = S.Str()
    state = S.Str()
    country = S.Str()
    countryCode = S.Str()
    birthdate = S.DateStr()
    gender = S.Str(validate=S.one_of(C.GENDERS))
    tags = S.List(S.Str())
    customProperties = S.Obj()
    consents = S.List(S.Obj())
    optIns = S.List(S.Nested(OptSchema))
    optOuts = S.List(S.Nested(OptSchema))

    @validates_schema
    def _identity(self, data: dict[str, Any], **kwargs: Any) -> None:
        if not any(data.get(k) for k in ("email", "phone", "id")):
            raise ValidationError(C.MSG_CONTACT_IDENTITY)


class V5EventSchema(S.BaseSchema):
    """POST /v5/events envelope, validated strictly."""

    eventName = S.Str(required=True, validate=validate.Length(min=1, error="must not be empty"))
    origin = S.Str(required=True)
    eventVersion = S.Str()
    eventID = UuidStr()
    eventTime = S.DateTimeStr()
    contact = S.Nested(EventContactSchema, required=True)
    properties = S.Obj()
