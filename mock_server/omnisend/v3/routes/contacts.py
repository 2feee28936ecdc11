"""Contacts, v3 (omnisend.md §3.1); v5 reuses the list and PATCH-by-email helpers."""

from __future__ import annotations

from flask import Blueprint, Response

from mock_server.core.errors import InvalidParameters
from mock_server.core.http import json_response
from mock_server.core.request import query_args, route, warn
from mock_server.omnisend.backend import contacts
from mock_server.omnisend.v3 import listing
from mock_server.omnisend.v3.routes.common import brand, list_body, load_body, read_list
from mock_server.omnisend.v3.schemas.contacts import ContactCreateSchema, ContactPatchSchema

create_schema = ContactCreateSchema()
patch_schema = ContactPatchSchema()


def list_contacts(version: str) -> Response:
    result = read_list(listing.CONTACTS, "contacts")
    b = brand()
    items = [contacts.render(b, record) for record in result.items]
    return json_response(list_body("contacts", items, result, f"/{version}/contacts"))


def patch_by_email() -> Response:
    email = dict(query_args()).get("email")
    if email is None:
        raise InvalidParameters(fields=[("email", "query parameter required")])
    data = load_body(patch_schema)
    b = brand()
    return json_response(contacts.patch_answer(contacts.patch(b, contacts.id_for_email(b, email), data, warn)))


def register(bp: Blueprint) -> None:
    """Attach the contact routes."""

    @bp.get("/v3/contacts")
    @route(scope="contacts", cache=True)
    def v3_list_contacts() -> Response:
        return list_contacts("v3")

    @bp.post("/v3/contacts")
    @route(scope="contacts", body=True)
    def v3_create_contact() -> Response:
        return json_response(contacts.post_v3(brand(), load_body(create_schema), warn))

    @bp.patch("/v3/contacts")
    @route(scope="contacts", body=True)
    def v3_patch_contact_by_email() -> Response:
        return patch_by_email()

    @bp.get("/v3/contacts/<contact_id>")
    @route(scope="contacts", cache=True)
    def v3_get_contact(contact_id: str) -> Response:
        return json_response(contacts.get(brand(), contact_id))

    @bp.patch("/v3/contacts/<contact_id>")
    @route(scope="contacts", body=True)
    def v3_patch_contact(contact_id: str) -> Response:
        data = load_body(patch_schema)
        return json_response(contacts.patch_answer(contacts.patch(brand(), contact_id, data, warn)))
