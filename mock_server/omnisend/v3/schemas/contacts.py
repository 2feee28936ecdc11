"""Contact input (OAS3 ``contacts-input``, ``identifier-input``, ``consent-model``; omnisend.md §5.1)."""

from __future__ import annotations

import re
from typing import Any

from marshmallow import ValidationError, validates_schema

from mock_server.core import schema as S
from mock_server.omnisend import constants as C


def _custom_value(value: Any) -> bool:
    if isinstance(value, list):
        return all(isinstance(v, str) for v in value)
    return isinstance(value, (str, int, float, bool))


def _check_custom_value(value: Any) -> None:
    if not _custom_value(value):
        raise ValidationError("invalid type, expected string, number, boolean or array of strings")


class ChannelSchema(S.BaseSchema):
    """``channels.email`` / ``channels.sms``."""

    status = S.Str(validate=S.one_of(C.CONTACT_STATUSES))
    statusDate = S.DateTimeStr()


class ChannelsSchema(S.BaseSchema):
    """``identifiers[].channels``."""

    email = S.Nested(ChannelSchema)
    sms = S.Nested(ChannelSchema)


class ConsentSchema(S.BaseSchema):
    """``consent-model``."""

    source = S.Str()
    createdAt = S.DateTimeStr()
    ip = S.Str()
    userAgent = S.Str()


class IdentifierSchema(S.BaseSchema):
    """``identifier-input``: type, id and the channel of that type are required."""

    type = S.Str(required=True, validate=S.one_of(C.IDENTIFIER_TYPES))
    id = S.Str(required=True)
    channels = S.Nested(ChannelsSchema, required=True)
    consent = S.Nested(ConsentSchema)
    sendWelcomeMessage = S.Bool()

    @validates_schema
    def _channel_of_type(self, data: dict[str, Any], **kwargs: Any) -> None:
        kind, channels = data.get("type"), data.get("channels")
        if channels is None or kind is None:
            return
        needed = "email" if kind == "email" else "sms"
        errors: dict[str, Any] = {}
        if needed not in channels:
            errors["channels"] = {needed: [S.REQUIRED]}
        if kind == "email" and isinstance(data.get("id"), str) and not S.EmailStr()._valid(data["id"]):
            errors["id"] = [S.format_message("email")]
        if errors:
            raise ValidationError(errors)


def _contact_fields(patch: bool) -> dict[str, Any]:
    """The contact fields; on PATCH nothing is required and ``null`` clears a field (§6.1)."""
    opt: dict[str, Any] = {"allow_none": True} if patch else {}
    return {
        "identifiers": S.List(S.Nested(IdentifierSchema), required=not patch,
                              validate=S.length(1, None, items=True) if not patch else None, **opt),
        "firstName": S.Str(**opt),
        "lastName": S.Str(**opt),
        "country": S.Str(**opt),
        "countryCode": S.Str(validate=S.length(2, 2), **opt),
        "state": S.Str(**opt),
        "city": S.Str(**opt),
        "address": S.Str(**opt),
        "postalCode": S.Str(**opt),
        "gender": S.Str(validate=S.one_of(C.GENDERS), **opt),
        "birthdate": S.DateStr(**opt),
        "tags": S.List(S.Str(validate=S.matches(C.TAG_PATTERN, "invalid value, allowed characters: "
                                                 "letters, digits, space, _ and -, 1 to 128")),
                       validate=S.length(0, C.MAX_TAGS, items=True), **opt),
        "customProperties": S.Map(keys=S.Str(validate=S.matches(C.CUSTOM_PROPERTY_NAME, "invalid name")),
                                  values=S.Any_(validate=_check_custom_value, allow_none=patch), **opt),
        "createdAt": S.DateTimeStr(**opt),
        "sendWelcomeEmail": S.Bool(),
    }


ContactCreateSchema = S.BaseSchema.from_dict(_contact_fields(False), name="ContactCreateSchema")

# What plain_create accepts without the schema: fields the schema keeps as they are.
_PLAIN_STRINGS = frozenset({"firstName", "lastName", "country", "state", "city", "address", "postalCode"})
_TAG = re.compile(C.TAG_PATTERN)  # matched as marshmallow's Regexp validator matches it
_EMAIL_FIELD = S.EmailStr()


_IDENTIFIER_KEYS = frozenset({"type", "id", "channels"})
_EMAIL_ONLY = frozenset({"email"})
_NOTHING: frozenset[str] = frozenset()
# Tags that matched the pattern already: a fixture repeats a few tags over many contacts, and a set lookup
# is cheaper than a match (bounded: a set of unique tags stops growing).
_MATCHED_TAGS: set[str] = set()
_MATCHED_TAGS_MAX = 1024


def plain_create(data: Any, besides: frozenset[str] = _NOTHING) -> bool:
    """Whether ``data`` is a plain contact that ContactCreateSchema accepts and loads unchanged (email
    identifiers with at most a status, plain string fields, valid tags); keys in ``besides`` (the fixture's
    own ``contactID`` and ``createdAt``) are left for the caller to check.

    Conservative: False only means "ask the schema". Seeding a million fixture contacts through
    marshmallow took minutes; tests/omnisend/test_plain_contacts.py checks the two agree. Written as plain
    loops without helper calls: a fixture load asks it once per contact.
    """
    if not isinstance(data, dict):
        return False
    for key, value in data.items():
        if key in _PLAIN_STRINGS:
            if not isinstance(value, str):
                return False
        elif key == "tags":
            if not isinstance(value, list) or len(value) > C.MAX_TAGS:
                return False
            for tag in value:
                if not isinstance(tag, str):
                    return False
                if tag not in _MATCHED_TAGS:
                    if not _TAG.match(tag):
                        return False
                    if len(_MATCHED_TAGS) < _MATCHED_TAGS_MAX:
                        _MATCHED_TAGS.add(tag)
        elif key != "identifiers" and key not in besides:
            return False
    identifiers = data.get("identifiers")
    if not isinstance(identifiers, list) or not identifiers:
        return False
    for ident in identifiers:
        if not isinstance(ident, dict) or ident.keys() != _IDENTIFIER_KEYS:
            return False
        address = ident["id"]
        if ident["type"] != "email" or not isinstance(address, str) or not _EMAIL_FIELD._valid(address):
            return False
        channels = ident["channels"]
        if not isinstance(channels, dict) or channels.keys() != _EMAIL_ONLY:
            return False
        channel = channels["email"]
        if not isinstance(channel, dict):
            return False
        if channel and (len(channel) > 1 or channel.get("status", channel) not in C.CONTACT_STATUSES):
            return False  # another key than status, or an unknown status
    return True


ContactPatchSchema = S.BaseSchema.from_dict(_contact_fields(True), name="ContactPatchSchema")
