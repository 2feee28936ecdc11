"""Bulk loading: a store filled with its ordered indexes deferred answers exactly as one filled record by
record (every page in every order, every lookup), and the fast timestamp rendering equals the slow one."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

import pytest

from mock_server.core.clock import iso_ms, iso_ms_at
from mock_server.core.collection import IID_ORDER, Collection, CollectionSpec

SPEC = CollectionSpec(
    sort_keys={"name": lambda r: r.get("name"), "score": lambda r: r.get("score"), "at": lambda r: r["at"]},
    lookups={"email": lambda r: [r["email"]] if r.get("email") else [], "tag": lambda r: r["tags"]},
)
ORDERS = (IID_ORDER, "name", "score", "at")


def _records(count: int, rng: random.Random) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for i in range(count):
        record: dict[str, Any] = {"at": rng.choice(["2024-01-01", "2024-01-02", "2023-12-31"]) + f"T{i % 24:02d}",
                                  "tags": rng.sample(["a", "b", "c", "d"], rng.randint(0, 3))}
        if rng.random() < 0.8:
            record["name"] = rng.choice(["ann", "bob", "cy", "dee", "Eve", ""])
        if rng.random() < 0.7:
            record["score"] = rng.randint(-5, 5)
        if rng.random() < 0.9:
            record["email"] = f"u{rng.randint(0, count // 2)}@x.example"  # shared by several records
        out.append((f"k{rng.randint(0, 10**9):09d}-{i}", record))
    return out


def _fill(col: Collection, ops: list[tuple[str, str, dict[str, Any]]]) -> None:
    for op, key, record in ops:
        if op == "upsert":
            col.upsert(key, record)
        elif op == "delete":
            col.delete(key)
        else:
            col.rekey(key, record["to"])


def _ops(seed: int, count: int) -> list[tuple[str, str, dict[str, Any]]]:
    """Inserts, with replaces, deletes and re-keys mixed in (as seeding a profile replaces it)."""
    rng = random.Random(seed)
    ops: list[tuple[str, str, dict[str, Any]]] = []
    live: list[str] = []
    for key, record in _records(count, rng):
        ops.append(("upsert", key, record))
        live.append(key)
        roll = rng.random()
        if roll < 0.1:
            ops.append(("upsert", rng.choice(live), {**record, "score": rng.randint(-5, 5)}))
        elif roll < 0.15:
            gone = live.pop(rng.randrange(len(live)))
            ops.append(("delete", gone, {}))
        elif roll < 0.18:
            old = live.pop(rng.randrange(len(live)))
            new = old + "-renamed"
            ops.append(("rekey", old, {"to": new}))
            live.append(new)
    return ops


def _answers(col: Collection) -> dict[str, Any]:
    """Everything a reader can ask, in every order and direction."""
    out: dict[str, Any] = {"len": len(col), "keys": col.keys(), "items": list(col.items())}
    for order in ORDERS:
        for descending in (False, True):
            pages = [col.page_offset(order, descending, offset, 7) for offset in (0, 7, 50, len(col) - 3)]
            odd = col.page_offset(order, descending, 3, 9, predicate=lambda r: r.get("score", 0) % 2 == 1)
            walked = [(pos, rec) for pos, rec in col.walk(order, descending)]
            cursor = col.page_cursor(order, descending, 5, after=walked[10][0])
            back = col.page_cursor(order, descending, 5, before=walked[20][0])
            out[f"{order}/{descending}"] = (
                [(p.items, p.positions, p.has_before, p.has_after) for p in (*pages, odd, cursor, back)], walked)
    keys: list[str] = out["keys"]
    for key in keys:
        out[f"pos/{key}"] = [col.position(key, order) for order in ORDERS]
        out[f"get/{key}"] = (col.get(key), col.iid(key))
    out["emails"] = {f"u{i}@x.example": col.find("email", f"u{i}@x.example") for i in range(len(col))}
    out["tags"] = {tag: col.find("tag", tag) for tag in "abcde"}
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_bulk_filled_collection_answers_as_one_filled_record_by_record(seed: int) -> None:
    ops = _ops(seed, 300)
    one_by_one = Collection(SPEC)
    _fill(one_by_one, ops)
    bulk = Collection(SPEC)
    bulk.defer_indexes()
    _fill(bulk, ops)
    bulk.settle_indexes()
    assert _answers(bulk) == _answers(one_by_one)
    # And both go on alike after the load.
    more = _ops(seed + 100, 40)
    _fill(bulk, more)
    _fill(one_by_one, more)
    assert _answers(bulk) == _answers(one_by_one)


def test_reads_during_a_bulk_load_are_answered_sorted() -> None:
    ops = _ops(7, 200)
    one_by_one = Collection(SPEC)
    bulk = Collection(SPEC)
    bulk.defer_indexes()
    for step in range(0, len(ops), 50):
        _fill(one_by_one, ops[step:step + 50])
        _fill(bulk, ops[step:step + 50])
        assert _answers(bulk) == _answers(one_by_one)  # sorts on the spot, later writes go in sorted
    bulk.settle_indexes()
    assert _answers(bulk) == _answers(one_by_one)


def test_a_bulk_load_on_a_filled_collection_keeps_what_it_had() -> None:
    first, second = _ops(11, 120), _ops(12, 120)
    one_by_one, bulk = Collection(SPEC), Collection(SPEC)
    _fill(one_by_one, first)
    _fill(bulk, first)
    bulk.defer_indexes()
    _fill(one_by_one, second)
    _fill(bulk, second)
    bulk.settle_indexes()
    assert _answers(bulk) == _answers(one_by_one)


def test_an_entry_removed_and_added_again_during_a_bulk_load_is_there_once() -> None:
    col = Collection(SPEC)
    col.defer_indexes()
    col.insert("a", {"at": "x", "tags": [], "score": 1})
    col.replace("a", {"at": "x", "tags": [], "score": 1})  # the same entries removed and added again
    col.replace("a", {"at": "x", "tags": [], "score": 2})
    col.insert("b", {"at": "w", "tags": []})
    col.delete("b")
    assert len(col._indexes["score"]) == 1
    col.settle_indexes()
    assert list(col._indexes["score"]) == [((1, 2), 1)]
    assert list(col._iid_index) == [((1, 1), 1)]
    assert list(col._indexes["at"]) == [((1, "x"), 1)]


def test_a_restored_dump_answers_as_the_original() -> None:
    original = Collection(SPEC)
    _fill(original, _ops(5, 250))
    restored = Collection(SPEC)
    restored.load(original.dump())
    assert _answers(restored) == _answers(original)


def test_iso_ms_at_renders_as_iso_ms_of_the_datetime() -> None:
    rng = random.Random(0)
    values = [rng.uniform(1, 4e9) for _ in range(20_000)]
    # Fractions on the rounding edges of microseconds and milliseconds, and whole seconds.
    values += [rng.randint(1, 4 * 10**9) + edge for _ in range(2_000)
               for edge in (0.0, 0.0000005, 0.0009995, 0.9999995, 0.999, 0.5)]
    values += [0.0, 1e-7, 253402300799.9999, -1.5, 1700000000.0]
    for value in values:
        assert iso_ms_at(value) == iso_ms(datetime.fromtimestamp(value, UTC)), value


def test_filter_indexes_built_in_bulk_answer_as_record_by_record() -> None:
    """Filter indexes created during a bulk load collect unsorted too, and page exactly as ones built one
    record at a time (mid-load reads included)."""
    from mock_server.core.collection import Collection, CollectionSpec, field_values

    spec = CollectionSpec(sort_keys={"name": lambda r: r.get("name")}, filters={"status": field_values("status")})
    plain, bulk = Collection(spec), Collection(spec)
    bulk.defer_indexes()
    statuses = ("a", "b", "rare")
    for n in range(300):
        record = {"name": f"n{(n * 7919) % 300:03d}", "status": statuses[0 if n % 3 else 1] if n % 50 else "rare"}
        plain.insert(f"k{n}", record)
        bulk.insert(f"k{n}", record)
        if n == 150:  # a read in the middle of the load sorts on the spot
            assert ([p.items for p in [bulk.page_offset("name", False, 0, 5, narrow=[("status", "rare")])]]
                    == [p.items for p in [plain.page_offset("name", False, 0, 5, narrow=[("status", "rare")])]])
    bulk.delete("k0")
    plain.delete("k0")
    bulk.settle_indexes()
    for status in statuses:
        for order in ("name", "_iid"):
            for descending in (False, True):
                want = plain.page_offset(order, descending, 0, 400, predicate=lambda r, s=status: r["status"] == s,
                                         narrow=[("status", status)])
                got = bulk.page_offset(order, descending, 0, 400, predicate=lambda r, s=status: r["status"] == s,
                                       narrow=[("status", status)])
                assert got.items == want.items and got.positions == want.positions
                assert len(got.items) == sum(1 for r in plain.values() if r["status"] == status)


def test_a_large_load_keeps_its_heap_out_of_the_collector(monkeypatch: pytest.MonkeyPatch) -> None:
    """A load of KEEP_FROM_RECORDS records or more is frozen (no collection walks it when the collector
    comes back on); a smaller one, as every test loads, is left to the collector."""
    import gc

    from mock_server.app import create_app
    from mock_server.core import fixtures
    from mock_server.core.context import Settings

    before = gc.get_freeze_count()
    create_app(Settings(start_workers=False))
    assert gc.get_freeze_count() == before and gc.isenabled()
    monkeypatch.setattr(fixtures, "KEEP_FROM_RECORDS", 10)
    try:
        create_app(Settings(start_workers=False))
        assert gc.get_freeze_count() > before and gc.isenabled()
    finally:
        if not before:
            gc.unfreeze()


@pytest.mark.parametrize("deferred", [True, False])
def test_insert_many_stores_what_one_insert_each_stores(deferred: bool) -> None:
    """``Collection.insert_many`` (the fixture loader's batches): the same dump (internal ids, encodings),
    answers and journal as one ``insert`` per record, also between other writes; repeated keys refused."""
    rng = random.Random(21)
    rows = _records(240, rng)
    one_by_one, bulk = Collection(SPEC), Collection(SPEC)
    _fill(one_by_one, _ops(4, 30))
    _fill(bulk, _ops(4, 30))
    if deferred:
        bulk.defer_indexes()
    version = bulk.version
    for start in range(0, len(rows), 80):
        part = rows[start:start + 80]
        for key, record in part:
            one_by_one.insert(key, record)
        bulk.insert_many([key for key, _ in part], [record for _, record in part])
        if start == 80:
            bulk.upsert(part[0][0], {**part[0][1], "score": 9})
            one_by_one.upsert(part[0][0], {**part[0][1], "score": 9})
    bulk.settle_indexes()
    assert bulk.dump() == one_by_one.dump()
    assert _answers(bulk) == _answers(one_by_one)
    assert bulk.version == one_by_one.version
    changed = bulk.changes_since(version)  # every write since, or None: a follower rebuilds
    assert changed is None or sorted(set(changed)) == sorted({key for key, _ in rows})
    with pytest.raises(KeyError):
        bulk.insert_many(["new", "new"], [{"at": "x", "tags": []}, {"at": "y", "tags": []}])
    with pytest.raises(KeyError):
        bulk.insert_many([rows[0][0]], [{"at": "x", "tags": []}])
    assert bulk.dump() == one_by_one.dump()


FILTERED = CollectionSpec(sort_keys=SPEC.sort_keys, lookups=SPEC.lookups,
                          filters={"tag": lambda r: [t for t in r["tags"] if isinstance(t, str)],
                                   "kind": lambda r: [r.get("name") or "none", r.get("name") or "none"]})


def _filter_state(col: Collection) -> dict[str, list[tuple[Any, dict[str, list[Any]]]]]:
    """Every filter index as it is held: values in their creation order, each order's entries."""
    return {name: [(value, {order: list(index) for order, index in by_order.items()})
                   for value, by_order in filtered.items()] for name, filtered in col._filtered.items()}


@pytest.mark.parametrize("deferred", [True, False])
def test_insert_many_with_filter_indexes_stores_what_one_insert_each_stores(deferred: bool) -> None:
    """A collection with filter indexes (Omnisend contacts: status, tag): ``insert_many`` makes the same filter
    index entries (values created in the same order, repeated values of one record counted once, the entry
    tuples shared with the main indexes) and every narrowed page answers as after one ``insert`` per record."""
    rng = random.Random(33)
    rows = _records(300, rng)
    for n, (_, record) in enumerate(rows):
        if n % 7 == 0:
            record["tags"] = [*record["tags"], "e", 5]  # a value new mid-load, and one the filter skips
        if n % 11 == 0:
            record["tags"] = [*record["tags"], *record["tags"]]  # repeats
    one_by_one, bulk = Collection(FILTERED), Collection(FILTERED)
    _fill(one_by_one, _ops(6, 30))
    _fill(bulk, _ops(6, 30))
    if deferred:
        bulk.defer_indexes()
        one_by_one.defer_indexes()
    for start in range(0, len(rows), 64):
        part = rows[start:start + 64]
        for key, record in part:
            one_by_one.insert(key, record)
        bulk.insert_many([key for key, _ in part], [record for _, record in part])
        if start == 64:  # a write between batches, and a read mid-load
            bulk.upsert(part[0][0], {**part[0][1], "tags": ["d", "f"]})
            one_by_one.upsert(part[0][0], {**part[0][1], "tags": ["d", "f"]})
            assert (bulk.page_offset("score", True, 0, 9, narrow=[("tag", "f")]).items
                    == one_by_one.page_offset("score", True, 0, 9, narrow=[("tag", "f")]).items)
    bulk.settle_indexes()
    one_by_one.settle_indexes()
    assert bulk.dump() == one_by_one.dump()
    assert _answers(bulk) == _answers(one_by_one)
    assert _filter_state(bulk) == _filter_state(one_by_one)
    for name, value in (("tag", "a"), ("tag", "e"), ("tag", "f"), ("kind", "none"), ("kind", "Eve")):
        for order in ORDERS:
            for descending in (False, True):
                got = bulk.page_offset(order, descending, 2, 30, narrow=[(name, value)])
                want = one_by_one.page_offset(order, descending, 2, 30, narrow=[(name, value)])
                assert (got.items, got.positions, got.has_before, got.has_after) == (
                    want.items, want.positions, want.has_before, want.has_after)
    # The filter entries are the main indexes' own tuples (a pointer each, no copies).
    main = {id(entry) for entry in bulk._indexes["score"]}
    assert all(id(entry) in main for entry in bulk._filtered["tag"]["e"]["score"])


@pytest.mark.parametrize("size", [0, 1, 999, 1000, 1001, 2500])
def test_presorted_holds_what_a_sorted_list_holds(size: int) -> None:
    """``presorted`` (a settled index whose entries came in order) builds the SortedList that sorting gives,
    internals included (it fills them as ``SortedList.update`` does; a sortedcontainers upgrade that changes
    them fails here)."""
    from sortedcontainers import SortedList

    from mock_server.core.bulkindex import presorted

    entries = [((1, n // 3), n) for n in range(size)]
    built, want = presorted(list(entries)), SortedList(entries)
    assert (built._lists, built._maxes, built._len, built._index) == (want._lists, want._maxes, want._len, want._index)
    assert list(built) == entries and len(built) == size
    built.add(((1, -1), -1))
    built.update([((1, size), size + 5), ((0, 0), 7)])
    want.add(((1, -1), -1))
    want.update([((1, size), size + 5), ((0, 0), 7)])
    assert list(built) == list(want) and built.bisect_left(((1, 5), 0)) == want.bisect_left(((1, 5), 0))


def test_a_load_in_order_settles_without_sorting(monkeypatch: pytest.MonkeyPatch) -> None:
    """Records loaded in the order of a sort key (ties included) settle that order's indexes, and its filter
    indexes, without a sort; an order that went back (a batch out of order, a write in between, an absent
    value) is sorted as before; every answer is the one a record-by-record fill gives."""
    from mock_server.core import bulkindex

    spec = CollectionSpec(sort_keys={"at": lambda r: r.get("at"), "score": lambda r: r["score"]},
                          filters={"tag": lambda r: r["tags"]})
    rng = random.Random(5)
    rows = [(f"k{n}", {"at": f"2024-01-{1 + n // 40:02d}", "score": rng.randint(0, 9),
                       "tags": rng.sample(["a", "b", "c"], rng.randint(0, 2))}) for n in range(400)]
    rows[350][1].pop("at")  # an absent value late in the load: "at" sorts from there
    presorted_sizes: list[int] = []
    real = bulkindex.presorted

    def counted(entries: list[Any]) -> Any:
        presorted_sizes.append(len(entries))
        return real(entries)

    monkeypatch.setattr(bulkindex, "presorted", counted)
    one_by_one, bulk = Collection(spec), Collection(spec)
    bulk.defer_indexes()
    for start in range(0, 300, 64):
        part = rows[start:min(start + 64, 300)]
        for key, record in part:
            one_by_one.insert(key, record)
        bulk.insert_many([key for key, _ in part], [record for _, record in part])
    bulk.settle_indexes()
    # Every index of the in-order "at" and of internal ids, filter indexes included, settled unsorted; the
    # random "score" ones were sorted.
    tags = {tag for _, record in rows[:300] for tag in record["tags"]}
    assert len(presorted_sizes) == 2 * (1 + len(tags))
    assert _answers_of(bulk, spec) == _answers_of(one_by_one, spec)

    presorted_sizes.clear()
    bulk.defer_indexes()
    for start in range(300, 400, 50):  # the absent value, then a batch going back in time
        part = rows[start:start + 50] if start == 300 else [(f"late{n}", {**r, "at": "2023-01-01"})
                                                           for n, (_, r) in enumerate(rows[start:start + 50])]
        for key, record in part:
            one_by_one.insert(key, record)
        bulk.insert_many([key for key, _ in part], [record for _, record in part])
    bulk.upsert("k3", {**rows[3][1], "score": 99})
    one_by_one.upsert("k3", {**rows[3][1], "score": 99})
    bulk.settle_indexes()
    assert 0 < len(presorted_sizes) < 3 * (1 + len(tags))  # the main "at" index went back: sorted
    assert _answers_of(bulk, spec) == _answers_of(one_by_one, spec)


def _answers_of(col: Collection, spec: CollectionSpec) -> dict[str, Any]:
    out: dict[str, Any] = {"dump": col.dump()}
    for order in (IID_ORDER, *spec.sort_keys):
        for descending in (False, True):
            out[f"{order}/{descending}"] = [(pos, rec) for pos, rec in col.walk(order, descending)]
            for tag in "abc":
                page = col.page_offset(order, descending, 1, 500, narrow=[("tag", tag)])
                out[f"{order}/{descending}/{tag}"] = (page.items, page.positions)
    return out


def test_a_dump_is_in_id_order_and_the_older_list_form_still_loads() -> None:
    """``dump`` copies the collection's table (id order); after another process's writes arrived out of
    order (``apply``) it is sorted. A dump in the list form of earlier state files loads the same."""
    col = Collection(SPEC)
    for key, record in _records(20, random.Random(8)):
        col.insert(key, record)
    gone = col.keys()[2]  # internal id 3: another process removed it, then stored "late" under that id
    blob = col.encoded(gone)[1]  # type: ignore[index]
    col.apply([gone], {"late": (3, blob), "first": (100, blob)}, 101)
    assert list(col._records) != sorted(col._records)
    dumped = col.dump()
    assert list(dumped["records"]) == sorted(dumped["records"])
    as_list = {"next_iid": dumped["next_iid"],
               "records": [(iid, key, blob) for iid, (key, blob) in dumped["records"].items()]}
    from_dict, from_list = Collection(SPEC), Collection(SPEC)
    from_dict.load(dumped)
    from_list.load(as_list)
    assert from_dict.dump() == from_list.dump() == dumped
    assert _answers(from_dict) == _answers(from_list) == _answers(col)
