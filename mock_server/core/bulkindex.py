"""An ordered index filled in bulk: entries collected unsorted, sorted once when first read."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from sortedcontainers import SortedList

from mock_server.core.records import Position


def presorted(entries: list[Position]) -> SortedList:
    """``SortedList(entries)`` for entries already in ascending order, without its sort.

    Settling a million-record load sorted a dozen lists of a million entries that were in order already:
    3 s of 23, a comparison of two entry tuples scattered in memory per entry. This builds the sorted list
    the way ``SortedList.update`` builds an empty list's after its sort (sortedcontainers 2.x: sublists of
    ``_load`` entries and their maxima); tests/core/test_bulk_load.py checks it holds what ``SortedList``
    holds.
    """
    built = SortedList()
    load = built._load
    built._lists.extend(entries[pos:pos + load] for pos in range(0, len(entries), load))
    built._maxes.extend(sublist[-1] for sublist in built._lists)
    built._len = len(entries)
    return built


class PendingIndex:
    """An ordered index being filled in bulk (see :meth:`Collection.defer_indexes`).

    Added entries wait in a list (a pointer each, O(1)), removed ones are counted aside, until the index
    is read or settled; then one ``SortedList`` is built from what remains (one sort) and every later call
    goes to it. It answers what a ``SortedList`` answers: reads delegate to the sorted list. Only entries
    that were added are removed (the collection removes exactly what it indexed).
    """

    __slots__ = ("_added", "_ascending", "_gone", "_removed", "_sorted", "add")

    # Add an entry: the collecting list's own ``append`` while unsorted (no Python frame per entry: a
    # million-record load adds a dozen entries per record), the sorted list's ``add`` once settled.
    add: Callable[[Position], None]

    def __init__(self, base: SortedList) -> None:
        self._added: list[Position] | None = list(base)
        # How many of the collected entries are known to be in ascending order (they came in ascending runs,
        # each after the last): when all are, settling needs no sort.
        self._ascending = len(self._added)
        self._removed: dict[Position, int] = {}  # entry -> how many of its additions were removed
        self._gone = 0
        self._sorted: SortedList | None = None
        self.add = self._added.append

    def settled(self) -> SortedList:
        """The sorted index (built from the collected entries on first call)."""
        if self._sorted is None:
            added, removed = self._added or [], self._removed
            if removed:
                kept = []
                for entry in added:
                    left = removed.get(entry)
                    if left:
                        removed[entry] = left - 1
                    else:
                        kept.append(entry)
                added = kept
            # Entries left after removals keep their order: still ascending when all were.
            self._sorted = presorted(added) if self._ascending == len(self._added or ()) else SortedList(added)
            self._added, self._removed, self._gone, self._ascending = None, {}, 0, 0
            self.add = self._sorted.add
        return self._sorted

    def update(self, entries: Iterable[Position]) -> None:
        """Add many entries (:meth:`Collection.insert_many`): one ``extend`` while unsorted."""
        if self._added is None:
            self.settled().update(entries)
        else:
            self._added.extend(entries)

    def extend_ascending(self, entries: Sequence[Position]) -> None:
        """:meth:`update` with entries the caller knows to be in ascending order (a bulk load's records in
        the order of a sort key): when they also come after every entry collected so far (one comparison),
        settling will not need to sort them."""
        added = self._added
        if added is None:
            self.settled().update(entries)
            return
        if not entries:
            return
        ascending = self._ascending == len(added) and (not added or added[-1] < entries[0])
        added.extend(entries)
        if ascending:
            self._ascending = len(added)

    def remove(self, entry: Position) -> None:
        """Remove an entry that was added."""
        if self._added is None:
            self.settled().remove(entry)
            return
        try:
            self._removed[entry] = self._removed.get(entry, 0) + 1
        except TypeError:  # an unhashable sort value: remove from the sorted list
            self.settled().remove(entry)
            return
        self._gone += 1

    def clear(self) -> None:
        """Remove every entry."""
        self._added, self._removed, self._gone, self._sorted, self._ascending = [], {}, 0, None, 0
        self.add = self._added.append

    def __len__(self) -> int:
        return len(self._added) - self._gone if self._added is not None else len(self.settled())

    def __iter__(self) -> Iterator[Position]:
        return iter(self.settled())

    def __reversed__(self) -> Iterator[Position]:
        found: Iterator[Position] = reversed(self.settled())
        return found

    def __contains__(self, entry: object) -> bool:
        return entry in self.settled()

    def __getattr__(self, name: str) -> Any:
        # irange, islice, bisect ...: whatever a reader asks of a SortedList, answered sorted.
        return getattr(self.settled(), name)
