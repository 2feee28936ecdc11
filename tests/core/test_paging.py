"""Paging: limit/offset bounds, sort keys, filters and links, driven by a ListSpec."""

from __future__ import annotations

import pytest

from mock_server.core.cursor import CursorCodec
from mock_server.core.errors import InvalidParameters
from mock_server.core.filters import FilterSpec
from mock_server.core.paging import ListSpec, link, parse_list_query, run_list
from mock_server.core.store import Collection, CollectionSpec

CODEC = CursorCodec(b"k")
OFFSET = ListSpec(name="products", sort_keys={"createdAt": True, "title": False}, default_order="createdAt",
                  default_descending=True,
                  filters=(FilterSpec("vendor", "exact"), FilterSpec("status", "enum", choices=("a", "b")),
                           FilterSpec("active", "bool"), FilterSpec("dateFrom", "date_from", getter=lambda r: r["at"]),
                           FilterSpec("dateTo", "date_to", getter=lambda r: r["at"])))
CURSOR = ListSpec(name="contacts", style="cursor", default_order="createdAt", default_descending=True)


def products(n: int = 5) -> Collection:
    col = Collection(CollectionSpec(sort_keys={"createdAt": lambda r: r["n"], "title": lambda r: r["title"]}))
    for i in range(1, n + 1):
        col.insert(f"p{i}", {"id": f"p{i}", "n": i, "title": f"T{6 - i}", "vendor": "Acme" if i % 2 else "Other",
                             "status": "a", "active": i != 2, "at": f"2024-01-0{i}T12:00:00Z"})
    return col


def query(spec: ListSpec, qs: list[tuple[str, str]]) -> object:
    return parse_list_query(spec, qs, CODEC)


@pytest.mark.parametrize("value", ["0", "251", "-1", "abc", "1.5", "", " 5"])
def test_bad_limit(value: str) -> None:
    with pytest.raises(InvalidParameters) as exc:
        parse_list_query(OFFSET, [("limit", value)], CODEC)
    assert exc.value.fields == [("limit", "must be an integer between 1 and 250")]


@pytest.mark.parametrize(("value", "expected"), [("1", 1), ("250", 250), ("100", 100)])
def test_good_limit(value: str, expected: int) -> None:
    assert parse_list_query(OFFSET, [("limit", value)], CODEC).limit == expected


def test_default_limit_and_offset() -> None:
    parsed = parse_list_query(OFFSET, [], CODEC)
    assert (parsed.limit, parsed.offset) == (100, 0)


@pytest.mark.parametrize("value", ["-1", "x", "1e3"])
def test_bad_offset(value: str) -> None:
    with pytest.raises(InvalidParameters) as exc:
        parse_list_query(OFFSET, [("offset", value)], CODEC)
    assert exc.value.fields == [("offset", "must be an integer >= 0")]


def test_unsupported_sort_key() -> None:
    with pytest.raises(InvalidParameters) as exc:
        parse_list_query(OFFSET, [("sort", "-createdAt")], CODEC)
    assert exc.value.fields == [("sort", "unsupported value '-createdAt', allowed: createdAt, title")]


def test_all_problems_are_reported_together() -> None:
    with pytest.raises(InvalidParameters) as exc:
        parse_list_query(OFFSET, [("limit", "0"), ("offset", "x"), ("status", "zzz")], CODEC)
    assert [name for name, _ in exc.value.fields] == ["limit", "offset", "status"]


def test_sort_direction_is_fixed_per_key() -> None:
    col = products()
    page = run_list(OFFSET, col, parse_list_query(OFFSET, [("sort", "title")], CODEC), CODEC)
    assert [p["title"] for p in page.items] == ["T1", "T2", "T3", "T4", "T5"]
    page = run_list(OFFSET, col, parse_list_query(OFFSET, [], CODEC), CODEC)
    assert [p["id"] for p in page.items] == ["p5", "p4", "p3", "p2", "p1"]


def test_filters_combine_with_and_and_validate() -> None:
    col = products()
    parsed = parse_list_query(OFFSET, [("vendor", "Acme"), ("active", "true")], CODEC)
    assert [p["id"] for p in run_list(OFFSET, col, parsed, CODEC).items] == ["p5", "p3", "p1"]
    with pytest.raises(InvalidParameters) as exc:
        parse_list_query(OFFSET, [("active", "yes")], CODEC)
    assert exc.value.fields == [("active", "invalid value, allowed values: true, false")]
    with pytest.raises(InvalidParameters) as exc:
        parse_list_query(OFFSET, [("status", "c")], CODEC)
    assert exc.value.fields == [("status", "invalid value, allowed values: a, b")]


def test_date_filters_cover_whole_days_and_exact_datetimes() -> None:
    col = products()
    parsed = parse_list_query(OFFSET, [("dateFrom", "2024-01-02"), ("dateTo", "2024-01-04")], CODEC)
    assert [p["id"] for p in run_list(OFFSET, col, parsed, CODEC).items] == ["p4", "p3", "p2"]
    parsed = parse_list_query(OFFSET, [("dateFrom", "2024-01-02T12:00:01Z")], CODEC)
    assert [p["id"] for p in run_list(OFFSET, col, parsed, CODEC).items] == ["p5", "p4", "p3"]
    with pytest.raises(InvalidParameters) as exc:
        parse_list_query(OFFSET, [("dateTo", "02/01/2024")], CODEC)
    assert exc.value.fields == [("dateTo", "invalid format, expected YYYY-MM-DD or RFC 3339 date-time")]


def test_offset_links() -> None:
    col = products()
    parsed = parse_list_query(OFFSET, [("limit", "2"), ("offset", "2")], CODEC)
    result = run_list(OFFSET, col, parsed, CODEC)
    assert (result.previous, result.next) == ({"limit": "2", "offset": "0"}, {"limit": "2", "offset": "4"})
    parsed = parse_list_query(OFFSET, [("limit", "2"), ("offset", "4")], CODEC)
    result = run_list(OFFSET, col, parsed, CODEC)
    assert (result.previous, result.next) == ({"limit": "2", "offset": "2"}, None)
    parsed = parse_list_query(OFFSET, [("limit", "2"), ("offset", "10")], CODEC)
    result = run_list(OFFSET, col, parsed, CODEC)
    assert (result.items, result.previous is not None, result.next) == ([], True, None)


def test_cursor_round_trip_and_filter_binding() -> None:
    col = products()
    first = run_list(CURSOR, col, parse_list_query(CURSOR, [("limit", "2")], CODEC), CODEC)
    assert first.next is not None and first.previous is None
    second_q = parse_list_query(CURSOR, [("limit", "2"), ("after", first.next["after"])], CODEC)
    second = run_list(CURSOR, col, second_q, CODEC)
    assert [p["id"] for p in second.items] == ["p3", "p2"] and second.offset == 2
    other = ListSpec(name="contacts", style="cursor", default_order="createdAt", default_descending=True,
                     filters=(FilterSpec("vendor", "exact"),))
    with pytest.raises(InvalidParameters) as exc:
        parse_list_query(other, [("vendor", "Acme"), ("after", first.next["after"])], CODEC)
    assert exc.value.fields == [("after", "invalid cursor")]
    with pytest.raises(InvalidParameters) as exc:
        parse_list_query(CURSOR, [("after", "x"), ("before", "y")], CODEC)
    assert exc.value.fields == [("after, before", "cannot be used together")]


def test_link_keeps_other_parameters_in_order_and_replaces_in_place() -> None:
    args = [("sort", "updatedAt"), ("vendor", "Acme"), ("limit", "2")]
    assert link("http://h:1/", "/v3/products", args, {"limit": "2", "offset": "2"}) == \
        "http://h:1/v3/products?sort=updatedAt&vendor=Acme&limit=2&offset=2"
    args = [("offset", "4"), ("email", "a+b@x.com")]
    assert link("http://h", "/v3/products", args, {"limit": "100", "offset": "2"}) == \
        "http://h/v3/products?offset=2&email=a%2Bb%40x.com&limit=100"
    args = [("before", "T1"), ("limit", "2")]
    assert link("http://h", "/v3/contacts", args, {"limit": "2", "after": "T2"}) == \
        "http://h/v3/contacts?after=T2&limit=2"
