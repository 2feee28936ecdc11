"""Index entry upkeep shared by a collection's writes (mock_server.core.collection): filter index entries
and lookup owners, added and taken out."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from operator import itemgetter
from typing import Any

from sortedcontainers import SortedList

from mock_server.core.bulkindex import PendingIndex
from mock_server.core.records import IID_ORDER, Position


def unfilter(filtered: dict[Any, dict[str, SortedList]], values: Iterable[Any],
              positions: dict[str, Position]) -> None:
    """Take a record's ``positions`` out of the filter index entries of ``values`` (dropping emptied ones)."""
    for value in values:
        by_order = filtered[value]
        for order, position in positions.items():
            by_order[order].remove(position)
        if not by_order[IID_ORDER]:
            del filtered[value]


def enfilter(filtered: dict[Any, dict[str, SortedList]], values: Iterable[Any], positions: dict[str, Position],
             new_index: Callable[[], SortedList]) -> None:
    """Add a record's ``positions`` to the filter index entries of ``values`` (creating missing ones)."""
    entries = tuple(positions.items())
    for value in values:
        by_order = filtered.get(value)
        if by_order is None:
            by_order = filtered[value] = {order: new_index() for order in positions}
        for order, position in entries:
            by_order[order].add(position)


def enfilter_many(filtered: dict[Any, dict[str, SortedList]], values_of: Iterable[Iterable[Any]],
                  entries: dict[str, list[Position]], new_index: Callable[[], SortedList],
                  ascending: Mapping[str, bool]) -> None:
    """:func:`enfilter` of each of many records in turn (``values_of``: each one's values; ``entries``: every
    order's entries of the same records, in the same order), in bulk (``Collection.insert_many``): the records
    of each value gathered first, then one ``update`` per value and order. Values new to the index are created
    in the order the records meet them, as record by record. ``ascending``: the orders whose entries are in
    ascending order (so is every value's share of them, see :func:`extend`)."""
    members: dict[Any, list[int]] = {}
    for at, values in enumerate(values_of):
        for value in set(values):
            found = members.get(value)
            if found is None:
                members[value] = [at]
            else:
                found.append(at)
    for value, ats in members.items():
        by_order = filtered.get(value)
        if by_order is None:
            by_order = filtered[value] = {order: new_index() for order in entries}
        if len(ats) == 1:
            for order, listed in entries.items():
                extend(by_order[order], (listed[ats[0]],), ascending[order])
            continue
        gather = itemgetter(*ats)  # in C: these records' entries, as a tuple
        for order, listed in entries.items():
            extend(by_order[order], gather(listed), ascending[order])


def extend(index: SortedList | PendingIndex, entries: Sequence[Position], ascending: bool) -> None:
    """Add ``entries`` to an ordered index; ``ascending``: the caller knows they are in ascending order."""
    if ascending and type(index) is PendingIndex:
        index.extend_ascending(entries)
    else:
        index.update(entries)


def lookup(table: dict[Any, str | set[str]], key: str, values: Iterable[Any]) -> None:
    """Make ``key`` an owner of each of ``values`` in a lookup table."""
    for value in values:
        owner = table.get(value)
        if owner is None:
            table[value] = key
        elif isinstance(owner, set):
            owner.add(key)
        elif owner != key:
            table[value] = {owner, key}


def unlookup(table: dict[Any, str | set[str]], key: str, values: Iterable[Any]) -> None:
    """Remove ``key`` from the owners of each of ``values`` in a lookup table."""
    for value in values:
        owner = table.get(value)
        if owner == key:
            del table[value]
        elif isinstance(owner, set):
            owner.discard(key)
            if len(owner) == 1:
                table[value] = next(iter(owner))
