"""Orders, v3 (omnisend.md §3.4, §5.4)."""

from __future__ import annotations

from flask import Blueprint, Response

from mock_server.core.http import empty_response, json_response
from mock_server.core.request import body, route, warn
from mock_server.omnisend import constants as C
from mock_server.omnisend.backend import orders
from mock_server.omnisend.v3 import listing
from mock_server.omnisend.v3.routes.common import brand, list_body, load_body, read_list
from mock_server.omnisend.v3.schemas.orders import OrderCreateSchema, OrderPatchSchema, OrderReplaceSchema

_create, _replace, _patch = OrderCreateSchema(), OrderReplaceSchema(), OrderPatchSchema()


def register(bp: Blueprint) -> None:
    """Attach the order routes."""

    @bp.get("/v3/orders")
    @route(scope="orders", content_type=C.CT_CATALOG)  # recorded charset=utf-8 on the list only (§1.6)
    def v3_list_orders() -> Response:
        result = read_list(listing.ORDERS, orders.COLLECTION)
        items = [orders.render(record) for record in result.items]
        return json_response(list_body("orders", items, result, "/v3/orders"), content_type=C.CT_CATALOG)

    @bp.post("/v3/orders")
    @route(scope="orders", body=True)
    def v3_create_order() -> Response:
        return json_response(orders.create(brand(), load_body(_create)))

    @bp.get("/v3/orders/<order_id>")
    @route(scope="orders")
    def v3_get_order(order_id: str) -> Response:
        return json_response(orders.get(brand(), order_id))

    @bp.put("/v3/orders/<order_id>")
    @route(scope="orders", body=True)
    def v3_replace_order(order_id: str) -> Response:
        return json_response(orders.replace(brand(), order_id, load_body(_replace), warn))

    @bp.patch("/v3/orders/<order_id>")
    @route(scope="orders", body=True)
    def v3_patch_order(order_id: str) -> Response:
        data = load_body(_patch)
        return json_response(orders.patch(brand(), order_id, data, list(body()), warn))

    @bp.delete("/v3/orders/<order_id>")
    @route(scope="orders")
    def v3_delete_order(order_id: str) -> Response:
        orders.delete(brand(), order_id)
        return empty_response(204)
