"""Listing: limit/offset and cursor paging, fixed-direction sorting and filters, driven by a spec.

Each vendor describes every list endpoint with a :class:`ListSpec` (its numbers, sort keys, filters);
this module parses the query against it, reads one page from a :class:`Collection` and builds absolute
links. Problems are raised as :class:`InvalidParameters` with ``(name, reason)`` pairs; each vendor
decides how to word them on the wire.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlencode

from mock_server.core.collection import Narrow
from mock_server.core.cursor import CursorCodec, InvalidCursor, fingerprint
from mock_server.core.errors import InvalidParameters
from mock_server.core.filters import FilterSpec, build_predicate, index_hints
from mock_server.core.store import IID_ORDER, Collection, Page, Position, Record

QueryArgs = Sequence[tuple[str, str]]
_UINT = re.compile(r"^[0-9]+$")
# The largest value of an open-ended integer parameter (offset): the vendors' services hold it in a
# signed 64-bit integer and answer 400 beyond it (mock decision; past it Python's islice overflows).
MAX_OFFSET = 2**63 - 1


@dataclass(frozen=True)
class ListSpec:
    """How one list endpoint pages, sorts and filters (one row of a vendor's endpoint table)."""

    name: str
    style: Literal["offset", "cursor"] = "offset"
    default_limit: int = 100
    max_limit: int = 250
    # Sort key -> descending?  The direction is fixed per key (no ``-key`` syntax).
    sort_keys: Mapping[str, bool] = field(default_factory=dict)
    sort_param: str = "sort"
    # The index and direction used when the request names no sort key.
    default_order: str = IID_ORDER
    default_descending: bool = False
    filters: Sequence[FilterSpec] = ()


@dataclass
class ListQuery:
    """A parsed list request."""

    limit: int
    offset: int
    order: str
    descending: bool
    predicate: Callable[[Record], bool] | None
    fingerprint: str
    after: Position | None = None
    before: Position | None = None
    cursor_offset: int = 0
    # The collection indexes that hold every record the filters can match (see FilterSpec.index).
    narrow: tuple[Narrow, ...] = ()


@dataclass
class ListResult:
    """One page plus the facts a vendor needs to render its paging object."""

    items: list[Record]
    limit: int
    offset: int
    # Query parameter replacements for the previous / next links (None = no such page).
    previous: dict[str, str] | None
    next: dict[str, str] | None


def _first(args: QueryArgs, name: str) -> str | None:
    for key, value in args:
        if key == name:
            return value
    return None


def parse_int(args: QueryArgs, name: str, default: int, minimum: int, maximum: int | None) -> int:
    """Parse a bounded integer query parameter (digits only)."""
    raw = _first(args, name)
    if raw is None:
        return default
    # int() refuses more than 4,300 digits (and is slow on a megabyte of them): longer is not a number.
    value = int(raw) if len(raw) <= 4000 and _UINT.match(raw) else None
    if value is not None and maximum is None and value > MAX_OFFSET:
        raise InvalidParameters(fields=[(name, f"must be an integer between {minimum} and {MAX_OFFSET}")])
    if value is None or value < minimum or (maximum is not None and value > maximum):
        if maximum is None:
            reason = f"must be an integer >= {minimum}"
        else:
            reason = f"must be an integer between {minimum} and {maximum}"
        raise InvalidParameters(fields=[(name, reason)])
    return value


def parse_list_query(spec: ListSpec, args: QueryArgs, codec: CursorCodec,
                     context: Mapping[str, Any] | None = None) -> ListQuery:
    """Validate a list request against ``spec``; raise :class:`InvalidParameters` on the first problem
    of each parameter (all problems are reported together)."""
    problems: list[tuple[str, str]] = []

    def attempt(func: Callable[[], Any], fallback: Any) -> Any:
        try:
            return func()
        except InvalidParameters as exc:
            problems.extend(exc.fields)
            return fallback

    limit = attempt(lambda: parse_int(args, "limit", spec.default_limit, 1, spec.max_limit),
                    spec.default_limit)
    offset = 0
    if spec.style == "offset":
        offset = attempt(lambda: parse_int(args, "offset", 0, 0, None), 0)
    order, descending = spec.default_order, spec.default_descending
    if spec.sort_keys:
        raw_sort = _first(args, spec.sort_param)
        if raw_sort is not None:
            if raw_sort in spec.sort_keys:
                order, descending = raw_sort, spec.sort_keys[raw_sort]
            else:
                allowed = ", ".join(spec.sort_keys)
                problems.append((spec.sort_param, f"unsupported value '{raw_sort}', allowed: {allowed}"))
    predicate, filter_identity = attempt(lambda: build_predicate(spec.filters, args, context or {}),
                                         (None, []))
    fp = fingerprint(spec.name, order, filter_identity)
    query = ListQuery(limit, offset, order, descending, predicate, fp)
    if predicate is not None:
        query.narrow = index_hints(spec.filters, args, context or {})
    if spec.style == "cursor":
        after, before = _first(args, "after"), _first(args, "before")
        if after is not None and before is not None:
            problems.append(("after, before", "cannot be used together"))
        else:
            for name, token in (("after", after), ("before", before)):
                if token is None:
                    continue
                try:
                    payload = codec.decode(token, fp)
                    position: Position = (tuple(payload["p"]), int(payload["i"]))
                    query.cursor_offset = int(payload["n"])
                except (InvalidCursor, KeyError, TypeError, ValueError):
                    problems.append((name, "invalid cursor"))
                    continue
                if name == "after":
                    query.after = position
                else:
                    query.before = position
    if problems:
        raise InvalidParameters(fields=problems)
    return query


def run_list(spec: ListSpec, collection: Collection, query: ListQuery, codec: CursorCodec) -> ListResult:
    """Read the page ``query`` asks for in the endpoint's paging style."""
    if spec.style == "cursor":
        return run_cursor_list(collection, query, codec)
    return run_offset_list(collection, query)


def run_offset_list(collection: Collection, query: ListQuery) -> ListResult:
    """Read an offset-style page."""
    page = collection.page_offset(query.order, query.descending, query.offset, query.limit, query.predicate,
                                  query.narrow)
    return _offset_result(page, query)


def _offset_result(page: Page, query: ListQuery) -> ListResult:
    nxt = {"limit": str(query.limit), "offset": str(query.offset + query.limit)} if page.has_after else None
    prev = None
    if query.offset > 0:
        prev = {"limit": str(query.limit), "offset": str(max(0, query.offset - query.limit))}
    return ListResult(page.items, query.limit, query.offset, prev, nxt)


def run_cursor_list(collection: Collection, query: ListQuery, codec: CursorCodec) -> ListResult:
    """Read a cursor-style page (first page when the query carries no cursor)."""
    return _cursor_result(collection, query, codec)


def _cursor_result(collection: Collection, query: ListQuery, codec: CursorCodec) -> ListResult:
    page = collection.page_cursor(query.order, query.descending, query.limit, after=query.after,
                                  before=query.before, predicate=query.predicate, narrow=query.narrow)
    if query.before is not None:
        # A ``before`` token carries the position of the record it points at; this page ends there.
        offset = max(0, query.cursor_offset - len(page.items))
    elif query.after is not None:
        offset = query.cursor_offset
    else:
        offset = 0

    def token(position: Position, index: int) -> str:
        return codec.encode({"p": list(position[0]), "i": position[1], "n": index, "f": query.fingerprint})

    nxt = prev = None
    if page.items:
        if page.has_after:
            nxt = {"limit": str(query.limit), "after": token(page.positions[-1], offset + len(page.items))}
        if page.has_before:
            prev = {"limit": str(query.limit), "before": token(page.positions[0], offset)}
    elif query.after is not None and page.has_before:
        prev = {"limit": str(query.limit), "before": token(query.after, offset)}
    return ListResult(page.items, query.limit, offset, prev, nxt)


_PAGING_PARAMS = ("limit", "offset", "after", "before")


def link(base_url: str, path: str, args: QueryArgs, replacements: Mapping[str, str]) -> str:
    """Build an absolute link that keeps the request's other parameters in their original order.

    Paging parameters present in the request are replaced in place (a cursor parameter takes the slot
    of whichever cursor parameter was there); missing ones are appended in the order limit, offset,
    after, before. Paging parameters the replacements do not name are dropped.
    """
    out: list[tuple[str, str]] = []
    used: set[str] = set()
    cursor_slot = next((k for k in ("after", "before") if k in replacements), None)
    for key, value in args:
        if key in _PAGING_PARAMS:
            target = key
            if key in ("after", "before") and cursor_slot is not None:
                target = cursor_slot
            if target in replacements and target not in used:
                out.append((target, replacements[target]))
                used.add(target)
            continue
        out.append((key, value))
    for key in _PAGING_PARAMS:
        if key in replacements and key not in used:
            out.append((key, replacements[key]))
    query = urlencode(out)
    return f"{base_url.rstrip('/')}{path}" + (f"?{query}" if query else "")
