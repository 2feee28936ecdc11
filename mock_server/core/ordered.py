"""Reading a collection in order: pages by offset or cursor, walks, and the narrowed indexes a filtered
page reads (the read half of :class:`mock_server.core.collection.Collection`, which keeps the indexes
these methods read up to date on write)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from sortedcontainers import SortedList

from mock_server.core import spans
from mock_server.core.records import EMPTY, IID_ORDER, Narrow, Page, Position, Predicate, Record, SortKey, decode, wrap
from mock_server.core.spans import OneOf, Span


class OrderedReads:
    """Pages and walks over a collection's ordered indexes: O(limit log N) per page without a predicate,
    a walk over the smallest narrowed index with one."""

    _records: dict[int, tuple[str, bytes]]
    _iid_by_key: dict[str, int]
    _indexes: dict[str, SortedList]
    _iid_index: SortedList
    _sort_keys: dict[str, SortKey]
    _filtered: dict[str, dict[Any, dict[str, SortedList]]]

    def find(self, lookup: str, value: Any) -> list[str]:
        """The keys whose lookup ``lookup`` maps to ``value`` (the collection's lookups)."""
        raise NotImplementedError

    def _index(self, order: str, narrow: Sequence[Narrow] = ()) -> SortedList:
        """The ordered index to read ``order`` from: the whole order, or the smallest narrowed one."""
        best: SortedList | None = None
        for item in narrow:
            candidate = item(order) if callable(item) else self._narrowed(order, *item)
            if best is None or len(candidate) < len(best):
                best = candidate
        if best is not None:
            return best
        return self._iid_index if order == IID_ORDER else self._indexes[order]

    def _narrowed(self, order: str, name: str, value: Any) -> SortedList:
        """The positions, in ``order``, of the records filter index (or lookup) ``name`` maps to ``value``."""
        if isinstance(value, (Span, OneOf)):
            whole = self._iid_index if order == IID_ORDER else self._indexes[order]
            if isinstance(value, OneOf):
                return spans.union([self._narrowed(order, name, one) for one in dict.fromkeys(value.values)], whole)
            return spans.span_index(self._indexes[name], value, order == name, whole,
                                    None if order == IID_ORDER else self._position_of_iid(order))
        table = self._filtered.get(name)
        if table is not None:
            by_order = table.get(value)
            return EMPTY if by_order is None else by_order[order]
        # A lookup (few records per value): their positions, sorted on the spot (O(k log k)).
        return SortedList(self.position(key, order) for key in self.find(name, value))

    def _position_of_iid(self, order: str) -> Callable[[int], Position]:
        """The position in sort order ``order`` of a stored record, by internal id (decodes it)."""
        records, func = self._records, self._sort_keys[order]
        return lambda iid: (wrap(func(decode(records[iid][1]))), iid)

    def position(self, key: str, order: str) -> Position:
        """Return the index entry of ``key`` in ``order``."""
        iid = self._iid_by_key[key]
        if order == IID_ORDER:
            return ((1, iid), iid)
        return (wrap(self._sort_keys[order](decode(self._records[iid][1]))), iid)

    def walk(
        self,
        order: str,
        descending: bool,
        *,
        after: Position | None = None,
        before: Position | None = None,
        predicate: Predicate | None = None,
        narrow: Sequence[Narrow] = (),
    ) -> Iterator[tuple[Position, Record]]:
        """Yield ``(position, stored record)`` in ``order``; ``after`` / ``before`` exclude a bound.

        ``after`` starts just past a position in the walking direction; ``before`` walks the other way
        from just before it (so the caller reverses what it takes). ``narrow`` walks only the records of
        the smallest of those indexes (the predicate still decides).
        """
        index = self._index(order, narrow)
        if after is not None:
            if descending:
                entries = index.irange(maximum=after, inclusive=(True, False), reverse=True)
            else:
                entries = index.irange(minimum=after, inclusive=(False, True))
        elif before is not None:
            if descending:
                entries = index.irange(minimum=before, inclusive=(False, True))
            else:
                entries = index.irange(maximum=before, inclusive=(True, False), reverse=True)
        else:
            entries = reversed(index) if descending else iter(index)
        records = self._records
        for entry in entries:
            data = decode(records[entry[1]][1])
            if predicate is None or predicate(data):
                yield entry, data

    def page_offset(
        self, order: str, descending: bool, offset: int, limit: int, predicate: Predicate | None = None,
        narrow: Sequence[Narrow] = (),
    ) -> Page:
        """Return ``limit`` records from ``offset`` in ``order``; O(limit log N) without a predicate.

        With a predicate, the walk covers only the ``narrow`` index (when given) up to ``offset + limit``
        of its matches; without one, ``narrow`` is taken as the exact set.
        """
        index = self._index(order, narrow)
        if predicate is None:
            total = len(index)
            if descending:
                stop = max(total - offset, 0)
                start = max(stop - limit, 0)
                entries = list(index.islice(start, stop, reverse=True))
            else:
                entries = list(index.islice(offset, offset + limit))
            items = [decode(self._records[iid][1]) for _, iid in entries]
            return Page(items, entries, offset > 0 and total > 0, offset + limit < total)
        walker = self.walk(order, descending, predicate=predicate, narrow=narrow)
        skipped = sum(1 for _ in itertools.islice(walker, offset))
        taken = list(itertools.islice(walker, limit + 1))
        has_after = len(taken) > limit
        taken = taken[:limit]
        return Page(
            [data for _, data in taken],
            [pos for pos, _ in taken],
            offset > 0 and (skipped > 0 or bool(taken)),
            has_after,
        )

    def page_cursor(
        self,
        order: str,
        descending: bool,
        limit: int,
        *,
        after: Position | None = None,
        before: Position | None = None,
        predicate: Predicate | None = None,
        narrow: Sequence[Narrow] = (),
    ) -> Page:
        """Return ``limit`` records after (or just before) a position, in ``order`` (see :meth:`walk`)."""
        if before is not None:
            taken = list(itertools.islice(self.walk(order, descending, before=before, predicate=predicate,
                                                    narrow=narrow), limit + 1))
            has_before = len(taken) > limit
            taken = taken[:limit]
            taken.reverse()
            has_after = True if not taken else self._exists(order, descending, after=taken[-1][0],
                                                             predicate=predicate, narrow=narrow)
        else:
            taken = list(itertools.islice(self.walk(order, descending, after=after, predicate=predicate,
                                                    narrow=narrow), limit + 1))
            has_after = len(taken) > limit
            taken = taken[:limit]
            has_before = bool(taken) and self._exists(order, descending, before=taken[0][0],
                                                      predicate=predicate, narrow=narrow)
            if not taken and after is not None:
                # Past the end: the page is empty but the records before the cursor remain.
                has_before = True
        return Page([data for _, data in taken], [pos for pos, _ in taken], has_before, has_after)

    def _exists(self, order: str, descending: bool, **bounds: Any) -> bool:
        return next(self.walk(order, descending, **bounds), None) is not None
