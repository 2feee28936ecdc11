"""First Omnisend contact checks (the full suite for the slice lives beside this file)."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.conftest import OMNISEND


def test_list_contacts_first_page_has_paging_object(client: FlaskClient) -> None:
    response = client.get("/v3/contacts?limit=2", headers=OMNISEND)
    assert response.status_code == 200
    body = response.get_json()
    assert len(body["contacts"]) == 2
    assert body["paging"]["previous"] is None
    assert body["paging"]["next"].startswith("http://localhost/v3/contacts?limit=2&after=")
    assert body["paging"]["offset"] == 0
    assert body["paging"]["limit"] == 2


def test_list_contacts_matches_contract_apart_from_recorded_deviations(client: FlaskClient) -> None:
    from tests.omnisend.contract import CONTACT_OUTPUT, PAGING_NULL_LINKS, check, within

    response = client.get("/v3/contacts?limit=2", headers=OMNISEND)
    deviations = check(response, "GET", "/contacts", query="limit=2")
    assert within(deviations, PAGING_NULL_LINKS, CONTACT_OUTPUT, prefix="contacts[].")
    assert "paging.previous: type" in deviations  # first page: previous is null (recorded)
