"""Contacts v5 (omnisend.md §4): upsert on the v3 contact store."""

from __future__ import annotations

from flask import Blueprint, Response

from mock_server.core.http import json_response
from mock_server.core.request import route, warn
from mock_server.omnisend.backend import contacts
from mock_server.omnisend.v3.routes.common import brand, load_body
from mock_server.omnisend.v3.routes.contacts import create_schema, list_contacts, patch_by_email, patch_schema


def register(bp: Blueprint) -> None:
    """Attach the v5 contacts routes."""

    @bp.get("/v5/contacts")
    @route(scope="contacts", cache=True)
    def v5_list_contacts() -> Response:
        return list_contacts("v5")

    @bp.post("/v5/contacts")
    @route(scope="contacts", body=True)
    def v5_upsert_contact() -> Response:
        return json_response(contacts.post_v5(brand(), load_body(create_schema), warn))

    @bp.patch("/v5/contacts")
    @route(scope="contacts", body=True)
    def v5_patch_contact_by_email() -> Response:
        return patch_by_email()

    @bp.get("/v5/contacts/<contact_id>")
    @route(scope="contacts", cache=True)
    def v5_get_contact(contact_id: str) -> Response:
        return json_response(contacts.get(brand(), contact_id))

    @bp.patch("/v5/contacts/<contact_id>")
    @route(scope="contacts", body=True)
    def v5_patch_contact(contact_id: str) -> Response:
        data = load_body(patch_schema)
        return json_response(contacts.patch_answer(contacts.patch(brand(), contact_id, data, warn)))
