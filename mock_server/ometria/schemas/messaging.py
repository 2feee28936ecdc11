"""Bodies of the transactional-email, data-deletion and merge-profile endpoints (ometria.md §6.8-6.10)."""

from __future__ import annotations

from mock_server.core import schema as S
from mock_server.ometria import constants as C

N = {"allow_none": True}


class PartySchema(S.BaseSchema):
    """``to`` / ``from`` / ``reply_to``: ``{email, name}``."""

    email = S.EmailStr(**N)
    name = S.Str(**N)


class AttachmentSchema(S.BaseSchema):
    """One attachment (the item shape is a mock decision): base64 ``content`` of a PDF."""

    filename = S.Str(required=True)
    content = S.Str(required=True)


class TransactionalEmailSchema(S.BaseSchema):
    """``POST /transactional-email/send`` (§6.8); unknown keys are ignored."""

    to = S.Nested(PartySchema, **N)
    profile_id = S.Str(**N)
    from_ = S.Nested(PartySchema, data_key="from", **N)
    reply_to = S.Nested(PartySchema, **N)
    subject = S.Str(**N)
    template_id = S.Int(**N)
    html = S.Str(**N)
    data = S.Obj(**N)
    stream = S.Str(**N)
    transactional = S.Bool(**N)
    sandbox = S.Bool(**N)
    attachments = S.List(S.Nested(AttachmentSchema), **N)


class DataDeletionSchema(S.BaseSchema):
    """``POST /data-deletion-requests`` (§6.9)."""

    email = S.EmailStr(required=True)
    comment = S.Str(**N)


class IdentifierSchema(S.BaseSchema):
    """One ``{type, value}`` identifier of the current merge form (§6.10)."""

    type = S.Str(required=True, validate=S.one_of(C.MERGE_ID_TYPES))
    value = S.Str(required=True, validate=S.length(1, None))


class MergeProfileSchema(S.BaseSchema):
    """``POST /merge-profile``, current form; each identifier is then loaded with IdentifierSchema.

    (Identifiers are not ``Nested`` here: core's error flattening reads a nested error object whose only
    key is ``value`` as a Dict field's value error and would drop the ``value`` step from the path.)
    """

    survivor = S.Obj(required=True)
    customers_to_merge = S.List(S.Obj(), required=True)


class LegacyMergeProfileSchema(S.BaseSchema):
    """``POST /merge-profile``, legacy form: ``{email, profile_id}``."""

    email = S.EmailStr(required=True)
    profile_id = S.Str(**N)
