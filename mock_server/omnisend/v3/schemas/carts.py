"""Cart and cart-product input (OAS3 ``cart-model``, ``cart-model-full``, cart product bodies; §5.5)."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, validates_schema

from mock_server.core import schema as S
from mock_server.omnisend import constants as C

# The fields a cart product needs when it is created (POST body, cart POST/PUT items, a new PATCH item).
PRODUCT_REQUIRED = ("cartProductID", "productID", "variantID", "title", "quantity", "price")


def _product_fields(required: tuple[str, ...], patch: bool = False) -> dict[str, Any]:
    """Cart product fields; on PATCH the optional ones accept ``null``, which clears them (§6.1)."""
    def req(name: str) -> bool:
        return name in required

    opt: dict[str, Any] = {"allow_none": True} if patch else {}
    return {
        "cartProductID": S.Str(required=req("cartProductID")),
        "productID": S.Str(required=req("productID")),
        "variantID": S.Str(required=req("variantID")),
        "sku": S.Str(**opt),
        "title": S.Str(required=req("title")),
        "description": S.Str(**opt),
        "quantity": S.Int(required=req("quantity"), validate=S.at_least(1)),
        "price": S.Int(required=req("price"), validate=S.at_least(0)),
        "oldPrice": S.Int(validate=S.at_least(0), **opt),
        "discount": S.Int(**opt),
        "imageUrl": S.UriStr(**opt),
        "productUrl": S.UriStr(**opt),
    }


CartProductItemSchema = S.BaseSchema.from_dict(_product_fields(PRODUCT_REQUIRED), name="CartProductItemSchema")
# PATCH /carts/{id}: items need only cartProductID (merged by it); a new one is checked by the backend.
CartProductPatchItemSchema = S.BaseSchema.from_dict(_product_fields(("cartProductID",), patch=True),
                                                    name="CartProductPatchItemSchema")


def _cart_fields(post: bool) -> dict[str, Any]:
    return {
        "cartID": S.Str(required=post),
        "email": S.EmailStr(),
        "phone": S.Str(),
        "contactID": S.Str(),
        "createdAt": S.DateTimeStr(),
        "updatedAt": S.DateTimeStr(),
        "currency": S.Str(required=True, validate=S.length(3, 3)),
        "cartSum": S.Int(required=True),
        "cartRecoveryUrl": S.UriStr(),
        "products": S.List(S.Nested(CartProductItemSchema)),
    }


def _given(original: Any, name: str) -> bool:
    value = original.get(name) if isinstance(original, dict) else None
    return isinstance(value, str) and value != ""


class _CartCreateBase(S.BaseSchema):
    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _identity(self, data: dict[str, Any], original: Any, **kwargs: Any) -> None:
        """POST needs email or contactID; phone alone is not enough (§3.5)."""
        if not (_given(original, "email") or _given(original, "contactID")):
            raise ValidationError({"email": [C.CART_IDENTITY_REQUIRED]})


CartCreateSchema = _CartCreateBase.from_dict(_cart_fields(True), name="CartCreateSchema")
CartReplaceSchema = S.BaseSchema.from_dict(_cart_fields(False), name="CartReplaceSchema")


class CartPatchSchema(S.BaseSchema):
    """PATCH /carts/{id}: ``currency`` and ``cartSum`` required (OAS3), products merged by cartProductID."""

    cartID = S.Str()
    currency = S.Str(required=True, validate=S.length(3, 3))
    cartSum = S.Int(required=True)
    cartRecoveryUrl = S.UriStr(allow_none=True)
    products = S.List(S.Nested(CartProductPatchItemSchema))


# POST /carts/{id}/products: ``currency`` is optional because the live API answered 200 to a body without
# it, although the vendor's definition marks it required (recorded; omnisend.md §3.5, §8).
CartProductCreateSchema = S.BaseSchema.from_dict(
    {"currency": S.Str(validate=S.length(3, 3)), **_product_fields(PRODUCT_REQUIRED)},
    name="CartProductCreateSchema")
CartProductReplaceSchema = S.BaseSchema.from_dict(
    {"currency": S.Str(required=True, validate=S.length(3, 3)), **_product_fields(PRODUCT_REQUIRED[1:])},
    name="CartProductReplaceSchema")
CartProductPatchSchema = S.BaseSchema.from_dict(
    {"currency": S.Str(validate=S.length(3, 3)), **_product_fields((), patch=True)}, name="CartProductPatchSchema")
