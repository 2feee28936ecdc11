"""One resource's records of one tenant: a keyed collection with ordered indexes.

Every collection keeps one ``SortedList`` per sort key of ``(sort value, internal id)`` entries, so a
page in any supported order costs O(limit * log N) (bisect plus a bounded walk), never a sort of the
whole collection. Filter indexes do the same for a filtered page: for every value of a declared filter
field (a status, a tag), the records having it in every sort order, kept up to date on write, so a page
of a rare value bisects its own index instead of walking the whole order until a page is full.

Records are stored encoded (one pickle per record): a few hundred bytes instead of a few kilobytes of
live objects, immutable, so snapshots share them instead of copying. Reads decode, so
every caller gets its own copy and nothing it does reaches stored state.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from sortedcontainers import SortedList

from mock_server.core.bulkload import BulkLoading
from mock_server.core.entries import enfilter, lookup, unfilter, unlookup
from mock_server.core.ordered import OrderedReads
from mock_server.core.records import (
    IID_ORDER,
    ChangeHook,
    CollectionSpec,
    Lookup,
    Narrow,
    NarrowSource,
    Page,
    Position,
    Predicate,
    Record,
    SortKey,
    ascending,
    clone,
    decode,
    dumped_records,
    encode,
    field_values,
)

__all__ = ["IID_ORDER", "ChangeHook", "Collection", "CollectionSpec", "Lookup", "Narrow", "NarrowSource", "Page",
           "Position", "Predicate", "Record", "SortKey", "clone", "field_values"]


RECENT = 256  # records whose index values a collection keeps after rewriting them (see Collection._move)


class Collection(OrderedReads, BulkLoading):
    """Records of one resource of one tenant, addressed by an external key, ordered by internal id.

    ``sort_keys`` maps each supported sort key to a function of the record that returns a value of one
    consistent type (or None). ``lookups`` keep value -> keys maps (find a contact by email in O(1)).
    The internal id is assigned on first insert and kept on replace.
    """

    def __init__(self, spec: CollectionSpec | None = None, on_change: ChangeHook | None = None) -> None:
        spec = spec or CollectionSpec()
        self.on_change = on_change  # called after each insert / replace / delete / rekey (not load)
        self._sort_keys: dict[str, SortKey] = dict(spec.sort_keys)
        self._lookup_funcs: dict[str, Lookup] = dict(spec.lookups)
        # value -> the key owning it, or the set of keys when several do (one string is far smaller).
        self._lookups: dict[str, dict[Any, str | set[str]]] = {name: {} for name in self._lookup_funcs}
        self._next_iid = 1
        self._iid_by_key: dict[str, int] = {}
        self._records: dict[int, tuple[str, bytes]] = {}
        self._indexes: dict[str, SortedList] = {name: SortedList() for name in self._sort_keys}
        self._iid_index = SortedList()
        self._filter_funcs: dict[str, Lookup] = dict(spec.filters)
        # filter name -> value -> order (IID_ORDER or a sort key) -> positions of the records having it.
        # The position tuples are the ones of the main indexes (shared, a pointer per entry).
        self._deferring = False  # a bulk load runs (defer_indexes): new indexes collect unsorted
        self._filtered: dict[str, dict[Any, dict[str, SortedList]]] = {name: {} for name in self._filter_funcs}
        # Derived indexes kept outside (segment membership) follow writes through this journal: the
        # keys written since version ``_journal_base``, dropped when it grows past a share of the
        # collection (a follower that far behind rebuilds: O(N) once per N/8 writes).
        self.version = 0
        self._journal: list[str] = []
        self._journal_base = 0
        # The index values of the records rewritten last, by internal id, with the encoding they were
        # computed from: a record updated again (an upsert loop, a profile refreshed per push) moves its index
        # entries without decoding its old version. Valid while that encoding (immutable) is the stored
        # one, checked by identity: the values are a function of (internal id, record). Bounded
        # (:data:`RECENT` entries, oldest dropped) so memory stays flat at a million records.
        self._recent: dict[int, tuple[bytes, dict[str, Position], tuple[set[Any], ...], tuple[set[Any], ...]]] = {}

    # -- writes -------------------------------------------------------------------------------
    def insert(self, key: str, data: Record) -> int:
        """Store a new record under ``key``; return its internal id."""
        if key in self._iid_by_key:
            raise KeyError(f"duplicate key {key!r}")
        iid = self._next_iid
        self._next_iid += 1
        self._put(iid, key, data, encode(data))
        if self.on_change is not None:
            self.on_change("put", key, data)
        return iid

    def replace(self, key: str, data: Record) -> int:
        """Replace the record under ``key`` (keeping its internal id); return the internal id."""
        iid = self._iid_by_key[key]
        if self._deferring:
            self._drop(iid)
            self._put(iid, key, data, encode(data))
        else:
            self._move(iid, key, data, encode(data))
        if self.on_change is not None:
            self.on_change("put", key, data)
        return iid

    def upsert(self, key: str, data: Record) -> tuple[int, bool]:
        """Insert or replace; return ``(internal id, created)``."""
        iid = self._iid_by_key.get(key)
        if iid is None:
            return self.insert(key, data), True
        if self._deferring or self.on_change is not None:
            return self.replace(key, data), False
        self._move(iid, key, data, encode(data))  # :meth:`replace` inline (every push's write comes this way)
        return iid, False

    def delete(self, key: str) -> Record:
        """Remove the record under ``key`` and return it."""
        iid = self._iid_by_key[key]
        data = self._drop(iid)
        if self.on_change is not None:
            self.on_change("delete", key, None)
        return data

    def rekey(self, old: str, new: str) -> None:
        """Give a record a new external key, keeping its internal id and position."""
        iid = self._iid_by_key[old]
        blob = self._records[iid][1]
        data = self._drop(iid)
        self._put(iid, new, data, blob)
        if self.on_change is not None:
            self.on_change("rekey", old, new)

    def _wrote(self, key: str) -> None:
        # Called by _put and _drop, so every way in (including changes applied from elsewhere) is
        # journaled. One version per entry: the journal holds exactly versions _journal_base+1..version.
        self.version += 1
        self._journal.append(key)
        if len(self._journal) > max(1024, len(self._records) // 8):
            self._journal_base = self.version
            self._journal.clear()

    def changes_since(self, version: int) -> list[str] | None:
        """The keys written since ``version`` (repeats possible), or None when the journal no longer
        reaches back that far (the follower rebuilds)."""
        if version < self._journal_base or version > self.version:
            return None
        return self._journal[version - self._journal_base:]

    def positions(self, key: str) -> dict[str, Position]:
        """The position of ``key`` in every order (internal id first)."""
        iid = self._iid_by_key[key]
        return self._positions(iid, decode(self._records[iid][1]))

    def _put(self, iid: int, key: str, data: Record, blob: bytes) -> None:
        """Index ``data`` and store its encoding ``blob``."""
        self._records[iid] = (key, blob)
        self._iid_by_key[key] = iid
        positions = self._positions(iid, data)
        self._iid_index.add(positions[IID_ORDER])
        for name, index in self._indexes.items():
            index.add(positions[name])
        for name, ffunc in self._filter_funcs.items():
            enfilter(self._filtered[name], set(ffunc(data)), positions, self._new_index)
        for name, lfunc in self._lookup_funcs.items():
            lookup(self._lookups[name], key, set(lfunc(data)))
        self._wrote(key)

    def _move(self, iid: int, key: str, data: Record, blob: bytes) -> None:
        """:meth:`_drop` then :meth:`_put` of the same key, with the same outcome, moving only the index
        entries that changed (compare before write: an update that leaves a sort value, a filter value or a
        lookup value as it was leaves its entries alone, where a full re-index removed and re-added each)."""
        stored = self._records[iid][1]
        seen = self._recent.pop(iid, None)
        if seen is not None and seen[0] is stored:  # this record's own last write: no decode
            _, before, filters_was, lookups_was = seen
        else:
            old: Record = decode(stored)
            before = self._positions(iid, old)
            filters_was = tuple(set(ffunc(old)) for ffunc in self._filter_funcs.values())
            lookups_was = tuple(set(lfunc(old)) for lfunc in self._lookup_funcs.values())
        self._records[iid] = (key, blob)
        after = self._positions(iid, data)
        # A collection without filters or lookups (contact listings) builds no empty tuples through generators.
        filters_now = tuple([set(ffunc(data)) for ffunc in self._filter_funcs.values()]) if self._filter_funcs else ()
        lookups_now = tuple([set(lfunc(data)) for lfunc in self._lookup_funcs.values()]) if self._lookup_funcs else ()
        self._recent[iid] = (blob, after, filters_now, lookups_now)
        if len(self._recent) > RECENT:
            del self._recent[next(iter(self._recent))]
        moved = [order for order, position in after.items() if before[order] != position]
        for order in moved:  # never IID_ORDER: the internal id is kept
            self._indexes[order].remove(before[order])
            self._indexes[order].add(after[order])
        for name, was, now in zip(self._filter_funcs, filters_was, filters_now, strict=True):
            filtered = self._filtered[name]
            unfilter(filtered, was - now, before)
            for value in was & now if moved else ():
                by_order = filtered[value]
                for order in moved:
                    by_order[order].remove(before[order])
                    by_order[order].add(after[order])
            enfilter(filtered, now - was, after, self._new_index)
        for name, was, now in zip(self._lookup_funcs, lookups_was, lookups_now, strict=True):
            if was == now:
                continue
            unlookup(self._lookups[name], key, was - now)
            lookup(self._lookups[name], key, now - was)
        # The journal as a drop and a put leave it: two versions. With room for both entries under the
        # journal's bound this is what two _wrote calls do (neither clears it); else exactly those calls.
        journal = self._journal
        if len(journal) + 2 <= max(1024, len(self._records) // 8):
            self.version += 2
            journal += (key, key)
        else:
            self._wrote(key)
            self._wrote(key)

    def _positions(self, iid: int, data: Record) -> dict[str, Position]:
        """The record's entry in every order (internal id first)."""
        positions: dict[str, Position] = {IID_ORDER: ((1, iid), iid)}
        for name, func in self._sort_keys.items():
            value = func(data)  # wrap(value), inline: a call less per sort key of every write
            positions[name] = ((0, 0) if value is None else (1, value), iid)
        return positions

    def _drop(self, iid: int) -> Record:
        """Unindex and remove a record; return it decoded."""
        key, blob = self._records.pop(iid)
        data: Record = decode(blob)
        del self._iid_by_key[key]
        positions = self._positions(iid, data)
        self._iid_index.remove(positions[IID_ORDER])
        for name in self._sort_keys:
            self._indexes[name].remove(positions[name])
        for name, ffunc in self._filter_funcs.items():
            unfilter(self._filtered[name], set(ffunc(data)), positions)
        for name, lfunc in self._lookup_funcs.items():
            unlookup(self._lookups[name], key, set(lfunc(data)))
        self._wrote(key)
        return data

    # -- reads --------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._records)

    def __contains__(self, key: object) -> bool:
        return key in self._iid_by_key

    def get(self, key: str) -> Record | None:
        """Return a copy of the record under ``key``, or None."""
        iid = self._iid_by_key.get(key)
        return None if iid is None else decode(self._records[iid][1])

    def peek(self, key: str) -> Record | None:
        """Return the record under ``key`` for reading (a decoded copy, like :meth:`get`), or None."""
        iid = self._iid_by_key.get(key)
        return None if iid is None else decode(self._records[iid][1])

    def owned(self, lookup: str, value: Any) -> bool:
        """Whether any record has ``value`` under ``lookup`` (``bool(find(...))`` without the list)."""
        return value in self._lookups[lookup]

    def find(self, lookup: str, value: Any) -> list[str]:
        """Return the keys of the records that ``lookup`` maps to ``value``, in internal-id order."""
        owner = self._lookups[lookup].get(value)
        if owner is None:
            return []
        if isinstance(owner, str):
            return [owner]
        return sorted(owner, key=lambda k: self._iid_by_key[k])

    def iid(self, key: str) -> int | None:
        """Return the internal id of ``key``, or None."""
        return self._iid_by_key.get(key)

    def keys(self) -> list[str]:
        """Return every external key in internal-id order."""
        return [self._records[iid][0] for _, iid in self._iid_index]

    def values(self) -> Iterator[Record]:
        """Iterate the records (decoded copies) in internal-id order."""
        for _, iid in self._iid_index:
            yield decode(self._records[iid][1])

    def items(self) -> Iterator[tuple[str, Record]]:
        """Iterate ``(key, record)`` pairs (decoded copies) in internal-id order."""
        for _, iid in self._iid_index:
            key, blob = self._records[iid]
            yield key, decode(blob)

    # -- snapshots ----------------------------------------------------------------------------
    def dump(self) -> dict[str, Any]:
        """Return the contents: the id counter and ``{internal id: (key, encoded record)}`` in id order
        (the encodings are immutable, so a dump shares them; :func:`dumped_records` reads it)."""
        records = self._records
        # ``records``: internal id -> (key, encoding), in id order: a copy of the collection's own table (in C:
        # a fixture load snapshots its million records for reset, where a list of new tuples took seconds).
        # The table is in id order unless another process's writes came in (``apply``): then sorted.
        if not ascending(list(records)):  # internal ids are unique: never decreasing is increasing
            return {"next_iid": self._next_iid, "records": dict(sorted(records.items()))}
        return {"next_iid": self._next_iid, "records": dict(records)}

    def load(self, dumped: Mapping[str, Any]) -> None:
        """Replace the contents with a :meth:`dump` result (internal ids kept); the ordered indexes are
        built in bulk (see :meth:`defer_indexes`)."""
        self.defer_indexes()
        self._iid_by_key.clear()
        self._records.clear()
        self._iid_index.clear()
        for index in self._indexes.values():
            index.clear()
        for table in self._lookups.values():
            table.clear()
        for filtered in self._filtered.values():
            filtered.clear()
        self._recent.clear()
        for iid, key, blob in dumped_records(dumped):
            self._put(iid, key, decode(blob), blob)
        self.version += 1  # everything changed: every follower rebuilds
        self._journal_base = self.version
        self._journal.clear()
        self._next_iid = dumped["next_iid"]
        self.settle_indexes()

    # -- the shared store's hooks (mock_server.redisstore): raw entries, no change hook ----------
    @property
    def next_iid(self) -> int:
        """The internal id the next insert gets."""
        return self._next_iid

    def encoded(self, key: str) -> tuple[int, bytes] | None:
        """Return ``(internal id, encoded record)`` under ``key``, or None."""
        iid = self._iid_by_key.get(key)
        return None if iid is None else (iid, self._records[iid][1])

    def apply(self, drops: Iterable[str], puts: Mapping[str, tuple[int, bytes]], next_iid: int) -> None:
        """Apply a change set another process made: remove ``drops``, then store ``puts`` with their own
        internal ids (a rekey arrives as a drop of the old key and a put of the new one)."""
        for key in drops:
            iid = self._iid_by_key.get(key)
            if iid is not None:
                self._drop(iid)
        for key, (iid, blob) in puts.items():
            self._put(iid, key, decode(blob), blob)
        self._next_iid = max(self._next_iid, next_iid)
