"""Categories, v3 (omnisend.md §3.3) and v5 product-categories (§4): one store."""

from __future__ import annotations

from flask import Blueprint, Response

from mock_server.core.http import empty_response, json_response
from mock_server.core.request import route, warn
from mock_server.omnisend import constants as C
from mock_server.omnisend import listing
from mock_server.omnisend.backend import categories
from mock_server.omnisend.routes.common import brand, list_body, load_body, read_list
from mock_server.omnisend.schemas.categories import (
    CategoryCreateSchema,
    CategoryReplaceSchema,
    V5CategoryCreateSchema,
    V5CategoryPatchSchema,
    V5CategoryReplaceSchema,
)

CT = C.CT_CATALOG  # recorded: application/json; charset=utf-8 (§1.6)
_create, _replace = CategoryCreateSchema(), CategoryReplaceSchema()
_v5_create, _v5_replace, _v5_patch = V5CategoryCreateSchema(), V5CategoryReplaceSchema(), V5CategoryPatchSchema()


def _json(body: object) -> Response:
    return json_response(body, content_type=CT)


def _list(version: str, path: str) -> Response:
    result = read_list(listing.CATEGORIES, categories.COLLECTION)
    items = [categories.render(record) for record in result.items]
    return _json(list_body("categories", items, result, f"/{version}/{path}"))


def register(bp: Blueprint) -> None:
    """Attach the category routes."""

    @bp.get("/v3/categories")
    @route(scope="products", content_type=CT)
    def v3_list_categories() -> Response:
        return _list("v3", "categories")

    @bp.post("/v3/categories")
    @route(scope="products", content_type=CT, body=True)
    def v3_create_category() -> Response:
        data = load_body(_create)
        return _json(categories.create(brand(), data["categoryID"], data))

    @bp.get("/v3/categories/<category_id>")
    @route(scope="products", content_type=CT)
    def v3_get_category(category_id: str) -> Response:
        return _json(categories.get(brand(), category_id))

    @bp.put("/v3/categories/<category_id>")
    @route(scope="products", content_type=CT, body=True)
    def v3_replace_category(category_id: str) -> Response:
        return _json(categories.replace(brand(), category_id, load_body(_replace), warn))

    @bp.delete("/v3/categories/<category_id>")
    @route(scope="products", content_type=CT)
    def v3_delete_category(category_id: str) -> Response:
        categories.delete(brand(), category_id)
        return empty_response(204)

    @bp.get("/v5/product-categories")
    @route(scope="products", content_type=CT)
    def v5_list_categories() -> Response:
        return _list("v5", "product-categories")

    @bp.post("/v5/product-categories")
    @route(scope="products", content_type=CT, body=True)
    def v5_create_category() -> Response:
        data = load_body(_v5_create)
        return _json(categories.create(brand(), categories.v5_category_id(data, warn), data))

    @bp.get("/v5/product-categories/<category_id>")
    @route(scope="products", content_type=CT)
    def v5_get_category(category_id: str) -> Response:
        return _json(categories.get(brand(), category_id))

    @bp.put("/v5/product-categories/<category_id>")
    @route(scope="products", content_type=CT, body=True)
    def v5_replace_category(category_id: str) -> Response:
        return _json(categories.replace(brand(), category_id, load_body(_v5_replace), warn))

    @bp.patch("/v5/product-categories/<category_id>")
    @route(scope="products", content_type=CT, body=True)
    def v5_patch_category(category_id: str) -> Response:
        return _json(categories.patch(brand(), category_id, load_body(_v5_patch), warn))

    @bp.delete("/v5/product-categories/<category_id>")
    @route(scope="products", content_type=CT)
    def v5_delete_category(category_id: str) -> Response:
        categories.delete(brand(), category_id)
        return empty_response(204)
