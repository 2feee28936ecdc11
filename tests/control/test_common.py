"""What every control endpoint shares: JSON errors, 404/405 in the control envelope, request ids."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.conftest import BRAND_ID

JSON_ENDPOINTS = [("POST", "/_mock/faults"), ("POST", "/_mock/clock"), ("PUT", "/_mock/limits"),
                  ("PUT", f"/_mock/limits/omnisend/{BRAND_ID}"), ("POST", "/_mock/fixtures")]


@pytest.mark.parametrize("method, path", JSON_ENDPOINTS)
@pytest.mark.parametrize("data, error", [
    (b"{oops", "invalid JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
    (b"\xff", "invalid JSON: 'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"),
    (b"", "a JSON body is required")])
def test_bad_json_is_400(client: FlaskClient, method: str, path: str, data: bytes, error: str) -> None:
    response = client.open(path, method=method, data=data)
    assert (response.status_code, response.get_json()) == (400, {"error": error})


@pytest.mark.parametrize("method, path", JSON_ENDPOINTS[:4])
def test_body_must_be_an_object(client: FlaskClient, method: str, path: str) -> None:
    response = client.open(path, method=method, json=[1, 2])
    assert (response.status_code, response.get_json()) == (400, {"error": "the body must be a JSON object"})


def test_unknown_control_path_is_404(client: FlaskClient) -> None:
    response = client.get("/_mock/nothing-here")
    assert (response.status_code, response.get_json()) == (404, {"error": "Not found"})


def test_wrong_method_is_405(client: FlaskClient) -> None:
    response = client.put("/_mock/journal")
    assert (response.status_code, response.get_json()) == (405, {"error": "Method not allowed"})
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "DELETE"}


def test_control_answers_carry_a_request_id(client: FlaskClient) -> None:
    assert client.get("/_mock/clock").headers["X-Mock-Request-Id"]
