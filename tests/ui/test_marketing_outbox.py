"""The dashboard's outbox shows a contact's path through an automation: entry, email, webhook, wait."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.omnisend.v2026.helpers import call
from tests.ui.test_pages import html, text


def test_outbox_follows_a_contact_through_the_abandoned_cart_flow(client: FlaskClient) -> None:
    event = {"eventName": "added product to cart", "origin": "api",
             "contact": {"email": "anna.petraite@example.com"}, "properties": {"cartID": "cart-1"}}
    assert call(client, "POST", "/events", json=event).status_code == 202
    client.post("/_mock/clock", json={"action": "advance", "by": "30m"})
    words = text(html(client, "/outbox?vendor=omnisend"))
    assert "Emails (1)" in words and "You left something behind, Anna" in words
    assert "Webhooks (1)" in words and "http://127.0.0.1:9/demo-abandoned-cart" in words
    assert "Automation runs (1)" in words and "Automation waits (1)" in words
