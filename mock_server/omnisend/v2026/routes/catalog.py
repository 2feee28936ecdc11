"""Products and product categories, 2026-03-15 (omnisend-2026.md §5.4, §5.5): the one catalog store of every
generation, with 2026's statuses (201 on create, 409 on a duplicate, 404 for a missing id)."""

from __future__ import annotations

from flask import Blueprint, Response

from mock_server.core.http import empty_response, json_response
from mock_server.core.request import warn
from mock_server.omnisend.backend import Brand, categories, products, products_v5
from mock_server.omnisend.v2026 import constants as C
from mock_server.omnisend.v2026 import renames
from mock_server.omnisend.v2026.common import OffsetList, brand, load_body, read_offset_page
from mock_server.omnisend.v2026.errors import Conflict, Problem
from mock_server.omnisend.v2026.policy import operation
from mock_server.omnisend.v2026.schemas.catalog import (
    V2026CategoryCreateSchema,
    V2026CategoryUpdateSchema,
    V2026ProductCreateSchema,
    V2026ProductReplaceSchema,
)

_product_create, _product_replace = V2026ProductCreateSchema(), V2026ProductReplaceSchema()
_category_create, _category_update = V2026CategoryCreateSchema(), V2026CategoryUpdateSchema()

# Offset paging as the contracts say (§3.1, mock decision §7.2 #4); newest first; no direction parameter.
# ``date`` sorts like ``createdAt`` (mock decision). Category titles ascend, by code point.
PRODUCTS = OffsetList(name="api2026:products", sorts={"date": ("createdAt", True), "createdAt": ("createdAt", True),
                                                      "updatedAt": ("updatedAt", True)})
CATEGORIES = OffsetList(name="api2026:categories", sorts={"title": ("title", False), "createdAt": ("createdAt", True),
                                                          "updatedAt": ("updatedAt", True)})


def _product(b: Brand, product_id: str) -> None:
    if product_id not in b.col(products.COLLECTION):
        raise Problem(404, C.DETAIL_PRODUCT_NOT_FOUND.format(id=product_id))


def _category(b: Brand, category_id: str) -> None:
    if category_id not in b.col(categories.COLLECTION):
        raise Problem(404, C.DETAIL_CATEGORY_NOT_FOUND.format(id=category_id))


def register(bp: Blueprint) -> None:
    """Attach the 2026 product and product-category routes."""

    @bp.get("/api/products")
    @operation("products.read", query=PRODUCTS.parameters)
    def api_list_products() -> Response:
        """List products (offset paging)."""
        result, paging = read_offset_page(PRODUCTS, brand().col(products.COLLECTION), "/api/products")
        return json_response({"products": [renames.product(r) for r in result.items], "paging": paging})

    @bp.post("/api/products")
    @operation("products.write", body=V2026ProductCreateSchema)
    def api_create_product() -> Response:
        """Create a product (201 ``{id}``; 409 when the id exists)."""
        b, data = brand(), load_body(_product_create)
        if data["id"] in b.col(products.COLLECTION):
            raise Conflict(C.DETAIL_PRODUCT_EXISTS.format(id=data["id"]))
        return json_response(products_v5.create(b, data), 201)

    @bp.get("/api/products/<product_id>")
    @operation("products.read")
    def api_get_product(product_id: str) -> Response:
        """Read one product."""
        stored = brand().col(products.COLLECTION).get(product_id)
        if stored is None:
            raise Problem(404, C.DETAIL_PRODUCT_NOT_FOUND.format(id=product_id))
        return json_response(renames.product(stored))

    @bp.put("/api/products/<product_id>")
    @operation("products.write", body=V2026ProductReplaceSchema)
    def api_replace_product(product_id: str) -> Response:
        """Replace one product (200 ``{id}``)."""
        b = brand()
        _product(b, product_id)
        return json_response(products_v5.replace(b, product_id, load_body(_product_replace), warn))

    @bp.delete("/api/products/<product_id>")
    @operation("products.write")
    def api_delete_product(product_id: str) -> Response:
        """Delete one product (204; 404 for an unknown id, mock decision §7.2 #6)."""
        b = brand()
        _product(b, product_id)
        products.delete(b, product_id)
        return empty_response(204)

    @bp.get("/api/product-categories")
    @operation("products.read", query=CATEGORIES.parameters)
    def api_list_categories() -> Response:
        """List product categories (offset paging)."""
        result, paging = read_offset_page(CATEGORIES, brand().col(categories.COLLECTION), "/api/product-categories")
        return json_response({"categories": [categories.render(r) for r in result.items], "paging": paging})

    @bp.post("/api/product-categories")
    @operation("products.write", body=V2026CategoryCreateSchema)
    def api_create_category() -> Response:
        """Create a product category (201 ``{categoryID}``; 409 when it exists)."""
        b, data = brand(), load_body(_category_create)
        if data["categoryID"] in b.col(categories.COLLECTION):
            raise Conflict(C.DETAIL_CATEGORY_EXISTS.format(id=data["categoryID"]))
        return json_response(categories.create(b, data["categoryID"], data), 201)

    @bp.get("/api/product-categories/<category_id>")
    @operation("products.read")
    def api_get_category(category_id: str) -> Response:
        """Read one product category."""
        b = brand()
        _category(b, category_id)
        return json_response(categories.get(b, category_id))

    @bp.patch("/api/product-categories/<category_id>")
    @operation("products.write", body=V2026CategoryUpdateSchema)
    def api_patch_category(category_id: str) -> Response:
        """Change a category's title; omitted fields are kept (200 ``{categoryID}``)."""
        b = brand()
        _category(b, category_id)
        return json_response(categories.patch(b, category_id, load_body(_category_update), warn))

    @bp.delete("/api/product-categories/<category_id>")
    @operation("products.write")
    def api_delete_category(category_id: str) -> Response:
        """Delete a product category (204; 404 for an unknown id, mock decision §7.2 #6)."""
        b = brand()
        _category(b, category_id)
        categories.delete(b, category_id)
        return empty_response(204)
