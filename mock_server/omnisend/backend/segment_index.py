"""Segment membership kept up to date on write, for the ``segmentID`` list filter (omnisend.md §6.6).

A fixture rule segment's membership changes when a contact is written, when the rules change, and, for
event conditions, when an event is logged for a contact and when the clock passes the moment a
``withinDays`` window stops counting a logged event. For every fixture segment this module keeps its
members' positions in every contacts order; it follows the contacts collection's write journal
(``Collection.changes_since``) and, for event conditions, the event log's journal (one rule evaluation
per changed contact); it rebuilds when a journal no longer reaches back, when a logged event was changed
or removed, or when the clock left the interval in which no window ends. A page of the segment then
bisects its members instead of walking every contact until a page is full.

API segments (``/api/segments``, whose periods and relative dates move with the clock at any moment)
are not indexed: their filter walks the order and tests each contact, as before. The filter's
predicate still decides in every case, so the index only saves work.
"""

from __future__ import annotations

import json
import math
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sortedcontainers import SortedList

from mock_server.core import spans
from mock_server.core.collection import Collection, NarrowSource, Position
from mock_server.omnisend.backend import Brand, segments, segments_api
from mock_server.omnisend.backend import contacts as contact_rules
from mock_server.omnisend.backend.events import LOG, event_moment

Record = dict[str, Any]


@dataclass
class _Members:
    """One segment's members in every order, as of ``version`` of the contacts collection."""

    rules: str
    version: int
    # Event conditions: the event log followed (as of its ``log_version``; entries from ``log_next_iid``
    # on are new), and the clock times (valid_from, valid_until] in which no ``withinDays`` window ends.
    events: bool = False
    log: Collection | None = None
    log_version: int = 0
    log_next_iid: int = 0
    valid_from: float = -math.inf
    valid_until: float = math.inf
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

    def follow(self, log: Collection | None) -> None:
        self.log = log
        self.log_version = log.version if log is not None else 0
        self.log_next_iid = log.next_iid if log is not None else 0

    def note(self, windows: Mapping[str, list[float]], entry: Record, now: float) -> None:
        """Narrow the valid clock interval by the moments a window stops counting ``entry``: membership
        at time x counts the entries whose end lies before x, so it holds while no end lies between."""
        spans = windows.get(entry.get("eventName") or "")
        moment = event_moment(entry) if spans else None
        if moment is None:
            return
        for span in spans or ():
            end = moment + span
            if end < now:
                self.valid_from = max(self.valid_from, end)
            else:
                self.valid_until = min(self.valid_until, end)


# contacts collection -> segment id -> members. Keyed by the collection object, so a restore or a
# fixture reload (new collection objects) starts afresh, and a dropped collection frees its indexes.
_INDEXES: weakref.WeakKeyDictionary[Collection, dict[str, _Members]] = weakref.WeakKeyDictionary()


def indexable(segment: Record) -> bool:
    """Whether a segment's membership is kept here: every fixture rule segment (event conditions too)."""
    return isinstance(segment.get("segmentID"), str)


def _windows(segment: Record) -> dict[str, list[float]]:
    """Event name -> the ``withinDays`` windows (seconds) the segment's conditions count it in."""
    out: dict[str, list[float]] = {}
    for cond in segment.get("conditions") or []:
        if "event" in cond and cond.get("withinDays") is not None:
            out.setdefault(cond["event"], []).append(float(cond["withinDays"]) * segments.DAY)
    return out


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
    """The segment's members now: caught up with the writes (and logged events) since the last read,
    or rebuilt."""
    table = _INDEXES.setdefault(contacts, {})
    rules = json.dumps(segment, sort_keys=True, default=str)
    members = table.get(segment["segmentID"])
    changed = None if members is None or members.rules != rules else contacts.changes_since(members.version)
    if members is not None and changed is not None and members.events:
        changed = _logged_changes(brand, members, _windows(segment), changed)
    if members is None or changed is None:
        members = table[segment["segmentID"]] = _build(brand, contacts, segment, rules)
        return members
    for key in dict.fromkeys(changed):  # each changed contact once, in write order
        members.discard(key)
        current = contacts.peek(key)
        if current is not None and segments.matches(brand, current, segment):
            members.add(key, contacts.positions(key))
    members.version = contacts.version
    return members


def _build(brand: Brand, contacts: Collection, segment: Record, rules: str) -> _Members:
    members = _Members(rules, contacts.version)
    if any("event" in cond for cond in segment.get("conditions") or []):
        members.events = True
        log = brand.tenant.find_collection(LOG)
        members.follow(log)
        windows, now = _windows(segment), brand.ctx.clock.time()
        if windows and log is not None:
            for entry in log.values():
                members.note(windows, entry, now)
    for key, record in contacts.items():
        if segments.matches(brand, record, segment):
            members.add(key, contacts.positions(key))  # members only: sort keys parse dates
    return members


def _logged_changes(brand: Brand, members: _Members, windows: Mapping[str, list[float]],
                    changed: list[str]) -> list[str] | None:
    """The contacts to evaluate again: the written ones plus those with newly logged events; None when
    the index must be rebuilt (the clock left the valid interval, a logged event changed or went away,
    the log was replaced or its journal no longer reaches back)."""
    now = brand.ctx.clock.time()
    if not members.valid_from < now <= members.valid_until:
        return None
    log = brand.tenant.find_collection(LOG)
    if log is not members.log:
        return None
    if log is None:
        return changed
    logged = log.changes_since(members.log_version)
    if logged is None or len(set(logged)) != len(logged):
        return None  # (an entry written twice was replaced: its former contact is not known)
    out = list(changed)
    for key in dict.fromkeys(logged):
        iid = log.iid(key)
        entry = log.peek(key) if iid is not None and iid >= members.log_next_iid else None
        if entry is None:
            return None  # a changed or removed entry: whose events it was is not known any more
        if entry.get("contactID"):
            out.append(entry["contactID"])
        members.note(windows, entry, now)
    members.follow(log)
    return out
