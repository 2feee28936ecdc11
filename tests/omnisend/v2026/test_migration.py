"""One brand, three generations (reference 2026 §6): a v3 client and a 2026 client take turns on the same
contacts, products and categories; the renames are applied at the edge."""

from __future__ import annotations

from flask.testing import FlaskClient

from mock_server.core.context import MockContext
from tests.conftest import OMNISEND
from tests.omnisend.catalog import NOW
from tests.omnisend.v2026.helpers import call

LATER = "2026-01-01T00:05:00.000Z"


def test_contacts_walked_by_a_v3_client_and_a_2026_client(client: FlaskClient, mock: MockContext) -> None:
    # 2026 writes statusChangedAt; v3 reads statusDate, the same contact under contactID.
    created = call(client, "POST", "/contacts", json={"identifiers": [{
        "type": "email", "id": "migrate@example.com",
        "channels": {"email": {"status": "subscribed", "statusChangedAt": "2025-11-30T10:00:00Z"}}}],
        "firstName": "Mig"}).get_json()
    v3 = client.get(f"/v3/contacts/{created['id']}", headers=OMNISEND).get_json()
    assert v3["contactID"] == created["id"] and v3["firstName"] == "Mig"
    assert v3["identifiers"][0]["channels"]["email"] == {"status": "subscribed", "statusDate": NOW}
    assert v3["statuses"] == [{"channel": "email", "status": "subscribed", "date": "2025-11-30T10:00:00Z"}]
    # v3 changes it; 2026 sees the change, statusChangedAt and a new updatedAt.
    mock.clock.advance(300)
    patched = client.patch(f"/v3/contacts/{created['id']}", headers=OMNISEND, json={
        "lastName": "Rated", "identifiers": [{"type": "email", "id": "migrate@example.com",
                                              "channels": {"email": {"status": "unsubscribed"}}}]})
    assert patched.status_code == 200
    now = call(client, "GET", f"/contacts/{created['id']}").get_json()
    assert (now["lastName"], now["status"], now["updatedAt"]) == ("Rated", "unsubscribed", LATER)
    assert now["identifiers"][0]["channels"]["email"] == {"status": "unsubscribed", "statusChangedAt": LATER}
    assert now["statuses"][-1] == {"channel": "email", "status": "unsubscribed", "statusChangedAt": LATER}
    # 2026 tags in bulk; v3 lists the contact under the tag.
    call(client, "POST", "/contacts/tags", json={"tags": ["migrated"], "contactIDs": [created["id"]]})
    listed = client.get("/v3/contacts?tag=migrated", headers=OMNISEND).get_json()["contacts"]
    assert [c["contactID"] for c in listed] == [created["id"]]
    # v3 creates a contact; 2026 upserts it by email (200, same id).
    v3_new = client.post("/v3/contacts", headers=OMNISEND, json={"identifiers": [{
        "type": "email", "id": "fromv3@example.com", "channels": {"email": {"status": "nonSubscribed"}}}]}).get_json()
    upsert = call(client, "POST", "/contacts", json={"identifiers": [{"type": "email", "id": "fromv3@example.com"}],
                                                     "city": "Riga"})
    answer = upsert.get_json()
    assert (upsert.status_code, answer["id"], answer["city"]) == (200, v3_new["contactID"], "Riga")
    # A v5 event reaches the same contact that 2026 reads.
    client.post("/v5/events", headers=OMNISEND, json={"eventName": "viewed product", "origin": "api",
                                                      "contact": {"email": "fromv3@example.com", "firstName": "V5"}})
    assert call(client, "GET", f"/contacts/{v3_new['contactID']}").get_json()["firstName"] == "V5"


def test_catalog_walked_by_a_v3_client_and_a_2026_client(client: FlaskClient) -> None:
    v3_product = {"productID": "prod-v3", "title": "Lamp", "status": "inStock", "currency": "EUR",
                  "productUrl": "https://shop.example.com/lamp",
                  "variants": [{"variantID": "lamp-1", "title": "Lamp", "status": "inStock", "price": 1999}]}
    assert client.post("/v3/products", headers=OMNISEND, json=v3_product).status_code == 200
    seen = call(client, "GET", "/products/prod-v3").get_json()
    assert (seen["url"], seen["variants"][0]["price"]) == ("https://shop.example.com/lamp", 19.99)
    call(client, "PUT", "/products/prod-v3", json={"id": "prod-v3", "title": "Lamp 2", "status": "outOfStock",
                                                   "currency": "EUR", "url": "https://shop.example.com/lamp",
                                                   "variants": [{"id": "lamp-1", "title": "Lamp", "price": 25.5,
                                                                 "url": "https://shop.example.com/lamp"}]})
    back = client.get("/v3/products/prod-v3", headers=OMNISEND).get_json()
    assert (back["title"], back["status"], back["variants"][0]["price"]) == ("Lamp 2", "outOfStock", 2550)
    # Categories: 2026 creates, v3 replaces, 2026 patches (omitted fields kept), v3 reads.
    call(client, "POST", "/product-categories", json={"categoryID": "cat-mig", "title": "Mig"})
    assert client.get("/v3/categories/cat-mig", headers=OMNISEND).get_json()["title"] == "Mig"
    client.put("/v3/categories/cat-mig", headers=OMNISEND, json={"title": "From v3"})
    assert call(client, "GET", "/product-categories/cat-mig").get_json()["title"] == "From v3"
    call(client, "PATCH", "/product-categories/cat-mig", json={"title": "From 2026"})
    assert client.get("/v3/categories/cat-mig", headers=OMNISEND).get_json()["title"] == "From 2026"
