"""Ometria's part of the timeline: a profile (found by profile id, email, customer id or contact id), its
contact records in each collection, and the orders and custom events that name it."""

from __future__ import annotations

from collections.abc import Iterator
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
from mock_server.ometria.constants import VENDOR

PROFILES = "profiles"
LOOKUPS = ("email", "phone", "customer_id")  # the profiles collection's own indexes
CONTACTS = "contacts:"  # one collection per Ometria contact collection: contacts:default, contacts:newsletter


def _lower(values: Any) -> set[str]:
    return {str(v).lower() for v in values or () if v not in (None, "")}


def subject_of(tenant: TenantState, key: str, profile: dict[str, Any]) -> Subject:
    """The profile with its emails, phones, customer ids and the ids of its contact records."""
    emails = _lower(profile.get("emails"))
    contact_ids = _lower(pair[1] for pair in profile.get("listings", []) if isinstance(pair, list) and len(pair) > 1)
    ids = _lower(profile.get("customer_ids")) | _lower(profile.get("phones")) | contact_ids | {key.lower()}
    first = sorted(emails)[0] if emails else ""
    return Subject(VENDOR, tenant.tenant_id, key, first or key, PROFILES, frozenset(emails), frozenset(ids))


def find(mock: MockContext, tenant: TenantState, query: str) -> list[Subject]:
    """Profiles that ``query`` names (profile id, email, phone, customer id or contact id)."""
    found = [subject_of(tenant, key, record) for key, record in candidates(tenant, PROFILES, query, LOOKUPS)]
    return [s for s in found if query.lower() in s.needles]


def _pairs(tenant: TenantState, prefix: str) -> list[tuple[str, str, dict[str, Any]]]:
    with tenant.lock:
        return [(name, key, jsonable(record)) for name, collection in sorted(tenant.collections.items())
                if name == prefix or name.startswith(prefix) for key, record in collection.items()]


def profile(mock: MockContext, tenant: TenantState, who: Subject) -> Iterator[Item]:
    """The profile itself and its contact records (one per collection it was pushed to)."""
    with tenant.lock:
        collection = tenant.find_collection(PROFILES)
        record = None if collection is None else jsonable(collection.get(who.key))
    if record is not None:
        meta = record.get("_meta") or {}
        yield Item(epoch_of(meta.get("created")), "profile", f"Profile created: {who.label}", f"profile {who.key}",
                   record_href(tenant, PROFILES, who.key), "Record")
    for name, key, contact in _pairs(tenant, CONTACTS):
        meta = contact.get("_meta") or {}
        if meta.get("profile") != who.key and not mentions(contact, who.needles):
            continue
        yield Item(epoch_of(meta.get("created"), contact.get("timestamp_acquired")), "contact",
                   f"Contact {key} in collection {name.split(':', 1)[1]}",
                   f"marketing opt-in {contact.get('marketing_optin') or 'not given'}",
                   record_href(tenant, name, key), "Record")


def records(mock: MockContext, tenant: TenantState, who: Subject) -> Iterator[Item]:
    """Orders and custom events that name the profile (customer email or id, identity email, profile)."""
    for name, key, order in _pairs(tenant, "orders"):
        if mentions(order, who.needles):
            yield Item(epoch_of(order.get("timestamp")), "order",
                       f"Order {key}: {order.get('status', '')}, {compact(order.get('grand_total'))} "
                       f"{order.get('currency', '')}", "", record_href(tenant, name, key), "Record")
    for name, key, event in _pairs(tenant, "custom_events"):
        if (event.get("_meta") or {}).get("profile") == who.key or mentions(event, who.needles):
            yield Item(epoch_of(event.get("timestamp")), "event", f"Event '{event.get('event_type')}'", "",
                       record_href(tenant, name, key), "Record")


register_finder(VENDOR, find, PROFILES)
register_provider("ometria profile", profile, VENDOR)
register_provider("ometria records", records, VENDOR)
