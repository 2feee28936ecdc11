"""The OpenAPI document: valid OpenAPI 3, and every route of the app in it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate

from mock_server.control.openapi import documented, openapi_path


def document(client: FlaskClient) -> dict[str, Any]:
    response = client.get("/_mock/openapi.json")
    assert response.status_code == 200
    body: dict[str, Any] = response.get_json()
    return body


def test_document_is_valid_openapi(client: FlaskClient) -> None:
    spec = document(client)
    assert spec["openapi"].startswith("3.")
    validate(spec)


def test_every_route_appears(app: Flask, client: FlaskClient) -> None:
    paths = document(client)["paths"]
    missing = []
    for rule in app.url_map.iter_rules():
        if not documented(rule.endpoint):
            continue
        path = re.sub(r"<(?:[^>:]+:)?([^>]+)>", r"{\1}", rule.rule)
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
            if method.lower() not in paths.get(path, {}):
                missing.append(f"{method} {path}")
    assert missing == []


def test_only_the_dashboard_pages_are_left_out(app: Flask, client: FlaskClient) -> None:
    # The HTML dashboard is for people (docs/dashboard.md); everything else, JSON plane included, is in.
    left_out = sorted({rule.rule for rule in app.url_map.iter_rules() if not documented(rule.endpoint)})
    assert left_out and all(path.startswith("/_mock/ui") for path in left_out)
    assert not [p for p in document(client)["paths"] if p.startswith("/_mock/ui")]


@pytest.mark.one_process  # adds a route to this app's own url map: a second sandbox would not have it
def test_a_route_added_later_appears(app: Flask) -> None:
    @app.get("/_mock/extra/<int:n>")
    def extra(n: int) -> str:
        """Say hello to a late route."""
        return "hi"

    spec = app.test_client().get("/_mock/openapi.json").get_json()
    operation = spec["paths"]["/_mock/extra/{n}"]["get"]
    assert operation["summary"] == "Say hello to a late route."
    assert spec["paths"]["/_mock/extra/{n}"]["parameters"] == [
        {"name": "n", "in": "path", "required": True, "schema": {"type": "integer"}}]


def test_operations_carry_tags_security_and_bodies(client: FlaskClient) -> None:
    spec = document(client)
    contacts = spec["paths"]["/v3/contacts"]["get"]
    assert contacts["tags"] == ["omnisend"] and contacts["security"] == [{"omnisendApiKey": []}]
    assert spec["paths"]["/v2/push"]["post"]["security"] == [{"ometriaApiKey": []}]
    faults = spec["paths"]["/_mock/faults"]["post"]
    assert faults["tags"] == ["control"]
    assert faults["summary"] == "Add a fault rule (see the FaultRule schema)."
    assert faults["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/FaultRule"}
    assert "status" in spec["components"]["schemas"]["FaultRule"]["properties"]


def test_openapi_path_conversion() -> None:
    assert openapi_path("/v3/contacts/<contact_id>") == (
        "/v3/contacts/{contact_id}", [{"name": "contact_id", "in": "path", "required": True,
                                       "schema": {"type": "string"}}])
    assert openapi_path("/a/<path:rest>/<float:x>")[0] == "/a/{rest}/{x}"
