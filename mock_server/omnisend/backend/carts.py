"""Carts and cart products, v3 (omnisend.md §3.5, §5.5, §6.1, §6.3).

Any change to a cart product sets the cart's ``updatedAt``; ``cartSum`` is the client's number and is
never recomputed (mock decision).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from mock_server.core import schema as S
from mock_server.core.collection import field_values
from mock_server.core.errors import NotFound, Unprocessable, ValidationFailed
from mock_server.core.schema import REQUIRED, sort_problems
from mock_server.core.store import CollectionSpec, clone
from mock_server.omnisend import constants as C
from mock_server.omnisend.backend import (
    Brand,
    contacts,
    created_key,
    linking,
    register_collection,
    register_seeder,
    updated_key,
)
from mock_server.omnisend.backend.catalog import Record, Warn, apply_patch, check_body_id, no_warn, text
from mock_server.omnisend.v3.schemas.carts import CartCreateSchema

COLLECTION = "carts"


def sum_key(record: Record) -> int | None:
    """Sort key: ``cartSum``."""
    value = record.get("cartSum")
    return value if isinstance(value, int) else None


# The list filters email / phone / contactID read lookups (core.collection).
register_collection(COLLECTION, CollectionSpec(sort_keys={"createdAt": created_key, "updatedAt": updated_key,
                                                          "cartSum": sum_key},
                                               lookups={n: field_values(n) for n in C.CART_IDENTITY_FILTERS}))

FIELDS = ("currency", "cartSum", "cartRecoveryUrl", "createdAt", "updatedAt")
PRODUCT_FIELDS = ("productID", "variantID", "sku", "title", "description", "quantity", "price", "oldPrice",
                  "discount", "imageUrl", "productUrl")
PRODUCT_REQUIRED = ("productID", "variantID", "title", "quantity", "price")


def _render_product(item: Record) -> Record:
    return {
        "cartProductID": item["cartProductID"], "productID": item["productID"], "variantID": item["variantID"],
        "title": item["title"], "description": text(item, "description"), "quantity": item["quantity"],
        "price": item["price"], "oldPrice": item.get("oldPrice"), "discount": item.get("discount", 0),
        "productUrl": text(item, "productUrl"), "imageUrl": text(item, "imageUrl"), "sku": text(item, "sku"),
    }


def render(record: Record) -> Record:
    """GET /carts/{id} and list items, keys in the recorded order (§5.5)."""
    return {
        "contactID": text(record, "contactID"), "cartID": record["cartID"], "email": text(record, "email"),
        "phone": text(record, "phone"), "currency": record["currency"],
        "cartRecoveryUrl": text(record, "cartRecoveryUrl"), "createdAt": record["createdAt"],
        "updatedAt": record["updatedAt"], "emailID": None, "attributionID": "", "cartSum": record["cartSum"],
        "products": [_render_product(item) for item in record.get("products") or []],
    }


def _product(cart_product_id: str, data: Record) -> Record:
    item: Record = {"cartProductID": cart_product_id}
    for name in PRODUCT_FIELDS:
        if data.get(name) is not None:  # a new item from a PATCH may carry nulls: nothing to clear
            item[name] = data[name]
    return item


def _products(items: list[Record]) -> list[Record]:
    """The ``products[]`` of a POST/PUT body; a cartProductID given twice is refused like a re-add."""
    out: list[Record] = []
    seen: set[str] = set()
    for given in items:
        if given["cartProductID"] in seen:
            raise Unprocessable(C.ERR_CART_PRODUCT_EXISTS.format(id=given["cartProductID"]))
        seen.add(given["cartProductID"])
        out.append(_product(given["cartProductID"], given))
    return out


def _build(brand: Brand, cart_id: str, data: Record) -> Record:
    now = brand.now()
    record: Record = {"cartID": cart_id}
    for name in FIELDS:
        if name in data:
            record[name] = data[name]
    record.setdefault("createdAt", now)
    record.setdefault("updatedAt", now)
    record["products"] = _products(data.get("products") or [])
    return record


def require(brand: Brand, cart_id: str) -> Record:
    """The stored cart (read-only), or the recorded 404 (§7 #9)."""
    found = brand.col(COLLECTION).peek(cart_id)
    if found is None:
        raise NotFound(C.ERR_CART_NOT_FOUND.format(id=cart_id))
    return found


def create(brand: Brand, data: Record) -> Record:
    """POST /carts: 200 ``{"cartID", "email"}`` (recorded, §7 #15)."""
    cart_id = data["cartID"]
    if cart_id in brand.col(COLLECTION):
        raise Unprocessable(C.ERR_CART_EXISTS.format(id=cart_id))
    linking.check(brand, data)
    record = _build(brand, cart_id, data)
    linking.attach(brand, record, data)
    brand.col(COLLECTION).insert(cart_id, record)
    return {"cartID": cart_id, "email": text(record, "email")}


def get(brand: Brand, cart_id: str) -> Record:
    """GET /carts/{id}."""
    return render(require(brand, cart_id))


def replace(brand: Brand, cart_id: str, data: Record, warn: Warn = no_warn) -> Record:
    """PUT: full replace incl. products; identity kept when omitted (§6.1); ``{"cartID", "email"}``."""
    stored = require(brand, cart_id)
    check_body_id(data, ("cartID",), cart_id, warn)
    linking.check(brand, data)
    record = _build(brand, cart_id, data)
    if linking.has_identity(data):
        linking.attach(brand, record, data)
    else:
        linking.keep_identity(record, stored)
    brand.col(COLLECTION).replace(cart_id, record)
    return {"cartID": cart_id, "email": text(record, "email")}


def patch(brand: Brand, cart_id: str, data: Record, warn: Warn = no_warn) -> Record:
    """PATCH: given fields change; ``products[]`` merge by cartProductID; 200 ``{"cartID"}`` (§7 #16)."""
    stored = require(brand, cart_id)
    check_body_id(data, ("cartID",), cart_id, warn)
    record = clone(stored)
    items: list[Record] = record.setdefault("products", [])
    by_id = {item["cartProductID"]: item for item in items}
    problems: list[tuple[tuple[str | int, ...], str]] = []
    for index, given in enumerate(data.get("products") or []):
        if given["cartProductID"] not in by_id:
            # A new cart product needs what POST /carts/{id}/products needs (mock decision).
            problems.extend((("products", index, name), REQUIRED) for name in PRODUCT_REQUIRED
                            if name not in given)
    if problems:
        raise ValidationFailed(sort_problems(problems))
    for given in data.get("products") or []:
        current = by_id.get(given["cartProductID"])
        if current is None:
            current = by_id[given["cartProductID"]] = _product(given["cartProductID"], given)
            items.append(current)
        else:
            apply_patch(current, given, PRODUCT_FIELDS)
    apply_patch(record, data, ("currency", "cartSum", "cartRecoveryUrl"))
    record["updatedAt"] = brand.now()
    brand.col(COLLECTION).replace(cart_id, record)
    return {"cartID": cart_id}


def delete(brand: Brand, cart_id: str) -> None:
    """DELETE: 204; the contact is never touched (§6.3)."""
    require(brand, cart_id)
    brand.col(COLLECTION).delete(cart_id)


# -- cart products ------------------------------------------------------------------------------------------

def _product_answer(cart_id: str, item: Record) -> Record:
    """``{"cartID", "cartProductID", "productID", "variantID"}`` (recorded, §7 #17)."""
    return {"cartID": cart_id, "cartProductID": item["cartProductID"], "productID": item["productID"],
            "variantID": item["variantID"]}


def _change_products(brand: Brand, cart_id: str, change: Callable[[list[Record]], Record | None]) -> Record | None:
    record = clone(require(brand, cart_id))
    result = change(record.setdefault("products", []))
    record["updatedAt"] = brand.now()
    brand.col(COLLECTION).replace(cart_id, record)
    return result


def _find(items: list[Record], cart_product_id: str) -> int:
    for index, item in enumerate(items):
        if item["cartProductID"] == cart_product_id:
            return index
    raise NotFound(C.ERR_CART_PRODUCT_NOT_FOUND.format(id=cart_product_id))


def add_product(brand: Brand, cart_id: str, data: Record) -> Record:
    """POST /carts/{id}/products: 404 cart; 422 (recorded text, §7 #10) when the cartProductID is there.

    The body's ``currency`` is optional (recorded: the live API took a body without it) and is not
    stored: the cart keeps its own (mock decision).
    """
    stored = require(brand, cart_id)
    cart_product_id = data["cartProductID"]
    if any(item["cartProductID"] == cart_product_id for item in stored.get("products") or []):
        raise Unprocessable(C.ERR_CART_PRODUCT_EXISTS.format(id=cart_product_id))
    item = _product(cart_product_id, data)

    def change(items: list[Record]) -> None:
        items.append(item)
    _change_products(brand, cart_id, change)
    return _product_answer(cart_id, item)


def replace_product(brand: Brand, cart_id: str, cart_product_id: str, data: Record, warn: Warn = no_warn) -> Record:
    """PUT /carts/{id}/products/{cartProductID}: replace in place."""
    _find(list(require(brand, cart_id).get("products") or []), cart_product_id)
    check_body_id(data, ("cartProductID",), cart_product_id, warn)
    item = _product(cart_product_id, data)

    def change(items: list[Record]) -> None:
        items[_find(items, cart_product_id)] = item
    _change_products(brand, cart_id, change)
    return _product_answer(cart_id, item)


def patch_product(brand: Brand, cart_id: str, cart_product_id: str, data: Record, warn: Warn = no_warn) -> Record:
    """PATCH /carts/{id}/products/{cartProductID}: only the given fields change."""
    _find(list(require(brand, cart_id).get("products") or []), cart_product_id)
    check_body_id(data, ("cartProductID",), cart_product_id, warn)

    def change(items: list[Record]) -> Record:
        item = items[_find(items, cart_product_id)]
        apply_patch(item, data, PRODUCT_FIELDS)
        return dict(item)
    result = _change_products(brand, cart_id, change)
    assert result is not None
    return _product_answer(cart_id, result)


def delete_product(brand: Brand, cart_id: str, cart_product_id: str) -> None:
    """DELETE /carts/{id}/products/{cartProductID}: 204."""
    _find(list(require(brand, cart_id).get("products") or []), cart_product_id)

    def change(items: list[Record]) -> None:
        del items[_find(items, cart_product_id)]
    _change_products(brand, cart_id, change)


def segment_filter(segment_id: str, context: Mapping[str, Any]) -> Callable[[Record], bool]:
    """Filter builder for ``segmentID``: the cart's contact is a member now (§6.6); context has the brand."""
    brand: Brand = context["brand"]

    def member(record: Record) -> bool:
        contact = brand.col("contacts").peek(record.get("contactID") or "")
        return contact is not None and segment_id in contacts.segments_of(brand, contact)
    return member


def _seed(brand: Brand, record: Record) -> None:
    """Fixture record: the v3 POST body, validated by the same schema (docs/omnisend-catalog.md)."""
    create(brand, S.load(S.shared(CartCreateSchema), record))


register_seeder("carts", _seed, order=50)
