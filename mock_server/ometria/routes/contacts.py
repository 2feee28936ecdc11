"""Contacts (listings) and collections (ometria.md §3.3)."""

from __future__ import annotations

from flask import Blueprint, Response

from mock_server.core.http import json_response
from mock_server.core.request import route
from mock_server.ometria import listing
from mock_server.ometria.backend import contact_collection
from mock_server.ometria.backend import contacts as rules
from mock_server.ometria.backend.records import CONTACTS
from mock_server.ometria.routes.common import account, check_path_id, read_list
from mock_server.ometria.routes.rest import post_record


def register(bp: Blueprint) -> None:
    """Attach the contact routes."""

    @bp.get("/contacts")
    @route(scope="read", group="data")
    def list_collections() -> Response:
        return json_response(rules.collections(account()))

    @bp.get("/contacts/<collection>")
    @route(scope="read", group="data", cache=True)
    def list_contacts(collection: str) -> Response:
        check_path_id(collection, "@collection")
        result = read_list(listing.CONTACTS, contact_collection(collection))
        return json_response([rules.render(record) for record in result.items])

    @bp.get("/contacts/<collection>/<contact_id>")
    @route(scope="read", group="data", cache=True)
    def get_contact(collection: str, contact_id: str) -> Response:
        check_path_id(collection, "@collection")
        check_path_id(contact_id)
        return json_response(rules.get(account(), collection, contact_id))

    @bp.post("/contacts/<collection>/<contact_id>")
    @route(scope="write", group="data", body=True)
    def post_contact(collection: str, contact_id: str) -> Response:
        check_path_id(collection, "@collection")
        return post_record(CONTACTS, id=check_path_id(contact_id), **{"@collection": collection})
