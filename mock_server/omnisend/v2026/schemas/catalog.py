"""Products and product categories of 2026-03-15 (C-products, C-productcategories; reference §5.4, §5.5).

Products keep the v5 field set and bounds (the contracts' ``Product``/``Variant``); at least one
variant stays required because every generation reads the one product store (mock decision, §5.4).
"""

from __future__ import annotations

from mock_server.core import schema as S
from mock_server.omnisend import constants as VC
from mock_server.omnisend.v5.schemas.products import product_fields

V2026ProductCreateSchema = S.BaseSchema.from_dict(product_fields(False), name="V2026ProductCreateSchema")
V2026ProductReplaceSchema = S.BaseSchema.from_dict(product_fields(True), name="V2026ProductReplaceSchema")


class V2026CategoryCreateSchema(S.BaseSchema):
    """``CreateCategoryRequest``: ``categoryID`` 1..100, ``title`` <= 255, both required."""

    categoryID = S.Str(required=True, validate=S.length(1, VC.V5_MAX_CATEGORY_ID))
    title = S.Str(required=True, validate=S.length(None, VC.V5_MAX_CATEGORY_TITLE))


class V2026CategoryUpdateSchema(S.BaseSchema):
    """``UpdateCategoryRequest``: ``title`` required."""

    title = S.Str(required=True, validate=S.length(None, VC.V5_MAX_CATEGORY_TITLE))
