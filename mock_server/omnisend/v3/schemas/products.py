"""Product input, v3 (OAS3 ``products.json`` inline schemas, omnisend.md §5.2)."""

from __future__ import annotations

from typing import Any

from mock_server.core import schema as S
from mock_server.omnisend import constants as C


class ImageSchema(S.BaseSchema):
    """``images[]`` of a v3 product: ``imageID`` and ``url`` required."""

    imageID = S.Str(required=True)
    url = S.UriStr(required=True)
    isDefault = S.Bool()
    variantIDs = S.List(S.Str())


class VariantSchema(S.BaseSchema):
    """``variants[]`` of a v3 product: ``variantID``, ``title``, ``status``, ``price`` (cents) required."""

    variantID = S.Str(required=True)
    title = S.Str(required=True)
    sku = S.Str()
    status = S.Str(required=True, validate=S.one_of(C.PRODUCT_STATUSES))
    price = S.Int(required=True, validate=S.at_least(0))
    oldPrice = S.Int()
    productUrl = S.UriStr()
    imageID = S.Str()


def _product_fields(put: bool) -> dict[str, Any]:
    """POST requires productID/productUrl; PUT requires updatedAt; both need >= 1 variant (§3.2, §8)."""
    return {
        # On PUT the path names the product; a body productID is only compared with it (§6.1).
        "productID": S.Str(required=not put),
        "title": S.Str(required=True),
        "status": S.Str(required=True, validate=S.one_of(C.PRODUCT_STATUSES)),
        "description": S.Str(),
        "currency": S.Str(required=True, validate=S.length(3, 3)),
        "productUrl": S.UriStr(required=not put),
        "vendor": S.Str(),
        "type": S.Str(),
        "createdAt": S.DateTimeStr(),
        "updatedAt": S.DateTimeStr(required=put),
        "tags": S.List(S.Str()),
        "categoryIDs": S.List(S.Str()),
        "images": S.List(S.Nested(ImageSchema), validate=S.length(0, C.MAX_PRODUCT_IMAGES, items=True)),
        "variants": S.List(S.Nested(VariantSchema), required=True, validate=S.length(1, None, items=True)),
    }


ProductCreateSchema = S.BaseSchema.from_dict(_product_fields(False), name="ProductCreateSchema")
ProductReplaceSchema = S.BaseSchema.from_dict(_product_fields(True), name="ProductReplaceSchema")
