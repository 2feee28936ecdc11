"""Products, v3 (omnisend.md §3.2, §5.2): one store that v5 reads through its own mapping (§5.10)."""

from __future__ import annotations

from mock_server.core import schema as S
from mock_server.core.collection import field_values
from mock_server.core.errors import NotFound, Unprocessable
from mock_server.core.store import CollectionSpec, clone
from mock_server.omnisend import constants as C
from mock_server.omnisend.backend import Brand, created_key, register_collection, register_seeder, updated_key
from mock_server.omnisend.backend.catalog import Record, Warn, check_body_id, no_warn, text
from mock_server.omnisend.v3.schemas.products import ProductCreateSchema

COLLECTION = "products"
# The v3 list filters vendor / type read filter indexes (a rare vendor pages without walking the others).
register_collection(COLLECTION, CollectionSpec(sort_keys={"createdAt": created_key, "updatedAt": updated_key},
                                               filters={n: field_values(n) for n in ("vendor", "type")}))

# The input fields a product keeps (everything else in a body is dropped, §6.1). ``price`` and
# ``strikeThroughPrice`` only come from v5 (§5.10); v3 never renders them and a v3 PUT clears them.
FIELDS = ("title", "status", "description", "currency", "productUrl", "vendor", "type", "createdAt",
          "updatedAt", "tags", "categoryIDs", "images", "variants", "price", "strikeThroughPrice")


def render(record: Record) -> Record:
    """The v3 product output, key order as recorded (§5.2)."""
    return {
        "productID": record["productID"],
        "title": text(record, "title"),
        "status": text(record, "status"),
        "description": text(record, "description"),
        "currency": text(record, "currency"),
        "images": [_render_image(image) for image in record.get("images") or []],
        "productUrl": text(record, "productUrl"),
        "vendor": text(record, "vendor"),
        "type": text(record, "type"),
        # Unset arrays render as null (OAS3 example; mock decision, §8).
        "categoryIDs": clone(record["categoryIDs"]) if record.get("categoryIDs") else None,
        "tags": clone(record["tags"]) if record.get("tags") else None,
        "createdAt": record["createdAt"],
        "updatedAt": record["updatedAt"],
        "variants": [_render_variant(variant) for variant in record.get("variants") or []],
    }


def _render_image(image: Record) -> Record:
    return {"imageID": image["imageID"], "url": image["url"], "isDefault": bool(image.get("isDefault")),
            "variantIDs": list(image.get("variantIDs") or [])}


def _render_variant(variant: Record) -> Record:
    return {
        "variantID": variant["variantID"],
        "title": text(variant, "title"),
        "sku": text(variant, "sku"),
        "price": variant.get("price", 0),
        "oldPrice": variant.get("oldPrice"),  # null when unset (mock decision, §5.2)
        "productUrl": text(variant, "productUrl"),
        "status": text(variant, "status"),
        "imageID": text(variant, "imageID"),
    }


def build(brand: Brand, product_id: str, data: Record) -> Record:
    """A stored product from validated v3 input; timestamps default to now (§5.2, §6.1)."""
    now = brand.now()
    record: Record = {"productID": product_id}
    for name in FIELDS:
        if name in data:
            record[name] = clone(data[name])
    record.setdefault("createdAt", now)
    record.setdefault("updatedAt", now)
    return record


def require(brand: Brand, product_id: str, message: str) -> Record:
    """The stored product (read-only), or 404 with ``message``."""
    found = brand.col(COLLECTION).peek(product_id)
    if found is None:
        raise NotFound(message.format(id=product_id))
    return found


def ensure_new(brand: Brand, product_id: str) -> None:
    """Raise the recorded 422 when ``product_id`` exists (checked before anything is written)."""
    if product_id in brand.col(COLLECTION):
        raise Unprocessable(C.ERR_PRODUCT_EXISTS.format(id=product_id))


def create(brand: Brand, data: Record) -> Record:
    """POST /products: 200 ``{"productID"}`` (recorded, §7 #13)."""
    ensure_new(brand, data["productID"])
    brand.col(COLLECTION).insert(data["productID"], build(brand, data["productID"], data))
    return {"productID": data["productID"]}


def get(brand: Brand, product_id: str) -> Record:
    """GET /products/{id}: the product, or the recorded 404 with backticks (§7 #2)."""
    return render(require(brand, product_id, C.ERR_PRODUCT_NOT_FOUND))


def replace(brand: Brand, product_id: str, data: Record, warn: Warn = no_warn) -> Record:
    """PUT /products/{id}: full replace, never creates (404 recorded, §7 #3); createdAt reset if omitted."""
    require(brand, product_id, C.ERR_PRODUCT_MISSING)
    check_body_id(data, ("productID",), product_id, warn)
    brand.col(COLLECTION).replace(product_id, build(brand, product_id, data))
    return {"productID": product_id}


def delete(brand: Brand, product_id: str) -> None:
    """DELETE /products/{id}: 204, or 422 ``product not found`` (recorded, §7 #4)."""
    products = brand.col(COLLECTION)
    if product_id not in products:
        raise Unprocessable(C.ERR_PRODUCT_DELETE_MISSING)
    products.delete(product_id)


def _seed(brand: Brand, record: Record) -> None:
    """Fixture record: the v3 POST body, validated by the same schema (docs/omnisend-catalog.md)."""
    create(brand, S.load(S.shared(ProductCreateSchema), record))


register_seeder("products", _seed, order=30)
