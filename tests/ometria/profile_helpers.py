"""Test helpers for profile-related tests: push contacts, orders and custom events; read profiles."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from mock_server.core.context import MockContext
from mock_server.ometria.backend import Account
from tests.conftest import STAGING


def account(mock: MockContext, account_id: str = "staging") -> Account:
    """The backend account object."""
    tenant = mock.store.tenant("ometria", account_id)
    assert tenant is not None
    return Account(mock, tenant)


def push_records(client: FlaskClient, headers: dict[str, str], record_type: str,
                 *records: dict[str, Any]) -> dict[str, Any]:
    """Push records of one ``@type`` (sync mode: processed before the 202) and assert every one applied:
    none rejected by the envelope, none with a field problem in ``/v2/push/_errors``."""
    response = client.post("/v2/push", headers=headers, json=[{"@type": record_type, **r} for r in records])
    assert response.status_code == 202, response.get_json()
    body: dict[str, Any] = response.get_json()
    assert (body["accepted"], body["rejected"]) == (len(records), 0), body
    errors = client.get("/v2/push/_errors", headers=headers).get_json()
    assert [e for e in errors if e["request_id"] == body["request_id"]] == []
    return body


def push_order(client: FlaskClient, order_id: str, headers: dict[str, str] = STAGING, **fields: Any) -> None:
    """Push one order (the order processor validates, merges and attaches it to a profile)."""
    push_records(client, headers, "order", {"id": order_id, **fields})


def push_event(client: FlaskClient, event_id: str, headers: dict[str, str] = STAGING, **fields: Any) -> None:
    """Push one custom event."""
    push_records(client, headers, "custom_event", {"id": event_id, **fields})


def push(client: FlaskClient, headers: dict[str, str], *records: dict[str, Any]) -> dict[str, Any]:
    """Push contact records (sync mode: applied before the 202)."""
    response = client.post("/v2/push", headers=headers, json=[{"@type": "contact", **r} for r in records])
    assert response.status_code == 202, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def profile_by_email(client: FlaskClient, headers: dict[str, str], email: str) -> dict[str, Any]:
    """The one profile of an email."""
    response = client.get("/v2/profiles", headers=headers, query_string={"email": email})
    assert response.status_code == 200, response.get_json()
    found: list[dict[str, Any]] = response.get_json()
    assert len(found) == 1
    return found[0]
