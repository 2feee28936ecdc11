"""Orders and carts -> contacts (omnisend.md §6.3, mock decision).

A record is attached by ``contactID`` (which must exist, else 404), else by ``email``, else by ``phone``.
Without a match a contact is created from that identifier with status ``nonSubscribed``. The check
(:func:`check`) runs before anything is written, so a refused request changes nothing.
"""

from __future__ import annotations

from mock_server.core.errors import NotFound
from mock_server.omnisend import constants as C
from mock_server.omnisend.backend import Brand, contacts
from mock_server.omnisend.backend.catalog import Record

IDENTITY = ("email", "phone", "contactID")


def has_identity(data: Record) -> bool:
    """Whether a body names a contact at all."""
    return any(data.get(name) for name in IDENTITY)


def check(brand: Brand, data: Record) -> None:
    """Raise 404 for an unknown ``contactID`` (mock decision, §3.4)."""
    contact_id = data.get("contactID")
    if contact_id and contact_id not in brand.col("contacts"):
        raise NotFound(C.ERR_CONTACT_NOT_FOUND.format(id=contact_id))


def attach(brand: Brand, record: Record, data: Record) -> None:
    """Set ``contactID``, ``email`` and ``phone`` of ``record`` from the body's identity fields.

    When only ``contactID`` is given, the order or cart shows the contact's email and first phone
    (mock decision). Call :func:`check` first.
    """
    contact_id, email, phone = data.get("contactID"), data.get("email"), data.get("phone")
    for name, value in (("email", email), ("phone", phone)):
        if value:
            record[name] = value
        else:
            record.pop(name, None)
    if contact_id:
        record["contactID"] = contact_id
        if not email and not phone:
            stored = brand.col("contacts").peek(contact_id)
            assert stored is not None
            found_email, phones = contacts.email_of(stored), contacts.phones_of(stored)
            if found_email:
                record["email"] = found_email
            if phones:
                record["phone"] = phones[0]
        return
    found = (contacts.find_by_email(brand, email) if email else None) or (
        contacts.find_by_phone(brand, phone) if phone else None)
    if found is None:
        kind, value = ("email", email) if email else ("phone", phone)
        created = contacts.create(brand, {"identifiers": [{"type": kind, "id": value, "channels": {}}]},
                                  default_status="nonSubscribed")
        assert created is not None  # nobody owns the identifier: it was just looked up
        found = created["contactID"]
    record["contactID"] = found


def keep_identity(record: Record, stored: Record) -> None:
    """A PUT without identity fields keeps the stored ones, so the record stays attached (§6.1)."""
    for name in IDENTITY:
        if name in stored:
            record[name] = stored[name]
