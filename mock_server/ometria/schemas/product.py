"""The ``product`` record (ometria.md §5.3)."""

from __future__ import annotations

from mock_server.core import schema as S
from mock_server.ometria.schemas import Id, RecordSchema

N = {"allow_none": True}


class AttributeSchema(RecordSchema):
    """``attributes[]``: ``{type, id, label}``."""

    type = S.Str(**N)
    id = S.Str(**N)
    label = S.Str(**N)


class ListingSchema(RecordSchema):
    """``listings[]``: a per-store override; ``store`` names it (required, mock decision)."""

    store = Id(required=True, allow_none=False)
    title = S.Str(**N)
    price = S.Num(**N)
    currency = S.Str(validate=S.matches(r"^[A-Z]{3}$"), **N)
    is_active = S.Bool(**N)
    special_price = S.Num(**N)
    url = S.Str(**N)
    image_url = S.Str(**N)


class ProductRecordSchema(RecordSchema):
    """Fields of a product (parent or variant); ``null`` is allowed everywhere but in ``id``."""

    id = Id(required=True, allow_none=False)
    title = S.Str(**N)
    sku = S.Str(**N)
    url = S.Str(**N)
    image_url = S.Str(**N)
    price = S.Num(**N)
    special_price = S.Num(**N)
    special_price_dt_from = S.DateTimeStr(**N)
    special_price_dt_to = S.DateTimeStr(**N)
    is_variant = S.Bool(**N)
    is_active = S.Bool(**N)
    is_in_stock = S.Bool(**N)
    attributes = S.List(S.Nested(AttributeSchema), **N)
    listings = S.List(S.Nested(ListingSchema), **N)
    parent_id = Id()
    properties = S.Obj(**N)
