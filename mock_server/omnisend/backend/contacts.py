"""Contacts (omnisend.md §3.1, §4, §5.1, §6.2): identifiers, upsert rules, status history, output."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

from mock_server.core.clock import sort_time
from mock_server.core.errors import NotFound
from mock_server.core.store import Collection, CollectionSpec
from mock_server.omnisend import constants as C
from mock_server.omnisend.backend import Brand, created_key, register_collection

Record = dict[str, Any]
Warn = Callable[[str, str], None]

# Output key order as the real API renders a contact (recorded, §5.1).
STRING_FIELDS = ("firstName", "lastName", "country", "countryCode", "state", "city", "postalCode",
                 "address", "gender")
OUTPUT_ORDER = ("email", "contactID", "createdAt", "firstName", "lastName", "country", "countryCode",
                "state", "city", "postalCode", "address", "gender", "phone", "birthdate", "status", "tags",
                "segments", "statuses", "optIns", "consents", "customProperties", "identifiers")
PLAIN_FIELDS = (*STRING_FIELDS, "birthdate")

# Segment evaluation is plugged in by the segments module (§6.6); the default finds none.
SegmentResolver = Callable[[Brand, Record], list[str]]
_segment_resolver: list[SegmentResolver] = []


# Reactions to a contact write (automation triggers such as "subscribed to marketing"), installed by
# those modules at import: hook(brand, stored record, email status before the write ("" = new contact)).
ChangeHook = Callable[[Brand, Record, str], None]
_change_hooks: list[ChangeHook] = []


def add_change_hook(hook: ChangeHook) -> None:
    """Call ``hook`` after every contact create or patch."""
    if hook not in _change_hooks:
        _change_hooks.append(hook)


def change_hooks() -> tuple[ChangeHook, ...]:
    """The installed change hooks, in the order they are called."""
    return tuple(_change_hooks)


def changed(brand: Brand, record: Record, before: str) -> None:
    """Tell the change hooks that ``record`` was written (``before``: its email status until now)."""
    for hook in _change_hooks:
        hook(brand, record, before)


def set_segment_resolver(resolver: SegmentResolver) -> None:
    """Install the function that lists the segments a contact matches."""
    _segment_resolver[:] = [resolver]


def segment_resolver() -> SegmentResolver | None:
    """The installed resolver (None when none is)."""
    return _segment_resolver[0] if _segment_resolver else None


def segments_of(brand: Brand, record: Record) -> list[str]:
    """Return the IDs of the segments ``record`` matches now."""
    return _segment_resolver[0](brand, record) if _segment_resolver else []


def _emails(record: Record) -> list[str]:
    return [i["id"] for i in record.get("identifiers", []) if i["type"] == "email"]


def _phones(record: Record) -> list[str]:
    return [i["id"] for i in record.get("identifiers", []) if i["type"] == "phone"]


def updated_key(record: Record) -> float | None:
    """Sort key: ``updatedAt`` (a contact never changed since creation: ``createdAt``)."""
    return sort_time(record.get("updatedAt") or record.get("createdAt"))


def _statuses(record: Record) -> list[str]:
    return [email_status(record)]


def _tags(record: Record) -> list[str]:
    # Strings only: the tag filter compares a query string, and an index value must be hashable.
    return [tag for tag in record.get("tags") or [] if isinstance(tag, str)]


# The list filters email / phone read the lookups, status / tag the filter indexes (core.collection).
register_collection("contacts", CollectionSpec(sort_keys={"createdAt": created_key, "updatedAt": updated_key},
                                               lookups={"email": _emails, "phone": _phones},
                                               filters={"status": _statuses, "tag": _tags}))


def _no_warn(path: str, message: str) -> None:
    return None


def email_of(record: Record) -> str | None:
    """Return the contact's email identifier, if any."""
    for ident in record.get("identifiers", []):
        if ident["type"] == "email":
            return str(ident["id"])
    return None


def phones_of(record: Record) -> list[str]:
    """Return the contact's phone identifiers."""
    return [i["id"] for i in record.get("identifiers", []) if i["type"] == "phone"]


def channel_status(record: Record, channel: str) -> str | None:
    """The status of one channel (``email``, ``sms``, ...) on the contact's identifiers, None without it."""
    for ident in record.get("identifiers", []):
        found = ident.get("channels", {}).get(channel)
        if found is not None:
            return str(found.get("status"))
    return None


def email_status(record: Record) -> str:
    """Return the email channel's current status ("" without an email)."""
    for ident in record.get("identifiers", []):
        if ident["type"] == "email":
            return str(ident["channels"].get("email", {}).get("status", ""))
    return ""


def render(brand: Brand, record: Record) -> Record:
    """Render the contact output shape (v3 and v5) from a caller-owned copy (nested values are reused)."""
    out = _render_stored(record)
    out["segments"] = segments_of(brand, record)
    return out


def _render_stored(record: Record) -> Record:
    """:func:`render` but ``segments`` (None, in its place: membership is read at answer time)."""
    out: Record = {
        "email": email_of(record) or "",
        "contactID": record["contactID"],
        "createdAt": record["createdAt"],
    }
    for name in STRING_FIELDS:
        out[name] = record.get(name) or ""
    phones = phones_of(record)
    out["phone"] = phones or None
    out["birthdate"] = record.get("birthdate") or ""
    out["status"] = email_status(record)
    out["tags"] = list(record.get("tags") or [])
    out["segments"] = None
    out["statuses"] = record.get("statuses", [])
    out["optIns"] = record.get("optIns", [])
    out["consents"] = record.get("consents") or None
    out["customProperties"] = record.get("customProperties") or None
    out["identifiers"] = [
        {"id": i["id"], "type": i["type"], "channels": i["channels"]}
        for i in record.get("identifiers", [])
    ]
    return out  # built in OUTPUT_ORDER (tests/omnisend/test_contacts.py checks the order)


# contacts collection -> (its version, a contactID, that stored contact decoded, its _render_stored): the
# last contact answered whole. The collection's version grows on every write to it, so while it is the
# same the contact is too: a repeated v3 POST of a known contact (answered unchanged) or GET decodes and
# renders it once, and only reads its segments again (issue 14). Nothing here is changed after it is
# kept: answers get a copy of the top level and are only encoded.
_ANSWERED: weakref.WeakKeyDictionary[Collection, tuple[int, str, Record, Record]] = weakref.WeakKeyDictionary()


def render_stored(brand: Brand, contact_id: str) -> Record | None:
    """``render(brand, stored contact)`` of ``contact_id`` (None when there is none)."""
    col = brand.col("contacts")
    seen = _ANSWERED.get(col)
    if seen is not None and seen[0] == col.version and seen[1] == contact_id:
        record, base = seen[2], seen[3]
    else:
        version, found = col.version, col.get(contact_id)
        if found is None:
            return None
        record, base = found, _render_stored(found)
        _ANSWERED[col] = (version, contact_id, record, base)
    out = dict(base)
    out["segments"] = segments_of(brand, record)
    return out


def find_by_email(brand: Brand, email: str) -> str | None:
    """Return the contactID owning ``email`` (exact, case-sensitive)."""
    keys = brand.col("contacts").find("email", email)
    return keys[0] if keys else None


def find_by_phone(brand: Brand, phone: str) -> str | None:
    """Return the contactID owning ``phone``."""
    keys = brand.col("contacts").find("phone", phone)
    return keys[0] if keys else None


def _owner(brand: Brand, kind: str, value: str) -> str | None:
    return find_by_email(brand, value) if kind == "email" else find_by_phone(brand, value)


def _channel(kind: str) -> str:
    return "email" if kind == "email" else "sms"


def write_status(brand: Brand, record: Record, ident: Record, channel: str, status: str,
                 status_date: str | None) -> bool:
    """Apply one channel-status write (§6.2); return whether it was applied."""
    stored = ident["channels"].get(channel)
    if stored is not None and status_date is not None:
        given, current = sort_time(status_date), sort_time(stored.get("statusDate"))
        if given is not None and current is not None and given < current:
            return False
    applied = brand.now()
    ident["channels"][channel] = {"status": status, "statusDate": applied}
    date = status_date or applied
    record.setdefault("statuses", []).append({"channel": channel, "status": status, "date": date})
    if status == "subscribed":
        record.setdefault("optIns", []).append({"channel": channel, "date": date})
    return True


def _apply_identifier(brand: Brand, record: Record, given: Record, index: int, warn: Warn,
                      default_status: str) -> None:
    """Attach a new identifier to ``record`` (the caller checked nobody else owns it)."""
    kind = given["type"]
    channel = _channel(kind)
    other = "sms" if channel == "email" else "email"
    if other in given["channels"]:
        warn(f"identifiers[{index}].channels.{other}", f"ignored for a {kind} identifier")
    ident: Record = {"type": kind, "id": given["id"], "channels": {}}
    record.setdefault("identifiers", []).append(ident)
    chan = given["channels"].get(channel) or {}
    write_status(brand, record, ident, channel, chan.get("status", default_status), chan.get("statusDate"))
    _add_consent(record, given, channel)


def _add_consent(record: Record, given: Record, channel: str) -> None:
    consent = given.get("consent")
    if consent:
        record["consents"] = [*(record.get("consents") or []), {**consent, "channel": channel}]


def _apply_fields(record: Record, data: Record, *, patch: bool) -> None:
    """Copy plain fields, tags and custom properties; on PATCH ``null`` clears (§6.1)."""
    for name in PLAIN_FIELDS:
        if name in data:
            if data[name] is None:
                record.pop(name, None)
            else:
                record[name] = data[name]
    if "tags" in data:
        record["tags"] = list(data["tags"] or [])
    if "customProperties" in data:
        given = data["customProperties"]
        if given is None:
            record["customProperties"] = None
        else:
            merged = dict(record.get("customProperties") or {}) if patch else {}
            for key, value in given.items():
                if value is None:
                    merged.pop(key, None)
                else:
                    merged[key] = value
            record["customProperties"] = merged or None
    if data.get("createdAt") is not None:
        # A body createdAt is kept as customProperties.externalCreated (recorded, §5.1).
        props = dict(record.get("customProperties") or {})
        props["externalCreated"] = data["createdAt"]
        record["customProperties"] = props


def _welcome(brand: Brand, record: Record, data: Record) -> None:
    """Queue the welcome workflow when asked for and the email is subscribed (§6.7)."""
    asked = bool(data.get("sendWelcomeEmail")) or any(
        i.get("sendWelcomeMessage") for i in data.get("identifiers") or [])
    if asked and email_status(record) == "subscribed" and brand.workflow_enabled("welcome"):
        brand.outbox({"kind": "workflow", "workflow": "welcome", "brandID": brand.brand_id,
                      "contactID": record["contactID"], "email": email_of(record) or "",
                      "triggeredAt": brand.now()})


def match_for_post(brand: Brand, data: Record) -> str | None:
    """Find the contact a POST addresses: by its email identifier, else its phone identifier."""
    identifiers = data.get("identifiers") or []
    for kind in ("email", "phone"):
        ids = [i for i in identifiers if i["type"] == kind]
        if ids:
            return _owner(brand, kind, ids[0]["id"])
    return None


def create(brand: Brand, data: Record, warn: Warn = _no_warn, *, contact_id: str | None = None,
           created_at: str | None = None, default_status: str = "subscribed") -> Record | None:
    """Create a contact from validated input; None when every identifier belongs to someone else."""
    record: Record = {"contactID": contact_id or brand.new_id(), "createdAt": created_at or brand.now(),
                      "identifiers": [], "statuses": [], "optIns": []}
    seen: set[tuple[str, str]] = set()
    for index, given in enumerate(data.get("identifiers") or []):
        key = (given["type"], given["id"])
        if key in seen or (given["type"] == "email" and email_of(record) is not None):
            warn(f"identifiers[{index}]", "ignored: duplicate identifier")
            continue
        if _owner(brand, *key) is not None:
            warn(f"identifiers[{index}]", "ignored: identifier belongs to another contact")
            continue
        seen.add(key)
        _apply_identifier(brand, record, given, index, warn, default_status)
    if not record["identifiers"]:
        return None
    _apply_fields(record, data, patch=False)
    record["updatedAt"] = brand.now()
    brand.col("contacts").insert(record["contactID"], record)
    _welcome(brand, record, data)
    changed(brand, record, "")
    return record


def patch(brand: Brand, contact_id: str, data: Record, warn: Warn = _no_warn) -> Record:
    """Change only the given fields of a contact (v3/v5 PATCH, v5 upsert); return the stored record."""
    contacts = brand.col("contacts")
    record = contacts.get(contact_id)
    if record is None:
        raise NotFound(C.ERR_CONTACT_NOT_FOUND.format(id=contact_id))
    before = email_status(record)
    for index, given in enumerate(data.get("identifiers") or []):
        kind, value = given["type"], given["id"]
        channel = _channel(kind)
        current = next((i for i in record["identifiers"] if i["type"] == kind and i["id"] == value), None)
        if current is None:
            if kind == "email" and email_of(record) is not None:
                warn(f"identifiers[{index}].id", "the email identifier cannot be changed; ignored")
                continue
            if _owner(brand, kind, value) is not None:
                warn(f"identifiers[{index}]", "ignored: identifier belongs to another contact")
                continue
            _apply_identifier(brand, record, given, index, warn, "subscribed")
            continue
        chan = given["channels"].get(channel)
        if chan and "status" in chan:
            write_status(brand, record, current, channel, chan["status"], chan.get("statusDate"))
        _add_consent(record, given, channel)
    _apply_fields(record, data, patch=True)
    record["updatedAt"] = brand.now()
    contacts.replace(contact_id, record)
    _welcome(brand, record, data)
    changed(brand, record, before)
    return record


def patch_answer(record: Record) -> Record:
    """The PATCH answer: ``{email, contactID, firstName, lastName}`` (+ ``phone``) (recorded, §3.1)."""
    out: Record = {"email": email_of(record) or "", "contactID": record["contactID"],
                   "firstName": record.get("firstName") or "", "lastName": record.get("lastName") or ""}
    phones = phones_of(record)
    if phones:
        out["phone"] = phones[0]
    return out


def created_answer(record: Record) -> Record:
    """The v3 POST answer for a new contact: ``{email, contactID}`` or ``{contactID, phone}``."""
    email = email_of(record)
    if email is not None:
        return {"email": email, "contactID": record["contactID"]}
    return {"contactID": record["contactID"], "phone": phones_of(record)[0]}


def upsert_answer(record: Record) -> Record:
    """The v5 POST answer: ``{contactID, email}`` (+ ``phone``)."""
    out: Record = {"contactID": record["contactID"], "email": email_of(record) or ""}
    phones = phones_of(record)
    if phones:
        out["phone"] = phones[0]
    return out


def post_v3(brand: Brand, data: Record, warn: Warn = _no_warn) -> Record:
    """v3 POST: a known email (else phone) answers the stored contact unchanged; else create."""
    existing = match_for_post(brand, data)
    if existing is not None:
        stored = render_stored(brand, existing)
        assert stored is not None
        return stored
    record = create(brand, data, warn)
    if record is None:  # pragma: no cover - a POST always matches or creates (see match_for_post)
        raise NotFound("no identifier could be attached")
    return created_answer(record)


def post_v5(brand: Brand, data: Record, warn: Warn = _no_warn) -> Record:
    """v5 POST: upsert (merge like PATCH on a match, else create)."""
    existing = match_for_post(brand, data)
    if existing is not None:
        return upsert_answer(patch(brand, existing, data, warn))
    record = create(brand, data, warn)
    if record is None:  # pragma: no cover
        raise NotFound("no identifier could be attached")
    return upsert_answer(record)


def get(brand: Brand, contact_id: str) -> Record:
    """Return one contact rendered, or 404."""
    rendered = render_stored(brand, contact_id)
    if rendered is None:
        raise NotFound(C.ERR_CONTACT_NOT_FOUND.format(id=contact_id))
    return rendered


def id_for_email(brand: Brand, email: str) -> str:
    """Resolve ``?email=`` for PATCH, or 404."""
    found = find_by_email(brand, email)
    if found is None:
        raise NotFound(C.ERR_CONTACT_EMAIL_NOT_FOUND.format(email=email))
    return found


def updated_at(record: Record) -> str:
    """When the contact last changed (its creation time until a first change)."""
    return str(record.get("updatedAt") or record["createdAt"])


def identifier_owner(brand: Brand, kind: str, value: str) -> str | None:
    """Return the contactID owning identifier ``kind``/``value`` (email or phone)."""
    return _owner(brand, kind, value)


def select(brand: Brand, contact_ids: list[str], emails: list[str], phones: list[str],
           member: Callable[[Record], bool] | None) -> list[str]:
    """The union of contacts named by id, email, phone or membership; unknown ones are skipped."""
    chosen: dict[str, None] = {}
    col = brand.col("contacts")
    for contact_id in contact_ids:
        if contact_id in col:
            chosen[contact_id] = None
    for found in [find_by_email(brand, e) for e in emails] + [find_by_phone(brand, p) for p in phones]:
        if found is not None:
            chosen[found] = None
    if member is not None:
        for key, record in col.items():
            if member(record):
                chosen[key] = None
    return list(chosen)


def change_tags(brand: Brand, contact_ids: list[str], tags: list[str], *, add: bool) -> int:
    """Add (union, order kept) or remove ``tags`` on each contact; return how many changed."""
    col = brand.col("contacts")
    changed = 0
    for contact_id in contact_ids:
        record = col.get(contact_id)
        if record is None:
            continue
        current = list(record.get("tags") or [])
        new = list(dict.fromkeys([*current, *tags])) if add else [t for t in current if t not in tags]
        if new != current:
            record["tags"] = new
            record["updatedAt"] = brand.now()
            col.replace(contact_id, record)
            changed += 1
    return changed
