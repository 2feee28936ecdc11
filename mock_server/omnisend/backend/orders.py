"""Orders, v3 (omnisend.md §3.4, §5.4, §6.1, §6.3)."""

from __future__ import annotations

from collections.abc import Iterable

from mock_server.core import schema as S
from mock_server.core.collection import field_values
from mock_server.core.errors import NotFound, Unprocessable
from mock_server.core.store import CollectionSpec, clone
from mock_server.omnisend import constants as C
from mock_server.omnisend.backend import Brand, created_key, linking, register_collection, register_seeder, updated_key
from mock_server.omnisend.backend.catalog import Record, Warn, apply_patch, check_body_id, no_warn, number, text
from mock_server.omnisend.v3.schemas.orders import OrderCreateSchema

COLLECTION = "orders"


def sum_key(record: Record) -> int | None:
    """Sort key: ``orderSum``."""
    value = record.get("orderSum")
    return value if isinstance(value, int) else None


# The list filters: identity fields through lookups (about one order per value), statuses through
# filter indexes (few values) (core.collection).
register_collection(COLLECTION, CollectionSpec(sort_keys={"createdAt": created_key, "updatedAt": updated_key,
                                                          "orderSum": sum_key},
                                               lookups={n: field_values(n) for n in C.ORDER_IDENTITY_FILTERS},
                                               filters={n: field_values(n) for n in C.ORDER_STATUS_FILTERS}))

# Input fields an order keeps (besides orderID and the identity fields).
FIELDS = ("orderNumber", "cartID", "shippingMethod", "trackingCode", "courierTitle", "courierUrl", "orderUrl",
          "source", "tags", "discountCode", "discountValue", "discountType", "currency", "orderSum", "subTotalSum",
          "subTotalTaxIncluded", "discountSum", "taxSum", "shippingSum", "createdAt", "updatedAt", "canceledDate",
          "cancelReason", "paymentMethod", "paymentStatus", "fulfillmentStatus", "contactNote", "billingAddress",
          "shippingAddress", "products")
ADDRESS_FIELDS = ("firstName", "lastName", "company", "phone", "country", "countryCode", "state", "stateCode",
                  "city", "address", "address2", "postalCode")


def _address(value: Record | None) -> Record:
    value = value or {}
    return {name: text(value, name) for name in ADDRESS_FIELDS}


def _product(item: Record) -> Record:
    return {
        "productID": item["productID"], "variantID": item["variantID"], "title": item["title"],
        "variantTitle": text(item, "variantTitle"), "quantity": item["quantity"], "price": item["price"],
        "discount": number(item, "discount"), "weight": number(item, "weight"), "sku": text(item, "sku"),
        "vendor": text(item, "vendor"), "productUrl": text(item, "productUrl"), "imageUrl": text(item, "imageUrl"),
        "categoryIDs": clone(item["categoryIDs"]) if item.get("categoryIDs") else None,
        "tags": clone(item["tags"]) if item.get("tags") else None,
    }


def render(record: Record) -> Record:
    """GET /orders/{id} and list items, keys in the recorded order (§5.4)."""
    return {
        "orderID": record["orderID"], "email": text(record, "email"), "phone": text(record, "phone"),
        "contactID": text(record, "contactID"), "cartID": text(record, "cartID"),
        "emailID": None, "attributionID": "",
        "trackingCode": text(record, "trackingCode"), "courierTitle": text(record, "courierTitle"),
        "courierUrl": text(record, "courierUrl"), "orderUrl": text(record, "orderUrl"),
        "source": text(record, "source"),
        "tags": clone(record["tags"]) if record.get("tags") else None,
        "currency": text(record, "currency"), "orderSum": number(record, "orderSum"),
        "subTotalSum": number(record, "subTotalSum"),
        "subTotalTaxIncluded": bool(record.get("subTotalTaxIncluded")),
        "discountSum": number(record, "discountSum"), "taxSum": number(record, "taxSum"),
        "createdAt": text(record, "createdAt"), "updatedAt": text(record, "updatedAt"),
        "paymentMethod": text(record, "paymentMethod"), "paymentStatus": text(record, "paymentStatus"),
        "billingAddress": _address(record.get("billingAddress")),
        "shippingAddress": _address(record.get("shippingAddress")),
        "canceledDate": record.get("canceledDate"),
        "cancelReason": text(record, "cancelReason"),
        "orderNumber": number(record, "orderNumber"),  # 0 when unset (mock decision)
        "contactNote": text(record, "contactNote"), "discountCode": text(record, "discountCode"),
        "discountType": text(record, "discountType"), "discountValue": number(record, "discountValue"),
        "shippingSum": number(record, "shippingSum"), "shippingMethod": text(record, "shippingMethod"),
        "fulfillmentStatus": text(record, "fulfillmentStatus"),
        "products": [_product(item) for item in record.get("products") or []],
        "customFields": None,
        "depersonalized": False,
    }


def answer(record: Record) -> Record:
    """POST/PUT answer: ``{"orderID", "email"}`` plus ``phone`` only when non-empty (recorded, §7 #18)."""
    out: Record = {"orderID": record["orderID"], "email": text(record, "email")}
    if record.get("phone"):
        out["phone"] = record["phone"]
    return out


def _build(brand: Brand, order_id: str, data: Record) -> Record:
    record: Record = {"orderID": order_id}
    for name in FIELDS:
        if name in data:
            record[name] = clone(data[name])
    if record.get("discountType") == C.DISCOUNT_TYPE_TYPO:
        record["discountType"] = "freeShipping"  # OAS3's spelling, stored corrected (mock decision, §5.4)
    record.setdefault("updatedAt", brand.now())
    return record


def _require(brand: Brand, order_id: str) -> Record:
    found = brand.col(COLLECTION).peek(order_id)
    if found is None:
        raise NotFound(C.ERR_ORDER_NOT_FOUND.format(id=order_id))
    return found


def create(brand: Brand, data: Record) -> Record:
    """POST /orders: 422 for an existing orderID, 404 for an unknown contactID, else attach and store."""
    order_id = data["orderID"]
    if order_id in brand.col(COLLECTION):
        raise Unprocessable(C.ERR_ORDER_EXISTS.format(id=order_id))
    linking.check(brand, data)
    record = _build(brand, order_id, data)
    linking.attach(brand, record, data)
    brand.col(COLLECTION).insert(order_id, record)
    return answer(record)


def get(brand: Brand, order_id: str) -> Record:
    """GET /orders/{id}, or the recorded 404 (§7 #11)."""
    return render(_require(brand, order_id))


def replace(brand: Brand, order_id: str, data: Record, warn: Warn = no_warn) -> Record:
    """PUT: full replace that keeps the contact identity when the body omits it (§6.1); never creates."""
    stored = _require(brand, order_id)
    check_body_id(data, ("orderID",), order_id, warn)
    linking.check(brand, data)
    record = _build(brand, order_id, data)
    if linking.has_identity(data):
        linking.attach(brand, record, data)
    else:
        linking.keep_identity(record, stored)
    brand.col(COLLECTION).replace(order_id, record)
    return answer(record)


def patch(brand: Brand, order_id: str, data: Record, given: Iterable[str], warn: Warn = no_warn) -> Record:
    """PATCH: only the listed keys change (``null`` clears); other ``given`` keys are ignored with a warning."""
    stored = _require(brand, order_id)
    check_body_id(data, ("orderID",), order_id, warn)
    for name in given:
        if name not in C.ORDER_PATCH_FIELDS and name != "orderID":
            warn(name, C.PATCH_IGNORED)
    record = clone(stored)
    apply_patch(record, data, C.ORDER_PATCH_FIELDS)
    record["updatedAt"] = brand.now()
    brand.col(COLLECTION).replace(order_id, record)
    # OAS3: {"orderID", "email", "phone"}; unset values render as "".
    return {"orderID": order_id, "email": text(record, "email"), "phone": text(record, "phone")}


def delete(brand: Brand, order_id: str) -> None:
    """DELETE: 204, or the recorded 404. The contact is never touched (§6.3)."""
    _require(brand, order_id)
    brand.col(COLLECTION).delete(order_id)


def _seed(brand: Brand, record: Record) -> None:
    """Fixture record: the v3 POST body, validated by the same schema (docs/omnisend-catalog.md)."""
    create(brand, S.load(S.shared(OrderCreateSchema), record))


register_seeder("orders", _seed, order=40)
