"""Batch envelope, v5 (omnisend.md §4, §6.8). Items are validated when they run."""

from __future__ import annotations

from mock_server.core import schema as S
from mock_server.omnisend import constants as C
from mock_server.omnisend.v3.schemas.batches import items_field


class BatchV5Schema(S.BaseSchema):
    """POST /v5/batches (``origin`` optional)."""

    method = S.Str(required=True)
    endpoint = S.Str(required=True, validate=S.one_of(tuple(C.BATCH_METHODS_V5)))
    origin = S.Str()
    items = items_field()
