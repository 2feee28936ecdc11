"""Paging, sorting and filtering of 2026-03-15 (reference 2026 §3): cursors that carry their query and
stay valid while the data changes; offset paging where the contracts say so."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_server.core.context import MockContext
from mock_server.omnisend.v2026 import constants as C
from tests.omnisend.v2026.helpers import assert_problem, call, invalid

ALL = 12  # contacts in the demo fixtures


def _page(client: FlaskClient, query: str) -> dict[str, Any]:
    response = call(client, "GET", "/contacts", query=query)
    assert response.status_code == 200, response.get_data(as_text=True)
    body: dict[str, Any] = response.get_json()
    return body


def _ids(body: dict[str, Any]) -> list[str]:
    return [c["id"] for c in body["contacts"]]


def test_first_page_shape(client: FlaskClient) -> None:
    body = _page(client, "limit=5")
    assert len(body["contacts"]) == 5
    assert body["paging"]["limit"] == 5 and body["paging"]["hasMore"] is True
    assert body["paging"]["cursors"]["before"] is None and body["paging"]["cursors"]["after"]
    last = _page(client, "limit=250")
    assert len(last["contacts"]) == ALL
    assert last["paging"] == {"limit": 250, "hasMore": False, "cursors": {"after": None, "before": None}}


def test_cursor_alone_keeps_filters_and_sort_and_no_item_repeats_when_data_changes(client: FlaskClient,
                                                                                    mock: MockContext) -> None:
    first = _page(client, "limit=3&tag=newsletter&sort=createdAt&direction=asc")
    seen = _ids(first)
    after = first["paging"]["cursors"]["after"]
    # Contacts added between pages (newest last in ascending order) neither repeat nor hide others.
    for n in range(3):
        mock.clock.advance(1)
        call(client, "POST", "/contacts", json={"identifiers": [{"type": "email", "id": f"n{n}@example.com"}],
                                                "tags": ["newsletter"]})
    while after:
        body = _page(client, f"after={after}&limit=3")
        seen += _ids(body)
        after = body["paging"]["cursors"]["after"]
        assert body["paging"]["hasMore"] is (after is not None)
    expected = [c["id"] for c in _page(client, "limit=250&tag=newsletter&sort=createdAt&direction=asc")["contacts"]]
    assert seen == expected and len(set(seen)) == len(seen)


def test_before_cursor_walks_back(client: FlaskClient) -> None:
    first = _page(client, "limit=4")
    second = _page(client, f"after={first['paging']['cursors']['after']}")
    back = _page(client, f"before={second['paging']['cursors']['before']}")
    assert _ids(back) == _ids(first)


def test_resending_the_same_filters_is_allowed_changing_them_is_400(client: FlaskClient) -> None:
    first = _page(client, "limit=2&status=subscribed")
    after = first["paging"]["cursors"]["after"]
    assert _page(client, f"limit=2&status=subscribed&after={after}")["contacts"]
    response = call(client, "GET", "/contacts", query=f"limit=2&status=unsubscribed&after={after}")
    assert_problem(response, invalid(response, ("after", "invalid_value", C.DETAIL_CURSOR_FILTERS),
                                     detail=C.DETAIL_CURSOR_FILTERS))


@pytest.mark.parametrize(("query", "errors"), [
    ("limit=0", [("limit", "invalid_value", "must be an integer between 1 and 250")]),
    ("limit=251", [("limit", "invalid_value", "must be an integer between 1 and 250")]),
    ("limit=x", [("limit", "invalid_value", "must be an integer between 1 and 250")]),
    ("after=abc&before=def", [("after", "invalid_value", "cannot be used together with before")]),
    ("after=forged", [("after", "invalid_value", "invalid cursor")]),
    ("sort=name", [("sort", "invalid_value", "invalid value, allowed values: createdAt, updatedAt")]),
    ("direction=asc", [("direction", "invalid_value", "must be used together with sort")]),
    ("sort=createdAt&direction=up", [("direction", "invalid_value", "invalid value, allowed values: asc, desc")]),
    ("status=gone", [("status", "invalid_value",
                      "invalid value, allowed values: subscribed, unsubscribed, nonSubscribed")]),
    ("tag=vip&status=subscribed", [("tag", "invalid_value", "cannot be used together with status")]),
    ("updatedAtFrom=2024-01-01&email=a%40b.c", [("updatedAtFrom", "invalid_value",
                                                 "cannot be used together with email")]),
    ("updatedAtFrom=yesterday", [("updatedAtFrom", "invalid_format",
                                  "invalid format, expected YYYY-MM-DD or RFC 3339 date-time")]),
])
def test_list_query_errors(client: FlaskClient, query: str, errors: list[tuple[str, str, str]]) -> None:
    response = call(client, "GET", "/contacts", query=query)
    assert_problem(response, invalid(response, *errors))


@pytest.mark.parametrize("limit", [1, 250])
def test_limit_bounds_are_admitted(client: FlaskClient, limit: int) -> None:
    assert len(_page(client, f"limit={limit}")["contacts"]) == min(limit, ALL)


def test_filters(client: FlaskClient, mock: MockContext) -> None:
    assert _ids(_page(client, "email=anna.petraite%40example.com")) == ["65b2a0c1d2e3f4a5b6c7d000"]
    assert _ids(_page(client, "phone=%2B37060000003")) == ["65b2a0c1d2e3f4a5b6c7d003"]
    vip = _page(client, "segmentID=seg-vip")["contacts"]
    assert vip and all("vip" in c["tags"] and c["status"] == "subscribed" for c in vip)
    mock.clock.advance(3600)
    call(client, "PATCH", "/contacts/65b2a0c1d2e3f4a5b6c7d001", json={"city": "Kaunas"})
    assert _ids(_page(client, "updatedAtFrom=2026-01-01T00:30:00Z")) == ["65b2a0c1d2e3f4a5b6c7d001"]
    newest = _page(client, "sort=updatedAt&limit=1")
    assert _ids(newest) == ["65b2a0c1d2e3f4a5b6c7d001"]


def test_products_and_categories_page_by_offset(client: FlaskClient) -> None:
    first = call(client, "GET", "/products", query="limit=2").get_json()
    assert first["paging"] == {"limit": 2, "offset": 0, "next": "http://localhost/api/products?limit=2&offset=2"}
    second = call(client, "GET", "/products", query="limit=2&offset=2").get_json()
    assert second["paging"]["previous"] == "http://localhost/api/products?limit=2&offset=0"
    listed = call(client, "GET", "/product-categories", query="sort=title").get_json()["categories"]
    titles = [c["title"] for c in listed]
    assert titles == sorted(titles)
    bad = call(client, "GET", "/products", query="sort=price&direction=asc")
    assert_problem(bad, invalid(bad, ("direction", "unknown_parameter", C.MSG_UNKNOWN_PARAMETER)))
    bad_sort = call(client, "GET", "/products", query="sort=price")
    assert_problem(bad_sort, invalid(bad_sort, ("sort", "invalid_value",
                                                "invalid value, allowed values: date, createdAt, updatedAt")))
