"""Event log and v5 events (omnisend.md §4, §6.4, §6.7): contact upsert, opt-ins, dedup, workflows.

The event log is the brand's record of every accepted event (v5 events and v3 custom event triggers);
segments count it (§6.6).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from mock_server.core.clock import sort_time
from mock_server.core.errors import ValidationFailed
from mock_server.core.store import CollectionSpec, clone
from mock_server.omnisend import constants as C
from mock_server.omnisend.backend import Brand, register_collection, register_seeder
from mock_server.omnisend.backend import contacts as contact_rules
from mock_server.omnisend.backend.event_checks import check_properties

Record = dict[str, Any]
Warn = Callable[[str, str], None]
LOG = "eventLog"

# Contact fields of a v5 event that are copied onto the contact (§6.4 step 1).
EVENT_CONTACT_FIELDS = ("firstName", "lastName", "address", "postalCode", "city", "state", "country",
                        "countryCode", "birthdate", "gender", "customProperties")


def _by_contact(record: Record) -> Iterable[Any]:
    return [record["contactID"]] if record.get("contactID") else []


def _by_identity(record: Record) -> Iterable[Any]:
    return [(record["eventID"], record["eventTime"])] if record.get("eventID") else []


register_collection(LOG, CollectionSpec(lookups={"contact": _by_contact, "identity": _by_identity}))

# What else reacts to an accepted event (automation triggers): installed by those modules at import, so
# this module does not import them. Seeded log rows are history and notify nobody.
EventHook = Callable[[Brand, Record], None]
_event_hooks: list[EventHook] = []


def add_event_hook(hook: EventHook) -> None:
    """Call ``hook(brand, entry)`` after every accepted event (v3 custom events, v5 and 2026 events)."""
    if hook not in _event_hooks:
        _event_hooks.append(hook)


def notify(brand: Brand, entry: Record) -> None:
    """Run the event hooks for one accepted, logged event."""
    for hook in _event_hooks:
        hook(brand, entry)


def event_moment(record: Record) -> float | None:
    """When a logged event happened (its ``eventTime``, else when it was received), POSIX seconds."""
    return sort_time(record.get("eventTime")) or sort_time(record.get("receivedAt"))


def events_of(brand: Brand, contact_id: str) -> list[Record]:
    """The stored log entries of one contact (read-only), oldest first."""
    log = brand.col(LOG)
    out = []
    for key in log.find("contact", contact_id):
        entry = log.peek(key)
        if entry is not None:
            out.append(entry)
    return out


def log_event(brand: Brand, entry: Record) -> Record:
    """Append one accepted event to the brand's log."""
    record = {"logID": brand.new_id(), **entry, "receivedAt": brand.now()}
    brand.col(LOG).insert(record["logID"], record)
    return record


def _seed_log_entry(brand: Brand, record: Record) -> None:
    """An event log row: ``{eventName, contactID | email, eventTime, properties?, eventID?, origin?}``."""
    data = clone(record)
    if not isinstance(data.get("eventName"), str) or not data["eventName"]:
        raise ValidationFailed([(("eventName",), "field required but not found in Json")])
    contact_id = data.get("contactID")
    if contact_id is None and isinstance(data.get("email"), str):
        contact_id = contact_rules.find_by_email(brand, data["email"])
    if not isinstance(contact_id, str) or contact_id not in brand.col("contacts"):
        raise ValidationFailed([(("contactID",), "no such contact")])
    if not isinstance(data.get("eventTime"), str) or sort_time(data["eventTime"]) is None:
        raise ValidationFailed([(("eventTime",), "invalid format, expected RFC 3339 date-time")])
    entry = {"eventID": data.get("eventID") or brand.new_uuid(), "eventName": data["eventName"],
             "eventVersion": data.get("eventVersion"), "origin": data.get("origin", "api"),
             "eventTime": data["eventTime"], "contactID": contact_id, "properties": data.get("properties") or {},
             "source": data.get("source", "v5"), "warnings": []}
    log_event(brand, entry)


register_seeder("eventLog", _seed_log_entry, order=30)


# -- contact upsert shared by v5 events and v3 custom event triggers ---------------------------------
def upsert_contact(brand: Brand, email: str | None, phone: str | None, contact_id: str | None,
                   fields: Record, warn: Warn) -> str | None:
    """Match by email, then phone, then contactID; merge ``fields``; create when nothing matches.

    A new contact (or a newly attached identifier) gets channel status ``nonSubscribed`` (mock decision).
    Returns the contactID, or None when only an unknown ``id`` was given.
    """
    found = None
    if email:
        found = contact_rules.find_by_email(brand, email)
    if found is None and phone:
        found = contact_rules.find_by_phone(brand, phone)
    if found is None and contact_id and contact_id in brand.col("contacts"):
        found = contact_id
    if found is None:
        identifiers = _new_identifiers(brand, None, email, phone)
        if not identifiers:
            warn("contact.id", C.WARN_UNKNOWN_CONTACT_ID)
            return None
        created = contact_rules.create(brand, {"identifiers": identifiers, **fields},
                                       default_status="nonSubscribed")
        return None if created is None else str(created["contactID"])
    stored = brand.col("contacts").peek(found)
    assert stored is not None
    data = dict(fields)
    if "tags" in data:
        # Tags from an event are added to the contact's tags (union, mock decision).
        data["tags"] = list(dict.fromkeys([*(stored.get("tags") or []), *data["tags"]]))
    identifiers = _new_identifiers(brand, stored, email, phone)
    if identifiers:
        data["identifiers"] = identifiers
    if data:
        contact_rules.patch(brand, found, data)
    return found


def _new_identifiers(brand: Brand, stored: Record | None, email: str | None, phone: str | None) -> list[Record]:
    """Identifiers to attach: not on the contact yet and owned by nobody else."""
    have = {(i["type"], i["id"]) for i in (stored or {}).get("identifiers", [])}
    has_email = any(kind == "email" for kind, _ in have)
    out: list[Record] = []
    if email and ("email", email) not in have and not has_email \
            and contact_rules.find_by_email(brand, email) is None:
        out.append({"type": "email", "id": email, "channels": {"email": {"status": "nonSubscribed"}}})
    if phone and ("phone", phone) not in have and contact_rules.find_by_phone(brand, phone) is None:
        out.append({"type": "phone", "id": phone, "channels": {"sms": {"status": "nonSubscribed"}}})
    return out


def apply_opt_changes(brand: Brand, contact_id: str, contact: Record, warn: Warn) -> None:
    """``optIns`` / ``optOuts`` set the channel to subscribed / unsubscribed (§6.4 step 2, §6.2 rules)."""
    changes = [("optIns", "subscribed"), ("optOuts", "unsubscribed")]
    if not any(contact.get(name) for name, _ in changes):
        return
    col = brand.col("contacts")
    record = col.get(contact_id)
    assert record is not None
    before = contact_rules.email_status(record)
    for name, status in changes:
        for index, opt in enumerate(contact.get(name) or []):
            channel = opt["channel"]
            kind = "email" if channel == "email" else "phone"
            ident = next((i for i in record["identifiers"] if i["type"] == kind), None)
            if ident is None:
                warn(f"contact.{name}[{index}].channel", f"the contact has no {kind} identifier; ignored")
                continue
            contact_rules.write_status(brand, record, ident, channel, status, opt.get("createdAt"))
    col.replace(contact_id, record)
    contact_rules.changed(brand, record, before)


# -- v5 POST /events ---------------------------------------------------------------------------------
def is_historical(brand: Brand, event_time: str | None) -> bool:
    """Whether ``event_time`` lies more than 60 s before the mock clock (§6.4, mock decision)."""
    moment = sort_time(event_time)
    return moment is not None and moment < brand.ctx.clock.time() - C.HISTORICAL_AFTER_SECONDS


def is_duplicate(brand: Brand, event_id: str | None, event_time: str | None) -> bool:
    """A historical event already accepted with the same ``eventID`` and ``eventTime``."""
    if not event_id or not event_time or not is_historical(brand, event_time):
        return False
    return bool(brand.col(LOG).find("identity", (event_id, event_time)))


def accept_v5_event(brand: Brand, data: Record, warn: Warn) -> Record | None:
    """Apply an accepted v5 event (validated envelope); return the log entry (None when deduplicated)."""
    warnings: list[tuple[str, str]] = []

    def note(path: str, message: str) -> None:
        warnings.append((path, message))
        warn(path, message)

    contact = data["contact"]
    email = contact.get("email") or None
    if email is not None and "@" not in email:
        note("contact.email", C.WARN_EMAIL)
    name = data["eventName"]
    if name in C.RECOMMENDED_EVENTS and not data.get("eventVersion"):
        note("eventVersion", C.WARN_NO_VERSION)
    if "properties" in data:
        check_properties(name, data["properties"], note)
    if is_duplicate(brand, data.get("eventID"), data.get("eventTime")):
        return None
    fields = {k: clone(contact[k]) for k in EVENT_CONTACT_FIELDS if k in contact}
    if contact.get("tags"):
        fields["tags"] = list(contact["tags"])
    contact_id = upsert_contact(brand, email, contact.get("phone") or None, contact.get("id") or None, fields, note)
    if contact_id is not None:
        apply_opt_changes(brand, contact_id, contact, note)
    entry = log_event(brand, {
        "eventID": data.get("eventID") or brand.new_uuid(), "eventName": name,
        "eventVersion": data.get("eventVersion"), "origin": data["origin"],
        "eventTime": data.get("eventTime") or brand.now(), "contactID": contact_id,
        "properties": clone(data.get("properties") or {}), "source": "v5",
        "warnings": [f"{p}: {m}" for p, m in sorted(warnings)]})
    if name == C.PAID_FOR_ORDER and contact_id is not None:
        order_confirmation(brand, entry)
    notify(brand, entry)
    return entry


def order_confirmation(brand: Brand, entry: Record) -> None:
    """Queue the order confirmation workflow for an accepted ``paid for order`` event (§6.7)."""
    if not brand.workflow_enabled(C.WORKFLOW_ORDER_CONFIRMATION):
        return
    stored = brand.col("contacts").peek(entry["contactID"]) or {}
    order_id = entry["properties"].get("orderID") if isinstance(entry["properties"], dict) else None
    brand.outbox({"kind": "workflow", "workflow": C.WORKFLOW_ORDER_CONFIRMATION, "brandID": brand.brand_id,
                  "contactID": entry["contactID"], "email": contact_rules.email_of(stored) or "",
                  "orderID": order_id, "eventID": entry["eventID"], "triggeredAt": brand.now()})
