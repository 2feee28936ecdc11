"""Omnisend's part of the timeline: a contact (found by contactID, email or phone), its status changes
and tags, and the events, orders and carts that name it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from mock_server.control.common import jsonable
from mock_server.control.ui.render import compact
from mock_server.control.ui.timeline.core import (
    Item,
    Subject,
    candidates,
    epoch_of,
    mentions,
    register_finder,
    register_provider,
)
from mock_server.control.ui.timeline.sources import record_href
from mock_server.core.context import MockContext
from mock_server.core.store import TenantState
from mock_server.omnisend.constants import VENDOR

CONTACTS = "contacts"
LOOKUPS = ("email", "phone")  # the contacts collection's own indexes


def subject_of(tenant: TenantState, key: str, record: dict[str, Any]) -> Subject:
    """The contact with every email and phone it is known by."""
    emails = {str(i.get("id", "")).lower() for i in record.get("identifiers", []) if i.get("type") == "email"}
    phones = {str(i.get("id", "")).lower() for i in record.get("identifiers", []) if i.get("type") == "phone"}
    emails |= {str(record[name]).lower() for name in ("email",) if record.get(name)}
    name = " ".join(str(record[n]) for n in ("firstName", "lastName") if record.get(n))
    first_email = sorted(emails)[0] if emails else ""
    label = f"{name} <{first_email}>" if name and first_email else name or first_email or key
    return Subject(VENDOR, tenant.tenant_id, key, label, CONTACTS, frozenset(emails - {""}),
                   frozenset(phones - {""}) | {key.lower()})


def find(mock: MockContext, tenant: TenantState, query: str) -> list[Subject]:
    """Contacts whose contactID, email or phone is ``query`` (case-insensitive)."""
    found = [subject_of(tenant, key, record) for key, record in candidates(tenant, CONTACTS, query, LOOKUPS)]
    return [s for s in found if query.lower() in s.needles]


def contact(mock: MockContext, tenant: TenantState, who: Subject) -> Iterator[Item]:
    """The contact itself: created, each channel status, its tags, its last update."""
    with tenant.lock:
        collection = tenant.find_collection(CONTACTS)
        record = None if collection is None else collection.get(who.key)
    if record is None:
        return
    href = record_href(tenant, CONTACTS, who.key)
    created = epoch_of(record.get("createdAt"))
    yield Item(created, "contact", f"Contact created: {who.label}", f"contactID {who.key}", href, "Record")
    for status in record.get("statuses", []):
        yield Item(epoch_of(status.get("date")), "status", f"{status.get('channel')}: {status.get('status')}")
    if record.get("tags"):
        yield Item(epoch_of(record.get("updatedAt"), record.get("createdAt")), "tags",
                   "Tags: " + ", ".join(str(t) for t in record["tags"]), "as the contact holds them now")
    if record.get("updatedAt") and record.get("updatedAt") != record.get("createdAt"):
        yield Item(epoch_of(record["updatedAt"]), "contact", "Contact updated", "", href, "Record")


def joined(*parts: Any) -> str:
    """The parts that hold something, joined by ``, ``."""
    return ", ".join(str(p) for p in parts if p not in (None, "", " "))


Title = Callable[[dict[str, Any]], str]
# collection -> (source label, time fields in order of preference, title)
RECORDS: dict[str, tuple[str, tuple[str, ...], Title]] = {
    "eventLog": ("event", ("eventTime", "receivedAt"),
                 lambda r: f"Event '{r.get('eventName')}' ({joined(r.get('source'), r.get('origin'))})"),
    "orders": ("order", ("createdAt",),
               lambda r: f"Order {r.get('orderID')}: " + joined(
                   f"{compact(r.get('orderSum'))} {r.get('currency') or ''}".strip(), r.get("paymentStatus"),
                   r.get("fulfillmentStatus"))),
    "carts": ("cart", ("createdAt",),
              lambda r: f"Cart {r.get('cartID')}: " + joined(
                  f"{len(r.get('products') or [])} products",
                  f"{compact(r.get('cartSum'))} {r.get('currency') or ''}")),
}


def records(mock: MockContext, tenant: TenantState, who: Subject) -> Iterator[Item]:
    """Events, orders and carts that name the contact (by contactID or email)."""
    for name, (source, times, title) in RECORDS.items():
        with tenant.lock:
            collection = tenant.find_collection(name)
            pairs = [] if collection is None else [(k, jsonable(r)) for k, r in collection.items()]
        for key, record in pairs:
            if mentions(record, who.needles):
                yield Item(epoch_of(*(record.get(t) for t in times)), source, title(record), "",
                           record_href(tenant, name, key), "Record")


register_finder(VENDOR, find, CONTACTS)
register_provider("omnisend contact", contact, VENDOR)
register_provider("omnisend records", records, VENDOR)
