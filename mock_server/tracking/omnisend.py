"""What Omnisend snippet hits do to a brand (tracking.md §3.4, §3.5): identify, page views, events.

Identified events run the very operation behind ``POST /v5/events`` (schema, then
:func:`mock_server.omnisend.backend.events.accept_v5_event`), so the event log, the contact's timeline,
deduplication and workflows behave as for a REST event.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mock_server.core import schema as S
from mock_server.core.errors import ValidationFailed
from mock_server.omnisend.backend import Brand, events
from mock_server.omnisend.backend import contacts as contact_rules
from mock_server.omnisend.v3.errors import envelope, validation_fields
from mock_server.omnisend.v5.schemas.events import V5EventSchema
from mock_server.tracking import constants as C
from mock_server.tracking import hits
from mock_server.tracking.surface import TrackingError, malformed

Hit = dict[str, Any]
_v5 = V5EventSchema()
# The v5 envelope keys a snippet event carries over (the mapping is a mock decision, §3.5 rule 3).
V5_KEYS = ("eventName", "eventID", "eventVersion", "origin", "eventTime", "properties")


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def valid_email(value: Any) -> str | None:
    """The trimmed email when it looks like one (the snippet's rule, §3.4)."""
    text = _text(value)
    return text if text is not None and C.EMAIL_RE.match(text) else None


def valid_phone(value: Any) -> str | None:
    """The phone when it is international (``+`` or ``00``, the pixel's rule)."""
    text = _text(value)
    return text if text is not None and text.startswith(C.INTERNATIONAL_PREFIXES) else None


def find_contact(brand: Brand, email: str | None, phone: str | None) -> str | None:
    """The brand's contact by email (any case, mock decision), else by phone."""
    if email:
        found = contact_rules.find_by_email(brand, email)
        if found is not None:
            return found
        lowered = email.lower()
        for contact_id, record in brand.col("contacts").items():
            if (contact_rules.email_of(record) or "").lower() == lowered:
                return str(contact_id)
    if phone:
        return contact_rules.find_by_phone(brand, phone)
    return None


def check_identify(args: Mapping[str, str]) -> tuple[str | None, str | None]:
    """The usable email and phone of an identify call; 400 when neither is usable (nothing stored)."""
    email, phone = valid_email(args.get("email")), valid_phone(args.get("phone"))
    if email is None and phone is None:
        raise malformed(C.ERR_EMAIL_OR_PHONE, [("email", "missing or not an email address"),
                                               ("phone", "missing or not international (+ or 00)")])
    return email, phone


def identify_contact(brand: Brand, args: Mapping[str, str]) -> Hit:
    """Match or create the contact (v4 identify rules), set the names, link the visitor (§3.4)."""
    email, phone = check_identify(args)
    names = {key: args[key] for key in ("firstName", "lastName") if _text(args.get(key))}
    found = find_contact(brand, email, phone)
    fields: dict[str, Any] = dict(names) if found is not None else {**names, "tags": [C.SNIPPET_TAG]}
    # The same upsert the v5 events use: new identifiers only when nobody owns them, nonSubscribed.
    contact_id = events.upsert_contact(brand, email, phone, found, fields,
                                       lambda path, message: None)
    stored = brand.col("contacts").peek(contact_id) if contact_id else None
    contact_email = contact_rules.email_of(stored) if stored else None
    visitor = _text(args.get("visitorID"))
    identity = {"contactID": contact_id, "email": contact_email}
    hits.link_visitor(brand.tenant, C.OMNISEND, visitor, identity)
    return hits.record(brand, C.SNIPPET, C.IDENTIFY, C.RECORDED, {
        "visitorID": visitor, "sessionID": _text(args.get("sessionID")), **identity,
        "url": _text(args.get("url")),
        "data": {k: v for k, v in args.items() if k not in ("brandID", "visitorID", "sessionID")}})


def page_view(brand: Brand, args: Mapping[str, str]) -> Hit:
    """Record a ``$pageViewed`` hit (never a brand event, §3.5)."""
    contact_id = _text(args.get("contactID"))
    if contact_id is not None and contact_id not in brand.col("contacts"):
        contact_id = None
    data = {k: v for k, v in args.items() if k not in ("brandID", "visitorID", "sessionID", "contactID", "url")}
    return hits.record(brand, C.SNIPPET, C.PAGE_VIEWED, C.RECORDED, {
        "visitorID": _text(args.get("visitorID")), "sessionID": _text(args.get("sessionID")),
        "contactID": contact_id, "url": _text(args.get("url")), "data": data})


def _contact_of(brand: Brand, body: Mapping[str, Any]) -> str | None:
    """By ``contact.id``, else email, else phone, else the visitor's identify (§3.5 rule 2)."""
    contact = _obj(body.get("contact"))
    given_id = _text(contact.get("id"))
    if given_id is not None and given_id in brand.col("contacts"):
        return given_id
    found = find_contact(brand, _text(contact.get("email")), _text(contact.get("phone")))
    if found is not None:
        return found
    linked = hits.visitor_link(brand.tenant, _text(body.get("visitorID"))).get("contactID")
    return str(linked) if linked and linked in brand.col("contacts") else None


def track_event(brand: Brand, body: dict[str, Any], *, beacon: bool) -> Hit:
    """Apply one snippet event: anonymous, stored through ``/v5/events``, or rejected (§3.5).

    A direct (non-beacon) request whose event ``/v5/events`` would refuse gets that 400 and nothing is
    recorded (mock decision).
    """
    name = body["eventName"]
    page = _obj(body.get("page"))
    fields: Hit = {"visitorID": _text(body.get("visitorID")), "sessionID": _text(body.get("sessionID")),
                   "url": _text(page.get("url")), "eventID": _text(body.get("eventID")),
                   "data": {"properties": body.get("properties") or {}}}
    if name == C.PRODUCT_VIEWED:
        return hits.record(brand, C.SNIPPET, name, C.RECORDED, fields)
    contact_id = _contact_of(brand, body)
    if contact_id is None:
        return hits.record(brand, C.SNIPPET, name, C.ANONYMOUS, fields)
    event = {key: body[key] for key in V5_KEYS if key in body and body[key] is not None}
    event["contact"] = {"id": contact_id}
    try:
        loaded = S.load(_v5, event)
    except ValidationFailed as exc:
        if not beacon:  # the /v5 answer itself, in its envelope
            status, answer = envelope(exc)
            raise TrackingError(answer["error"], status=status, extra={"fields": answer["fields"]}) from exc
        return hits.record(brand, C.SNIPPET, name, C.REJECTED,
                           {**fields, "contactID": contact_id, "fields": validation_fields(exc.problems)})
    entry = events.accept_v5_event(brand, loaded, lambda path, message: None)
    # None: a duplicate of an event already stored (deduplicated by eventID and eventTime, §6.4).
    fields["eventID"] = entry["eventID"] if entry is not None else loaded.get("eventID")
    return hits.record(brand, C.SNIPPET, name, C.STORED, {**fields, "contactID": contact_id})


def check_event(body: Any) -> dict[str, Any]:
    """The envelope checks of a v2 event (§3.5 rule 1, §8): 400 naming every problem."""
    if not isinstance(body, dict):
        raise malformed(C.ERR_MALFORMED_HIT, [("body", "must be a JSON object")])
    problems = []
    if not _text(body.get("brandID")):
        problems.append(("brandID", "required"))
    if not isinstance(body.get("eventName"), str) or not body["eventName"]:
        problems.append(("eventName", "must be a non-empty string"))
    if "properties" in body and not isinstance(body["properties"], dict):
        problems.append(("properties", "must be an object"))
    if problems:
        raise malformed(C.ERR_MALFORMED_HIT, problems)
    return body


def check_page_view(args: Mapping[str, str]) -> None:
    """A v1 page view names its brand and visitor (§8)."""
    problems = [(name, "required") for name in ("brandID", "visitorID") if not _text(args.get(name))]
    if problems:
        raise malformed(C.ERR_MALFORMED_HIT, problems)
