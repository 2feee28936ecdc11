"""Event input: v3 custom event triggers (OAS3 events.json) (omnisend.md §6.5)."""

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
