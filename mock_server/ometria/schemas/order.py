"""The ``order`` record (ometria.md §5.2)."""

from __future__ import annotations

from mock_server.core import schema as S
from mock_server.ometria.schemas import Id, RecordSchema

N = {"allow_none": True}
CURRENCY = r"^[A-Z]{3}$"  # ISO 4217 code: 3 uppercase letters (§5.2)


class TotalSetSchema(RecordSchema):
    """One side of ``totals`` (``base`` = reporting currency, ``local`` = currency sold in)."""

    currency = S.Str(validate=S.matches(CURRENCY), **N)
    shipping = S.Num(**N)
    tax = S.Num(**N)
    discount = S.Num(**N)
    subtotal = S.Num(**N)
    grand_total = S.Num(**N)


class TotalsSchema(RecordSchema):
    """``totals``: ``{base, local}``."""

    base = S.Nested(TotalSetSchema, **N)
    local = S.Nested(TotalSetSchema, **N)


class CustomerSchema(RecordSchema):
    """``customer``: links the order to a profile (§6.4)."""

    id = Id()
    email = S.EmailStr(**N)
    firstname = S.Str(**N)
    lastname = S.Str(**N)


class AddressSchema(RecordSchema):
    """``shipping_address`` / ``billing_address``."""

    city = S.Str(**N)
    state = S.Str(**N)
    postcode = S.Str(**N)
    country_code = S.Str(**N)


class VariantOptionSchema(RecordSchema):
    """``lineitems[].variant_options[]``: all three keys required (§5.2)."""

    id = S.Str(required=True)
    type = S.Str(required=True)
    label = S.Str(required=True)


class LineItemSchema(RecordSchema):
    """One line item: ``product_id`` and ``quantity`` required (mock decision, §5.2)."""

    product_id = Id(required=True, allow_none=False)
    quantity = S.Int(required=True, validate=S.at_least(0))
    variant_id = Id()
    sku = S.Str(**N)
    unit_price = S.Num(**N)
    quantity_refunded = S.Num(**N)
    refunded = S.Num(**N)
    subtotal = S.Num(**N)
    tax = S.Num(**N)
    total = S.Num(**N)
    discount = S.Num(**N)
    is_on_sale = S.Bool(**N)
    totals = S.Nested(TotalsSchema, **N)
    properties = S.Obj(**N)
    variant_options = S.List(S.Nested(VariantOptionSchema), **N)


class OrderRecordSchema(RecordSchema):
    """Fields of an order; ``null`` is allowed everywhere but in ``id`` (it deletes)."""

    id = Id(required=True, allow_none=False)
    timestamp = S.DateTimeStr(**N)
    status = S.Str(**N)
    is_valid = S.Bool(**N)
    currency = S.Str(validate=S.matches(CURRENCY), **N)
    grand_total = S.Num(**N)
    subtotal = S.Num(**N)
    discount = S.Num(**N)
    shipping = S.Num(**N)
    tax = S.Num(**N)
    totals = S.Nested(TotalsSchema, **N)
    customer = S.Nested(CustomerSchema, **N)
    lineitems = S.List(S.Nested(LineItemSchema), **N)
    web_id = S.Str(**N)
    ip_address = S.Str(**N)
    channel = S.Str(**N)
    store = S.Str(**N)
    payment_method = S.Str(**N)
    shipping_method = S.Str(**N)
    coupon_code = S.Str(**N)
    shipping_address = S.Nested(AddressSchema, **N)
    billing_address = S.Nested(AddressSchema, **N)
    properties = S.Obj(**N)
