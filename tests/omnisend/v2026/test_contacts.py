"""Contacts, 2026-03-15 (reference 2026 §5.1): every operation's success and documented errors."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_server.core.context import MockContext
from mock_server.omnisend.v2026 import constants as C
from tests.conftest import snapshot
from tests.omnisend.catalog import NOW
from tests.omnisend.v2026.helpers import assert_problem, assert_refused, call, invalid, problem

ANNA = "65b2a0c1d2e3f4a5b6c7d000"
JONAS = "65b2a0c1d2e3f4a5b6c7d001"
SUBSCRIBED_AT = "2025-12-01T08:00:00Z"


def _new(email: str = "new@example.com", **fields: Any) -> dict[str, Any]:
    return {"identifiers": [{"type": "email", "id": email,
                             "channels": {"email": {"status": "subscribed", "statusChangedAt": SUBSCRIBED_AT}}}],
            **fields}


def test_post_creates_with_201_and_renders_the_2026_shape(client: FlaskClient) -> None:
    response = call(client, "POST", "/contacts", json=_new(firstName="Nora", tags=["source: api"],
                                                           customProperties={"tier": "gold"}))
    assert response.status_code == 201
    body = response.get_json()
    assert body == {
        "id": body["id"], "email": "new@example.com", "phone": [], "firstName": "Nora",
        "tags": ["source: api"], "customProperties": {"tier": "gold"},
        "identifiers": [{"id": "new@example.com", "type": "email",
                         "channels": {"email": {"status": "subscribed", "statusChangedAt": NOW}}}],
        "status": "subscribed",
        "statuses": [{"channel": "email", "status": "subscribed", "statusChangedAt": SUBSCRIBED_AT}],
        "optIns": [{"channel": "email", "optInAt": SUBSCRIBED_AT}], "consents": [], "segments": [],
        "createdAt": NOW, "updatedAt": NOW}
    assert len(body["id"]) == 24
    assert call(client, "GET", f"/contacts/{body['id']}").get_json() == body


def test_post_with_a_known_email_updates_with_200(client: FlaskClient, mock: MockContext) -> None:
    mock.clock.advance(60)
    response = call(client, "POST", "/contacts", json={
        "identifiers": [{"type": "email", "id": "anna.petraite@example.com"}], "lastName": "Changed"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["id"] == ANNA and body["lastName"] == "Changed" and body["firstName"] == "Anna"
    assert body["status"] == "subscribed"  # no channel given: the status is left alone
    assert body["updatedAt"] == "2026-01-01T00:01:00.000Z"


def test_post_accepts_the_v3_status_date_name(client: FlaskClient) -> None:
    body = {"identifiers": [{"type": "email", "id": "old@example.com",
                             "channels": {"email": {"status": "unsubscribed", "statusDate": SUBSCRIBED_AT}}}]}
    response = call(client, "POST", "/contacts", json=body)
    assert response.get_json()["statuses"] == [
        {"channel": "email", "status": "unsubscribed", "statusChangedAt": SUBSCRIBED_AT}]


def test_post_phone_only_contact_starts_non_subscribed(client: FlaskClient) -> None:
    response = call(client, "POST", "/contacts", json={"identifiers": [{"type": "phone", "id": "+37069999999"}]})
    assert response.status_code == 201
    body = response.get_json()
    assert body["phone"] == ["+37069999999"] and "email" not in body and "status" not in body
    assert body["identifiers"][0]["channels"] == {"sms": {"status": "nonSubscribed", "statusChangedAt": NOW}}


@pytest.mark.parametrize(("payload", "errors"), [
    ({}, [("identifiers", "required", C.MSG_IDENTIFIER)]),
    ({"identifiers": []}, [("identifiers", "required", C.MSG_IDENTIFIER)]),
    ({"identifiers": [{"type": "fax", "id": 1}], "gender": "x", "birthdate": "01/02/2000"},
     [("birthdate", "invalid_format", "invalid format, expected YYYY-MM-DD"),
      ("gender", "invalid_value", "invalid value, allowed values: m, f"),
      ("identifiers[0].id", "invalid_type", "invalid type, expected string"),
      ("identifiers[0].type", "invalid_value", "invalid value, allowed values: email, phone")]),
    ({"identifiers": [{"type": "email", "id": "not-an-email", "channels": {"email": {}}}]},
     [("identifiers[0].channels.email.status", "required", C.MSG_REQUIRED),
      ("identifiers[0].id", "invalid_format", "invalid format, expected email")]),
    ({"identifiers": [{"type": "phone", "id": "37060000000"}], "tags": ["t"] * 101},
     [("identifiers[0].id", "invalid_format", "invalid format, expected E.164 phone number"),
      ("tags", "invalid_length", "must contain between 0 and 100 items")]),
])
def test_post_validation_reports_every_field(client: FlaskClient, mock: MockContext, payload: dict[str, Any],
                                             errors: list[tuple[str, str, str]]) -> None:
    assert_refused(client, mock, "POST", "/contacts", payload, errors)


def test_post_whose_only_identifier_belongs_to_someone_else_is_a_400(client: FlaskClient, mock: MockContext) -> None:
    before = snapshot(mock)
    response = call(client, "POST", "/contacts", json={"identifiers": [{"type": "phone", "id": "+37060000000"}]})
    assert_problem(response, invalid(response, ("identifiers[0].id", "conflict", C.MSG_IDENTIFIER_TAKEN)))
    assert snapshot(mock) == before


def test_get_unknown_contact_is_404(client: FlaskClient) -> None:
    response = call(client, "GET", "/contacts/000000000000000000000000")
    assert_problem(response, problem(response, 404, C.DETAIL_CONTACT_NOT_FOUND.format(id="000000000000000000000000")))


def test_patch_by_id_changes_only_given_fields(client: FlaskClient) -> None:
    response = call(client, "PATCH", f"/contacts/{ANNA}", json={
        "firstName": "Ana", "identifiers": [{"type": "email", "id": "anna.petraite@example.com",
                                             "channels": {"email": {"status": "unsubscribed"}}}]})
    assert response.status_code == 200
    body = response.get_json()
    assert (body["firstName"], body["lastName"], body["status"]) == ("Ana", "Petraite", "unsubscribed")


def test_patch_by_email(client: FlaskClient) -> None:
    response = call(client, "PATCH", "/contacts", query="email=jonas.kazlauskas%40example.com",
                    json={"city": "Kaunas"})
    assert response.status_code == 200
    assert response.get_json()["id"] == JONAS and response.get_json()["city"] == "Kaunas"


def test_patch_errors(client: FlaskClient, mock: MockContext) -> None:
    before = snapshot(mock)
    missing = call(client, "PATCH", "/contacts/000000000000000000000000", json={"city": "X"})
    assert_problem(missing, problem(missing, 404, C.DETAIL_CONTACT_NOT_FOUND.format(id="000000000000000000000000")))
    no_match = call(client, "PATCH", "/contacts", query="email=nobody%40example.com", json={"city": "X"})
    assert_problem(no_match, problem(no_match, 404, C.DETAIL_CONTACT_EMAIL_NOT_FOUND.format(
        email="nobody@example.com")))
    no_email = call(client, "PATCH", "/contacts", json={"city": "X"})
    assert_problem(no_email, invalid(no_email, ("email", "required", C.MSG_REQUIRED)))
    taken = call(client, "PATCH", f"/contacts/{JONAS}", json={"identifiers": [{"type": "phone", "id": "+37060000000"}]})
    assert_problem(taken, problem(taken, 409, C.DETAIL_IDENTIFIER_EXISTS.format(kind="phone", value="+37060000000")))
    bad = call(client, "PATCH", f"/contacts/{JONAS}", json={"countryCode": "LTU"})
    assert_problem(bad, invalid(bad, ("countryCode", "invalid_length", "length must be between 2 and 2")))
    assert snapshot(mock) == before


def _tags_of(client: FlaskClient, contact_id: str) -> list[str]:
    tags: list[str] = call(client, "GET", f"/contacts/{contact_id}").get_json()["tags"]
    return tags


def test_add_and_remove_tags_in_bulk(client: FlaskClient) -> None:
    added = call(client, "POST", "/contacts/tags", json={
        "tags": ["spring", "vip"], "contactIDs": [ANNA, "000000000000000000000000"],
        "emails": ["jonas.kazlauskas@example.com", "nobody@example.com"], "phones": ["+37060000000"]})
    assert added.status_code == 202 and added.get_data() == b""
    assert _tags_of(client, ANNA) == ["vip", "newsletter", "spring"]
    assert _tags_of(client, JONAS) == ["newsletter", "spring", "vip"]
    removed = call(client, "DELETE", "/contacts/tags", json={"tags": ["newsletter"], "segmentID": "seg-vip"})
    assert removed.status_code == 202
    assert _tags_of(client, ANNA) == ["vip", "spring"]
    assert _tags_of(client, JONAS) == ["spring", "vip"]  # now tagged vip and subscribed: a seg-vip member


@pytest.mark.parametrize(("payload", "errors"), [
    ({"contactIDs": [ANNA]}, [("tags", "required", C.MSG_REQUIRED)]),
    ({"tags": [], "contactIDs": [ANNA]}, [("tags", "invalid_length", "must contain between 1 and 100 items")]),
    ({"tags": ["x"]}, [("contactIDs", "required", C.MSG_SELECTOR)]),
    ({"tags": ["x"], "emails": ["a@b.c"] * 251},
     [("emails", "invalid_length", "must contain between 0 and 250 items")]),
])
def test_tag_request_errors(client: FlaskClient, mock: MockContext, payload: dict[str, Any],
                            errors: list[tuple[str, str, str]]) -> None:
    before = snapshot(mock)
    for method in ("POST", "DELETE"):
        response = call(client, method, "/contacts/tags", json=payload)
        assert_problem(response, invalid(response, *errors))
    assert snapshot(mock) == before


def test_new_subscribed_contact_gets_the_welcome_unless_told_not_to(client: FlaskClient, mock: MockContext) -> None:
    call(client, "POST", "/contacts", json=_new("welcome@example.com"))
    quiet = _new("quiet@example.com")
    quiet["identifiers"][0]["sendWelcomeMessage"] = False
    call(client, "POST", "/contacts", json=quiet)
    call(client, "POST", "/contacts", json=_new("welcome@example.com", firstName="Again"))  # an update
    outbox = mock.tenant("omnisend", "64a1f0c2e4b0a1b2c3d4e5f6").extra.get("outbox", [])  # type: ignore[union-attr]
    assert [(e["workflow"], e["email"]) for e in outbox] == [("welcome", "welcome@example.com")]
