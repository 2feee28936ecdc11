"""Products (ometria.md §3.2)."""

from __future__ import annotations

from flask import Blueprint, Response

from mock_server.core.http import json_response
from mock_server.core.request import query_args, route
from mock_server.ometria.backend import products as rules
from mock_server.ometria.routes.common import account, check_path_id
from mock_server.ometria.routes.rest import post_record


def register(bp: Blueprint) -> None:
    """Attach the product routes."""

    @bp.get("/products")
    @route(scope="read", group="data")
    def list_products() -> Response:
        return json_response(rules.list_products(account(), query_args()))

    @bp.get("/products/<product_id>")
    @route(scope="read", group="data")
    def get_product(product_id: str) -> Response:
        check_path_id(product_id)
        return json_response(rules.PRODUCTS.get(account(), product_id))

    @bp.post("/products/<product_id>")
    @route(scope="write", group="data", body=True)
    def post_product(product_id: str) -> Response:
        return post_record(rules.PRODUCTS, id=check_path_id(product_id))
