"""The ``contact`` record (ometria.md §5.1)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from mock_server.core import schema as S
from mock_server.ometria.schemas import Id, RecordSchema, is_id

N = {"allow_none": True}
MARKETING_OPTIN = ("EXPLICITLY_OPTEDIN", "EXPLICITLY_OPTEDOUT", "NOT_SPECIFIED")
E164 = r"^\+[1-9][0-9]{1,14}$"  # mock decision on the pattern (§5.1)


class SmsChannelSchema(RecordSchema):
    """``channels.sms`` consent."""

    allow_marketing = S.Bool(**N)
    allow_transactional = S.Bool(**N)
    dt_updated_marketing = S.DateTimeStr(**N)
    dt_updated_transactional = S.DateTimeStr(**N)


class ChannelsSchema(RecordSchema):
    """``channels``."""

    sms = S.Nested(SmsChannelSchema, **N)


class ContactRecordSchema(RecordSchema):
    """Fields of a contact listing; ``null`` is allowed everywhere (it deletes)."""

    id = Id(required=True, allow_none=False)
    # "@collection" is checked by the processor (a data_key with "@" is awkward in a class body).
    email = S.EmailStr(**N)
    customer_id = Id()
    phone_number = S.Str(validate=S.matches(E164), **N)
    marketing_optin = S.Str(validate=S.one_of(MARKETING_OPTIN), **N)
    prefix = S.Str(**N)
    firstname = S.Str(**N)
    middlename = S.Str(**N)
    lastname = S.Str(**N)
    gender = S.Str(validate=S.one_of(("m", "f", "o")), **N)
    date_of_birth = S.DateStr(**N)
    country_id = S.Str(**N)
    store_ids = S.List(Id(allow_none=False), **N)
    timezone = S.Str(**N)
    timestamp_acquired = S.DateTimeStr(**N)
    timestamp_subscribed = S.DateTimeStr(**N)
    timestamp_unsubscribed = S.DateTimeStr(**N)
    properties = S.Obj(**N)
    channels = S.Nested(ChannelsSchema, **N)


# What plain_listing accepts without the schema (every field here also allows null).
_PLAIN_TEXT = frozenset({"prefix", "firstname", "middlename", "lastname", "country_id", "timezone"})
_CHOICES = {"marketing_optin": frozenset(MARKETING_OPTIN), "gender": frozenset(("m", "f", "o"))}
# Formatted strings: checked by the schema's own field.
_FORMATTED: dict[str, S.EmailStr | S.DateStr | S.DateTimeStr] = {"email": S.EmailStr(), "date_of_birth": S.DateStr(),
                                **{name: S.DateTimeStr() for name in ("timestamp_acquired", "timestamp_subscribed",
                                                                       "timestamp_unsubscribed")}}
_PHONE = re.compile(E164)  # matched as marshmallow's Regexp validator matches it
_DECLARED = frozenset(ContactRecordSchema._declared_fields)


def plain_listing(fields: Mapping[str, Any]) -> bool:
    """Whether ContactRecordSchema accepts ``fields`` (a listing without its ``@`` keys): a valid ``id``
    and, for the fields it declares, null, plain strings, a valid email, date, date-time, id, phone number
    or enum value, an object of properties. Fields it does not declare are stored as sent, unchecked, by
    the schema too.

    Conservative: False only means "ask the schema" (``store_ids`` and ``channels`` always do). Seeding a
    fixture account ran every listing through marshmallow, about a minute per 100,000;
    tests/ometria/test_plain_listings.py checks that the two agree.
    """
    if not is_id(fields.get("id")):
        return False
    for key, value in fields.items():
        if value is None or key == "id":
            continue
        if key in _PLAIN_TEXT:
            if not isinstance(value, str):
                return False
        elif key in _FORMATTED:
            if not (isinstance(value, str) and _FORMATTED[key]._valid(value)):
                return False
        elif key == "properties":
            if not isinstance(value, dict):  # any object, kept as sent
                return False
        elif key == "customer_id":
            if not is_id(value):
                return False
        elif key in _CHOICES:
            if not (isinstance(value, str) and value in _CHOICES[key]):
                return False
        elif key == "phone_number":
            if not (isinstance(value, str) and _PHONE.match(value)):
                return False
        elif key in _DECLARED:
            return False
    return True
