"""Test helpers for profile-related tests: write orders / custom events in their documented stored shape.

The order processor is built in parallel; until it is merged, tests put orders straight into the store
(the documented shape: "orders" keyed by id, META, customer {id, email, firstname, lastname}) and run the
write hooks the processor runs.
"""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from mock_server.core.context import MockContext
from mock_server.ometria.backend import META, Account, run_write_hooks


def account(mock: MockContext, account_id: str = "staging") -> Account:
    """The backend account object."""
    tenant = mock.store.tenant("ometria", account_id)
    assert tenant is not None
    return Account(mock, tenant)


def put_order(mock: MockContext, order_id: str, account_id: str = "staging", **fields: Any) -> None:
    """Store (merge-free) an order as the order processor would, running the write hooks."""
    acc = account(mock, account_id)
    with acc.tenant.lock:
        col = acc.col("orders")
        existing = col.get(order_id)
        now = acc.now_ts()
        meta = existing[META] if existing else {"id": order_id, "created": now}
        record = {**fields, META: {**meta, "updated": now}}
        run_write_hooks(acc, "orders", record)
        col.upsert(order_id, record)


def put_event(mock: MockContext, event_id: str, account_id: str = "staging", **fields: Any) -> None:
    """Store a custom event in its documented stored shape."""
    acc = account(mock, account_id)
    with acc.tenant.lock:
        now = acc.now_ts()
        record = {**fields, META: {"id": event_id, "created": now, "updated": now}}
        run_write_hooks(acc, "custom_events", record)
        acc.col("custom_events").upsert(event_id, record)


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
