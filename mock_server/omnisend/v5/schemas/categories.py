"""Category input, v5 product-categories (omnisend.md §4)."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, validates_schema

from mock_server.core import schema as S
from mock_server.omnisend import constants as C


def _v5_id() -> S.Str:
    return S.Str(validate=S.length(1, C.V5_MAX_CATEGORY_ID))


class V5CategoryCreateSchema(S.BaseSchema):
    """v5 POST: ``categoryID`` (or its alias ``categoryId``) 1..100 chars, ``title`` <= 255."""

    categoryID = _v5_id()
    categoryId = _v5_id()
    title = S.Str(required=True, validate=S.length(None, C.V5_MAX_CATEGORY_TITLE))

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _id_given(self, data: dict[str, Any], original: Any, **kwargs: Any) -> None:
        if isinstance(original, dict) and "categoryID" not in original and C.CATEGORY_ALIAS not in original:
            raise ValidationError({"categoryID": [S.REQUIRED]})


class V5CategoryReplaceSchema(S.BaseSchema):
    """v5 PUT: ``title`` required (replace)."""

    categoryID = _v5_id()
    categoryId = _v5_id()
    title = S.Str(required=True, validate=S.length(None, C.V5_MAX_CATEGORY_TITLE))


class V5CategoryPatchSchema(S.BaseSchema):
    """v5 PATCH: only the fields given change."""

    categoryID = _v5_id()
    categoryId = _v5_id()
    title = S.Str(validate=S.length(None, C.V5_MAX_CATEGORY_TITLE))
