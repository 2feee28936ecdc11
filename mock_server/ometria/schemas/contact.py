"""The ``contact`` record (ometria.md §5.1)."""

from __future__ import annotations

from mock_server.core import schema as S
from mock_server.ometria.schemas import Id, RecordSchema

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
