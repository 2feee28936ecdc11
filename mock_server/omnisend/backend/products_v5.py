"""Products, v5 (omnisend.md §4, §5.10): the v3 store read and written through the cross-version mapping.

Mapping (mock decision, §5.10): decimal prices <-> integer cents; v5 image URLs <-> v3 image objects with
``imageID`` ``img-<n>`` (1-based); ``defaultImageUrl`` <-> the image with ``isDefault: true``; a
variant's ``images[]`` <-> the v3 images whose ``variantIDs`` name it; a variant's ``defaultImageUrl`` <->
its ``imageID``. v5-only fields (product ``price``/``strikeThroughPrice``, variant ``description``) are
kept on the record; v3 does not render them, and a v3 PUT (a full replace) clears them.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from mock_server.core.store import clone
from mock_server.omnisend import constants as C
from mock_server.omnisend.backend import Brand
from mock_server.omnisend.backend import products as v3
from mock_server.omnisend.backend.catalog import Record, Warn, check_body_id, no_warn, text

# v5 field -> v3 field, for the fields that only change their name.
RENAMED = (("title", "title"), ("status", "status"), ("description", "description"), ("currency", "currency"),
           ("url", "productUrl"), ("vendor", "vendor"), ("type", "type"), ("tags", "tags"),
           ("categoryIDs", "categoryIDs"), ("createdAt", "createdAt"), ("updatedAt", "updatedAt"))
V5_ONLY = ("price", "strikeThroughPrice")


def to_cents(amount: int | float) -> int:
    """A decimal price as v3 cents: ``round(p * 100)``, halves away from zero."""
    return int((Decimal(str(amount)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def from_cents(cents: Any) -> float | None:
    """v3 cents as a v5 decimal (``cents / 100``); None when unset."""
    return None if not isinstance(cents, int) else cents / 100


def _image_table(data: Record) -> list[str]:
    """Every image URL the v5 body names, in order: product images, default, then variants' images."""
    urls: list[str] = []

    def add(url: str | None) -> None:
        if url and url not in urls:
            urls.append(url)

    for url in data.get("images") or []:
        add(url)
    add(data.get("defaultImageUrl"))
    for variant in data["variants"]:
        for url in variant.get("images") or []:
            add(url)
        add(variant.get("defaultImageUrl"))
    return urls


def to_v3(data: Record) -> Record:
    """Translate validated v5 input into the v3 record fields (without the product id)."""
    out: Record = {}
    for v5_name, v3_name in RENAMED:
        if v5_name in data:
            out[v3_name] = clone(data[v5_name])
    for name in V5_ONLY:
        if name in data:
            out[name] = data[name]
    urls = _image_table(data)
    ids = {url: C.V5_IMAGE_ID.format(n=n) for n, url in enumerate(urls, start=1)}
    images: list[Record] = []
    for url in urls:
        image: Record = {"imageID": ids[url], "url": url, "isDefault": url == data.get("defaultImageUrl")}
        image["variantIDs"] = [v["id"] for v in data["variants"] if url in (v.get("images") or [])]
        images.append(image)
    if images:
        out["images"] = images
    variants = []
    for given in data["variants"]:
        variant: Record = {"variantID": given["id"], "title": given["title"], "productUrl": given["url"],
                           # A v5 variant without a status takes the product's (mock decision).
                           "status": given.get("status", data["status"]), "price": to_cents(given["price"])}
        if "sku" in given:
            variant["sku"] = given["sku"]
        if "strikeThroughPrice" in given:
            variant["oldPrice"] = to_cents(given["strikeThroughPrice"])
        if given.get("defaultImageUrl"):
            variant["imageID"] = ids[given["defaultImageUrl"]]
        if "description" in given:
            variant["description"] = given["description"]
        variants.append(variant)
    out["variants"] = variants
    return out


def render(record: Record) -> Record:
    """The v5 product output (key order and unset values: mock decision, §5.10)."""
    images = record.get("images") or []
    url_of = {image["imageID"]: image["url"] for image in images}
    default = next((image["url"] for image in images if image.get("isDefault")), "")
    return {
        "id": record["productID"],
        "title": text(record, "title"),
        "status": text(record, "status"),
        "description": text(record, "description"),
        "currency": text(record, "currency"),
        "url": text(record, "productUrl"),
        "defaultImageUrl": default,
        "images": [image["url"] for image in images],
        "vendor": text(record, "vendor"),
        "type": text(record, "type"),
        "tags": list(record.get("tags") or []),
        "categoryIDs": list(record.get("categoryIDs") or []),
        "price": record.get("price"),
        "strikeThroughPrice": record.get("strikeThroughPrice"),
        "createdAt": record["createdAt"],
        "updatedAt": record["updatedAt"],
        "variants": [
            {
                "id": variant["variantID"],
                "title": text(variant, "title"),
                "sku": text(variant, "sku"),
                "status": text(variant, "status"),
                "price": from_cents(variant.get("price")),
                "strikeThroughPrice": from_cents(variant.get("oldPrice")),
                "url": text(variant, "productUrl"),
                "description": text(variant, "description"),
                "defaultImageUrl": url_of.get(variant.get("imageID") or "", ""),
                "images": [image["url"] for image in images if variant["variantID"] in
                           (image.get("variantIDs") or [])],
            }
            for variant in record.get("variants") or []
        ],
    }


def create(brand: Brand, data: Record) -> Record:
    """POST /v5/products: 200 ``{"id"}``; 422 with the v3 duplicate text (mock decision, §4)."""
    v3.ensure_new(brand, data["id"])
    brand.col(v3.COLLECTION).insert(data["id"], v3.build(brand, data["id"], to_v3(data)))
    return {"id": data["id"]}


def get(brand: Brand, product_id: str) -> Record:
    """GET /v5/products/{id}: 404 with the v3 text (mock decision, §4)."""
    return render(v3.require(brand, product_id, C.ERR_PRODUCT_NOT_FOUND))


def replace(brand: Brand, product_id: str, data: Record, warn: Warn = no_warn) -> Record:
    """PUT /v5/products/{id}: full replace, never creates; omitted timestamps become now."""
    v3.require(brand, product_id, C.ERR_PRODUCT_MISSING)
    check_body_id(data, ("id",), product_id, warn)
    brand.col(v3.COLLECTION).replace(product_id, v3.build(brand, product_id, to_v3(data)))
    return {"id": product_id}
