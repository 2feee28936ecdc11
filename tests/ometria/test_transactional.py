"""Transactional email (ometria.md §3.8, §6.8)."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_server.core.context import MockContext
from tests.conftest import LIVE, STAGING, snapshot
from tests.ometria.helpers import outbox as outbox_of
from tests.ometria.profile_helpers import profile_by_email

URL = "/v2/transactional-email/send"
PDF = base64.b64encode(b"%PDF-1.4\n% test\n").decode()
NOT_PDF = base64.b64encode(b"<html></html>").decode()


def error(message: str) -> dict[str, str]:
    return {"status": "ERROR", "message": message}


def outbox(mock: MockContext, account_id: str = "staging") -> list[dict[str, Any]]:
    return outbox_of(mock, account_id, "transactional_email")


def test_send_writes_one_outbox_entry(client: FlaskClient, mock: MockContext) -> None:
    body = {"to": {"email": "buyer@example.com", "name": "Buyer"}, "from": {"email": "shop@x.com", "name": "Shop"},
            "reply_to": {"email": "help@x.com"}, "subject": "Your order", "html": "<p>Thanks é</p>",
            "data": {"order": {"id": "o1"}}, "stream": "Orders", "transactional": True, "sandbox": True,
            "attachments": [{"filename": "invoice.pdf", "content": PDF}], "unknown": 1}
    response = client.post(URL, headers=STAGING, json=body)
    assert response.status_code == 200
    answer = response.get_json()
    assert list(answer) == ["status", "request_id"] and answer["status"] == "OK"
    assert outbox(mock) == [{
        "vendor": "ometria", "tenant": "staging", "at": "2026-01-01T00:00:00.000Z", "kind": "transactional_email",
        "account": "staging", "request_id": answer["request_id"], "to": {"email": "buyer@example.com", "name": "Buyer"},
        "from": {"email": "shop@x.com", "name": "Shop"}, "reply_to": {"email": "help@x.com"},
        "subject": "Your order", "template_id": None, "html_bytes": len("<p>Thanks é</p>".encode()),
        "data": {"order": {"id": "o1"}}, "stream": "Orders", "transactional": True, "sandbox": True,
        "attachments": [{"filename": "invoice.pdf", "bytes": len(b"%PDF-1.4\n% test\n")}],
        "sent_at": "2026-01-01T00:00:00.000Z"}]
    assert outbox(mock, "live") == []


def test_defaults_sender_and_recipient_from_profile(client: FlaskClient, mock: MockContext) -> None:
    profile = profile_by_email(client, STAGING, "customer1@staging.example.com")
    response = client.post(URL, headers=STAGING, json={"profile_id": profile["id"], "template_id": 12})
    assert response.status_code == 200
    entry = outbox(mock)[0]
    assert entry["to"] == {"email": "customer1@staging.example.com", "name": "Anna Petraite"}
    assert entry["from"] == {"email": "shop@staging.example.com", "name": "Demo Store Staging"}
    assert (entry["template_id"], entry["sandbox"], entry["attachments"]) == (12, False, [])


def test_unsubscribed_recipient_still_gets_the_entry(client: FlaskClient, mock: MockContext) -> None:
    response = client.post(URL, headers=STAGING, json={"to": {"email": "customer6@staging.example.com"},
                                                       "template_id": 1})
    assert response.status_code == 200
    assert len(outbox(mock)) == 1


@pytest.mark.parametrize(("body", "message"), [
    ([], "Payload invalid: body must be a JSON object"),
    ({"template_id": 1}, "Payload invalid: root > to: field is required"),
    ({"to": {"name": "x"}, "template_id": 1}, "Payload invalid: root > to > email: field is required"),
    ({"profile_id": "0000-000000-000000", "template_id": 1}, "Payload invalid: root > to: field is required"),
    ({"to": {"email": "a@b.c"}}, "Payload invalid: root > template_id: field is required"),
    ({"to": {"email": "not-an-email"}, "template_id": "1"},
     "Payload invalid: root > template_id: not a valid value; root > to > email: not a valid value"),
    ({"to": {"email": "a@b.c"}, "html": "x", "attachments": [{"filename": "a.pdf", "content": PDF},
                                                            {"filename": "b.pdf", "content": NOT_PDF},
                                                            {"filename": "c.pdf", "content": "%%%"}]},
     "Payload invalid: root > attachments > 1: not a valid value; root > attachments > 2: not a valid value"),
    ({"to": {"email": "a@b.c"}, "html": "x", "attachments": [{"filename": "a.pdf"}]},
     "Payload invalid: root > attachments > 0 > content: field is required"),
    ({"to": {"email": "a@b.c"}, "html": "x", "sandbox": "yes"}, "Payload invalid: root > sandbox: not a valid value"),
])
def test_refused(client: FlaskClient, mock: MockContext, body: Any, message: str) -> None:
    before = snapshot(mock)
    response = client.post(URL, headers=STAGING, json=body)
    assert response.status_code == 400
    assert response.get_json() == error(message)
    assert snapshot(mock) == before


def test_bad_json(client: FlaskClient, mock: MockContext) -> None:
    before = snapshot(mock)
    response = client.post(URL, headers=STAGING, data=b"{nope", content_type="application/json")
    assert (response.status_code, response.get_json()) == (400, error("Payload invalid: body is not valid JSON"))
    assert snapshot(mock) == before


def test_get_is_405(client: FlaskClient) -> None:
    response = client.get(URL, headers=STAGING)
    assert (response.status_code, response.get_json()) == (405, error("Method not allowed"))


def test_transactional_rate_group(client: FlaskClient, mock: MockContext) -> None:
    body = {"to": {"email": "a@b.c"}, "template_id": 1}
    for _ in range(10):
        assert client.post(URL, headers=STAGING, json=body).status_code == 200
    before = snapshot(mock)
    response = client.post(URL, headers=STAGING, json=body)
    assert response.status_code == 429
    assert response.get_json() == error("Too many requests")
    assert response.headers["Retry-After"] == "1"
    assert snapshot(mock) == before
    # Other groups and other accounts are unaffected.
    assert client.get("/v2/profiles", headers=STAGING).status_code == 200
    assert client.post(URL, headers=LIVE, json=body).status_code == 200
    mock.clock.advance(1)
    assert client.post(URL, headers=STAGING, json=body).status_code == 200
