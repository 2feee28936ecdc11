"""Orders (ometria.md §3.4)."""

from __future__ import annotations

from flask import Blueprint, Response

from mock_server.core.http import json_response
from mock_server.core.request import query_args, route
from mock_server.ometria.backend import orders as rules
from mock_server.ometria.routes.common import account, check_path_id
from mock_server.ometria.routes.rest import post_record


def register(bp: Blueprint) -> None:
    """Attach the order routes."""

    @bp.get("/orders")
    @route(scope="read", group="data")
    def list_orders() -> Response:
        return json_response(rules.list_orders(account(), query_args()))

    @bp.get("/orders/<order_id>")
    @route(scope="read", group="data")
    def get_order(order_id: str) -> Response:
        check_path_id(order_id)
        return json_response(rules.ORDERS.get(account(), order_id))

    @bp.post("/orders/<order_id>")
    @route(scope="write", group="data", body=True)
    def post_order(order_id: str) -> Response:
        return post_record(rules.ORDERS, id=check_path_id(order_id))
