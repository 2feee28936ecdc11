"""Simulate unsubscribes that do not come from the API (ometria.md §6.6): a preference-centre click, a
list-unsubscribe, an SMS stop word. They are what ``GET /v2/unsubscribes`` lists."""

from __future__ import annotations

from flask import Blueprint, Response

from mock_server.control.common import bad_request, json_body, jsonable, require_tenant
from mock_server.core.http import json_response
from mock_server.core.request import ctx
from mock_server.ometria import constants as C
from mock_server.ometria.backend import Account
from mock_server.ometria.backend.unsubscribes import simulate_unsubscribe


def register(bp: Blueprint) -> None:
    """Attach the simulated-unsubscribe route."""

    @bp.post("/ometria/<tenant_id>/unsubscribes")
    def ometria_simulate_unsubscribe(tenant_id: str) -> Response:
        """Record a non-API unsubscribe ``{"type", "email" | "profile_id", "reason"?}`` and opt the
        profile's listings out; answer the stored entry."""
        mock = ctx()
        tenant = require_tenant(mock, C.VENDOR, tenant_id)
        body = json_body()
        if not isinstance(body, dict):
            raise bad_request("the body must be a JSON object")
        kind = body.get("type")
        if kind not in C.UNSUBSCRIBE_TYPES:
            raise bad_request("type: must be one of " + ", ".join(C.UNSUBSCRIBE_TYPES))
        for name in ("email", "profile_id", "reason"):
            if body.get(name) is not None and not isinstance(body[name], str):
                raise bad_request(f"{name}: must be a string")
        if body.get("email") is None and body.get("profile_id") is None:
            raise bad_request("email or profile_id is required")
        with tenant.lock:
            entry = simulate_unsubscribe(Account(mock, tenant), kind=kind, email=body.get("email"),
                                         profile_id=body.get("profile_id"), reason=body.get("reason"))
        return json_response(jsonable(entry), 201)
