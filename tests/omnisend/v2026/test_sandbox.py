"""The sandbox plane covers 2026-03-15: journal (API version per request), dashboard, OpenAPI document."""

from __future__ import annotations

from flask.testing import FlaskClient

from mock_server.core.context import MockContext
from mock_server.omnisend.v2026 import constants as C
from tests.conftest import OMNISEND
from tests.omnisend.v2026.helpers import API, call


def test_journal_records_the_api_version_of_each_request(client: FlaskClient, mock: MockContext) -> None:
    client.get("/v3/contacts?limit=1", headers=OMNISEND)
    client.get("/v5/contacts?limit=1", headers=OMNISEND)
    call(client, "GET", "/contacts", query="limit=1")
    client.get("/api/contacts", headers={**API, C.VERSION_HEADER: "2026-09-01"})
    assert [(e["path"], e["apiVersion"]) for e in mock.journal.entries()] == [
        ("/v3/contacts", "v3"), ("/v5/contacts", "v5"), ("/api/contacts", C.VERSION), ("/api/contacts", C.VERSION)]
    rows = client.get("/_mock/ui/journal/rows").get_data(as_text=True)
    assert '<span class="api-version">2026-03-15</span>' in rows and '<span class="api-version">v3</span>' in rows
    entry = mock.journal.entries()[-1]["id"]
    page = client.get(f"/_mock/ui/journal/{entry}").get_data(as_text=True)
    assert "<dt>API version</dt><dd>2026-03-15</dd>" in page


def test_openapi_document_describes_the_2026_routes(client: FlaskClient) -> None:
    spec = client.get("/_mock/openapi.json").get_json()
    listing = spec["paths"]["/api/contacts"]["get"]
    names = {(p["in"], p["name"]) for p in listing["parameters"]}
    assert {("header", C.VERSION_HEADER), ("query", "limit"), ("query", "after"), ("query", "updatedAtFrom")} <= names
    assert listing["security"] == [{"omnisend2026ApiKey": []}, {"omnisend2026Bearer": []}]
    upsert = spec["paths"]["/api/contacts"]["post"]
    schema = upsert["requestBody"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/V2026ContactRequest"}
    assert "identifiers" in spec["components"]["schemas"]["V2026ContactRequest"]["properties"]
    assert spec["components"]["securitySchemes"]["omnisend2026ApiKey"]["name"] == "Authorization"
    for path in ("/api/products", "/api/product-categories/{category_id}", "/api/batches", "/api/events",
                 "/api/event-metadata/query", "/api/brands/current", "/api/contacts/tags"):
        assert path in spec["paths"], path
    assert spec["paths"]["/api/brands/current"]["post"]["security"] == [{"omnisend2026Bearer": []}]
