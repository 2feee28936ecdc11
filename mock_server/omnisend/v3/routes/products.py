"""Products, v3 (omnisend.md §3.2, §5.2); v5 renders the same store its own way."""

from __future__ import annotations

from flask import Blueprint, Response

from mock_server.core.http import empty_response, json_response
from mock_server.core.request import route, warn
from mock_server.omnisend import constants as C
from mock_server.omnisend.backend import products
from mock_server.omnisend.v3 import listing
from mock_server.omnisend.v3.routes.common import brand, list_body, load_body, read_list
from mock_server.omnisend.v3.schemas.products import (
    ProductCreateSchema,
    ProductReplaceSchema,
)

CT = C.CT_CATALOG  # recorded: application/json; charset=utf-8 (§1.6)
_create, _replace = ProductCreateSchema(), ProductReplaceSchema()


def catalog_json(body: object) -> Response:
    return json_response(body, content_type=CT)


def register(bp: Blueprint) -> None:
    """Attach the product routes (no PATCH: 405, §3.2)."""

    @bp.get("/v3/products")
    @route(scope="products", content_type=CT)
    def v3_list_products() -> Response:
        result = read_list(listing.PRODUCTS, products.COLLECTION)
        items = [products.render(record) for record in result.items]
        return catalog_json(list_body("products", items, result, "/v3/products"))

    @bp.post("/v3/products")
    @route(scope="products", content_type=CT, body=True)
    def v3_create_product() -> Response:
        return catalog_json(products.create(brand(), load_body(_create)))

    @bp.get("/v3/products/<product_id>")
    @route(scope="products", content_type=CT)
    def v3_get_product(product_id: str) -> Response:
        return catalog_json(products.get(brand(), product_id))

    @bp.put("/v3/products/<product_id>")
    @route(scope="products", content_type=CT, body=True)
    def v3_replace_product(product_id: str) -> Response:
        return catalog_json(products.replace(brand(), product_id, load_body(_replace), warn))

    @bp.delete("/v3/products/<product_id>")
    @route(scope="products", content_type=CT)
    def v3_delete_product(product_id: str) -> Response:
        products.delete(brand(), product_id)
        return empty_response(204)
