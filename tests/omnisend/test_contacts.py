"""Omnisend contacts slice (omnisend.md §3.1, §4, §5.1, §6.2): v3 and v5 over one brand store."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient

from mock_server.core.context import MockContext
from mock_server.omnisend.backend.contacts import OUTPUT_ORDER
from tests.conftest import BRAND_ID, OMNISEND, OMNISEND_READONLY_KEY, snapshot
from tests.omnisend.contract import CONTACT_OUTPUT, PAGING_NULL_LINKS, check, within

BAD_PARAMS = "Bad Request - invalid parameters, fields or filters"


def new_contact(email: str = "new.person@example.com", **extra: Any) -> dict[str, Any]:
    return {"identifiers": [{"type": "email", "id": email, "channels": {"email": {"status": "subscribed"}}}],
            **extra}


def relative(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def all_pages(client: FlaskClient, url: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Follow ``next`` links as a client would; return (contacts, paging objects)."""
    contacts, pagings = [], []
    while url:
        response = client.get(url, headers=OMNISEND)
        assert response.status_code == 200
        body = response.get_json()
        contacts += body["contacts"]
        pagings.append(body["paging"])
        url = relative(body["paging"]["next"]) if body["paging"]["next"] else ""
    return contacts, pagings


# -- create --------------------------------------------------------------------------------------

def test_post_new_email_contact_answers_email_and_id_and_reads_back(client: FlaskClient) -> None:
    response = client.post("/v3/contacts", headers=OMNISEND, json=new_contact(firstName="Nora", tags=["vip"]))
    assert response.status_code == 200
    body = response.get_json()
    assert list(body) == ["email", "contactID"] and body["email"] == "new.person@example.com"
    assert len(body["contactID"]) == 24
    got = client.get(f"/v3/contacts/{body['contactID']}", headers=OMNISEND)
    assert got.status_code == 200
    contact = got.get_json()
    assert (contact["firstName"], contact["tags"], contact["status"]) == ("Nora", ["vip"], "subscribed")
    assert contact["statuses"] == [{"channel": "email", "status": "subscribed", "date": contact["identifiers"][0][
        "channels"]["email"]["statusDate"]}]
    assert contact["optIns"] == [{"channel": "email", "date": contact["statuses"][0]["date"]}]
    assert within(check(got, "GET", f"/contacts/{body['contactID']}"), CONTACT_OUTPUT)


def test_post_phone_only_contact_answers_id_and_phone(client: FlaskClient) -> None:
    data = {"identifiers": [{"type": "phone", "id": "+37060099999", "channels": {"sms": {"status": "nonSubscribed"}}}]}
    body = client.post("/v3/contacts", headers=OMNISEND, json=data).get_json()
    assert list(body) == ["contactID", "phone"] and body["phone"] == "+37060099999"
    contact = client.get(f"/v3/contacts/{body['contactID']}", headers=OMNISEND).get_json()
    assert (contact["email"], contact["phone"], contact["status"]) == ("", ["+37060099999"], "")


def test_post_existing_email_answers_the_full_contact_unchanged(client: FlaskClient, mock: MockContext) -> None:
    before = snapshot(mock)
    response = client.post("/v3/contacts", headers=OMNISEND,
                           json=new_contact("anna.petraite@example.com", firstName="Changed"))
    assert response.status_code == 200
    body = response.get_json()
    assert body["firstName"] == "Anna" and body["contactID"] == "65b2a0c1d2e3f4a5b6c7d000"
    assert list(body)[:3] == ["email", "contactID", "createdAt"] and "identifiers" in body
    assert tuple(body) == OUTPUT_ORDER  # the recorded key order, every key present
    assert snapshot(mock) == before  # recorded: nothing changes, not even a new statuses entry


def test_repeated_post_of_a_known_contact_follows_every_change(client: FlaskClient, mock: MockContext) -> None:
    # The stored contact is decoded and rendered once while its collection is unchanged (issue 14); a
    # write to it or to another contact, a rule change and a logged event show in the next answer.
    anna, d0 = new_contact("anna.petraite@example.com"), "65b2a0c1d2e3f4a5b6c7d000"

    def post() -> dict[str, Any]:
        response = client.post("/v3/contacts", headers=OMNISEND, json=anna)
        assert response.status_code == 200
        body: dict[str, Any] = response.get_json()
        assert body == client.get(f"/v3/contacts/{d0}", headers=OMNISEND).get_json()
        assert tuple(body) == OUTPUT_ORDER
        return body

    first = post()
    assert post() == first
    assert client.patch(f"/v3/contacts/{d0}", headers=OMNISEND, json={"firstName": "Ona"}).status_code == 200
    assert post()["firstName"] == "Ona"
    client.post("/v3/contacts", headers=OMNISEND, json=new_contact("someone.else@example.com"))
    assert post()["firstName"] == "Ona"
    tenant = mock.tenant("omnisend", BRAND_ID)
    assert tenant is not None
    with tenant.lock:
        tenant.config["segments"] = [*tenant.config["segments"], {
            "segmentID": "seg-ona", "match": "all", "conditions": [{"field": "firstName", "op": "eq", "value": "Ona"}]}]
    assert "seg-ona" in post()["segments"] and "seg-ona" not in first["segments"]
    event = {"eventName": "paid for order", "origin": "api", "eventVersion": "v2",
             "contact": {"email": "anna.petraite@example.com"}, "properties": {"orderID": "o-9"}}
    assert "seg-recent-buyers" not in first["segments"]
    assert client.post("/v5/events", json=event, headers=OMNISEND).status_code == 202
    assert "seg-recent-buyers" in post()["segments"]
    mock.clock.advance(31 * 86400)  # no write: the 30-day window alone lets the event go
    assert "seg-recent-buyers" not in post()["segments"]


def test_email_identifier_is_case_sensitive(client: FlaskClient) -> None:
    body = client.post("/v3/contacts", headers=OMNISEND, json=new_contact("Anna.Petraite@example.com")).get_json()
    assert list(body) == ["email", "contactID"]


def test_create_keeps_extra_fields_and_external_created(client: FlaskClient) -> None:
    body = client.post("/v3/contacts", headers=OMNISEND, json=new_contact(
        createdAt="2020-01-01T00:00:00Z", customProperties={"points": 5, "colours": ["red"]}, unknown="dropped",
        gender="f", birthdate="1990-04-01", countryCode="LT")).get_json()
    contact = client.get(f"/v3/contacts/{body['contactID']}", headers=OMNISEND).get_json()
    assert contact["customProperties"] == {"points": 5, "colours": ["red"], "externalCreated": "2020-01-01T00:00:00Z"}
    assert (contact["gender"], contact["birthdate"], contact["countryCode"]) == ("f", "1990-04-01", "LT")
    assert "unknown" not in contact


def test_identifier_owned_by_another_contact_is_ignored_with_a_warning(client: FlaskClient) -> None:
    data = new_contact()
    data["identifiers"].append({"type": "phone", "id": "+37060000000", "channels": {"sms": {"status": "subscribed"}}})
    response = client.post("/v3/contacts", headers=OMNISEND, json=data)
    assert response.headers["X-Mock-Warnings"] == "identifiers[1]: ignored: identifier belongs to another contact"
    contact = client.get(f"/v3/contacts/{response.get_json()['contactID']}", headers=OMNISEND).get_json()
    assert contact["phone"] is None


def test_welcome_workflow_is_recorded_in_the_brand_outbox(client: FlaskClient, mock: MockContext) -> None:
    client.post("/v3/contacts", headers=OMNISEND, json=new_contact(sendWelcomeEmail=True))
    outbox = mock.store.tenants("omnisend")[0].extra["outbox"]
    assert [(e["kind"], e["workflow"], e["email"]) for e in outbox] == [
        ("workflow", "welcome", "new.person@example.com")]


@pytest.mark.parametrize(("data", "fields"), [
    ({}, ["identifiers: field required but not found in Json"]),
    ({"identifiers": []}, ["identifiers: must contain at least 1 item"]),
    ({"identifiers": [{"type": "fax", "id": 1}]}, [
        "identifiers[0].channels: field required but not found in Json",
        "identifiers[0].id: invalid type, expected string",
        "identifiers[0].type: invalid value, allowed values: email, phone"]),
    ({"identifiers": [{"type": "email", "id": "not-an-email", "channels": {"sms": {}}}]}, [
        "identifiers[0].channels.email: field required but not found in Json",
        "identifiers[0].id: invalid format, expected email"]),
    ({**new_contact(), "gender": "x", "countryCode": "LTU", "tags": ["ok", "no!"], "birthdate": "1/2/2000"}, [
        "birthdate: invalid format, expected YYYY-MM-DD",
        "countryCode: length must be between 2 and 2",
        "gender: invalid value, allowed values: m, f",
        "tags[1]: invalid value, allowed characters: letters, digits, space, _ and -, 1 to 128"]),
    ({**new_contact(), "tags": ["t"] * 101}, ["tags: must contain between 0 and 100 items"]),
    ({**new_contact(), "customProperties": {"bad name": 1, "ok": {"x": 1}}}, [
        "customProperties.bad name: invalid name",
        "customProperties.ok: invalid type, expected string, number, boolean or array of strings"]),
    ([new_contact()], ["invalid type, expected object"]),
])
def test_invalid_bodies_get_400_with_fields_and_change_nothing(client: FlaskClient, mock: MockContext,
                                                               data: Any, fields: list[str]) -> None:
    before = snapshot(mock)
    response = client.post("/v3/contacts", headers=OMNISEND, json=data)
    assert response.status_code == 400
    assert response.get_json() == {"error": f"{len(fields)} error(s) found. Check 'fields' array for details.",
                                   "fields": fields}
    assert snapshot(mock) == before


@pytest.mark.parametrize("raw", [b"{not json", b"\xff\xfe\xfd", b"", b"   "])
def test_malformed_or_empty_body_is_invalid_json(client: FlaskClient, mock: MockContext, raw: bytes) -> None:
    before = snapshot(mock)
    response = client.post("/v3/contacts", headers={**OMNISEND, "Content-Type": "application/json"}, data=raw)
    assert (response.status_code, response.get_json()) == (400, {"error": "Bad Request - invalid JSON"})
    assert snapshot(mock) == before


# -- read, patch ----------------------------------------------------------------------------------

def test_get_unknown_contact_is_404(client: FlaskClient) -> None:
    response = client.get("/v3/contacts/nope", headers=OMNISEND)
    assert (response.status_code, response.get_json()) == (404, {"error": "Contact with 'nope' contactID not found"})


def test_patch_changes_only_given_fields(client: FlaskClient) -> None:
    cid = "65b2a0c1d2e3f4a5b6c7d001"
    response = client.patch(f"/v3/contacts/{cid}", headers=OMNISEND,
                            json={"lastName": "Naujas", "city": None, "tags": ["a"]})
    assert response.status_code == 200
    assert response.get_json() == {"email": "jonas.kazlauskas@example.com", "contactID": cid,
                                   "firstName": "Jonas", "lastName": "Naujas"}
    contact = client.get(f"/v3/contacts/{cid}", headers=OMNISEND).get_json()
    assert (contact["lastName"], contact["city"], contact["tags"], contact["country"]) == (
        "Naujas", "", ["a"], "Lithuania")


def test_patch_answer_adds_phone_when_the_contact_has_one(client: FlaskClient) -> None:
    body = client.patch("/v3/contacts/65b2a0c1d2e3f4a5b6c7d000", headers=OMNISEND, json={}).get_json()
    assert body["phone"] == "+37060000000"


def test_patch_status_appends_history_and_older_status_date_is_ignored(client: FlaskClient) -> None:
    cid = "65b2a0c1d2e3f4a5b6c7d001"
    email = "jonas.kazlauskas@example.com"
    unsub = {"identifiers": [{"type": "email", "id": email, "channels": {"email": {"status": "unsubscribed"}}}]}
    client.patch(f"/v3/contacts/{cid}", headers=OMNISEND, json=unsub)
    contact = client.get(f"/v3/contacts/{cid}", headers=OMNISEND).get_json()
    assert contact["status"] == "unsubscribed" and len(contact["statuses"]) == 2
    old = {"identifiers": [{"type": "email", "id": email,
                            "channels": {"email": {"status": "subscribed", "statusDate": "2001-01-01T00:00:00Z"}}}]}
    client.patch(f"/v3/contacts/{cid}", headers=OMNISEND, json=old)
    assert client.get(f"/v3/contacts/{cid}", headers=OMNISEND).get_json()["status"] == "unsubscribed"


def test_patch_cannot_change_the_email_identifier(client: FlaskClient) -> None:
    cid = "65b2a0c1d2e3f4a5b6c7d001"
    other = {"identifiers": [{"type": "email", "id": "other@example.com", "channels": {"email": {}}}]}
    response = client.patch(f"/v3/contacts/{cid}", headers=OMNISEND, json=other)
    assert response.get_json()["email"] == "jonas.kazlauskas@example.com"
    assert response.headers["X-Mock-Warnings"] == (
        "identifiers[0].id: the email identifier cannot be changed; ignored")


def test_patch_by_email_query(client: FlaskClient, mock: MockContext) -> None:
    ok = client.patch("/v3/contacts?email=greta.jankute%40example.com", headers=OMNISEND, json={"firstName": "G"})
    assert ok.status_code == 200 and ok.get_json()["firstName"] == "G"
    before = snapshot(mock)
    missing = client.patch("/v3/contacts", headers=OMNISEND, json={"firstName": "G"})
    assert (missing.status_code, missing.get_json()) == (400, {"error": BAD_PARAMS,
                                                               "fields": ["email: query parameter required"]})
    unknown = client.patch("/v3/contacts?email=nobody%40x.com", headers=OMNISEND, json={"firstName": "G"})
    assert (unknown.status_code, unknown.get_json()) == (404, {"error": "Contact with 'nobody@x.com' email not found"})
    bad = client.patch("/v3/contacts/65b2a0c1d2e3f4a5b6c7d001", headers=OMNISEND, json={"gender": "q"})
    assert bad.status_code == 400
    assert snapshot(mock) == before


def test_contacts_have_no_delete(client: FlaskClient) -> None:
    response = client.delete("/v3/contacts/65b2a0c1d2e3f4a5b6c7d001", headers=OMNISEND)
    assert (response.status_code, response.get_json()) == (405, {"error": "Method Not Allowed"})
    assert "PATCH" in response.headers["Allow"] and "GET" in response.headers["Allow"]


# -- list --------------------------------------------------------------------------------------

def test_following_next_links_visits_every_contact_once_newest_first(client: FlaskClient) -> None:
    contacts, pagings = all_pages(client, "/v3/contacts?limit=5")
    assert len(contacts) == 12 and len({c["contactID"] for c in contacts}) == 12
    created = [c["createdAt"] for c in contacts]
    assert created == sorted(created, reverse=True)
    assert [p["offset"] for p in pagings] == [0, 5, 10]
    assert pagings[0]["previous"] is None and pagings[-1]["next"] is None
    assert all(p["limit"] == 5 for p in pagings)


def test_previous_link_returns_the_previous_page(client: FlaskClient) -> None:
    first = client.get("/v3/contacts?limit=2", headers=OMNISEND).get_json()
    second = client.get(relative(first["paging"]["next"]), headers=OMNISEND).get_json()
    back = client.get(relative(second["paging"]["previous"]), headers=OMNISEND).get_json()
    assert [c["contactID"] for c in back["contacts"]] == [c["contactID"] for c in first["contacts"]]
    assert back["paging"]["previous"] is None and back["paging"]["offset"] == 0


def test_links_are_absolute_on_the_public_url_and_keep_filters(app: Any) -> None:
    app.extensions["mock"].settings.public_url = "http://sandbox.test:9000"
    client = app.test_client()
    body = client.get("/v3/contacts?status=subscribed&limit=2", headers=OMNISEND).get_json()
    assert body["paging"]["next"].startswith("http://sandbox.test:9000/v3/contacts?status=subscribed&limit=2&after=")


def test_default_page_and_empty_result(client: FlaskClient) -> None:
    body = client.get("/v3/contacts", headers=OMNISEND).get_json()
    assert len(body["contacts"]) == 12
    assert body["paging"] == {"previous": None, "next": None, "offset": 0, "limit": 100}
    empty = client.get("/v3/contacts?email=nobody%40x.com", headers=OMNISEND).get_json()
    assert empty == {"contacts": [], "paging": {"previous": None, "next": None, "offset": 0, "limit": 100}}


@pytest.mark.parametrize(("query", "expected"), [
    ("email=anna.petraite%40example.com", ["anna.petraite@example.com"]),
    ("email=ANNA.petraite%40example.com", []),  # exact, case-sensitive
    ("phone=%2B37060000003", ["lukas.stankevicius@example.com"]),
    ("status=unsubscribed", ["egle.navickaite@example.com", "ieva.butkute@example.com",
                             "greta.jankute@example.com"]),
    ("tag=vip", ["egle.navickaite@example.com", "ieva.butkute@example.com", "marta.vaitkute@example.com",
                 "anna.petraite@example.com"]),
    ("tag=VIP", []),
])
def test_filters(client: FlaskClient, query: str, expected: list[str]) -> None:
    body = client.get(f"/v3/contacts?{query}", headers=OMNISEND).get_json()
    assert [c["email"] for c in body["contacts"]] == expected


def test_filters_combine(client: FlaskClient) -> None:
    body = client.get("/v3/contacts?status=subscribed&tag=newsletter", headers=OMNISEND).get_json()
    assert body["contacts"] and all(
        c["status"] == "subscribed" and "newsletter" in c["tags"] for c in body["contacts"])


@pytest.mark.parametrize(("query", "fields"), [
    ("limit=0", ["limit: must be an integer between 1 and 250"]),
    ("limit=251", ["limit: must be an integer between 1 and 250"]),
    ("limit=ten", ["limit: must be an integer between 1 and 250"]),
    ("status=gone", ["status: invalid value, allowed values: subscribed, unsubscribed, nonSubscribed"]),
    ("after=garbage", ["after: invalid cursor"]),
    ("after=a&before=b", ["after, before: cannot be used together"]),
])
def test_bad_list_parameters(client: FlaskClient, query: str, fields: list[str]) -> None:
    response = client.get(f"/v3/contacts?{query}", headers=OMNISEND)
    assert (response.status_code, response.get_json()) == (400, {"error": BAD_PARAMS, "fields": fields})


@pytest.mark.parametrize("limit", [1, 250])
def test_limit_bounds_accepted(client: FlaskClient, limit: int) -> None:
    body = client.get(f"/v3/contacts?limit={limit}", headers=OMNISEND).get_json()
    assert body["paging"]["limit"] == limit and len(body["contacts"]) == min(limit, 12)


def test_cursor_from_another_filter_set_is_refused(client: FlaskClient) -> None:
    token = client.get("/v3/contacts?limit=2", headers=OMNISEND).get_json()["paging"]["next"].split("after=")[1]
    response = client.get(f"/v3/contacts?status=subscribed&limit=2&after={token}", headers=OMNISEND)
    assert response.get_json() == {"error": BAD_PARAMS, "fields": ["after: invalid cursor"]}


def test_offset_is_ignored_on_cursor_lists(client: FlaskClient) -> None:
    body = client.get("/v3/contacts?offset=5&limit=2", headers=OMNISEND).get_json()
    assert body["paging"]["offset"] == 0 and body["paging"]["next"].count("offset") == 0


def test_list_contract_with_recorded_deviations(client: FlaskClient) -> None:
    response = client.get("/v3/contacts?limit=2", headers=OMNISEND)
    deviations = check(response, "GET", "/contacts", query="limit=2")
    assert within(deviations, PAGING_NULL_LINKS, CONTACT_OUTPUT, prefix="contacts[].")
    assert "paging.previous: type" in deviations


# -- v5 shares the brand -------------------------------------------------------------------------

def test_v5_post_upserts_and_v3_reads_it(client: FlaskClient) -> None:
    created = client.post("/v5/contacts", headers=OMNISEND, json=new_contact(firstName="Five"))
    assert created.status_code == 200 and list(created.get_json()) == ["contactID", "email"]
    cid = created.get_json()["contactID"]
    again = client.post("/v5/contacts", headers=OMNISEND, json=new_contact(lastName="Upserted"))
    assert again.get_json() == {"contactID": cid, "email": "new.person@example.com"}
    contact = client.get(f"/v3/contacts/{cid}", headers=OMNISEND).get_json()
    assert (contact["firstName"], contact["lastName"]) == ("Five", "Upserted")
    v5 = client.get("/v5/contacts?email=new.person%40example.com", headers=OMNISEND).get_json()
    assert v5["contacts"][0]["contactID"] == cid
    assert client.get(f"/v5/contacts/{cid}", headers=OMNISEND).get_json() == contact


def test_v5_links_use_the_v5_path(client: FlaskClient) -> None:
    body = client.get("/v5/contacts?limit=2&offset=0", headers=OMNISEND).get_json()
    assert body["paging"]["next"].startswith("http://localhost/v5/contacts?limit=2&after=")


def test_read_only_key_cannot_write(client: FlaskClient, mock: MockContext) -> None:
    headers = {"X-API-KEY": OMNISEND_READONLY_KEY}
    assert client.get("/v3/contacts?limit=1", headers=headers).status_code == 200
    before = snapshot(mock)
    response = client.post("/v3/contacts", headers=headers, json=new_contact())
    assert (response.status_code, response.get_json()) == (
        403, {"error": "Forbidden - access to this resource is not allowed"})
    assert snapshot(mock) == before
