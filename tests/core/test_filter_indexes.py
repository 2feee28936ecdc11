"""Filter indexes: a filtered page read through the per-value index equals the plain filtered walk.

Random writes, replaces, deletes, rekeys and resets (a snapshot loaded back), then every filter (a
filter index, a lookup, two of them together, a value nobody has) in every order and direction, paged by
offset and by cursor both ways: the narrowed read and the old walk give the same records, positions and
edges. Deterministic (hypothesis derandomized).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_server.core import spans
from mock_server.core.collection import IID_ORDER, Collection, CollectionSpec, Narrow, Page
from mock_server.core.spans import OneOf, Span

Record = dict[str, Any]
STATUSES = ("subscribed", "unsubscribed", "nonSubscribed")
TAGS = ("a", "b", "rare")
EMAILS = ("x@e.com", "y@e.com", "z@e.com")
ORDERS = (IID_ORDER, "score", "name")

SPEC = CollectionSpec(
    sort_keys={"score": lambda r: r.get("score"), "name": lambda r: r.get("name")},
    lookups={"email": lambda r: [r["email"]] if r.get("email") else []},
    filters={"status": lambda r: [r.get("status")], "tag": lambda r: r.get("tags") or []},
)

records = st.fixed_dictionaries({
    "score": st.one_of(st.none(), st.integers(0, 4)),
    "name": st.one_of(st.none(), st.sampled_from(("ann", "bob", "cy"))),
    "status": st.sampled_from(STATUSES),
    "tags": st.lists(st.sampled_from(TAGS), max_size=3, unique=True),
    "email": st.one_of(st.none(), st.sampled_from(EMAILS)),
})
operations = st.lists(st.one_of(
    st.tuples(st.just("insert"), records),
    st.tuples(st.just("replace"), records),
    st.tuples(st.just("delete"), st.none()),
    st.tuples(st.just("rekey"), st.none()),
    st.tuples(st.just("snapshot"), st.none()),
    st.tuples(st.just("reset"), st.none()),
), min_size=1, max_size=40)
choices = st.randoms(use_true_random=False)

# (query name, predicate, narrow) per filter combination the test reads.
Filter = tuple[str, Callable[[Record], bool], tuple[Narrow, ...]]


def _filters() -> list[Filter]:
    out: list[Filter] = []
    for status in (*STATUSES, "missing"):
        out.append((f"status={status}", lambda r, s=status: r.get("status") == s, (("status", status),)))
    for tag in (*TAGS, "missing"):
        out.append((f"tag={tag}", lambda r, t=tag: t in (r.get("tags") or []), (("tag", tag),)))
    for email in (*EMAILS, "nobody@e.com"):
        out.append((f"email={email}", lambda r, e=email: r.get("email") == e, (("email", email),)))
    out.append(("status+tag", lambda r: r.get("status") == "subscribed" and "rare" in (r.get("tags") or []),
                (("status", "subscribed"), ("tag", "rare"))))
    out.append(("email+tag", lambda r: r.get("email") == "x@e.com" and "a" in (r.get("tags") or []),
                (("email", "x@e.com"), ("tag", "a"))))
    for span in (Span(low=1), Span(high=3, high_open=True), Span(1, 3), Span(low=2, low_open=True),
                 Span(2, 2), Span(low=9), Span(high=0), Span(3, 1)):
        out.append((f"score in {span}", lambda r, s=span: _in_span(r.get("score"), s), (("score", span),)))
    for tags in (("a", "rare"), ("b",), ("a", "b", "missing"), ("missing", "gone")):
        out.append((f"tag any of {tags}", lambda r, t=tags: any(x in (r.get("tags") or []) for x in t),
                    (("tag", OneOf(tags)),)))
    both = Span(low=1).intersect(Span(high=3, high_open=True))
    out.append(("score span+tag", lambda r: _in_span(r.get("score"), both) and "a" in (r.get("tags") or []),
                (("score", both), ("tag", "a"))))
    return out


def _in_span(value: Any, span: Span) -> bool:
    """The plain range check a range filter's predicate makes (absent values never match)."""
    if value is None:
        return False
    if span.low is not None and (value <= span.low if span.low_open else value < span.low):
        return False
    return span.high is None or (value < span.high if span.high_open else value <= span.high)


FILTERS = _filters()


def _apply(col: Collection, ops: list[tuple[str, Any]], rnd: Any) -> None:
    counter = 0
    snapshot = col.dump()
    for op, data in ops:
        keys = col.keys()
        if op == "insert" or (op in ("replace", "delete", "rekey") and not keys):
            counter += 1
            col.insert(f"n{counter}", dict(data or {}))
        elif op == "replace":
            col.replace(rnd.choice(keys), dict(data))
        elif op == "delete":
            col.delete(rnd.choice(keys))
        elif op == "rekey":
            counter += 1
            col.rekey(rnd.choice(keys), f"r{counter}")
        elif op == "snapshot":
            snapshot = col.dump()
        else:
            col.load(snapshot)


def _same(indexed: Page, plain: Page, where: str) -> None:
    assert (indexed.items, indexed.positions, indexed.has_before, indexed.has_after) == \
        (plain.items, plain.positions, plain.has_before, plain.has_after), where


def _check_offset(col: Collection, order: str, desc: bool, flt: Filter) -> None:
    name, predicate, narrow = flt
    size = len(col)
    for limit in (1, 2, 5):
        for offset in range(0, size + 2):
            indexed = col.page_offset(order, desc, offset, limit, predicate, narrow)
            plain = col.page_offset(order, desc, offset, limit, predicate)
            _same(indexed, plain, f"offset {offset} limit {limit} {order} desc={desc} {name}")


def _check_cursor(col: Collection, order: str, desc: bool, flt: Filter) -> None:
    name, predicate, narrow = flt
    for limit in (1, 2, 3):
        where = f"cursor limit {limit} {order} desc={desc} {name}"
        seen: list[Any] = []
        after = None
        while True:  # forward through every page, as a client follows "next"
            indexed = col.page_cursor(order, desc, limit, after=after, predicate=predicate, narrow=narrow)
            plain = col.page_cursor(order, desc, limit, after=after, predicate=predicate)
            _same(indexed, plain, where)
            seen.extend(indexed.positions)
            if not indexed.has_after or not indexed.positions:
                break
            after = indexed.positions[-1]
        # Backwards ("previous") from every position reached, and from every position of the whole
        # order (cursors of records that since left the filter or the collection).
        everywhere = [col.position(k, order) for k in col.keys()]  # noqa: SIM118 (a Collection is not iterable)
        for position in [*seen, *everywhere]:
            indexed = col.page_cursor(order, desc, limit, before=position, predicate=predicate, narrow=narrow)
            plain = col.page_cursor(order, desc, limit, before=position, predicate=predicate)
            _same(indexed, plain, f"{where} before {position}")
            indexed = col.page_cursor(order, desc, limit, after=position, predicate=predicate, narrow=narrow)
            plain = col.page_cursor(order, desc, limit, after=position, predicate=predicate)
            _same(indexed, plain, f"{where} after {position}")


@settings(derandomize=True, max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=operations, rnd=choices)
def test_indexed_pages_equal_the_plain_filtered_walk(ops: list[tuple[str, Any]], rnd: Any) -> None:
    col = Collection(SPEC)
    _apply(col, ops, rnd)
    for order in ORDERS:
        for desc in (False, True):
            for flt in FILTERS:
                _check_offset(col, order, desc, flt)
                _check_cursor(col, order, desc, flt)


@settings(derandomize=True, max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=operations, rnd=choices)
def test_large_ranges_walk_the_whole_order_and_answer_the_same(ops: list[tuple[str, Any]], rnd: Any) -> None:
    """A range too large to gather for another order walks that order (the predicate decides)."""
    col = Collection(SPEC)
    _apply(col, ops, rnd)
    original = spans.gather_limit
    spans.gather_limit = lambda size, decoding: 0  # type: ignore[assignment]
    try:
        for order in ORDERS:
            for desc in (False, True):
                for flt in FILTERS:
                    if " in " in flt[0] or "any of" in flt[0]:
                        _check_offset(col, order, desc, flt)
                        _check_cursor(col, order, desc, flt)
    finally:
        spans.gather_limit = original


def test_a_range_in_its_own_order_reads_only_its_records() -> None:
    """In the range's own order the page bisects the slice; in another a small range is gathered."""
    col = Collection(SPEC)
    for i in range(3000):
        col.insert(f"k{i}", {"score": i, "name": f"n{i % 50}"})
    calls = 0

    def late(record: Record) -> bool:
        nonlocal calls
        calls += 1
        return bool(record["score"] >= 2995)

    for order in ORDERS:
        for desc in (False, True):
            calls = 0
            page = col.page_cursor(order, desc, 3, predicate=late, narrow=(("score", Span(low=2995)),))
            assert len(page.items) == 3 and page.has_after and not page.has_before
            assert calls <= 6, (order, desc, calls)


@settings(derandomize=True, max_examples=40, deadline=None)
@given(ops=operations, rnd=choices)
def test_filter_indexes_hold_exactly_the_matching_records(ops: list[tuple[str, Any]], rnd: Any) -> None:
    """After any writes the per-value indexes equal a rebuild from the records (no stale or lost entry,
    no empty value left behind)."""
    col = Collection(SPEC)
    _apply(col, ops, rnd)
    rebuilt = Collection(SPEC)
    rebuilt.load(col.dump())
    for order in ORDERS:
        for name in ("status", "tag"):
            values = {v for r in col.values() for v in SPEC.filters[name](r)}
            assert set(col._filtered[name]) == values
            for value in values:
                assert list(col._narrowed(order, name, value)) == list(rebuilt._narrowed(order, name, value))
                expected = [col.position(k, order) for k, r in col.items() if value in SPEC.filters[name](r)]
                assert list(col._narrowed(order, name, value)) == sorted(expected)


def test_a_page_of_a_rare_value_reads_only_its_own_records() -> None:
    """The narrowed walk decodes the page's records only, however many records the order holds."""
    col = Collection(SPEC)
    for i in range(2000):
        col.insert(f"k{i}", {"score": i % 7, "status": "subscribed", "tags": ["rare"] if i in (5, 1999) else []})
    calls = 0

    def rare(record: Record) -> bool:
        nonlocal calls
        calls += 1
        return "rare" in record["tags"]

    for order in ORDERS:
        calls = 0
        page = col.page_cursor(order, True, 10, predicate=rare, narrow=(("tag", "rare"),))
        assert len(page.items) == 2 and not page.has_after and not page.has_before
        assert calls <= 4  # the two members, plus the edge checks


def test_the_write_journal_lists_the_keys_written_since_a_version_until_it_is_dropped() -> None:
    col = Collection(SPEC)
    col.insert("a", {"status": "subscribed"})
    start = col.version
    col.insert("b", {})
    col.replace("a", {"status": "unsubscribed"})
    col.rekey("b", "c")
    col.delete("a")
    assert col.changes_since(start) == ["b", "a", "a", "b", "c", "a"]  # a replace drops and puts
    assert col.changes_since(col.version) == []
    for i in range(1100):  # past the journal's reach: a follower this far behind must rebuild
        col.insert(f"k{i}", {})
    assert col.changes_since(start) is None
    latest = col.version
    col.load(col.dump())  # a reset: every follower rebuilds
    assert col.changes_since(latest) is None and col.changes_since(col.version) == []


def test_a_record_rewritten_again_moves_its_entries_without_decoding_its_old_version(monkeypatch: Any) -> None:
    """The index values of a record's last rewrite stand in for decoding it on the next one, while that
    encoding is still the stored one (a snapshot loaded back, or a rekey, leaves every index exact)."""
    from mock_server.core import collection as module

    decoded: list[bytes] = []
    real = module.decode
    monkeypatch.setattr(module, "decode", lambda blob: decoded.append(blob) or real(blob))
    col = Collection(SPEC)
    col.insert("k", {"score": 1, "name": "ann", "status": "subscribed", "tags": ["a"], "email": "x@e.com"})
    col.insert("other", {"score": 2, "status": "unsubscribed", "tags": ["rare"], "email": "y@e.com"})
    snapshot = col.dump()
    steps: list[tuple[str, Record]] = [
        ("k", {"score": 3, "name": "bob", "status": "subscribed", "tags": ["a", "b"], "email": "y@e.com"}),
        ("k", {"score": 3, "name": "bob", "status": "unsubscribed", "tags": ["rare"], "email": None}),
        ("k", {"score": None, "name": "cy", "status": "nonSubscribed", "tags": [], "email": "z@e.com"}),
    ]
    for key, data in steps:
        col.replace(key, data)
    assert len(decoded) == 1  # the first rewrite of "k" only
    decoded.clear()
    col.rekey("k", "k2")
    col.replace("k2", {"score": 0, "name": "ann", "status": "subscribed", "tags": ["b"], "email": "x@e.com"})
    assert len(decoded) == 1  # rekey decodes what it moves; the replace after it does not
    col.load(snapshot)
    decoded.clear()
    col.replace("k", {"score": 4, "status": "unsubscribed", "tags": ["a"], "email": "x@e.com"})
    assert len(decoded) == 1  # the loaded encoding is not the one the values came from: decoded
    rebuilt = Collection(SPEC)
    rebuilt.load(col.dump())
    for order in ORDERS:
        assert list(col._index(order)) == list(rebuilt._index(order))
        for name in ("status", "tag"):
            assert set(col._filtered[name]) == set(rebuilt._filtered[name])
            for value in rebuilt._filtered[name]:
                assert list(col._narrowed(order, name, value)) == list(rebuilt._narrowed(order, name, value))
    assert col._lookups == rebuilt._lookups
