"""Lenient type checks of recommended v5 event properties (omnisend.md §6.4, seed 001's typed table).

Each mismatch is a warning (``<path>: expected <type>, got <type>``), never a rejection (mock decision).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Union

from mock_server.core.clock import parse_date, parse_datetime
from mock_server.omnisend import constants as C

Warn = Callable[[str, str], None]


class Obj:
    """An object whose known keys have shapes (unknown keys are accepted silently)."""

    def __init__(self, keys: Mapping[str, Shape]) -> None:
        self.keys = dict(keys)


class Arr:
    """An array whose items have one shape."""

    def __init__(self, item: Shape) -> None:
        self.item = item


class Recommended:
    """A string with a list of recommended values."""

    def __init__(self, values: tuple[str, ...]) -> None:
        self.values = values


# "string" | "number" | "boolean" | "date" | "removed" | Obj | Arr | Recommended
Shape = Union[str, Obj, Arr, Recommended]  # noqa: UP007 - a forward-referenced alias needs Union

_S = "string"
_N = "number"
ADDRESS = Obj({k: _S for k in ("address1", "address2", "city", "company", "country", "firstName",
                               "lastName", "phone", "state", "stateCode", "zip")})
LINE_ITEM = Obj({
    "productCategories": Arr(Obj({"id": _S, "title": _S})),
    **{k: _S for k in ("productDescription", "productID", "productImageURL", "productSKU", "productTitle",
                       "productURL", "productVariantID", "productVariantImageURL", "productVariantTitle",
                       "productVendor")},
    **{k: _N for k in ("productDiscount", "productPrice", "productQuantity", "productWeight")},
    "productTags": Arr(_S),
    "productStrikeThroughPrice": "removed",
})
ORDER_PROPERTIES = Obj({
    "billingAddress": ADDRESS,
    "shippingAddress": ADDRESS,
    "createdAt": "date",
    "currency": _S,
    "discounts": Arr(Obj({"amount": _N, "code": _S, "type": _S})),
    "fulfillmentStatus": Recommended(C.FULFILLMENT_STATUSES),
    "lineItems": Arr(LINE_ITEM),
    **{k: _S for k in ("note", "orderID", "orderStatusURL", "paymentMethod", "shippingMethod")},
    **{k: _N for k in ("orderNumber", "shippingPrice", "subTotalPrice", "totalDiscount", "totalPrice",
                       "totalTax")},
    "paymentStatus": Recommended(C.PAYMENT_STATUSES),
    "subTotalTaxIncluded": "boolean",
    "tags": Arr(_S),
    "tracking": Obj({"code": _S, "courierTitle": _S, "courierURL": _S, "status": _S}),
})
CART_PROPERTIES = Obj({"cartID": _S, "currency": _S, "value": _N, "lineItems": Arr(LINE_ITEM)})


def json_type(value: Any) -> str:
    """Name the JSON type of ``value`` in the §1.5 vocabulary (plus ``null``)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _check(shape: Shape, value: Any, path: str, warn: Warn) -> None:
    got = json_type(value)
    if shape == "removed":
        warn(path, C.WARN_REMOVED)
    elif isinstance(shape, str):
        if shape == "date":
            if got != "string":
                warn(path, C.WARN_TYPE.format(expected="date string", got=got))
            elif parse_date(value) is None and parse_datetime(value) is None:
                warn(path, C.WARN_TYPE.format(expected="date string", got="string"))
        elif got != shape:
            warn(path, C.WARN_TYPE.format(expected=shape, got=got))
    elif isinstance(shape, Recommended):
        if got != "string":
            warn(path, C.WARN_TYPE.format(expected="string", got=got))
        elif value not in shape.values:
            warn(path, C.WARN_NOT_RECOMMENDED)
    elif isinstance(shape, Arr):
        if got != "array":
            warn(path, C.WARN_TYPE.format(expected="array", got=got))
            return
        for index, item in enumerate(value):
            _check(shape.item, item, f"{path}[{index}]", warn)
    else:
        if got != "object":
            warn(path, C.WARN_TYPE.format(expected="object", got=got))
            return
        for key, item in value.items():
            inner = shape.keys.get(key)
            if inner is not None:
                _check(inner, item, f"{path}.{key}", warn)


def check_properties(event_name: str, properties: Any, warn: Warn) -> None:
    """Warn about every typed-table mismatch of a recommended order or cart event."""
    if event_name in C.ORDER_EVENTS:
        _check(ORDER_PROPERTIES, properties, "properties", warn)
    elif event_name in C.CART_EVENTS:
        _check(CART_PROPERTIES, properties, "properties", warn)
