"""Query-string filters declared per list endpoint: exact strings, enums, booleans, date ranges."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from mock_server.core.clock import end_of_day, parse_date, parse_datetime, sort_time
from mock_server.core.collection import Narrow
from mock_server.core.errors import InvalidParameters
from mock_server.core.spans import Span

Record = dict[str, Any]
Getter = Callable[[Record], Any]
# A custom filter turns (raw value, request context) into a record predicate, or raises InvalidParameters.
CustomBuilder = Callable[[str, Mapping[str, Any]], Callable[[Record], bool]]

FORMAT_DATE_OR_DATETIME = "YYYY-MM-DD or RFC 3339 date-time"


@dataclass(frozen=True)
class FilterSpec:
    """One filter parameter: its name, how it compares, and which record value it reads."""

    name: str
    kind: Literal["exact", "contains", "enum", "bool", "date_from", "date_to", "custom"]
    getter: Getter | None = None
    choices: Sequence[str] = ()
    builder: CustomBuilder | None = None
    required: bool = False
    # Bool filters: what the stored value is compared with (default: the value itself is truthy).
    extra: Mapping[str, Any] = field(default_factory=dict)
    # The collection's filter index (or lookup) that maps the raw query value to every record this
    # filter can match: a filtered page then walks that index, not the whole order (core.collection).
    index: str | None = None
    # A custom filter's own index: (raw value, request context) -> the positions of every record it can
    # match, by order, or None when it keeps none for that value (the page walks the whole order).
    narrower: Callable[[str, Mapping[str, Any]], Narrow | None] | None = None
    # A date_from / date_to filter's sort key: the collection order whose value is exactly the time the
    # filter compares (``sort_time`` of ``getter``), so its matches are a range of that order (core.spans).
    span: str | None = None


def _first(args: Sequence[tuple[str, str]], name: str) -> str | None:
    for key, value in args:
        if key == name:
            return value
    return None


def parse_bound(raw: str, upper: bool) -> datetime | None:
    """Read a date filter bound: a date covers its whole day; a date-time is exact."""
    day = parse_date(raw)
    if day is not None:
        return end_of_day(day) if upper else day
    return parse_datetime(raw)


def build_predicate(
    specs: Sequence[FilterSpec], args: Sequence[tuple[str, str]], context: Mapping[str, Any]
) -> tuple[Callable[[Record], bool] | None, list[tuple[str, str]]]:
    """Return a predicate that ANDs every filter present in ``args`` and the identity of the filter set.

    Raises :class:`InvalidParameters` listing every bad value.
    """
    checks: list[Callable[[Record], bool]] = []
    identity: list[tuple[str, str]] = []
    problems: list[tuple[str, str]] = []
    for spec in specs:
        raw = _first(args, spec.name)
        if raw is None:
            if spec.required:
                problems.append((spec.name, "query parameter required"))
            continue
        try:
            check = _make_check(spec, raw, context)
        except InvalidParameters as exc:
            problems.extend(exc.fields)
            continue
        checks.append(check)
        identity.append((spec.name, raw))
    if problems:
        raise InvalidParameters(fields=problems)
    if not checks:
        return None, identity
    if len(checks) == 1:
        return checks[0], identity
    return (lambda record: all(check(record) for check in checks)), identity


def index_hints(specs: Sequence[FilterSpec], args: Sequence[tuple[str, str]],
                context: Mapping[str, Any]) -> tuple[Narrow, ...]:
    """The indexes that hold every record the filters present in ``args`` can match (validated already)."""
    hints: list[Narrow] = []
    spans: dict[str, Span] = {}  # the range filters of one sort key read one range: their intersection
    for spec in specs:
        raw = _first(args, spec.name) if spec.index or spec.narrower or spec.span else None
        if raw is None:
            continue
        if spec.index is not None:
            hints.append((spec.index, raw))
        elif spec.narrower is not None:
            source = spec.narrower(raw, context)
            if isinstance(source, tuple) and isinstance(source[1], Span):
                spans[source[0]] = spans[source[0]].intersect(source[1]) if source[0] in spans else source[1]
            elif source is not None:
                hints.append(source)
        elif spec.span is not None and spec.kind in ("date_from", "date_to"):
            bound = parse_bound(raw, spec.kind == "date_to")
            assert bound is not None  # validated by build_predicate
            span = Span(high=bound.timestamp()) if spec.kind == "date_to" else Span(low=bound.timestamp())
            spans[spec.span] = spans[spec.span].intersect(span) if spec.span in spans else span
    hints.extend(spans.items())
    return tuple(hints)


def _make_check(spec: FilterSpec, raw: str, context: Mapping[str, Any]) -> Callable[[Record], bool]:
    getter = spec.getter or (lambda record: record.get(spec.name))
    if spec.kind == "exact":
        return lambda record: getter(record) == raw
    if spec.kind == "contains":
        def contains(record: Record) -> bool:
            value = getter(record)
            return isinstance(value, (list, tuple, set)) and raw in value
        return contains
    if spec.kind == "enum":
        if raw not in spec.choices:
            raise InvalidParameters(fields=[(spec.name,
                                             f"invalid value, allowed values: {', '.join(spec.choices)}")])
        return lambda record: getter(record) == raw
    if spec.kind == "bool":
        if raw not in ("true", "false"):
            raise InvalidParameters(fields=[(spec.name, "invalid value, allowed values: true, false")])
        wanted = raw == "true"
        return lambda record: bool(getter(record)) == wanted
    if spec.kind in ("date_from", "date_to"):
        upper = spec.kind == "date_to"
        bound = parse_bound(raw, upper)
        if bound is None:
            raise InvalidParameters(fields=[(spec.name, f"invalid format, expected {FORMAT_DATE_OR_DATETIME}")])
        limit = bound.timestamp()

        def in_range(record: Record) -> bool:
            moment = sort_time(getter(record))
            if moment is None:
                return False
            return moment <= limit if upper else moment >= limit
        return in_range
    if spec.kind == "custom" and spec.builder is not None:
        return spec.builder(raw, context)
    raise ValueError(f"unknown filter kind {spec.kind!r}")
