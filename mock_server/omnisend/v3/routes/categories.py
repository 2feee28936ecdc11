"""Categories, v3 (omnisend.md §3.3); v5 product-categories share the store and these helpers."""

from __future__ import annotations

from flask import Blueprint, Response

from mock_server.core.http import empty_response, json_response
from mock_server.core.request import route, warn
from mock_server.omnisend import constants as C
from mock_server.omnisend.backend import categories
from mock_server.omnisend.v3 import listing
from mock_server.omnisend.v3.routes.common import brand, list_body, load_body, read_list
from mock_server.omnisend.v3.schemas.categories import (
    CategoryCreateSchema,
    CategoryReplaceSchema,
)

CT = C.CT_CATALOG  # recorded: application/json; charset=utf-8 (§1.6)
_create, _replace = CategoryCreateSchema(), CategoryReplaceSchema()


def catalog_json(body: object) -> Response:
    return json_response(body, content_type=CT)


def list_categories(version: str, path: str) -> Response:
    result = read_list(listing.CATEGORIES, categories.COLLECTION)
    items = [categories.render(record) for record in result.items]
    return catalog_json(list_body("categories", items, result, f"/{version}/{path}"))


def register(bp: Blueprint) -> None:
    """Attach the category routes."""

    @bp.get("/v3/categories")
    @route(scope="products", content_type=CT)
    def v3_list_categories() -> Response:
        return list_categories("v3", "categories")

    @bp.post("/v3/categories")
    @route(scope="products", content_type=CT, body=True)
    def v3_create_category() -> Response:
        data = load_body(_create)
        return catalog_json(categories.create(brand(), data["categoryID"], data))

    @bp.get("/v3/categories/<category_id>")
    @route(scope="products", content_type=CT)
    def v3_get_category(category_id: str) -> Response:
        return catalog_json(categories.get(brand(), category_id))

    @bp.put("/v3/categories/<category_id>")
    @route(scope="products", content_type=CT, body=True)
    def v3_replace_category(category_id: str) -> Response:
        return catalog_json(categories.replace(brand(), category_id, load_body(_replace), warn))

    @bp.delete("/v3/categories/<category_id>")
    @route(scope="products", content_type=CT)
    def v3_delete_category(category_id: str) -> Response:
        categories.delete(brand(), category_id)
        return empty_response(204)
