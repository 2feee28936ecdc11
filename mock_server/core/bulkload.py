"""Bulk loading of a collection: a fixture load of up to a million records stores them in batches and
builds the ordered indexes once at the end (the bulk half of :class:`mock_server.core.collection.Collection`,
whose single writes keep the same indexes one record at a time)."""

from __future__ import annotations

from itertools import repeat
from typing import Any

from sortedcontainers import SortedList

from mock_server.core.bulkindex import PendingIndex
from mock_server.core.entries import enfilter_many, extend, lookup
from mock_server.core.records import IID_ORDER, ChangeHook, Lookup, Position, Record, SortKey, encode_many
from mock_server.core.records import ascending as in_order


class BulkLoading:
    """Deferred index building and batched inserts, with exactly the state one insert per record gives."""

    on_change: ChangeHook | None
    version: int
    _deferring: bool
    _next_iid: int
    _iid_by_key: dict[str, int]
    _records: dict[int, tuple[str, bytes]]
    _indexes: dict[str, Any]
    _iid_index: Any
    _sort_keys: dict[str, SortKey]
    _filter_funcs: dict[str, Lookup]
    _filtered: dict[str, dict[Any, dict[str, Any]]]
    _lookup_funcs: dict[str, Lookup]
    _lookups: dict[str, dict[Any, str | set[str]]]
    _journal: list[str]
    _journal_base: int

    def insert(self, key: str, data: Record) -> int:
        """Store one new record (the collection's single write)."""
        raise NotImplementedError

    def defer_indexes(self) -> None:
        """Start a bulk load: until :meth:`settle_indexes`, the ordered indexes collect their entries
        unsorted (O(1) per insert or removal) and sort them once, when first read or when settled.

        One ``SortedList.add`` per record of a million-record fixture cost more than building the same
        list from the sorted entries (a fixture in id or date order sorts in linear time). Every read
        answers exactly as before: an index read during the load is sorted on the spot.
        """
        self._deferring = True
        if not isinstance(self._iid_index, PendingIndex):
            self._iid_index = PendingIndex(self._iid_index)
        for name, index in self._indexes.items():
            if not isinstance(index, PendingIndex):
                self._indexes[name] = PendingIndex(index)
        for filtered in self._filtered.values():
            for by_order in filtered.values():
                for order, index in by_order.items():
                    if not isinstance(index, PendingIndex):
                        by_order[order] = PendingIndex(index)

    def insert_many(self, keys: list[str], records: list[Record]) -> None:
        """:meth:`insert` of each record in turn (new keys, no repeats), in bulk: the same internal ids,
        encodings, index entries, filter index entries and lookups, with the per-record work in list
        comprehensions and calls into C (a fixture load stores a million new records). The journal counts
        every write; when they outrun it, followers rebuild, as after :meth:`load`. A collection with a
        change hook (a shared store watching) takes :meth:`insert` per record: the hook sees each write."""
        if self.on_change is not None:
            for key, data in zip(keys, records, strict=True):
                self.insert(key, data)
            return
        iid_by_key = self._iid_by_key
        if len(set(keys)) != len(keys) or not iid_by_key.keys().isdisjoint(keys):
            raise KeyError("duplicate key")
        # One int object per internal id, shared by every entry that names it (as _put shares it): a range
        # iterated per index made one each, 28 bytes per record and index.
        iids = list(range(self._next_iid, self._next_iid + len(keys)))
        self._next_iid += len(keys)
        self._records.update(zip(iids, zip(keys, encode_many(records), strict=True), strict=True))
        iid_by_key.update(zip(keys, iids, strict=True))
        # The entries of every order (internal id first, as _positions lists them), one tuple per record and
        # order, shared by the main index and the filter indexes (as _put shares them).
        # Built by zip (in C) when no value is absent, the usual case: the tuples wrap() gives. An order whose
        # values come ascending in this batch (a fixture in date order, the load's own stamps) has its entries
        # in ascending order too (the internal ids ascend), and so has each filter value's share of them: the
        # indexes then settle without a sort (PendingIndex.extend_ascending).
        entries: dict[str, list[Position]] = {IID_ORDER: list(zip(zip(repeat(1), iids), iids, strict=True))}
        ascending: dict[str, bool] = {IID_ORDER: True}
        for name, func in self._sort_keys.items():
            values: list[Any] = list(map(func, records))
            if None in values:
                entries[name] = [((0, 0) if value is None else (1, value), iid)
                                 for value, iid in zip(values, iids, strict=True)]
                ascending[name] = False
            else:
                entries[name] = list(zip(zip(repeat(1), values), iids, strict=True))
                ascending[name] = in_order(values)
        extend(self._iid_index, entries[IID_ORDER], True)
        for name, index in self._indexes.items():
            extend(index, entries[name], ascending[name])
        for name, ffunc in self._filter_funcs.items():
            enfilter_many(self._filtered[name], map(ffunc, records), entries, self._new_index, ascending)
        for name, lfunc in self._lookup_funcs.items():
            table = self._lookups[name]
            for key, owned in zip(keys, map(lfunc, records), strict=True):
                for value in owned:  # a value nobody owns yet (the usual case) gets its owner inline
                    if value in table:
                        lookup(table, key, (value,))
                    else:
                        table[value] = key
        self.version += len(keys)
        if len(self._journal) + len(keys) > max(1024, len(self._records) // 8):
            self._journal_base = self.version
            self._journal.clear()
        else:
            self._journal.extend(keys)

    def settle_indexes(self) -> None:
        """End a bulk load: sort what :meth:`defer_indexes` collected into the ordered indexes."""
        self._deferring = False
        if isinstance(self._iid_index, PendingIndex):
            self._iid_index = self._iid_index.settled()
        for name, index in self._indexes.items():
            if isinstance(index, PendingIndex):
                self._indexes[name] = index.settled()
        for filtered in self._filtered.values():
            for by_order in filtered.values():
                for order, index in by_order.items():
                    if isinstance(index, PendingIndex):
                        by_order[order] = index.settled()

    def _new_index(self) -> Any:
        """An empty ordered index: collecting unsorted while a bulk load runs, else a ``SortedList``."""
        return PendingIndex(SortedList()) if self._deferring else SortedList()
