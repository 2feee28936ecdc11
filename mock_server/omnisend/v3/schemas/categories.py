"""Category input: v3 ``category-partial`` (omnisend.md §5.3) ."""

from __future__ import annotations

from mock_server.core import schema as S


class CategoryCreateSchema(S.BaseSchema):
    """v3 POST: ``categoryID`` and ``title`` required."""

    categoryID = S.Str(required=True)
    title = S.Str(required=True)
    createdAt = S.DateTimeStr()
    updatedAt = S.DateTimeStr()


class CategoryReplaceSchema(S.BaseSchema):
    """v3 PUT (``category-partial``): ``title`` required; a body ``categoryID`` is only compared."""

    categoryID = S.Str()
    title = S.Str(required=True)
    createdAt = S.DateTimeStr()
    updatedAt = S.DateTimeStr()
