"""Product input, v5 (omnisend.md §5.10)."""

from __future__ import annotations

from typing import Any

from mock_server.core import schema as S
from mock_server.omnisend import constants as C


def _text(maximum: int, **kwargs: Any) -> S.Str:
    return S.Str(validate=S.length(None, maximum), **kwargs)


class V5VariantSchema(S.BaseSchema):
    """``variants[]`` of a v5 product: ``id``, ``title``, ``url``, ``price`` (decimal) required."""

    id = S.Str(required=True, validate=S.length(1, C.V5_MAX_ID))
    title = _text(C.V5_MAX_TITLE, required=True)
    url = _text(C.V5_MAX_URL, required=True)
    # Prices are decimals in v5 and become cents in the one store; a negative price has no v3 form.
    price = S.Num(required=True, validate=S.at_least(0))
    sku = _text(C.V5_MAX_SKU)
    status = S.Str(validate=S.one_of(C.PRODUCT_STATUSES))
    strikeThroughPrice = S.Num(validate=S.at_least(0))
    defaultImageUrl = _text(C.V5_MAX_URL)
    images = S.List(_text(C.V5_MAX_URL), validate=S.length(0, C.V5_MAX_IMAGES, items=True))
    description = _text(C.V5_MAX_DESCRIPTION)


def product_fields(put: bool) -> dict[str, Any]:
    """The v5 product (§5.10); on PUT ``id`` comes from the path."""
    return {
        "id": S.Str(required=not put, validate=S.length(1, C.V5_MAX_ID)),
        "title": _text(C.V5_MAX_TITLE, required=True),
        "status": S.Str(required=True, validate=S.one_of(C.PRODUCT_STATUSES)),
        "currency": S.Str(required=True, validate=S.matches(C.V5_CURRENCY_PATTERN,
                                                            S.format_message("ISO 4217 code"))),
        "url": _text(C.V5_MAX_URL, required=True),
        "description": _text(C.V5_MAX_DESCRIPTION),
        "defaultImageUrl": _text(C.V5_MAX_URL),
        "images": S.List(_text(C.V5_MAX_URL), validate=S.length(0, C.V5_MAX_IMAGES, items=True)),
        "vendor": _text(C.V5_MAX_VENDOR),
        "type": _text(C.V5_MAX_VENDOR),
        "tags": S.List(S.Str(), validate=S.length(0, C.V5_MAX_TAGS, items=True)),
        "categoryIDs": S.List(S.Str(), validate=S.length(0, C.V5_MAX_TAGS, items=True)),
        "price": S.Num(validate=S.at_least(0)),
        "strikeThroughPrice": S.Num(validate=S.at_least(0)),
        "createdAt": S.DateTimeStr(),
        "updatedAt": S.DateTimeStr(),
        "variants": S.List(S.Nested(V5VariantSchema), required=True,
                           validate=S.length(1, C.V5_MAX_VARIANTS, items=True)),
    }


V5ProductCreateSchema = S.BaseSchema.from_dict(product_fields(False), name="V5ProductCreateSchema")
V5ProductReplaceSchema = S.BaseSchema.from_dict(product_fields(True), name="V5ProductReplaceSchema")
