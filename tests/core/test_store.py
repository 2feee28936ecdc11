"""Store: ordered indexes, O(limit) pages in every order, copies, lookups, exact snapshots."""

from __future__ import annotations

import pytest

from mock_server.core.ids import IdGenerator
from mock_server.core.store import IID_ORDER, Collection, CollectionSpec, Store, TenantState


def make(n: int = 5, score: list[int] | None = None) -> Collection:
    spec = CollectionSpec(sort_keys={"score": lambda r: r.get("score")},
                          lookups={"email": lambda r: [r["email"]] if "email" in r else []})
    col = Collection(spec)
    scores = score or list(range(n))
    for i in range(n):
        col.insert(f"k{i + 1}", {"id": f"k{i + 1}", "score": scores[i], "email": f"u{i + 1}@x.com"})
    return col


def ids(page_items: list[dict[str, object]]) -> list[object]:
    return [item["id"] for item in page_items]


def test_internal_ids_are_monotonic_and_kept_on_replace() -> None:
    col = make(3)
    assert [col.iid(k) for k in ("k1", "k2", "k3")] == [1, 2, 3]
    col.replace("k1", {"id": "k1", "score": 99})
    assert col.iid("k1") == 1
    col.delete("k2")
    col.insert("k4", {"id": "k4", "score": 0})
    assert col.iid("k4") == 4


def test_duplicate_insert_is_refused() -> None:
    col = make(1)
    with pytest.raises(KeyError):
        col.insert("k1", {"id": "k1"})


@pytest.mark.parametrize(("offset", "limit", "expected", "before", "after"), [
    (0, 2, ["k1", "k2"], False, True),
    (2, 2, ["k3", "k4"], True, True),
    (4, 2, ["k5"], True, False),
    (6, 2, [], True, False),
    (0, 5, ["k1", "k2", "k3", "k4", "k5"], False, False),
    (0, 1, ["k1"], False, True),
])
def test_offset_pages_ascending(offset: int, limit: int, expected: list[str], before: bool, after: bool) -> None:
    page = make().page_offset(IID_ORDER, False, offset, limit)
    assert (ids(page.items), page.has_before, page.has_after) == (expected, before, after)


def test_offset_pages_descending_by_sort_key_with_ties_by_internal_id() -> None:
    col = make(5, score=[10, 20, 10, 30, 20])
    page = col.page_offset("score", True, 0, 5)
    # score DESC, ties by internal id DESC (same direction)
    assert ids(page.items) == ["k4", "k5", "k2", "k3", "k1"]
    page = col.page_offset("score", False, 0, 5)
    assert ids(page.items) == ["k1", "k3", "k2", "k5", "k4"]


def test_absent_sort_values_sort_before_present_ones() -> None:
    col = Collection(CollectionSpec(sort_keys={"score": lambda r: r.get("score")}))
    col.insert("a", {"id": "a", "score": 5})
    col.insert("b", {"id": "b"})
    assert ids(col.page_offset("score", False, 0, 10).items) == ["b", "a"]


def test_predicate_pages_skip_and_detect_more() -> None:
    col = make(6)
    even = lambda r: int(str(r["id"])[1:]) % 2 == 0  # noqa: E731
    first = col.page_offset(IID_ORDER, False, 0, 2, even)
    assert (ids(first.items), first.has_after) == (["k2", "k4"], True)
    last = col.page_offset(IID_ORDER, False, 2, 2, even)
    assert (ids(last.items), last.has_before, last.has_after) == (["k6"], True, False)


def test_cursor_pages_walk_forward_and_back() -> None:
    col = make(5)
    first = col.page_cursor(IID_ORDER, True, 2)
    assert (ids(first.items), first.has_before, first.has_after) == (["k5", "k4"], False, True)
    second = col.page_cursor(IID_ORDER, True, 2, after=first.positions[-1])
    assert (ids(second.items), second.has_before, second.has_after) == (["k3", "k2"], True, True)
    back = col.page_cursor(IID_ORDER, True, 2, before=second.positions[0])
    assert (ids(back.items), back.has_before, back.has_after) == (["k5", "k4"], False, True)
    last = col.page_cursor(IID_ORDER, True, 2, after=second.positions[-1])
    assert (ids(last.items), last.has_after) == (["k1"], False)


def test_reads_are_copies() -> None:
    col = make(1)
    got = col.get("k1")
    assert got is not None
    got["score"] = 1000
    page = col.page_offset(IID_ORDER, False, 0, 1)
    page.items[0]["email"] = "changed"
    assert col.get("k1") == {"id": "k1", "score": 0, "email": "u1@x.com"}


def test_writes_store_copies() -> None:
    col = Collection()
    data = {"id": "a", "nested": {"x": [1]}}
    col.insert("a", data)
    data["nested"]["x"].append(2)
    assert col.get("a") == {"id": "a", "nested": {"x": [1]}}


def test_lookups_follow_writes() -> None:
    col = make(2)
    assert col.find("email", "u1@x.com") == ["k1"]
    col.replace("k1", {"id": "k1", "score": 0, "email": "new@x.com"})
    assert col.find("email", "u1@x.com") == []
    assert col.find("email", "new@x.com") == ["k1"]
    col.delete("k1")
    assert col.find("email", "new@x.com") == []


def test_rekey_keeps_position_and_lookups() -> None:
    col = make(3)
    col.rekey("k2", "kk")
    assert col.keys() == ["k1", "kk", "k3"]
    assert col.find("email", "u2@x.com") == ["kk"]


def test_tenant_snapshot_restores_exactly() -> None:
    spec = {"items": CollectionSpec(sort_keys={"score": lambda r: r.get("score")})}
    tenant = TenantState("v", "t", {"name": "x"}, IdGenerator(1), spec)
    tenant.collection("items").insert("a", {"score": 2})
    tenant.extra["log"] = [1]
    store = Store()
    store.add(tenant)
    first_ids = [tenant.ids.hex() for _ in range(2)]
    tenant.collection("items").insert("b", {"score": 1})
    tenant.collection("items").replace("a", {"score": 9})
    tenant.extra["log"].append(2)
    tenant.config["name"] = "changed"
    store.reset("v", "t")
    items = tenant.collection("items")
    assert items.keys() == ["a"] and items.get("a") == {"score": 2} and items.iid("a") == 1
    assert tenant.extra == {"log": [1]} and tenant.config == {"name": "x"}
    assert [tenant.ids.hex() for _ in range(2)] == first_ids  # the id generator rewinds too
    items.insert("c", {"score": 0})
    assert items.iid("c") == 2  # the internal id counter is restored
    assert [i["score"] for i in items.page_offset("score", False, 0, 5).items] == [0, 2]
