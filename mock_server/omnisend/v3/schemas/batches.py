"""Batch envelopes (OAS3 batches.json; omnisend.md §3.7, §4, §6.8). Items are validated when they run."""

from __future__ import annotations

from mock_server.core import schema as S
from mock_server.omnisend import constants as C


def items_field() -> S.List:
    return S.List(S.Obj(), required=True, validate=S.length(1, C.MAX_BATCH_ITEMS, items=True))


class BatchV3Schema(S.BaseSchema):
    """POST /v3/batches."""

    method = S.Str(required=True)
    endpoint = S.Str(required=True, validate=S.one_of(tuple(C.BATCH_METHODS_V3)))
    eventID = S.Str()
    items = items_field()
