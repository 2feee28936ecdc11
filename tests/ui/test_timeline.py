"""The contact timeline and the email preview, through the test client."""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient

from mock_server.control.ui import timeline
from mock_server.control.ui.emails import EMAIL_CSP
from mock_server.control.ui.timeline.core import REGISTRY, Item
from mock_server.core.context import MockContext
from tests.conftest import BRAND_ID, OMNISEND, STAGING
from tests.omnisend.catalog import cart_body, order_body
from tests.ui.test_pages import UI, html, text

ZOE = "zoe@example.com"


def entries(page: str) -> list[tuple[str, str]]:
    """``(source, title)`` of every timeline entry, in page order."""
    found = re.findall(r'<li data-source="([^"]+)">.*?<strong class="title">(.*?)</strong>', page, re.S)
    return [(source, htmllib.unescape(title)) for source, title in found]


def create_zoe(client: FlaskClient) -> str:
    """A contact with a tag, an order, a cart and a v5 paid-for-order event (which sends an email)."""
    answer = client.post("/v3/contacts", headers=OMNISEND, json={
        "identifiers": [{"type": "email", "id": ZOE, "channels": {"email": {"status": "subscribed"}}}],
        "firstName": "Zoe", "tags": ["demo"]})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    contact_id: str = answer.get_json()["contactID"]
    assert client.post("/v3/orders", headers=OMNISEND, json=order_body("zoe-o1", email=ZOE)).status_code == 200
    assert client.post("/v3/carts", headers=OMNISEND, json=cart_body("zoe-c1", email=ZOE)).status_code == 200
    assert client.post("/v5/events", headers=OMNISEND, json={
        "eventName": "paid for order", "origin": "api", "contact": {"email": ZOE},
        "properties": {"orderID": "zoe-o1"}}).status_code == 202
    client.get("/v3/contacts?limit=5", headers=OMNISEND)  # names nobody: not on the timeline
    return contact_id


def test_one_match_opens_the_timeline(client: FlaskClient) -> None:
    contact_id = create_zoe(client)
    answer = client.get(f"{UI}/contacts?q=ZOE@example.com")
    assert answer.status_code == 303
    assert answer.headers["Location"] == f"{UI}/contacts/omnisend/{BRAND_ID}/{contact_id}"
    assert client.get(f"{UI}/contacts?q={contact_id}").headers["Location"].endswith(contact_id)


def test_an_omnisend_contact_timeline_in_time_order(client: FlaskClient) -> None:
    contact_id = create_zoe(client)
    page = html(client, f"/contacts/omnisend/{BRAND_ID}/{contact_id}")
    assert "Timeline of Zoe &lt;zoe@example.com&gt;" in page
    got = entries(page)
    # The order and cart keep their own (earlier) times; the rest happened at the frozen mock instant, in
    # the order request -> record -> effect.
    assert got[0] == ("order", "Order zoe-o1: 12345 EUR")
    assert ("cart", "Cart zoe-c1: 1 products, 5900 EUR") in got
    sources = [source for source, _ in got]
    assert sources.count("request") == 4  # contact, order, cart, event; not the list that named nobody
    assert ("tags", "Tags: demo") in got and ("status", "email: subscribed") in got
    assert ("event", "Event 'paid for order' (v5, api)") in got
    assert got[-1] == ("workflow", f"Workflow 'order confirmation' sent: Order confirmation email to {ZOE}")
    assert sources.index("request") < sources.index("contact") < sources.index("workflow")
    assert "GET /v3/contacts?limit=5" not in page


def test_an_ometria_profile_timeline_has_pushed_records_and_emails(client: FlaskClient) -> None:
    contacts = [{"@type": "contact", "id": "mia-1", "email": "mia@example.com", "firstname": "Mia",
                 "customer_id": "cust-mia"}, {"@type": "contact", "id": "other-1", "email": "other@example.com"}]
    answer = client.post("/v2/push", headers=STAGING, json=contacts)  # one @type per push
    assert answer.status_code == 202 and answer.get_json()["accepted"] == 2, answer.get_data(as_text=True)
    orders = [{"@type": "order", "id": "mia-o1", "timestamp": "2026-01-01T00:00:00+00:00", "status": "complete",
               "is_valid": True, "currency": "GBP", "grand_total": 10.0, "subtotal": 10.0,
               "customer": {"id": "cust-mia", "email": "mia@example.com"},
               "lineitems": [{"product_id": "stg-tee", "quantity": 1, "unit_price": 10.0}]}]
    answer = client.post("/v2/push", headers=STAGING, json=orders)
    assert answer.status_code == 202 and answer.get_json()["accepted"] == 1, answer.get_data(as_text=True)
    assert client.post("/v2/transactional-email/send", headers=STAGING, json={
        "to": {"email": "mia@example.com"}, "subject": "Welcome Mia", "html": "<p>Hi</p>"}).status_code == 200
    found = client.get(f"{UI}/contacts?q=cust-mia")
    assert found.status_code == 303
    got = entries(html(client, found.headers["Location"].removeprefix(UI)))
    assert ("push record", "contact mia-1") in got and ("push record", "order mia-o1") in got
    assert ("push record", "contact other-1") not in got
    assert ("contact", "Contact mia-1 in collection default") in got
    assert ("order", "Order mia-o1: complete, 10.0 GBP") in got
    assert ("email", "Welcome Mia to mia@example.com") in got


def test_search_lists_several_and_says_when_none(client: FlaskClient) -> None:
    words = text(html(client, "/contacts?q=nobody@example.com"))
    assert "0 matches for “nobody@example.com”" in words and "Nobody is known by that email or id" in words
    html(client, "/contacts?q=x&tenant=ometria/nope", 404)
    html(client, f"/contacts/omnisend/{BRAND_ID}/nobody", 404)
    assert 'for="q"' in html(client, "/contacts")


@pytest.fixture
def extra_provider() -> Iterator[None]:
    """A provider another source would add (the 2026 automations, say), removed afterwards."""
    def automations(mock: MockContext, tenant: object, who: timeline.Subject) -> list[Item]:
        return [Item(None, "automation", f"Automation step for {who.key}")]

    before = list(REGISTRY.providers)
    timeline.register_provider("test automations", automations, "omnisend")
    yield
    REGISTRY.providers = before


@pytest.mark.usefixtures("extra_provider")
def test_other_sources_add_entries(client: FlaskClient) -> None:
    contact_id = create_zoe(client)
    got = entries(html(client, f"/contacts/omnisend/{BRAND_ID}/{contact_id}"))
    assert got[0] == ("automation", f"Automation step for {contact_id}")  # no time: listed first


# -- email preview ----------------------------------------------------------------------------------

def frame(page: str) -> str:
    """The preview frame's tag."""
    found = re.search(r"<iframe[^>]*>", page)
    assert found
    return found.group(0)


def test_an_email_without_html_is_drawn_by_the_sandbox(client: FlaskClient) -> None:
    assert client.post("/v2/transactional-email/send", headers=STAGING, json={
        "to": {"email": "buyer@example.com"}, "subject": "Your order", "template_id": 42,
        "data": {"order": "o1"}}).status_code == 200
    assert 'href="/_mock/ui/outbox/ometria/staging/0">Preview email' in html(client, "/outbox")
    page = html(client, "/outbox/ometria/staging/0")
    words = text(page)
    assert "Subject Your order" in words and "To buyer@example.com" in words
    assert "From Demo Store Staging &lt;shop@staging.example.com&gt;" in words
    tag = frame(page)
    assert 'sandbox=""' in tag and 'title="Email: Your order"' in tag
    inner = htmllib.unescape(re.search(r'srcdoc="([^"]*)"', tag).group(1))  # type: ignore[union-attr]
    assert "<h1>Your order</h1>" in inner and "<dd>42</dd>" in inner and "mock decision" in inner
    assert "Raw JSON" in page and "&#34;template_id&#34;: 42" in page


def test_an_email_with_html_shows_that_html(client: FlaskClient, mock: MockContext) -> None:
    tenant = mock.tenant("ometria", "staging")
    assert tenant is not None
    tenant.extra.setdefault("outbox", []).append({  # what a teammate's rendered outbox email will carry
        "vendor": "ometria", "tenant": "staging", "at": "2026-01-01T00:00:00.000Z", "kind": "transactional_email",
        "to": {"email": "a@example.com"}, "subject": "Designed",
        "html": "<p class=x>Hello <b>a</b></p><script>x()</script>"})
    tag = frame(html(client, "/outbox/ometria/staging/0"))
    assert "&lt;p class=x&gt;Hello &lt;b&gt;a&lt;/b&gt;&lt;/p&gt;" in tag  # escaped into srcdoc, never into the page
    alone = client.get(f"{UI}/outbox/ometria/staging/0/html")
    assert alone.status_code == 200 and alone.get_data(as_text=True).startswith("<p class=x>Hello")
    assert alone.headers["Content-Security-Policy"] == EMAIL_CSP
    assert "script-src" not in EMAIL_CSP and "default-src 'none'" in EMAIL_CSP


def test_a_workflow_email_and_a_non_email_entry(client: FlaskClient) -> None:
    create_zoe(client)
    page = html(client, f"/outbox/omnisend/{BRAND_ID}/0")
    assert "Order confirmation email" in page and "zoe-o1" in htmllib.unescape(frame(page))
    item = {"identifiers": [{"type": "email", "id": "b@example.com", "channels": {"email": {"status": "subscribed"}}}]}
    assert client.post("/v3/batches", headers=OMNISEND, json={"method": "POST", "endpoint": "contacts",
                                                              "items": [item]}).status_code == 200
    kinds = [e.get("kind") for e in mock_outbox(client)]
    index = kinds.index("batch")  # a batch result is not an email
    page = html(client, f"/outbox/omnisend/{BRAND_ID}/{index}")
    assert "<iframe" not in page and "<details open>" in page and "&#34;batchID&#34;" in page
    assert 'href="/_mock/ui/outbox/omnisend/' + BRAND_ID + f'/{index}">Open</a>' in html(client, "/outbox")
    html(client, f"/outbox/omnisend/{BRAND_ID}/{index}/html", 404)
    html(client, f"/outbox/omnisend/{BRAND_ID}/99", 404)


def mock_outbox(client: FlaskClient) -> list[dict[str, object]]:
    items: list[dict[str, object]] = client.get(f"/_mock/outbox?vendor=omnisend&tenant={BRAND_ID}").get_json()["items"]
    return items


def test_records_of_contacts_and_profiles_link_to_their_timeline(client: FlaskClient) -> None:
    contact_id = create_zoe(client)
    listing = html(client, f"/records?tenant=omnisend/{BRAND_ID}&resource=contacts&q={ZOE}")
    link = f'href="/_mock/ui/contacts/omnisend/{BRAND_ID}/{contact_id}"'
    assert link in listing
    assert link in html(client, f"/records/record?tenant=omnisend/{BRAND_ID}&resource=contacts&key={contact_id}")
    profiles = html(client, "/records?tenant=ometria/staging&resource=profiles")
    assert 'href="/_mock/ui/contacts/ometria/staging/' in profiles
    assert "/_mock/ui/contacts/" not in html(client, f"/records?tenant=omnisend/{BRAND_ID}&resource=orders")


def test_every_seeded_profile_and_contact_has_a_timeline(client: FlaskClient, mock: MockContext) -> None:
    for tenant in mock.store.tenants():
        resource = "contacts" if tenant.vendor == "omnisend" else "profiles"
        keys = tenant.collections[resource].keys()  # a Collection is not iterable itself
        for key in keys:
            page = html(client, f"/contacts/{tenant.vendor}/{tenant.tenant_id}/{key}")
            assert entries(page), f"{tenant.vendor}/{tenant.tenant_id}/{key} has an empty timeline"
