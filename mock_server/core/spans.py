"""Range filters read through an ordered index: a time range is a slice of its sort key's order.

A filter that keeps the records whose sort value lies in a range (``dateFrom``, Ometria ``since`` /
``before`` / ``updateSince``) narrows a page to ``(sort key, Span)``: in that key's own order the matches
are one contiguous slice of the index (two bisections, :class:`SpanView`), so the page costs what an
unfiltered page costs. In another order the matches are scattered: when the slice is small they are
gathered into an index of their own in that order (O(k log k) for k matches, no walk of the other
records); when it is large, matches are dense enough that walking the order finds a page soon, and the
collection walks it as before. The filter's predicate still decides in every case.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sortedcontainers import SortedList

# Sentinels of the position tuples ((1, value), iid): () sorts before every iid, inf after.
_LAST = math.inf


@dataclass(frozen=True)
class Span:
    """Sort values ``low <= v`` (``<`` when ``low_open``) and ``v <= high`` (``<`` when ``high_open``);
    None = unbounded on that side. Records without a sort value are never in a span."""

    low: Any = None
    high: Any = None
    low_open: bool = False
    high_open: bool = False

    def intersect(self, other: Span) -> Span:
        """The values in both spans."""
        low, low_open = self.low, self.low_open
        if other.low is not None and (low is None or other.low > low or (other.low == low and other.low_open)):
            low, low_open = other.low, other.low_open
        high, high_open = self.high, self.high_open
        if other.high is not None and (high is None or other.high < high
                                       or (other.high == high and other.high_open)):
            high, high_open = other.high, other.high_open
        return Span(low, high, low_open, high_open)


@dataclass(frozen=True)
class OneOf:
    """Any of several values of one filter index (a repeatable filter whose values are OR-ed): the
    union of their indexes, gathered like a range (small) or the whole order (large)."""

    values: tuple[Any, ...]


def bounds(index: Any, span: Span) -> tuple[int, int]:
    """The slice ``[start, stop)`` of an ordered index of ``((1, value), iid)`` entries that ``span`` keeps
    (absent values, wrapped ``(0, 0)``, sort before every present one and are never kept)."""
    if span.low is None:
        start = index.bisect_left(((1,),))  # (1,) sorts before every (1, value)
    elif span.low_open:
        start = index.bisect_right(((1, span.low), _LAST))
    else:
        start = index.bisect_left(((1, span.low),))
    if span.high is None:
        stop = len(index)
    elif span.high_open:
        stop = index.bisect_left(((1, span.high),))
    else:
        stop = index.bisect_right(((1, span.high), _LAST))
    return start, max(start, stop)


def gather_limit(size: int, decoding: bool) -> int:
    """How many matches are gathered into an index of their own for another order (mock engineering
    choice): about where sorting k positions costs what walking a page of k-in-``size`` matches would
    (a walk decodes ~limit * size / k records); a position that needs its record decoded costs more."""
    root = math.isqrt(max(size, 1))
    return max(1024, root * 8) if decoding else max(4096, root * 32)


class SpanView:
    """A contiguous slice of a ``SortedList``, answering the reads a page makes of an index (``len``,
    iteration both ways, ``islice``, ``irange``) without copying it."""

    __slots__ = ("_base", "_start", "_stop")

    def __init__(self, base: Any, start: int, stop: int) -> None:
        self._base, self._start, self._stop = base, start, stop

    def __len__(self) -> int:
        return self._stop - self._start

    def __iter__(self) -> Iterator[Any]:
        found: Iterator[Any] = self._base.islice(self._start, self._stop)
        return found

    def __reversed__(self) -> Iterator[Any]:
        found: Iterator[Any] = self._base.islice(self._start, self._stop, reverse=True)
        return found

    def islice(self, start: int | None = None, stop: int | None = None, reverse: bool = False) -> Iterator[Any]:
        size = len(self)
        first = 0 if start is None else min(max(start, 0), size)
        last = size if stop is None else min(max(stop, 0), size)
        if first >= last:
            return iter(())
        found: Iterator[Any] = self._base.islice(self._start + first, self._start + last, reverse=reverse)
        return found

    def irange(self, minimum: Any = None, maximum: Any = None, inclusive: tuple[bool, bool] = (True, True),
               reverse: bool = False) -> Iterator[Any]:
        base = self._base
        first, last = self._start, self._stop
        if minimum is not None:
            at = base.bisect_left(minimum) if inclusive[0] else base.bisect_right(minimum)
            first = max(first, at)
        if maximum is not None:
            at = base.bisect_right(maximum) if inclusive[1] else base.bisect_left(maximum)
            last = min(last, at)
        if first >= last:
            return iter(())
        found: Iterator[Any] = base.islice(first, last, reverse=reverse)
        return found


def span_index(index: Any, span: Span, own_order: bool, whole: Any,
               position: Callable[[int], Any] | None) -> Any:
    """What a page in some order reads for the records of ``index`` (a sort key's order) in ``span``: in
    that key's ``own_order`` a :class:`SpanView` of it; in another order (``whole``) an index gathered
    from the slice when small (``position`` of an internal id in that order; None = internal-id order,
    no decoding), else ``whole`` itself (the walk and the predicate decide)."""
    start, stop = bounds(index, span)
    if own_order:
        return SpanView(index, start, stop)
    if stop - start > gather_limit(len(whole), position is not None):
        return whole
    if position is None:
        return SortedList(((1, iid), iid) for _, iid in index.islice(start, stop))
    return SortedList(position(iid) for _, iid in index.islice(start, stop))


def union(parts: Sequence[Any], whole: Any) -> Any:
    """The indexes of :class:`OneOf`'s values merged (small), or ``whole`` (large)."""
    if len(parts) == 1:
        return parts[0]
    if sum(len(part) for part in parts) > gather_limit(len(whole), False):
        return whole
    entries = sorted(entry for part in parts for entry in part)
    # A record with several of the values (a list field) is in several parts: keep it once.
    return SortedList(entry for i, entry in enumerate(entries) if i == 0 or entry != entries[i - 1])
