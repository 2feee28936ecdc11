"""Segment membership kept up to date on write, for the ``segmentID`` list filter (omnisend.md §6.6).

A fixture rule segment whose conditions read only the contact's own fields (no events) has a membership
that changes only when a contact is written or the rules change. For such a segment this module keeps
its members' positions in every contacts order; it follows the contacts collection's write journal
(``Collection.changes_since``), so a write costs one rule evaluation per changed contact, and a page of
the segment bisects its members instead of walking every contact until a page is full.

Segments whose membership also moves with events or the clock (event conditions, API segments with
their periods and relative dates) are not indexed: their filter walks the order and tests each contact,
as before. The filter's predicate still decides in every case, so the index only saves work.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sortedcontainers import SortedList

from mock_server.core import spans
from mock_server.core.collection import Collection, NarrowSource, Position
from mock_server.omnisend.backend import Brand, segments, segments_api
from mock_server.omnisend.backend import contacts as contact_rules

Record = dict[str, Any]


@dataclass
class _Members:
    """One segment's members in every order, as of ``version`` of the contacts collection."""

    rules: str
    version: int
    by_order: dict[str, SortedList] = field(default_factory=dict)
    positions: dict[str, dict[str, Position]] = field(default_factory=dict)  # key -> order -> position

    def add(self, key: str, positions: dict[str, Position]) -> None:
        self.positions[key] = positions
        for order, position in positions.items():
            self.by_order.setdefault(order, SortedList()).add(position)

    def discard(self, key: str) -> None:
        positions = self.positions.pop(key, None)
        for order, position in (positions or {}).items():
            self.by_order[order].remove(position)


# contacts collection -> segment id -> members. Keyed by the collection object, so a restore or a
# fixture reload (new collection objects) starts afresh, and a dropped collection frees its indexes.
_INDEXES: weakref.WeakKeyDictionary[Collection, dict[str, _Members]] = weakref.WeakKeyDictionary()


def indexable(segment: Record) -> bool:
    """Whether a fixture segment's membership depends on the contact's own fields only."""
    return all("event" not in cond for cond in segment.get("conditions") or [])


def members_source(brand: Brand, segment_id: str) -> NarrowSource | None:
    """The ``segmentID`` filter's index: the segment's members by order, or None when not indexed."""
    segment = segments.find(brand, segment_id)
    if segment is None or not indexable(segment):
        return None
    contacts = brand.col("contacts")
    members = _current(brand, contacts, segment)
    empty = SortedList()
    return lambda order: members.by_order.get(order, empty)


def narrower(raw: str, context: Mapping[str, Any]) -> NarrowSource | None:
    """``FilterSpec.narrower`` of the contacts ``segmentID`` filter (the context carries the brand)."""
    return members_source(context["brand"], raw)


def owned_by_members(collection: str, lookup: str) -> Callable[[str, Mapping[str, Any]], NarrowSource | None]:
    """A ``FilterSpec.narrower`` for records of another collection that belong to a segment's members
    through ``lookup`` (a cart's ``contactID``): those records' positions, gathered per order when the
    segment is indexed and small enough (core.spans.gather_limit), else None (the page walks)."""
    def narrower(raw: str, context: Mapping[str, Any]) -> NarrowSource | None:
        brand: Brand = context["brand"]
        segment = segments.find(brand, raw)
        if segment is None or not indexable(segment) or contact_rules.segment_resolver() is not segments.segments_for:
            return None  # not indexed, or the filter reads another membership than the rules (a test's own)
        api = brand.tenant.find_collection(segments_api.COLLECTION)
        if api is not None and api.peek(raw) is not None:
            return None  # an API segment of the same id: a member of either is in the filter
        owned = brand.tenant.find_collection(collection)
        if owned is None:
            return lambda order: SortedList()
        members = _current(brand, brand.col("contacts"), segment)
        if len(members.positions) > spans.gather_limit(len(owned), True):
            return None
        keys = [key for member in members.positions for key in owned.find(lookup, member)]
        return lambda order: SortedList(owned.position(key, order) for key in keys)
    return narrower


def _current(brand: Brand, contacts: Collection, segment: Record) -> _Members:
    """The segment's members now: caught up with the writes since the last read, or rebuilt."""
    table = _INDEXES.setdefault(contacts, {})
    rules = json.dumps(segment, sort_keys=True, default=str)
    members = table.get(segment["segmentID"])
    changed = None if members is None or members.rules != rules else contacts.changes_since(members.version)
    if members is None or changed is None:
        members = _Members(rules, contacts.version)
        for key, record in contacts.items():
            if segments.matches(brand, record, segment):
                members.add(key, contacts.positions(key))  # members only: sort keys parse dates
        table[segment["segmentID"]] = members
        return members
    for key in dict.fromkeys(changed):  # each changed contact once, in write order
        members.discard(key)
        current = contacts.peek(key)
        if current is not None and segments.matches(brand, current, segment):
            members.add(key, contacts.positions(key))
    members.version = contacts.version
    return members
