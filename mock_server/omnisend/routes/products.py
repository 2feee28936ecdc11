"""Products, v3 and v5 (omnisend.md §3.2, §4, §5.2, §5.10): one store, two renderings."""

from __future__ import annotations

from flask import Blueprint, Response

from mock_server.core.http import empty_response, json_response
from mock_server.core.request import route, warn
from mock_server.omnisend import constants as C
from mock_server.omnisend import listing
from mock_server.omnisend.backend import products, products_v5
from mock_server.omnisend.routes.common import brand, list_body, load_body, read_list
from mock_server.omnisend.schemas.products import (
    ProductCreateSchema,
    ProductReplaceSchema,
    V5ProductCreateSchema,
    V5ProductReplaceSchema,
)

CT = C.CT_CATALOG  # recorded: application/json; charset=utf-8 (§1.6)
_create, _replace = ProductCreateSchema(), ProductReplaceSchema()
_v5_create, _v5_replace = V5ProductCreateSchema(), V5ProductReplaceSchema()


def _json(body: object) -> Response:
    return json_response(body, content_type=CT)


def register(bp: Blueprint) -> None:
    """Attach the product routes (no PATCH: 405, §3.2)."""

    @bp.get("/v3/products")
    @route(scope="products", content_type=CT)
    def v3_list_products() -> Response:
        result = read_list(listing.PRODUCTS, products.COLLECTION)
        items = [products.render(record) for record in result.items]
        return _json(list_body("products", items, result, "/v3/products"))

    @bp.post("/v3/products")
    @route(scope="products", content_type=CT, body=True)
    def v3_create_product() -> Response:
        return _json(products.create(brand(), load_body(_create)))

    @bp.get("/v3/products/<product_id>")
    @route(scope="products", content_type=CT)
    def v3_get_product(product_id: str) -> Response:
        return _json(products.get(brand(), product_id))

    @bp.put("/v3/products/<product_id>")
    @route(scope="products", content_type=CT, body=True)
    def v3_replace_product(product_id: str) -> Response:
        return _json(products.replace(brand(), product_id, load_body(_replace), warn))

    @bp.delete("/v3/products/<product_id>")
    @route(scope="products", content_type=CT)
    def v3_delete_product(product_id: str) -> Response:
        products.delete(brand(), product_id)
        return empty_response(204)

    @bp.get("/v5/products")
    @route(scope="products", content_type=CT)
    def v5_list_products() -> Response:
        result = read_list(listing.V5_PRODUCTS, products.COLLECTION)
        items = [products_v5.render(record) for record in result.items]
        return _json(list_body("products", items, result, "/v5/products"))

    @bp.post("/v5/products")
    @route(scope="products", content_type=CT, body=True)
    def v5_create_product() -> Response:
        return _json(products_v5.create(brand(), load_body(_v5_create)))

    @bp.get("/v5/products/<product_id>")
    @route(scope="products", content_type=CT)
    def v5_get_product(product_id: str) -> Response:
        return _json(products_v5.get(brand(), product_id))

    @bp.put("/v5/products/<product_id>")
    @route(scope="products", content_type=CT, body=True)
    def v5_replace_product(product_id: str) -> Response:
        return _json(products_v5.replace(brand(), product_id, load_body(_v5_replace), warn))

    @bp.delete("/v5/products/<product_id>")
    @route(scope="products", content_type=CT)
    def v5_delete_product(product_id: str) -> Response:
        products.delete(brand(), product_id)
        return empty_response(204)
