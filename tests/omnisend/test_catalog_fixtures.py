"""Catalog fixtures: seeded through the API schemas, reported precisely when wrong, restored exactly on reset."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_server.core.context import MockContext
from mock_server.core.fixtures import FixtureError, build_tenants, document_from_posted
from tests.conftest import BRAND_ID, OMNISEND, snapshot

DEMO = Path(__file__).resolve().parents[2] / "fixtures" / "omnisend" / "demo"


def _document(**resources: Any) -> dict[str, Any]:
    tenant = json.loads((DEMO / "tenant.json").read_text(encoding="utf-8"))
    contacts = json.loads((DEMO / "contacts.json").read_text(encoding="utf-8"))
    return {"omnisend": [{"tenant": tenant, "contacts": contacts, **resources}]}


@pytest.mark.parametrize(("resource", "record", "path", "reason"), [
    ("products", {"productID": "p", "title": "t", "status": "inStock", "currency": "EUR",
                  "productUrl": "https://x.example.com", "variants": []},
     "$[0].variants", "must contain at least 1 item"),
    ("categories", {"categoryID": "c"}, "$[0].title", "field required but not found in Json"),
    ("orders", {"orderID": "o", "currency": "EUR", "orderSum": 1, "createdAt": "2024-01-01T00:00:00Z",
                "contactID": "nobody"}, "$[0]", "Contact with 'nobody' contactID not found"),
    ("carts", {"cartID": "c", "currency": "EUR", "cartSum": 1, "phone": "+1"}, "$[0].email",
     "email or contactID is required"),
])
def test_a_bad_catalog_record_names_file_path_and_reason(mock: MockContext, resource: str, record: dict[str, Any],
                                                         path: str, reason: str) -> None:
    with pytest.raises(FixtureError) as caught:
        build_tenants(mock, document_from_posted(_document(**{resource: [record]})))
    assert caught.value.as_dict() == {"file": f"<posted>$.omnisend[0].{resource}", "path": path, "reason": reason}


def test_a_duplicate_catalog_id_is_reported(mock: MockContext) -> None:
    category = {"categoryID": "c", "title": "C"}
    with pytest.raises(FixtureError) as caught:
        build_tenants(mock, document_from_posted(_document(categories=[category, category])))
    assert caught.value.as_dict() == {"file": "<posted>$.omnisend[0].categories", "path": "$[1]",
                                      "reason": "Category with categoryID 'c' exists. Use PUT method to overwrite it."}


def test_demo_fixtures_give_every_catalog_list_more_than_one_page(client: FlaskClient) -> None:
    for path in ("/v3/products", "/v3/categories", "/v3/orders", "/v3/carts", "/v5/products",
                 "/v5/product-categories"):
        body = client.get(f"{path}?limit=2", headers=OMNISEND).get_json()
        assert body["paging"]["next"] is not None, path


def test_reset_restores_the_catalog_exactly(client: FlaskClient, mock: MockContext) -> None:
    seeded = snapshot(mock)
    client.delete("/v3/products/prod-trek-2-tent", headers=OMNISEND)
    client.patch("/v3/orders/order-1001", json={"paymentStatus": "voided"}, headers=OMNISEND)
    client.post("/v3/carts/cart-2001/products", json={"currency": "EUR", "cartProductID": "x", "productID": "p",
                                                      "variantID": "v", "title": "t", "quantity": 1, "price": 1},
                headers=OMNISEND)
    assert snapshot(mock) != seeded
    assert client.post(f"/_mock/reset?tenant={BRAND_ID}").status_code == 200
    assert snapshot(mock) == seeded
