"""v3 categories (omnisend.md §3.3, §5.3, §7 #5-#8, #14)."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_server.core.context import MockContext
from mock_server.omnisend import constants as C
from tests.conftest import OMNISEND, snapshot
from tests.omnisend.catalog import BASE, NOW, bad_params, error, follow, invalid_body
from tests.omnisend.contract import PAGING_NULL_LINKS, check, within

BY_CREATED = ["cat-clothing", "cat-camp-kitchen", "cat-footwear", "cat-backpacks", "cat-sleeping-bags", "cat-tents"]
BY_UPDATED = ["cat-clothing", "cat-sleeping-bags", "cat-footwear", "cat-camp-kitchen", "cat-backpacks", "cat-tents"]
BY_TITLE = ["cat-backpacks", "cat-camp-kitchen", "cat-clothing", "cat-footwear", "cat-sleeping-bags", "cat-tents"]


def _ids(response: Any) -> list[str]:
    return [c["categoryID"] for c in response.get_json()["categories"]]


def test_create_answers_the_category_id(client: FlaskClient) -> None:
    response = client.post("/v3/categories", json={"categoryID": "cat-climbing", "title": "Climbing"},
                           headers=OMNISEND)
    assert response.status_code == 200
    assert response.get_json() == {"categoryID": "cat-climbing"}  # recorded; the OAS3 example says productID
    assert response.headers["Content-Type"] == C.CT_JSON_UTF8
    assert check(response, "POST", "/categories") == set()


def test_created_category_renders_the_recorded_shape(client: FlaskClient) -> None:
    client.post("/v3/categories", json={"categoryID": "cat-climbing", "title": "Climbing"}, headers=OMNISEND)
    response = client.get("/v3/categories/cat-climbing", headers=OMNISEND)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == C.CT_JSON_UTF8
    body = response.get_json()
    assert list(body) == ["categoryID", "title", "createdAt", "updatedAt"]
    assert body == {"categoryID": "cat-climbing", "title": "Climbing", "createdAt": NOW, "updatedAt": NOW}
    assert check(response, "GET", "/categories/cat-climbing") == set()


def test_create_keeps_given_timestamps(client: FlaskClient) -> None:
    client.post("/v3/categories", json={"categoryID": "c", "title": "C", "createdAt": "2020-01-01T00:00:00Z",
                                        "updatedAt": "2020-01-02T00:00:00Z"}, headers=OMNISEND)
    body = client.get("/v3/categories/c", headers=OMNISEND).get_json()
    assert (body["createdAt"], body["updatedAt"]) == ("2020-01-01T00:00:00Z", "2020-01-02T00:00:00Z")


def test_create_existing_category_is_the_recorded_422(client: FlaskClient, mock: MockContext) -> None:
    before = snapshot(mock)
    response = client.post("/v3/categories", json={"categoryID": "cat-tents", "title": "Tents"}, headers=OMNISEND)
    assert response.status_code == 422
    assert response.get_json() == error("Category with categoryID 'cat-tents' exists. Use PUT method to overwrite it.")
    assert snapshot(mock) == before


@pytest.mark.parametrize(("body", "fields"), [
    ({}, ["categoryID: field required but not found in Json", "title: field required but not found in Json"]),
    ({"categoryID": 1, "title": "x"}, ["categoryID: invalid type, expected string"]),
    ({"categoryID": "c", "title": "x", "createdAt": "2024-13-01"},
     ["createdAt: invalid format, expected RFC 3339 date-time"]),
])
def test_create_with_an_invalid_body_is_400(client: FlaskClient, mock: MockContext, body: dict[str, Any],
                                            fields: list[str]) -> None:
    before = snapshot(mock)
    response = client.post("/v3/categories", json=body, headers=OMNISEND)
    assert response.status_code == 400
    assert response.get_json() == invalid_body(*fields)
    assert snapshot(mock) == before


def test_get_missing_category_is_the_recorded_422(client: FlaskClient) -> None:
    response = client.get("/v3/categories/category-404", headers=OMNISEND)
    assert response.status_code == 422
    assert response.get_json() == error("Category with 'category-404' categoryID not found")
    assert response.headers["Content-Type"] == C.CT_JSON_UTF8


def test_put_replaces_and_resets_an_omitted_created_at(client: FlaskClient, mock: MockContext) -> None:
    mock.clock.advance(3600)
    response = client.put("/v3/categories/cat-tents", json={"title": "Tents & Shelters"}, headers=OMNISEND)
    assert response.status_code == 200
    assert response.get_json() == {"categoryID": "cat-tents"}
    assert check(response, "PUT", "/categories/cat-tents") == set()
    body = client.get("/v3/categories/cat-tents", headers=OMNISEND).get_json()
    assert body == {"categoryID": "cat-tents", "title": "Tents & Shelters", "createdAt": "2026-01-01T01:00:00.000Z",
                    "updatedAt": "2026-01-01T01:00:00.000Z"}


def test_put_keeps_given_timestamps(client: FlaskClient) -> None:
    client.put("/v3/categories/cat-tents", json={"title": "T", "createdAt": "2019-01-01T00:00:00Z",
                                                 "updatedAt": "2019-02-01T00:00:00Z"}, headers=OMNISEND)
    body = client.get("/v3/categories/cat-tents", headers=OMNISEND).get_json()
    assert (body["createdAt"], body["updatedAt"]) == ("2019-01-01T00:00:00Z", "2019-02-01T00:00:00Z")


def test_put_with_a_different_body_id_uses_the_path_and_warns(client: FlaskClient) -> None:
    response = client.put("/v3/categories/cat-tents", json={"categoryID": "cat-x", "title": "T"}, headers=OMNISEND)
    assert response.get_json() == {"categoryID": "cat-tents"}
    assert response.headers["X-Mock-Warnings"] == "categoryID: differs from the path, path value used"
    assert client.get("/v3/categories/cat-x", headers=OMNISEND).status_code == 422


def test_put_missing_category_is_the_recorded_422(client: FlaskClient, mock: MockContext) -> None:
    before = snapshot(mock)
    response = client.put("/v3/categories/category-404", json={"title": "x"}, headers=OMNISEND)
    assert response.status_code == 422
    assert response.get_json() == error("Category with categoryID 'category-404' doesn't exist")
    assert snapshot(mock) == before


def test_put_without_title_is_400(client: FlaskClient, mock: MockContext) -> None:
    before = snapshot(mock)
    response = client.put("/v3/categories/cat-tents", json={}, headers=OMNISEND)
    assert response.status_code == 400
    assert response.get_json() == invalid_body("title: field required but not found in Json")
    assert snapshot(mock) == before


def test_delete_is_204_then_gone(client: FlaskClient) -> None:
    response = client.delete("/v3/categories/cat-tents", headers=OMNISEND)
    assert response.status_code == 204
    assert response.get_data() == b""
    assert client.get("/v3/categories/cat-tents", headers=OMNISEND).status_code == 422


def test_delete_missing_category_is_the_recorded_422(client: FlaskClient, mock: MockContext) -> None:
    before = snapshot(mock)
    response = client.delete("/v3/categories/category-404", headers=OMNISEND)
    assert response.status_code == 422
    assert response.get_json() == error("Category with categoryID 'category-404' doesn't exist")
    assert snapshot(mock) == before


def test_list_without_parameters_uses_the_common_paging_not_the_recorded_quirk(client: FlaskClient) -> None:
    response = client.get("/v3/categories", headers=OMNISEND)
    assert response.headers["Content-Type"] == C.CT_JSON_UTF8
    assert _ids(response) == BY_CREATED
    assert response.get_json()["paging"] == {"previous": None, "next": None, "offset": 0, "limit": 100}
    deviations = check(response, "GET", "/categories")
    assert deviations == PAGING_NULL_LINKS


def test_list_pages_follow_the_links(client: FlaskClient) -> None:
    ids, pagings = follow(client, "/v3/categories?sort=title&limit=2", "categories", "categoryID")
    assert ids == BY_TITLE
    assert pagings[1] == {"previous": f"{BASE}/v3/categories?sort=title&limit=2&offset=0",
                          "next": f"{BASE}/v3/categories?sort=title&limit=2&offset=4", "offset": 2, "limit": 2}
    middle = client.get(pagings[0]["next"], headers=OMNISEND)
    assert within(check(middle, "GET", "/categories", query="sort=title&limit=2&offset=2"), set())


@pytest.mark.parametrize(("sort", "expected"), [("title", BY_TITLE), ("createdAt", BY_CREATED),
                                                ("updatedAt", BY_UPDATED)])
def test_list_sorts_by_each_key(client: FlaskClient, sort: str, expected: list[str]) -> None:
    ids, _ = follow(client, f"/v3/categories?sort={sort}&limit=4", "categories", "categoryID")
    assert ids == expected


def test_title_sort_compares_code_points_case_sensitively(client: FlaskClient) -> None:
    for category in BY_TITLE:
        client.delete(f"/v3/categories/{category}", headers=OMNISEND)
    for category_id, title in (("u", "\u00c4rm"), ("l", "apple"), ("z", "Zebra"), ("b", "Bear")):
        client.post("/v3/categories", json={"categoryID": category_id, "title": title}, headers=OMNISEND)
    assert _ids(client.get("/v3/categories?sort=title", headers=OMNISEND)) == ["b", "z", "l", "u"]


def test_title_ties_break_by_internal_id_ascending_and_dates_descending(client: FlaskClient) -> None:
    for category_id in ("t1", "t2", "t3"):
        client.post("/v3/categories", json={"categoryID": category_id, "title": "Same"}, headers=OMNISEND)
    titles = _ids(client.get("/v3/categories?sort=title", headers=OMNISEND))
    assert [c for c in titles if c.startswith("t") and len(c) == 2] == ["t1", "t2", "t3"]
    for sort in ("createdAt", "updatedAt"):
        assert _ids(client.get(f"/v3/categories?sort={sort}&limit=3", headers=OMNISEND)) == ["t3", "t2", "t1"]


@pytest.mark.parametrize(("limit", "count"), [("1", 1), ("250", 6)])
def test_list_limit_bounds_accepted(client: FlaskClient, limit: str, count: int) -> None:
    assert len(_ids(client.get(f"/v3/categories?limit={limit}", headers=OMNISEND))) == count


@pytest.mark.parametrize(("query", "fields"), [
    ("limit=0", ["limit: must be an integer between 1 and 250"]),
    ("limit=251", ["limit: must be an integer between 1 and 250"]),
    ("offset=x", ["offset: must be an integer >= 0"]),
    ("sort=name", ["sort: unsupported value 'name', allowed: title, createdAt, updatedAt"]),
])
def test_list_bad_query_is_400(client: FlaskClient, query: str, fields: list[str]) -> None:
    response = client.get(f"/v3/categories?{query}", headers=OMNISEND)
    assert response.status_code == 400
    assert response.get_json() == bad_params(*fields)
