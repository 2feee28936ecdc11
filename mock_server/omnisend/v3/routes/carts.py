"""Carts and cart products, v3 (omnisend.md §3.5, §5.5)."""

from __future__ import annotations

from flask import Blueprint, Response

from mock_server.core.http import empty_response, json_response
from mock_server.core.request import route, warn
from mock_server.omnisend.backend import carts
from mock_server.omnisend.v3 import listing
from mock_server.omnisend.v3.routes.common import brand, list_body, load_body, read_list
from mock_server.omnisend.v3.schemas.carts import (
    CartCreateSchema,
    CartPatchSchema,
    CartProductCreateSchema,
    CartProductPatchSchema,
    CartProductReplaceSchema,
    CartReplaceSchema,
)

_create, _replace, _patch = CartCreateSchema(), CartReplaceSchema(), CartPatchSchema()
_p_create, _p_replace, _p_patch = CartProductCreateSchema(), CartProductReplaceSchema(), CartProductPatchSchema()


def register(bp: Blueprint) -> None:
    """Attach the cart and cart-product routes."""

    @bp.get("/v3/carts")
    @route(scope="carts")
    def v3_list_carts() -> Response:
        b = brand()
        result = read_list(listing.CARTS, carts.COLLECTION, {"brand": b})
        items = [carts.render(record) for record in result.items]
        return json_response(list_body("carts", items, result, "/v3/carts"))

    @bp.post("/v3/carts")
    @route(scope="carts", body=True)
    def v3_create_cart() -> Response:
        return json_response(carts.create(brand(), load_body(_create)))

    @bp.get("/v3/carts/<cart_id>")
    @route(scope="carts")
    def v3_get_cart(cart_id: str) -> Response:
        return json_response(carts.get(brand(), cart_id))

    @bp.put("/v3/carts/<cart_id>")
    @route(scope="carts", body=True)
    def v3_replace_cart(cart_id: str) -> Response:
        return json_response(carts.replace(brand(), cart_id, load_body(_replace), warn))

    @bp.patch("/v3/carts/<cart_id>")
    @route(scope="carts", body=True)
    def v3_patch_cart(cart_id: str) -> Response:
        return json_response(carts.patch(brand(), cart_id, load_body(_patch), warn))

    @bp.delete("/v3/carts/<cart_id>")
    @route(scope="carts")
    def v3_delete_cart(cart_id: str) -> Response:
        carts.delete(brand(), cart_id)
        return empty_response(204)

    @bp.post("/v3/carts/<cart_id>/products")
    @route(scope="carts", body=True)
    def v3_add_cart_product(cart_id: str) -> Response:
        return json_response(carts.add_product(brand(), cart_id, load_body(_p_create)))

    @bp.put("/v3/carts/<cart_id>/products/<cart_product_id>")
    @route(scope="carts", body=True)
    def v3_replace_cart_product(cart_id: str, cart_product_id: str) -> Response:
        data = load_body(_p_replace)
        return json_response(carts.replace_product(brand(), cart_id, cart_product_id, data, warn))

    @bp.patch("/v3/carts/<cart_id>/products/<cart_product_id>")
    @route(scope="carts", body=True)
    def v3_patch_cart_product(cart_id: str, cart_product_id: str) -> Response:
        data = load_body(_p_patch)
        return json_response(carts.patch_product(brand(), cart_id, cart_product_id, data, warn))

    @bp.delete("/v3/carts/<cart_id>/products/<cart_product_id>")
    @route(scope="carts")
    def v3_delete_cart_product(cart_id: str, cart_product_id: str) -> Response:
        carts.delete_product(brand(), cart_id, cart_product_id)
        return empty_response(204)
