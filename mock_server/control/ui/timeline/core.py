"""The contact timeline's mechanism: who the subject is, what an entry is, and the two small registries.

A *finder* turns a search (an email or an id) into subjects: one Omnisend contact or one Ometria profile,
with every email and id it is known by. A *provider* lists what happened to a subject: requests, events,
orders, outbox entries... Each source registers itself (``register_finder`` / ``register_provider``), so
a new source (the 2026 API's automations, the trackers' hits) adds entries without touching the page.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from mock_server.control.common import jsonable
from mock_server.core.clock import iso_ms, sort_time
from mock_server.core.context import MockContext
from mock_server.core.store import TenantState


@dataclass(frozen=True)
class Subject:
    """One contact (Omnisend) or profile (Ometria) and every email and id it is known by (lower case)."""

    vendor: str
    tenant_id: str
    key: str
    label: str
    resource: str  # the collection it lives in (for a link to the record)
    emails: frozenset[str] = frozenset()
    ids: frozenset[str] = frozenset()

    @property
    def needles(self) -> frozenset[str]:
        """What a record or a request must mention to be about this subject."""
        return self.emails | self.ids | {self.key.lower()}


@dataclass(frozen=True)
class Item:
    """One line of the timeline: when (mock or record time), what kind, what, and where to look."""

    epoch: float | None
    source: str
    title: str
    detail: str = ""
    href: str | None = None
    link_text: str = "Open"

    @property
    def time(self) -> str:
        """RFC 3339 for people; empty when the source keeps no time."""
        return "" if self.epoch is None else iso_ms(datetime.fromtimestamp(self.epoch, UTC))


Finder = Callable[[MockContext, TenantState, str], list[Subject]]
Provider = Callable[[MockContext, TenantState, Subject], Iterable[Item]]


@dataclass
class Registry:
    """Finders per vendor and providers (for every vendor, or one)."""

    finders: dict[str, Finder] = field(default_factory=dict)
    resources: dict[str, str] = field(default_factory=dict)  # vendor -> the collection its subjects live in
    providers: list[tuple[int, str | None, str, Provider]] = field(default_factory=list)


REGISTRY = Registry()


def register_finder(vendor: str, finder: Finder, resource: str) -> None:
    """Install the function that finds a vendor's subjects (kept in ``resource``) by email or id."""
    REGISTRY.finders[vendor] = finder
    REGISTRY.resources[vendor] = resource


def has_timeline(vendor: str, resource: str) -> bool:
    """Whether the records of ``resource`` are subjects with a timeline (Omnisend contacts, Ometria profiles)."""
    return REGISTRY.resources.get(vendor) == resource


# Stages order entries of one instant (a frozen clock puts everything at one): the request first, then the
# records it wrote, then what the sandbox sent or started because of them.
REQUESTS, RECORDS, EFFECTS = 0, 1, 2


def register_provider(name: str, provider: Provider, vendor: str | None = None, stage: int = RECORDS) -> None:
    """Install a source of timeline entries (``vendor`` None: for every vendor); a name is installed once."""
    REGISTRY.providers = [p for p in REGISTRY.providers if p[2] != name]
    REGISTRY.providers.append((stage, vendor, name, provider))


def find(mock: MockContext, query: str, vendor: str | None = None) -> list[Subject]:
    """Every subject of every tenant (of ``vendor``) that ``query`` names by email or id."""
    wanted = query.strip()
    if not wanted:
        return []
    found: list[Subject] = []
    for tenant in sorted(mock.store.tenants(vendor), key=lambda t: (t.vendor, t.tenant_id)):
        finder = REGISTRY.finders.get(tenant.vendor)
        if finder is not None:
            found.extend(finder(mock, tenant, wanted))
    return found


def build(mock: MockContext, tenant: TenantState, subject: Subject) -> list[Item]:
    """Every provider's entries about ``subject``, in time order (timeless ones first; at one instant by
    stage, then in their provider's order)."""
    items: list[tuple[int, int, Item]] = []
    for stage, vendor, _, provider in REGISTRY.providers:
        if vendor is None or vendor == tenant.vendor:
            items.extend((instant(i.epoch), stage, i) for i in provider(mock, tenant, subject))
    return [item for _, _, item in sorted(items, key=lambda t: (t[0], t[1]))]


def instant(epoch: float | None) -> int:
    """Whole milliseconds (-1 for no time): stored times keep milliseconds, the journal keeps more, and
    a request and the record it wrote must count as one instant."""
    return -1 if epoch is None else math.floor(epoch * 1000 + 1e-6)  # 1.234 * 1000 is 1233.999...


# -- helpers the sources share ----------------------------------------------------------------------

def candidates(tenant: TenantState, resource: str, query: str, lookups: Iterable[str]) -> list[tuple[str, Any]]:
    """The records ``query`` may name: by key or through the collection's lookups (the query as typed and
    in lower case), else every record (a scan, for ids no lookup indexes); JSON-ready copies."""
    with tenant.lock:
        collection = tenant.find_collection(resource)
        if collection is None:
            return []
        keys = [query] if query in collection else []
        for lookup in lookups:
            for value in dict.fromkeys((query, query.lower())):
                keys += collection.find(lookup, value)
        if keys:
            return [(key, jsonable(collection.get(key))) for key in dict.fromkeys(keys)]
        return [(key, jsonable(record)) for key, record in collection.items()]


def epoch_of(*values: Any) -> float | None:
    """The first value that is a time: RFC 3339 text or POSIX seconds."""
    for value in values:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        found = sort_time(value)
        if found is not None:
            return found
    return None


def strings(value: Any) -> Iterator[str]:
    """Every string inside a JSON-like value."""
    if isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)
    elif isinstance(value, str):
        yield value


def mentions(value: Any, needles: frozenset[str]) -> bool:
    """Whether any string inside ``value`` is one of ``needles`` (case-insensitive, whole value)."""
    return any(text.strip().lower() in needles for text in strings(value))
