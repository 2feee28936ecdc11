"""Shared helpers of the 2026-03-15 tests: headers, whole problem bodies, calls with a contract check."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from mock_server.core.context import MockContext
from mock_server.omnisend.v2026 import constants as C
from tests.conftest import OMNISEND_KEY, OMNISEND_READONLY_KEY, snapshot
from tests.omnisend.v2026.contract import check

API = {"Authorization": f"{C.API_KEY_SCHEME} {OMNISEND_KEY}", C.VERSION_HEADER: C.VERSION}
READONLY = {"Authorization": f"{C.API_KEY_SCHEME} {OMNISEND_READONLY_KEY}", C.VERSION_HEADER: C.VERSION}


def call(client: FlaskClient, method: str, path: str, *, json: Any = None, query: str = "",
         headers: dict[str, str] | None = None, contract: bool = True) -> TestResponse:
    """Send ``method /api<path>`` with the demo brand's 2026 headers; assert the answer fits the contract."""
    url = f"/api{path}" + (f"?{query}" if query else "")
    response = client.open(url, method=method, json=json, headers=headers or API)
    if contract:
        assert check(response, method, path, query=query) == set(), response.get_data(as_text=True)
    return response


def problem(response: TestResponse, status: int, detail: str | None = None,
            errors: list[tuple[str, str, str]] | None = None, **extra: Any) -> dict[str, Any]:
    """The whole problem body expected for ``response`` (its instance is the request's id)."""
    body: dict[str, Any] = {"type": C.TYPES.get(status, C.T_GENERIC), "title": C.TITLES[status], "status": status}
    if detail is not None:
        body["detail"] = detail
    body["instance"] = C.INSTANCE.format(id=response.headers["X-Mock-Request-Id"])
    if errors is not None:
        body["errors"] = [{"field": f, "code": c, "message": m} for f, c, m in errors]
    body.update(extra)
    return body


def invalid(response: TestResponse, *errors: tuple[str, str, str], detail: str = C.DETAIL_VALIDATION) -> dict[str, Any]:
    """The whole 400 validation problem expected for ``response``."""
    return problem(response, 400, detail, list(errors))


def assert_problem(response: TestResponse, expected: dict[str, Any]) -> None:
    """Status, content type and the whole body of a problem answer."""
    assert response.status_code == expected["status"], response.get_data(as_text=True)
    assert response.headers["Content-Type"] == C.CT_JSON
    assert response.get_json() == expected, response.get_data(as_text=True)


def assert_refused(client: FlaskClient, mock: MockContext, method: str, path: str, body: Any,
                   errors: list[tuple[str, str, str]]) -> None:
    """A 400 validation problem listing exactly ``errors``, and nothing stored changed."""
    before = snapshot(mock)
    response = call(client, method, path, json=body)
    assert_problem(response, invalid(response, *errors))
    assert snapshot(mock) == before
