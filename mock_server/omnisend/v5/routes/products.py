"""Products v5 (omnisend.md §4, §5.10): the v3 product store, rendered the v5 way."""

from __future__ import annotations

from flask import Blueprint, Response

from mock_server.core.http import empty_response
from mock_server.core.request import route, warn
from mock_server.omnisend.backend import products, products_v5
from mock_server.omnisend.v3 import listing
from mock_server.omnisend.v3.routes.common import brand, list_body, load_body, read_list
from mock_server.omnisend.v3.routes.products import CT, catalog_json
from mock_server.omnisend.v5.schemas.products import V5ProductCreateSchema, V5ProductReplaceSchema

_v5_create, _v5_replace = V5ProductCreateSchema(), V5ProductReplaceSchema()


def register(bp: Blueprint) -> None:
    """Attach the v5 products routes."""

    @bp.get("/v5/products")
    @route(scope="products", content_type=CT)
    def v5_list_products() -> Response:
        result = read_list(listing.V5_PRODUCTS, products.COLLECTION)
        items = [products_v5.render(record) for record in result.items]
        return catalog_json(list_body("products", items, result, "/v5/products"))

    @bp.post("/v5/products")
    @route(scope="products", content_type=CT, body=True)
    def v5_create_product() -> Response:
        return catalog_json(products_v5.create(brand(), load_body(_v5_create)))

    @bp.get("/v5/products/<product_id>")
    @route(scope="products", content_type=CT)
    def v5_get_product(product_id: str) -> Response:
        return catalog_json(products_v5.get(brand(), product_id))

    @bp.put("/v5/products/<product_id>")
    @route(scope="products", content_type=CT, body=True)
    def v5_replace_product(product_id: str) -> Response:
        return catalog_json(products_v5.replace(brand(), product_id, load_body(_v5_replace), warn))

    @bp.delete("/v5/products/<product_id>")
    @route(scope="products", content_type=CT)
    def v5_delete_product(product_id: str) -> Response:
        products.delete(brand(), product_id)
        return empty_response(204)
