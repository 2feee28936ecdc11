"""Contacts, 2026-03-15 (omnisend-2026.md §5.1): upsert 201/200, read, list, patch by id and email, bulk tags."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import Blueprint, Response

from mock_server.core.filters import FilterSpec
from mock_server.core.http import empty_response, json_response
from mock_server.core.request import query_args, warn
from mock_server.omnisend.backend import Brand, segment_index, segments
from mock_server.omnisend.backend import contacts as rules
from mock_server.omnisend.v2026 import constants as C
from mock_server.omnisend.v2026 import renames
from mock_server.omnisend.v2026.common import CursorList, brand, exclusive, load_body, read_cursor_page
from mock_server.omnisend.v2026.errors import Conflict, Invalid, Problem
from mock_server.omnisend.v2026.policy import operation
from mock_server.omnisend.v2026.schemas.contacts import V2026ContactRequestSchema, V2026TagsRequestSchema

_contact = V2026ContactRequestSchema()
_tags = V2026TagsRequestSchema()
Record = dict[str, Any]


def _segment(raw: str, context: Mapping[str, Any]) -> Callable[[Record], bool]:
    return segments.member_predicate(context["brand"], raw)


# §3.1-§3.3: cursor paging 1..250 (100), sort createdAt|updatedAt (newest first), six filters.
CONTACTS = CursorList(
    name="api2026:contacts", sorts=C.CONTACT_SORTS, default_sort="createdAt",
    filters=(FilterSpec("email", "exact", getter=rules.email_of, index="email"),
             FilterSpec("phone", "contains", getter=rules.phones_of, index="phone"),
             FilterSpec("status", "enum", getter=rules.email_status, choices=C.CONTACT_STATUSES, index="status"),
             FilterSpec("segmentID", "custom", builder=_segment, narrower=segment_index.narrower),
             FilterSpec("tag", "contains", getter=lambda r: r.get("tags") or [], index="tag"),
             FilterSpec("updatedAtFrom", "date_from", getter=rules.updated_at, span="updatedAt")))
# §3.3: tag and status exclude each other; updatedAtFrom goes with no other filter (400, mock decision).
EXCLUSIVE = (("tag", ("status",)), ("updatedAtFrom", ("email", "phone", "status", "segmentID", "tag")))


def _require(b: Brand, contact_id: str) -> None:
    if contact_id not in b.col("contacts"):
        raise Problem(404, C.DETAIL_CONTACT_NOT_FOUND.format(id=contact_id))


def _check_owners(b: Brand, data: Record, target: str | None) -> None:
    """409 when an identifier in a PATCH belongs to another contact (C-contacts)."""
    for given in data.get("identifiers") or []:
        owner = rules.identifier_owner(b, given["type"], given["id"])
        if owner is not None and owner != target:
            raise Conflict(C.DETAIL_IDENTIFIER_EXISTS.format(kind=given["type"], value=given["id"]))


def _patch(b: Brand, contact_id: str) -> Response:
    data = load_body(_contact)
    _check_owners(b, data, contact_id)
    record = rules.patch(b, contact_id, renames.contact_input(b, data, contact_id), warn)
    return json_response(renames.contact(b, record))


def upsert(b: Brand, data: Record, warn: Callable[[str, str], None] = warn) -> tuple[Record, int]:
    """POST: update the contact owning the email identifier (200), else create (201).

    Identifiers owned by another contact are ignored; when that leaves none, nothing is created: 400
    (mock decision, §7.2 #7). Upsert matches on the email identifier only (C-contacts).
    """
    if not data.get("identifiers"):
        raise Invalid([("identifiers", C.CODE_REQUIRED, C.MSG_IDENTIFIER)])
    email = next((i["id"] for i in data["identifiers"] if i["type"] == "email"), None)
    existing = rules.find_by_email(b, email) if email else None
    known = ("email", email, existing) if email else None
    if existing is not None:
        return rules.patch(b, existing, renames.contact_input(b, data, existing, known), warn), 200
    created = rules.create(b, renames.contact_input(b, data, None, known), warn, default_status="nonSubscribed")
    if created is None:
        # POST declares no 409 (C-contacts): a 400 naming every identifier that is taken (mock decision).
        raise Invalid([(f"identifiers[{i}].id", C.CODE_CONFLICT, C.MSG_IDENTIFIER_TAKEN)
                       for i in range(len(data["identifiers"]))])
    return created, 201


def _change_tags(add: bool) -> Response:
    data = load_body(_tags)
    if not any(data.get(k) for k in ("contactIDs", "emails", "phones", "segmentID")):
        raise Invalid([("contactIDs", C.CODE_REQUIRED, C.MSG_SELECTOR)])
    b = brand()
    member = segments.member_predicate(b, data["segmentID"]) if data.get("segmentID") else None
    chosen = rules.select(b, data.get("contactIDs") or [], data.get("emails") or [], data.get("phones") or [],
                          member)
    # Omnisend applies tags asynchronously; the mock applies them before the 202 (mock decision).
    rules.change_tags(b, chosen, data["tags"], add=add)
    return empty_response(202)


def register(bp: Blueprint) -> None:
    """Attach the 2026 contact routes."""

    @bp.get("/api/contacts")
    @operation("contacts.read", query=CONTACTS.parameters, cache=True)
    def api_list_contacts() -> Response:
        """List contacts (cursor paging, filters, sort)."""
        exclusive(EXCLUSIVE)
        b = brand()
        result, paging = read_cursor_page(CONTACTS, b.col("contacts"))
        return json_response({"contacts": [renames.contact(b, r) for r in result.items], "paging": paging})

    @bp.post("/api/contacts")
    @operation("contacts.write", body=V2026ContactRequestSchema)
    def api_upsert_contact() -> Response:
        """Create a contact, or update the one with the same email identifier."""
        b = brand()
        record, status = upsert(b, load_body(_contact))
        return json_response(renames.contact(b, record), status)

    @bp.patch("/api/contacts")
    @operation("contacts.write", body=V2026ContactRequestSchema, query=("email",))
    def api_patch_contact_by_email() -> Response:
        """Change the given fields of the contact with ``?email=``."""
        email = dict(query_args()).get("email")
        if not email:
            raise Invalid([("email", C.CODE_REQUIRED, C.MSG_REQUIRED)])
        b = brand()
        found = rules.find_by_email(b, email)
        if found is None:
            raise Problem(404, C.DETAIL_CONTACT_EMAIL_NOT_FOUND.format(email=email))
        return _patch(b, found)

    @bp.get("/api/contacts/<contact_id>")
    @operation("contacts.read", cache=True)
    def api_get_contact(contact_id: str) -> Response:
        """Read one contact."""
        b = brand()
        _require(b, contact_id)
        record = b.col("contacts").get(contact_id)
        assert record is not None
        return json_response(renames.contact(b, record))

    @bp.patch("/api/contacts/<contact_id>")
    @operation("contacts.write", body=V2026ContactRequestSchema)
    def api_patch_contact(contact_id: str) -> Response:
        """Change the given fields of one contact."""
        b = brand()
        _require(b, contact_id)
        return _patch(b, contact_id)

    @bp.post("/api/contacts/tags")
    @operation("contacts.write", group=C.RATE_CONTACT_TAGS, body=V2026TagsRequestSchema)
    def api_add_tags() -> Response:
        """Add tags to the selected contacts (202)."""
        return _change_tags(True)

    @bp.delete("/api/contacts/tags")
    @operation("contacts.write", group=C.RATE_CONTACT_TAGS, body=V2026TagsRequestSchema)
    def api_remove_tags() -> Response:
        """Remove tags from the selected contacts (202)."""
        return _change_tags(False)

