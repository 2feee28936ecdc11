"""v5 product-categories (omnisend.md §4): the v3 category store with v5 input rules."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_server.core.context import MockContext
from mock_server.omnisend import constants as C
from tests.conftest import OMNISEND, snapshot
from tests.omnisend.catalog import BASE, NOW, bad_params, error, follow, invalid_body

BY_TITLE = ["cat-backpacks", "cat-camp-kitchen", "cat-clothing", "cat-footwear", "cat-sleeping-bags", "cat-tents"]
BY_CREATED = ["cat-clothing", "cat-camp-kitchen", "cat-footwear", "cat-backpacks", "cat-sleeping-bags", "cat-tents"]


def _get(client: FlaskClient, category_id: str, version: str = "v5") -> dict[str, Any]:
    path = "product-categories" if version == "v5" else "categories"
    body: dict[str, Any] = client.get(f"/{version}/{path}/{category_id}", headers=OMNISEND).get_json()
    return body


def test_create_answers_the_category_id_and_v3_sees_it(client: FlaskClient) -> None:
    response = client.post("/v5/product-categories", json={"categoryID": "cat-climbing", "title": "Climbing"},
                           headers=OMNISEND)
    assert response.status_code == 200
    assert response.get_json() == {"categoryID": "cat-climbing"}
    assert response.headers["Content-Type"] == C.CT_JSON_UTF8
    expected = {"categoryID": "cat-climbing", "title": "Climbing", "createdAt": NOW, "updatedAt": NOW}
    assert _get(client, "cat-climbing") == expected
    assert _get(client, "cat-climbing", "v3") == expected


def test_create_accepts_the_category_id_alias(client: FlaskClient) -> None:
    response = client.post("/v5/product-categories", json={"categoryId": "cat-alias", "title": "Alias"},
                           headers=OMNISEND)
    assert response.get_json() == {"categoryID": "cat-alias"}
    assert _get(client, "cat-alias")["title"] == "Alias"


def test_category_id_wins_over_a_different_alias(client: FlaskClient) -> None:
    response = client.post("/v5/product-categories", json={"categoryID": "a", "categoryId": "b", "title": "T"},
                           headers=OMNISEND)
    assert response.get_json() == {"categoryID": "a"}
    assert response.headers["X-Mock-Warnings"] == "categoryId: ignored, categoryID used"


@pytest.mark.parametrize(("body", "status", "expected"), [
    ({"title": "x"}, 400, invalid_body("categoryID: field required but not found in Json")),
    ({"categoryID": "", "title": "x"}, 400, invalid_body("categoryID: length must be between 1 and 100")),
    ({"categoryId": "c" * 101, "title": "t" * 256}, 400,
     invalid_body("categoryId: length must be between 1 and 100", "title: length must be between 0 and 255")),
    ({"categoryID": "c"}, 400, invalid_body("title: field required but not found in Json")),
    ({"categoryID": "cat-tents", "title": "x"}, 422,
     error("Category with categoryID 'cat-tents' exists. Use PUT method to overwrite it.")),
])
def test_create_failures_change_nothing(client: FlaskClient, mock: MockContext, body: dict[str, Any], status: int,
                                        expected: dict[str, Any]) -> None:
    before = snapshot(mock)
    response = client.post("/v5/product-categories", json=body, headers=OMNISEND)
    assert response.status_code == status
    assert response.get_json() == expected
    assert snapshot(mock) == before


def test_edge_lengths_are_accepted(client: FlaskClient) -> None:
    response = client.post("/v5/product-categories", json={"categoryID": "c" * 100, "title": "t" * 255},
                           headers=OMNISEND)
    assert response.status_code == 200


def test_get_missing_category_is_422(client: FlaskClient) -> None:
    response = client.get("/v5/product-categories/category-404", headers=OMNISEND)
    assert response.status_code == 422
    assert response.get_json() == error("Category with 'category-404' categoryID not found")


def test_patch_changes_only_the_title(client: FlaskClient, mock: MockContext) -> None:
    mock.clock.advance(60)
    response = client.patch("/v5/product-categories/cat-tents", json={"title": "Shelters"}, headers=OMNISEND)
    assert response.status_code == 200
    assert response.get_json() == {"categoryID": "cat-tents"}
    assert _get(client, "cat-tents") == {"categoryID": "cat-tents", "title": "Shelters",
                                         "createdAt": "2024-01-20T09:00:00.000Z",
                                         "updatedAt": "2026-01-01T00:01:00.000Z"}


def test_patch_with_a_different_body_id_warns(client: FlaskClient) -> None:
    response = client.patch("/v5/product-categories/cat-tents", json={"categoryId": "x"}, headers=OMNISEND)
    assert response.headers["X-Mock-Warnings"] == "categoryId: differs from the path, path value used"
    assert _get(client, "cat-tents")["title"] == "Tents"


def test_put_replaces_and_resets_created_at(client: FlaskClient, mock: MockContext) -> None:
    mock.clock.advance(60)
    response = client.put("/v5/product-categories/cat-tents", json={"title": "Shelters"}, headers=OMNISEND)
    assert response.get_json() == {"categoryID": "cat-tents"}
    assert _get(client, "cat-tents") == {"categoryID": "cat-tents", "title": "Shelters",
                                         "createdAt": "2026-01-01T00:01:00.000Z",
                                         "updatedAt": "2026-01-01T00:01:00.000Z"}


@pytest.mark.parametrize(("method", "path", "body", "status", "expected"), [
    ("patch", "category-404", {"title": "x"}, 422, error("Category with categoryID 'category-404' doesn't exist")),
    ("put", "category-404", {"title": "x"}, 422, error("Category with categoryID 'category-404' doesn't exist")),
    ("delete", "category-404", None, 422, error("Category with categoryID 'category-404' doesn't exist")),
    ("patch", "cat-tents", {"title": 5}, 400, invalid_body("title: invalid type, expected string")),
    ("put", "cat-tents", {}, 400, invalid_body("title: field required but not found in Json")),
])
def test_change_failures_change_nothing(client: FlaskClient, mock: MockContext, method: str, path: str,
                                        body: dict[str, Any] | None, status: int, expected: dict[str, Any]) -> None:
    before = snapshot(mock)
    response = getattr(client, method)(f"/v5/product-categories/{path}", json=body, headers=OMNISEND)
    assert response.status_code == status
    assert response.get_json() == expected
    assert snapshot(mock) == before


def test_delete_is_204(client: FlaskClient) -> None:
    response = client.delete("/v5/product-categories/cat-tents", headers=OMNISEND)
    assert (response.status_code, response.get_data()) == (204, b"")
    assert client.get("/v3/categories/cat-tents", headers=OMNISEND).status_code == 422


def test_list_pages_follow_the_links(client: FlaskClient) -> None:
    ids, pagings = follow(client, "/v5/product-categories?sort=title&limit=2", "categories", "categoryID")
    assert ids == BY_TITLE
    assert pagings[0]["next"] == f"{BASE}/v5/product-categories?sort=title&limit=2&offset=2"


def test_list_default_is_newest_first(client: FlaskClient) -> None:
    body = client.get("/v5/product-categories", headers=OMNISEND).get_json()
    assert [c["categoryID"] for c in body["categories"]] == BY_CREATED
    assert body["paging"] == {"previous": None, "next": None, "offset": 0, "limit": 100}


@pytest.mark.parametrize(("limit", "count"), [("1", 1), ("250", 6)])
def test_list_limit_bounds_accepted(client: FlaskClient, limit: str, count: int) -> None:
    body = client.get(f"/v5/product-categories?limit={limit}", headers=OMNISEND).get_json()
    assert (len(body["categories"]), body["paging"]["limit"]) == (count, int(limit))


@pytest.mark.parametrize(("query", "fields"), [
    ("limit=0", ["limit: must be an integer between 1 and 250"]),
    ("limit=251", ["limit: must be an integer between 1 and 250"]),
    ("sort=-title", ["sort: unsupported value '-title', allowed: title, createdAt, updatedAt"]),
])
def test_list_bad_query_is_400(client: FlaskClient, query: str, fields: list[str]) -> None:
    response = client.get(f"/v5/product-categories?{query}", headers=OMNISEND)
    assert response.status_code == 400
    assert response.get_json() == bad_params(*fields)
