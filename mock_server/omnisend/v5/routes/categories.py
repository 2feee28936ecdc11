"""v5 product-categories (omnisend.md §4): the v3 category store."""

from __future__ import annotations

from flask import Blueprint, Response

from mock_server.core.http import empty_response
from mock_server.core.request import route, warn
from mock_server.omnisend.backend import categories
from mock_server.omnisend.v3.routes.categories import CT, catalog_json, list_categories
from mock_server.omnisend.v3.routes.common import brand, load_body
from mock_server.omnisend.v5.schemas.categories import (
    V5CategoryCreateSchema,
    V5CategoryPatchSchema,
    V5CategoryReplaceSchema,
)

_v5_create, _v5_replace, _v5_patch = V5CategoryCreateSchema(), V5CategoryReplaceSchema(), V5CategoryPatchSchema()


def register(bp: Blueprint) -> None:
    """Attach the v5 categories routes."""

    @bp.get("/v5/product-categories")
    @route(scope="products", content_type=CT)
    def v5_list_categories() -> Response:
        return list_categories("v5", "product-categories")

    @bp.post("/v5/product-categories")
    @route(scope="products", content_type=CT, body=True)
    def v5_create_category() -> Response:
        data = load_body(_v5_create)
        return catalog_json(categories.create(brand(), categories.v5_category_id(data, warn), data))

    @bp.get("/v5/product-categories/<category_id>")
    @route(scope="products", content_type=CT)
    def v5_get_category(category_id: str) -> Response:
        return catalog_json(categories.get(brand(), category_id))

    @bp.put("/v5/product-categories/<category_id>")
    @route(scope="products", content_type=CT, body=True)
    def v5_replace_category(category_id: str) -> Response:
        return catalog_json(categories.replace(brand(), category_id, load_body(_v5_replace), warn))

    @bp.patch("/v5/product-categories/<category_id>")
    @route(scope="products", content_type=CT, body=True)
    def v5_patch_category(category_id: str) -> Response:
        return catalog_json(categories.patch(brand(), category_id, load_body(_v5_patch), warn))

    @bp.delete("/v5/product-categories/<category_id>")
    @route(scope="products", content_type=CT)
    def v5_delete_category(category_id: str) -> Response:
        categories.delete(brand(), category_id)
        return empty_response(204)
