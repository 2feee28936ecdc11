"""Event input: v3 custom event triggers (OAS3 events.json) and the v5 event envelope (omnisend.md §6.4)."""

from __future__ import annotations

import re
from typing import Any

from marshmallow import ValidationError, validate, validates_schema

from mock_server.core import schema as S
from mock_server.omnisend import constants as C

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


class UuidStr(S.Str):
    """A UUID string."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        value = super()._deserialize(value, attr, data, **kwargs)
        if not _UUID.match(value):
            raise ValidationError(S.format_message("UUID"))
        return value


def _field_count(value: dict[str, Any]) -> None:
    if len(value) > C.MAX_EVENT_FIELDS:
        raise ValidationError(C.MSG_EVENT_FIELDS_SIZE)


def _field_value(value: Any) -> None:
    if not isinstance(value, (str, int, float, bool)):
        raise ValidationError(C.MSG_FIELD_VALUE_TYPE)


def _fields() -> S.Map:
    # Declared under another attribute name because ``fields`` is taken by marshmallow's Schema.
    return S.Map(keys=S.Str(), values=S.Any_(validate=_field_value, allow_none=True), validate=_field_count,
                 data_key="fields", attribute="fields")


class _Identity(S.BaseSchema):
    email = S.EmailStr()
    phone = S.Str()
    custom_fields = _fields()

    @validates_schema
    def _email_or_phone(self, data: dict[str, Any], **kwargs: Any) -> None:
        if not data.get("email") and not data.get("phone"):
            raise ValidationError({"email": [C.MSG_EMAIL_OR_PHONE]})


class TriggerByNameSchema(_Identity):
    """POST /v3/events: ``systemName`` required, ``name`` optional."""

    systemName = S.Str(required=True, validate=validate.Length(min=1, error="must not be empty"))
    name = S.Str()


class TriggerByIdSchema(_Identity):
    """POST /v3/events/{eventID}."""


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
