"""Order input (OAS3 ``orders``, ``orders-full``, the PATCH body; omnisend.md §5.4)."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, validates_schema

from mock_server.core import schema as S
from mock_server.omnisend import constants as C


def _discount_type(value: str) -> None:
    # OAS3 spells the third value "freeShippping"; both spellings are accepted (mock decision, §5.4).
    if value != C.DISCOUNT_TYPE_TYPO:
        S.one_of(C.DISCOUNT_TYPES)(value)


class AddressSchema(S.BaseSchema):
    """``billingAddress`` / ``shippingAddress``."""

    firstName = S.Str()
    lastName = S.Str()
    company = S.Str()
    phone = S.Str()
    country = S.Str()
    countryCode = S.Str(validate=S.length(2, 2))
    state = S.Str()
    stateCode = S.Str()
    city = S.Str()
    address = S.Str()
    address2 = S.Str()
    postalCode = S.Str()


class OrderProductSchema(S.BaseSchema):
    """``products[]``: ``productID``, ``variantID``, ``title``, ``quantity``, ``price`` required."""

    productID = S.Str(required=True)
    sku = S.Str()
    variantID = S.Str(required=True)
    variantTitle = S.Str()
    title = S.Str(required=True)
    vendor = S.Str()
    quantity = S.Int(required=True, validate=S.at_least(1))
    price = S.Int(required=True, validate=S.at_least(0))
    discount = S.Int()
    weight = S.Int()
    imageUrl = S.UriStr()
    productUrl = S.UriStr()
    categoryIDs = S.List(S.Str())
    tags = S.List(S.Str())


def _order_fields(post: bool) -> dict[str, Any]:
    """``orders-full`` plus the identity fields; ``orderID`` is required on POST only."""
    return {
        "orderID": S.Str(required=post),
        "email": S.EmailStr(),
        "phone": S.Str(),
        "contactID": S.Str(),
        "orderNumber": S.Int(),
        "cartID": S.Str(),
        "shippingMethod": S.Str(),
        "trackingCode": S.Str(),
        "courierTitle": S.Str(),
        "courierUrl": S.UriStr(),
        "orderUrl": S.UriStr(),
        "source": S.Str(),
        "tags": S.List(S.Str()),
        "discountCode": S.Str(),
        "discountValue": S.Int(),
        "discountType": S.Str(validate=_discount_type),
        "currency": S.Str(required=True, validate=S.length(3, 3)),
        "orderSum": S.Int(required=True),
        "subTotalSum": S.Int(),
        "subTotalTaxIncluded": S.Bool(),
        "discountSum": S.Int(),
        "taxSum": S.Int(),
        "shippingSum": S.Int(),
        "createdAt": S.DateTimeStr(required=True),
        "updatedAt": S.DateTimeStr(),
        "canceledDate": S.DateTimeStr(),
        "cancelReason": S.Str(),
        "paymentMethod": S.Str(),
        "paymentStatus": S.Str(validate=S.one_of(C.PAYMENT_STATUSES)),
        "fulfillmentStatus": S.Str(validate=S.one_of(C.FULFILLMENT_STATUSES)),
        "contactNote": S.Str(),
        "billingAddress": S.Nested(AddressSchema),
        "shippingAddress": S.Nested(AddressSchema),
        "products": S.List(S.Nested(OrderProductSchema)),
    }


def _given(original: Any, name: str) -> bool:
    value = original.get(name) if isinstance(original, dict) else None
    return isinstance(value, str) and value != ""


class _OrderCreateBase(S.BaseSchema):
    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _identity(self, data: dict[str, Any], original: Any, **kwargs: Any) -> None:
        """POST needs one of email, phone, contactID (§3.4)."""
        if not any(_given(original, name) for name in ("email", "phone", "contactID")):
            raise ValidationError({"email": [C.ORDER_IDENTITY_REQUIRED]})


OrderCreateSchema = _OrderCreateBase.from_dict(_order_fields(True), name="OrderCreateSchema")
OrderReplaceSchema = S.BaseSchema.from_dict(_order_fields(False), name="OrderReplaceSchema")


class OrderPatchSchema(S.BaseSchema):
    """PATCH: only these keys change; ``null`` clears (§3.4, §6.1)."""

    orderID = S.Str()
    trackingCode = S.Str(allow_none=True)
    courierTitle = S.Str(allow_none=True)
    courierUrl = S.UriStr(allow_none=True)
    paymentStatus = S.Str(allow_none=True, validate=S.one_of(C.PAYMENT_STATUSES))
    fulfillmentStatus = S.Str(allow_none=True, validate=S.one_of(C.FULFILLMENT_STATUSES))
    canceledDate = S.DateTimeStr(allow_none=True)
    cancelReason = S.Str(allow_none=True)
    cartID = S.Str(allow_none=True)
