"""Glue every 2026 view uses: the brand, bodies, the two paging styles (§3) and the wire cleanup.

Each list endpoint is one row (:class:`CursorList` or :class:`OffsetList`) saying its limits, sort keys and
filters; the mechanisms are core.paging, core.filters and core.query_cursor.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from marshmallow import Schema

from mock_server.core import schema as S
from mock_server.core.cursor import InvalidCursor
from mock_server.core.filters import FilterSpec
from mock_server.core.paging import ListResult, ListSpec, link, parse_list_query, run_list
from mock_server.core.query_cursor import read as read_cursor
from mock_server.core.query_cursor import wrap
from mock_server.core.request import body, ctx, query_args, tenant
from mock_server.core.store import Collection
from mock_server.omnisend.backend import Brand
from mock_server.omnisend.v2026 import constants as C
from mock_server.omnisend.v2026.errors import Invalid


def brand() -> Brand:
    """Return the request's brand."""
    return Brand(ctx(), tenant())


def load_body(schema: Schema) -> dict[str, Any]:
    """Validate the JSON body with ``schema`` (400 validation problem listing every field)."""
    return S.load(schema, body())


def compact(value: Any) -> Any:
    """Drop ``None`` members recursively: unset fields are omitted on the 2026 wire (mock decision)."""
    # Runs on every contact answer: only containers recurse (a call per scalar cost more than the rest).
    if isinstance(value, dict):
        return {k: compact(v) if isinstance(v, (dict, list)) else v for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [compact(v) if isinstance(v, (dict, list)) else v for v in value]
    return value


def check_query(allowed: Sequence[str]) -> None:
    """400 for a query parameter the operation does not document (issue 11 §3; §2.2 for campaigns)."""
    unknown = sorted({name for name, _ in query_args() if name not in allowed})
    if unknown:
        raise Invalid([(name, C.CODE_UNKNOWN, C.MSG_UNKNOWN_PARAMETER) for name in unknown])


def exclusive(pairs: Sequence[tuple[str, Sequence[str]]]) -> None:
    """400 when a parameter is combined with one it cannot go with (§3.3, mock decision for the status)."""
    given = {name for name, _ in query_args()}
    problems = []
    for name, others in pairs:
        clash = [o for o in others if o in given]
        if name in given and clash:
            problems.append((name, C.CODE_VALUE, C.MSG_TOGETHER.format(other=", ".join(clash))))
    if problems:
        raise Invalid(problems)


# -- cursor paging --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CursorList:
    """One cursor-paged list endpoint (§3.1, §3.2)."""

    name: str
    sorts: tuple[str, ...]
    default_sort: str
    filters: tuple[FilterSpec, ...] = ()
    default_limit: int = C.DEFAULT_LIMIT
    max_limit: int = C.MAX_LIMIT
    directions: bool = True
    order_of: Mapping[str, str] = field(default_factory=dict)  # wire sort key -> store index name

    @property
    def parameters(self) -> tuple[str, ...]:
        """Every query parameter the endpoint documents."""
        extra = ("sort", "direction") if self.directions else ("sort",)
        return (*C.PAGING_PARAMS, *extra, *(f.name for f in self.filters))


def _criteria(args: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(k, v) for k, v in args if k not in C.PAGING_PARAMS]


def _first(args: list[tuple[str, str]], name: str) -> str | None:
    return next((v for k, v in args if k == name), None)


def read_cursor_page(row: CursorList, collection: Collection,
                     context: Mapping[str, Any] | None = None) -> tuple[ListResult, dict[str, Any]]:
    """Read one page of ``collection``; return it with the ``paging`` object."""
    args = query_args()
    after, before = _first(args, "after"), _first(args, "before")
    if after is not None and before is not None:
        raise Invalid([("after", C.CODE_VALUE, C.MSG_TOGETHER.format(other="before"))])  # (mock decision)
    mock = ctx()
    try:
        query = read_cursor(mock.codec, row.name, _criteria(args), after, before)
    except InvalidCursor:
        raise Invalid([("after" if after is not None else "before", C.CODE_VALUE, "invalid cursor")]) from None
    if query.changed:
        raise Invalid([("after" if after is not None else "before", C.CODE_VALUE, C.DETAIL_CURSOR_FILTERS)],
                      C.DETAIL_CURSOR_FILTERS)
    sort = _first(query.criteria, "sort")
    direction = _first(query.criteria, "direction")
    problems = []
    if sort is not None and sort not in row.sorts:
        problems.append(("sort", C.CODE_VALUE, f"invalid value, allowed values: {', '.join(row.sorts)}"))
    if direction is not None and direction not in C.DIRECTIONS:
        problems.append(("direction", C.CODE_VALUE, "invalid value, allowed values: asc, desc"))
    elif direction is not None and sort is None:
        problems.append(("direction", C.CODE_VALUE, "must be used together with sort"))  # D-SORT (mock decision)
    if problems:
        raise Invalid(problems)
    sort = sort or row.default_sort
    descending = (direction or "desc") == "desc"
    order = row.order_of.get(sort, sort)
    spec = ListSpec(name=f"{row.name}:{sort}:{'desc' if descending else 'asc'}", style="cursor",
                    default_limit=row.default_limit, max_limit=row.max_limit, sort_keys={order: descending},
                    default_order=order, default_descending=descending, filters=row.filters)
    core_args = [(k, v) for k, v in query.criteria if k not in ("sort", "direction")]
    limit = _first(args, "limit")
    if limit is not None:
        core_args.append(("limit", limit))
    if query.direction is not None and query.position is not None:
        core_args.append((query.direction, query.position))
    parsed = parse_list_query(spec, core_args, mock.codec, {"brand": brand(), **(context or {})})
    result = run_list(spec, collection, parsed, mock.codec)
    nxt = result.next["after"] if result.next else None
    prev = result.previous["before"] if result.previous else None
    paging = {"limit": result.limit, "hasMore": nxt is not None,
              "cursors": {"after": wrap(mock.codec, row.name, query.criteria, nxt) if nxt else None,
                          "before": wrap(mock.codec, row.name, query.criteria, prev) if prev else None}}
    return result, paging


# -- offset paging ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class OffsetList:
    """One offset-paged list endpoint: products, product categories, batches (§3.1, mock decision)."""

    name: str
    sorts: Mapping[str, tuple[str, bool]]  # wire sort key -> (store index, descending)
    default_sort: tuple[str, bool] = ("createdAt", True)
    filters: tuple[FilterSpec, ...] = ()

    @property
    def parameters(self) -> tuple[str, ...]:
        """Every query parameter the endpoint documents."""
        return (*C.OFFSET_PARAMS, *(("sort",) if self.sorts else ()), *(f.name for f in self.filters))


def read_offset_page(row: OffsetList, collection: Collection, path: str,
                     keep: Callable[[dict[str, Any]], bool] | None = None) -> tuple[ListResult, dict[str, Any]]:
    """Read one offset page of the records ``keep`` admits (all by default); ``paging`` is
    ``{limit, offset, next?, previous?}`` with absolute links."""
    args = query_args()
    raw_sort = _first(args, "sort")
    if raw_sort is not None and raw_sort not in row.sorts:
        raise Invalid([("sort", C.CODE_VALUE, f"invalid value, allowed values: {', '.join(row.sorts)}")])
    order, descending = row.sorts[raw_sort] if raw_sort is not None else row.default_sort
    spec = ListSpec(name=row.name, default_limit=C.DEFAULT_LIMIT, max_limit=C.MAX_LIMIT,
                    default_order=order, default_descending=descending, filters=row.filters)
    mock = ctx()
    core_args = [(k, v) for k, v in args if k != "sort"]
    query = parse_list_query(spec, core_args, mock.codec, {"brand": brand()})
    if keep is not None:
        chosen = query.predicate
        query.predicate = keep if chosen is None else (lambda record: keep(record) and chosen(record))
    result = run_list(spec, collection, query, mock.codec)
    base = mock.settings.public_url or _host()
    paging: dict[str, Any] = {"limit": result.limit, "offset": result.offset}
    # The contracts type next/previous as strings: absent rather than null when there is no page.
    if result.next is not None:
        paging["next"] = link(base, path, args, result.next)
    if result.previous is not None:
        paging["previous"] = link(base, path, args, result.previous)
    return result, paging


def _host() -> str:
    from flask import request

    return request.host_url
