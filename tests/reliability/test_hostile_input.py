"""Hand-written hostile inputs: each answers the vendor's 4xx in its envelope, and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_server.core.context import MockContext
from mock_server.core.paging import MAX_OFFSET
from mock_server.ometria import constants as MC
from mock_server.omnisend import constants as OC
from tests.conftest import OMNISEND, STAGING, snapshot

CONTACT = {"identifiers": [{"type": "email", "id": "ana@example.com", "channels": {"email": {"status": "subscribed"}}}]}


def contact(**changes: Any) -> dict[str, Any]:
    """A valid v3 contact body with ``changes`` applied."""
    return {**CONTACT, **changes}


@pytest.mark.parametrize("endpoint", [{"a": 1}, ["contacts"], 5, None, True])
@pytest.mark.parametrize("version", ["v3", "v5"])
def test_batch_endpoint_of_the_wrong_type_is_a_400(client: FlaskClient, mock: MockContext, version: str,
                                                   endpoint: Any) -> None:
    before = snapshot(mock)
    response = client.post(f"/{version}/batches", headers=OMNISEND,
                           json={"method": "POST", "endpoint": endpoint, "items": [{}]})
    assert response.status_code == 400
    assert response.get_json() == {"error": OC.ERR_VALIDATION.format(count=1),
                                   "fields": ["endpoint: invalid type, expected string"]}
    assert snapshot(mock) == before


@pytest.mark.parametrize("offset", [str(MAX_OFFSET + 1), "9" * 40, "9" * 5000])
def test_offset_beyond_int64_is_a_400_omnisend(client: FlaskClient, offset: str) -> None:
    response = client.get(f"/v3/products?offset={offset}&limit=1", headers=OMNISEND)
    if response.status_code == 200:  # a cursor-paged list that ignores offset
        pytest.fail(f"offset accepted: {response.get_json()}")
    assert response.status_code == 400
    reason = (f"must be an integer between 0 and {MAX_OFFSET}" if len(offset) <= 4000
              else "must be an integer >= 0")
    assert response.get_json() == {"error": OC.ERR_BAD_PARAMS, "fields": [f"offset: {reason}"]}


@pytest.mark.parametrize("path", ["/v2/contacts/default", "/v2/orders?customer_id=x", "/v2/products?limit=5"])
def test_offset_beyond_int64_is_a_400_ometria(client: FlaskClient, path: str) -> None:
    sep = "&" if "?" in path else "?"
    response = client.get(f"{path}{sep}offset={MAX_OFFSET + 1}", headers=STAGING)
    assert response.status_code == 400
    assert response.get_json() == {"status": "ERROR", "message": MC.ERR_PARAM.format(name="offset")}


def test_offset_at_int64_max_is_an_empty_page(client: FlaskClient) -> None:
    response = client.get(f"/v2/orders?customer_id=x&offset={MAX_OFFSET}", headers=STAGING)
    assert (response.status_code, response.get_json()) == (200, [])


@pytest.mark.parametrize("key", ["¹", "٣", "²³"])
def test_custom_property_named_with_non_ascii_digits_is_a_400(client: FlaskClient, mock: MockContext,
                                                              key: str) -> None:
    before = snapshot(mock)
    response = client.post("/v3/contacts", headers=OMNISEND, json=contact(customProperties={key: 1}))
    assert response.status_code == 400
    assert response.get_json() == {"error": OC.ERR_VALIDATION.format(count=1),
                                   "fields": [f"customProperties.{key}: invalid name"]}
    assert snapshot(mock) == before


@pytest.mark.parametrize("number", ["1e400", "-1e400", "1" + "0" * 400, "NaN", "Infinity", "-Infinity"])
def test_numbers_beyond_a_double_are_invalid_json(client: FlaskClient, mock: MockContext, number: str) -> None:
    before = snapshot(mock)
    body = '{"identifiers":[{"type":"email","id":"n@example.com","channels":{"email":{"status":"subscribed"}}}],'
    body += f'"customProperties":{{"size":{number}}}}}'
    response = client.post("/v3/contacts", headers=OMNISEND, data=body, content_type="application/json")
    assert (response.status_code, response.get_json()) == (400, {"error": OC.ERR_BAD_JSON})
    pushed = f'[{{"@type":"contact","id":"n1","email":"n@example.com","properties":{{"x":{number}}}}}]'
    response = client.post("/v2/push", headers=STAGING, data=pushed, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["message"] == MC.ERR_BAD_JSON
    assert snapshot(mock) == before


def test_largest_double_is_still_accepted(client: FlaskClient) -> None:
    response = client.post("/v3/contacts", headers=OMNISEND,
                           json=contact(customProperties={"size": 1.7976931348623157e308}))
    assert response.status_code == 200
    listed = client.get("/v3/contacts?email=ana@example.com", headers=OMNISEND)
    assert listed.get_json()["contacts"][0]["customProperties"] == {"size": 1.7976931348623157e308}


@pytest.mark.parametrize("email", ["a\u0000@example.com", "a@exa\u0000mple.com", "a\u001f@example.com",
                                   "a\u007f@example.com"])
def test_control_characters_in_emails_are_refused(client: FlaskClient, mock: MockContext, email: str) -> None:
    before = snapshot(mock)
    body = {"identifiers": [{"type": "email", "id": email, "channels": {"email": {"status": "subscribed"}}}]}
    response = client.post("/v3/contacts", headers=OMNISEND, json=body)
    assert response.status_code == 400
    assert response.get_json() == {"error": OC.ERR_VALIDATION.format(count=1),
                                   "fields": ["identifiers[0].id: invalid format, expected email"]}
    assert snapshot(mock) == before


@pytest.mark.parametrize("path", ["/v3/contacts/%2F", "/v3/contacts/%2f", "/contacts/%2F", "/v3/contacts/%2F/"])
def test_an_encoded_slash_is_part_of_the_id(client: FlaskClient, path: str) -> None:
    response = client.get(path, headers=OMNISEND)
    assert response.status_code == 404
    assert response.get_json() == {"error": OC.ERR_CONTACT_NOT_FOUND.format(id="%2F")}


def test_an_encoded_slash_in_an_ometria_id(client: FlaskClient) -> None:
    response = client.get("/v2/contacts/default/%2F", headers=STAGING)
    assert response.status_code == 404
    assert response.get_json() == {"status": "ERROR", "message": MC.ERR_CONTACT_NOT_FOUND}


@pytest.mark.parametrize("body", [{"action": "advance", "seconds": 1e308},
                                  {"action": "advance", "by": "99999999999999d"},
                                  {"action": "set", "at": "9999-12-31T23:59:59Z"},
                                  {"action": "freeze", "at": "0001-01-01T00:00:00Z"}])
def test_the_clock_refuses_to_leave_its_range_and_keeps_working(client: FlaskClient, body: dict[str, Any]) -> None:
    before = client.get("/_mock/clock").get_json()
    response = client.post("/_mock/clock", json=body)
    assert response.status_code == 400
    field = "at" if "at" in body else ("by" if "by" in body else "seconds")
    assert response.get_json() == {"error": "invalid request body",
                                   "fields": [f"{field}: the mock clock stays between 1970-01-01 and 9000-01-01"]}
    assert client.get("/_mock/clock").get_json() == before
    assert client.get("/v3/contacts", headers=OMNISEND).status_code == 200
    assert client.get("/_mock/health").status_code == 200


@pytest.mark.parametrize("body", [b'{"action": "advance", "seconds": 1e400}', b"[" * 100000 + b"]" * 100000])
def test_control_plane_json_is_strict(client: FlaskClient, body: bytes) -> None:
    response = client.post("/_mock/clock", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"].startswith("invalid JSON")


@pytest.mark.parametrize("path", ["/_mock/health", "/_mock/journal", "/_mock/openapi.json"])
def test_plain_options_on_the_control_plane_is_a_json_405(client: FlaskClient, path: str) -> None:
    response = client.options(path)
    assert response.status_code == 405
    assert response.content_type == "application/json"
    assert response.get_json() == {"error": "Method not allowed"}
    unknown = client.open(path, method="PATCH")  # answered like any other method the path does not serve
    assert (unknown.status_code, unknown.get_json()) == (405, response.get_json())
    assert response.headers["Allow"] == unknown.headers["Allow"]


def test_plain_options_on_an_unknown_control_path_is_a_json_404(client: FlaskClient) -> None:
    response = client.options("/_mock/nothing-here")
    assert (response.status_code, response.get_json()) == (404, {"error": "Not found"})


def test_cors_preflight_on_the_control_plane_still_answers_204(client: FlaskClient) -> None:
    response = client.options("/_mock/health", headers={"Origin": "http://localhost:3000",
                                                        "Access-Control-Request-Method": "POST"})
    assert response.status_code == 204
