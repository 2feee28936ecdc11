"""The version's rules (reference 2026 §1, §2): credentials, the version header, scopes, problem bodies."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from mock_server.core.context import MockContext, Settings
from mock_server.omnisend.v2026 import constants as C
from tests.conftest import OMNISEND, OMNISEND_KEY, snapshot
from tests.omnisend.v2026.helpers import API, READONLY, assert_problem, call, invalid, problem

UNAUTHORIZED = {"type": C.T_UNAUTHORIZED, "title": "Unauthorized", "status": 401}


@pytest.mark.parametrize("headers", [
    {C.VERSION_HEADER: C.VERSION},
    {"Authorization": f"{C.API_KEY_SCHEME} not-a-key", C.VERSION_HEADER: C.VERSION},
    {"Authorization": f"{C.API_KEY_SCHEME} ", C.VERSION_HEADER: C.VERSION},
    {"Authorization": f"Basic {OMNISEND_KEY}", C.VERSION_HEADER: C.VERSION},
    {"Authorization": f"{C.API_KEY_SCHEME} not-a-key"},  # auth is checked before the version
])
def test_missing_or_wrong_credentials_answer_the_bare_401(client: FlaskClient, headers: dict[str, str]) -> None:
    response = client.get("/api/brands/current", headers=headers)
    assert response.status_code == 401
    assert response.get_json() == UNAUTHORIZED  # OBS-401: no detail, no instance
    assert not [h for h, _ in response.headers if "ratelimit" in h.lower().replace("-", "")]


def test_legacy_key_header_alone_is_not_provided(client: FlaskClient) -> None:
    response = client.get("/api/contacts", headers={**OMNISEND, C.VERSION_HEADER: C.VERSION})
    assert_problem(response, problem(response, 401, C.DETAIL_LEGACY_KEY))


@pytest.mark.parametrize("scheme", [C.API_KEY_SCHEME, C.BEARER_SCHEME, "omnisend-api-key", "bearer"])
def test_api_key_and_bearer_schemes(client: FlaskClient, scheme: str) -> None:
    response = client.get("/api/brands/current", headers={"Authorization": f"{scheme} {OMNISEND_KEY}",
                                                          C.VERSION_HEADER: C.VERSION})
    assert response.status_code == 200


def test_missing_version_is_a_400(client: FlaskClient) -> None:
    response = client.get("/api/contacts", headers={"Authorization": API["Authorization"]})
    assert_problem(response, invalid(response, (C.VERSION_HEADER, "required", C.MSG_REQUIRED)))


@pytest.mark.parametrize("value", ["2024-06", "v3", "2026-13-01", "2026-02-30", "latest", "2026-3-15"])
def test_malformed_version_is_invalid_format(client: FlaskClient, value: str) -> None:
    response = client.get("/api/contacts", headers={**API, C.VERSION_HEADER: value})
    assert_problem(response, invalid(response, (C.VERSION_HEADER, "invalid_format", C.MSG_VERSION_FORMAT)))


@pytest.mark.parametrize("value", ["2025-01-01", "2026-03-14", "2019-12-31"])
def test_dates_before_the_first_release_are_retired(client: FlaskClient, value: str) -> None:
    response = client.get("/api/contacts", headers={**API, C.VERSION_HEADER: value})
    assert_problem(response, problem(response, 410, C.DETAIL_VERSION_RETIRED.format(version=value)))


@pytest.mark.parametrize("value", ["2026-03-15", "2026-09-01", "2030-01-01", "2026-preview"])
def test_later_dates_and_preview_are_served_as_2026_03_15(client: FlaskClient, mock: MockContext,
                                                          value: str) -> None:
    response = client.get("/api/brands/current", headers={**API, C.VERSION_HEADER: value})
    assert response.status_code == 200
    assert mock.journal.entries()[-1]["apiVersion"] == C.VERSION


def test_read_only_key_is_refused_on_writes(client: FlaskClient, mock: MockContext) -> None:
    before = snapshot(mock)
    body = {"identifiers": [{"type": "email", "id": "ro@example.com"}]}
    response = call(client, "POST", "/contacts", json=body, headers=READONLY)
    assert_problem(response, problem(response, 403, C.DETAIL_FORBIDDEN.format(scope="contacts.write")))
    assert snapshot(mock) == before
    assert call(client, "GET", "/contacts", query="limit=1", headers=READONLY).status_code == 200


def test_unknown_path_answers_the_problem_404(client: FlaskClient) -> None:
    response = client.get("/api/orders", headers=API)
    assert_problem(response, problem(response, 404, C.DETAIL_ROUTE.format(method="GET", path="/api/orders")))
    bare = client.get("/api", headers=API)
    assert_problem(bare, problem(bare, 404, C.DETAIL_ROUTE.format(method="GET", path="/api")))


def test_unsupported_method_answers_405_with_allow(client: FlaskClient) -> None:
    response = client.put("/api/contacts", headers=API, json={})
    assert_problem(response, problem(response, 405, C.DETAIL_METHOD.format(
        method="PUT", path="/api/contacts", allowed="GET, PATCH, POST")))
    assert response.headers["Allow"] == "GET, PATCH, POST"


def test_body_over_the_cap_is_413(settings: Settings) -> None:
    from mock_server.app import create_app

    settings.body_cap = 1000
    client = create_app(settings).test_client()
    response = client.post("/api/contacts", headers=API, data=b"{" + b" " * 1200 + b"}",
                           content_type="application/json")
    assert_problem(response, problem(response, 413, C.DETAIL_TOO_LARGE.format(cap=1000)))


def test_invalid_json_is_a_400(client: FlaskClient) -> None:
    response = client.post("/api/contacts", headers=API, data=b"{nope", content_type="application/json")
    assert_problem(response, problem(response, 400, C.DETAIL_BAD_JSON))


def test_undocumented_query_parameters_are_refused(client: FlaskClient) -> None:
    response = call(client, "GET", "/contacts", query="limit=1&zeta=1&alpha=2")
    assert_problem(response, invalid(response, ("alpha", "unknown_parameter", C.MSG_UNKNOWN_PARAMETER),
                                     ("zeta", "unknown_parameter", C.MSG_UNKNOWN_PARAMETER)))


def test_injected_fault_answers_a_problem(client: FlaskClient) -> None:
    rule = {"path": "/api/contacts", "status": 503, "count": 1}
    assert client.post("/_mock/faults", json=rule).status_code in (200, 201)
    response = client.get("/api/contacts", headers=API)
    assert_problem(response, problem(response, 503))


def test_v3_keeps_its_envelope_and_headers(client: FlaskClient) -> None:
    response = client.get("/v3/nope", headers=OMNISEND)
    assert response.status_code == 404
    assert set(response.get_json()) == {"error"}
    assert "X-Rate-Limit-Limit" in client.get("/v3/contacts?limit=1", headers=OMNISEND).headers
    assert "X-Rate-Limit-Limit" not in client.get("/api/contacts?limit=1", headers=API).headers
