"""The dashboard at a glance in a real browser: it fits 1280 and 1024 px, lives, draws charts, follows a
contact and previews its emails. Screenshots land in tests/ui/screenshots/<test>/."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from playwright.sync_api import Page, expect

from mock_server.core.context import Settings
from mock_server.server import RunningServer
from tests.conftest import BRAND_ID, OMNISEND, STAGING
from tests.ui.conftest import SMALL, WIDE, shot

pytestmark = pytest.mark.browser

CHARTS = ("Omnisend requests over time by status class", "Ometria requests over time by status class",
          "Rate-limit budget used per tenant and endpoint group", "Ometria push queue depth over time",
          "Omnisend batch progress over time")
OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"
# How far each table frame scrolls sideways inside itself (0 everywhere on the overview).
INNER = "() => Array.from(document.querySelectorAll('.table-wrap, figure')).map(e => e.scrollWidth - e.clientWidth)"


def contact(server: RunningServer, email: str, **extra: object) -> str:
    answer = requests.post(f"{server.url}/v3/contacts", headers=OMNISEND, timeout=10, json={
        "identifiers": [{"type": "email", "id": email, "channels": {"email": {"status": "subscribed"}}}], **extra})
    assert answer.status_code == 200, answer.text
    contact_id: str = answer.json()["contactID"]
    return contact_id


def paid_for_order(server: RunningServer, email: str, order_id: str) -> None:
    answer = requests.post(f"{server.url}/v5/events", headers=OMNISEND, timeout=10, json={
        "eventName": "paid for order", "origin": "api", "contact": {"email": email},
        "properties": {"orderID": order_id}})
    assert answer.status_code == 202, answer.text


def test_every_page_fits_1280_and_1024(page: Page, server: RunningServer, shots: Path) -> None:
    zoe = contact(server, "zoe@example.com", firstName="Zoe", tags=["vip", "newsletter", "a-rather-long-tag"])
    paid_for_order(server, "zoe@example.com", "zoe-o1")
    requests.get(f"{server.url}/v3/contacts?limit=1&some=very-long-parameter-" + "x" * 120, headers=OMNISEND,
                 timeout=10)
    for _ in range(5):
        requests.get(f"{server.url}/v2/contacts", headers=STAGING, timeout=10)
    pages = ("", "/records", f"/records?tenant=omnisend/{BRAND_ID}&resource=contacts", "/contacts",
             "/contacts?q=nobody@example.com", f"/contacts/omnisend/{BRAND_ID}/{zoe}", "/journal", "/journal/1",
             "/outbox", f"/outbox/omnisend/{BRAND_ID}/0", "/controls")
    for size, name in ((WIDE, "1280"), (SMALL, "1024")):
        page.set_viewport_size(size)  # type: ignore[arg-type]
        for index, path in enumerate(pages):
            page.goto(f"{server.url}/_mock/ui{path}")
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            overflow = page.evaluate(OVERFLOW)
            assert overflow <= 0, f"{path or '/'} is {overflow}px wider than a {name} px window"
            if path == "":
                inner = page.evaluate(INNER)
                assert inner and max(inner) <= 0, f"the overview scrolls sideways inside at {name} px: {inner}"
            shot(page, shots, f"{name}-{index:02d}")


def test_the_overview_updates_without_a_reload(page: Page, server: RunningServer, shots: Path) -> None:
    page.goto(f"{server.url}/_mock/ui")
    expect(page.locator("#live-badge")).to_have_text("Live")
    expect(page.get_by_role("button", name="Pause live updates")).to_be_visible()
    expect(page.get_by_test_id("journal-fill")).to_have_text("0")
    page.evaluate("() => { window.sameDocument = true; }")  # gone if the page reloads

    requests.get(f"{server.url}/v3/contacts", headers=OMNISEND, timeout=10)
    requests.get(f"{server.url}/v3/contacts/nobody", headers=OMNISEND, timeout=10)

    expect(page.get_by_test_id("journal-fill")).to_have_text("2")  # arrives through the live part
    chart = page.get_by_role("img", name=CHARTS[0])
    expect(chart.locator("desc")).to_contain_text("2 requests from")
    expect(chart.locator("desc")).to_contain_text("1 2xx, 1 4xx")
    assert page.evaluate("() => window.sameDocument") is True
    expect(page.locator("#live-status")).to_contain_text("Updated")
    shot(page, shots, "overview-live")


class TestChartsWithData:
    """Queues and batches wait for a drain (no worker threads) on a frozen clock, so every chart has data."""

    @pytest.fixture
    def ui_settings(self) -> Settings:
        return Settings(seed=1234, freeze_clock=True, ometria_queue_mode="async", omnisend_batch_mode="async",
                        start_workers=False)

    def test_each_chart_is_drawn_with_its_data(self, page: Page, server: RunningServer, shots: Path) -> None:
        for _ in range(5):  # 4 a second allowed: the fifth is a 429
            requests.get(f"{server.url}/v2/contacts", headers=STAGING, timeout=10)
        requests.get(f"{server.url}/v3/contacts", headers=OMNISEND, timeout=10)
        pushed = [{"@type": "contact", "id": f"q{i}", "email": f"q{i}@example.com"} for i in range(3)]
        assert requests.post(f"{server.url}/v2/push", headers=STAGING, json=pushed, timeout=10).status_code == 202
        items = [{"identifiers": [{"type": "email", "id": f"b{i}@example.com",
                                   "channels": {"email": {"status": "subscribed"}}}]} for i in range(2)]
        assert requests.post(f"{server.url}/v3/batches", headers=OMNISEND, timeout=10, json={
            "method": "POST", "endpoint": "contacts", "items": items}).status_code == 200

        page.goto(f"{server.url}/_mock/ui")
        for title in CHARTS:
            expect(page.get_by_role("img", name=title)).to_be_visible()
        ometria = page.get_by_role("img", name=CHARTS[1])
        expect(ometria.locator("desc")).to_contain_text("5 2xx, 0 4xx, 1 429, 0 5xx")  # the push is a 202 too
        expect(ometria.locator("rect[data-series='429']")).to_have_count(1)
        expect(page.get_by_role("img", name=CHARTS[0]).locator("rect.bar")).to_have_count(1)
        budget = page.get_by_role("img", name=CHARTS[2])
        expect(budget.locator("desc")).to_contain_text("ometria/staging · data: 4 of 4 per 1 s")
        queue = page.get_by_role("img", name=CHARTS[3])
        expect(queue.locator("desc")).to_contain_text("staging waiting 3")
        expect(queue.locator("polyline")).to_have_count(2)
        batches = page.get_by_role("img", name=CHARTS[4])
        expect(batches.locator("desc")).to_contain_text("items accepted 2, 64a1f0…e5f6 items finished 0")
        shot(page, shots, "charts-waiting")

        assert requests.post(f"{server.url}/_mock/ometria/queue/drain", timeout=10).status_code == 200
        assert requests.post(f"{server.url}/_mock/omnisend/batches/drain", timeout=10).status_code == 200
        expect(queue.locator("desc")).to_contain_text("staging waiting 0")  # live, no reload
        expect(batches.locator("desc")).to_contain_text("items finished 2")
        shot(page, shots, "charts-drained")


def test_follow_a_contact_to_its_email(page: Page, server: RunningServer, shots: Path) -> None:
    contact(server, "mia@example.com", firstName="Mia", tags=["demo"])
    paid_for_order(server, "mia@example.com", "mia-o1")

    page.goto(f"{server.url}/_mock/ui")
    page.get_by_role("link", name="Contacts").click()
    page.get_by_label("Email or id").fill("MIA@example.com")
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Timeline of Mia <mia@example.com>")
    items = page.get_by_test_id("timeline").locator("li")
    expect(items.first).to_contain_text("POST /v3/contacts")
    expect(page.get_by_test_id("timeline")).to_contain_text("Tags: demo")
    expect(page.get_by_test_id("timeline")).to_contain_text("Event 'paid for order'")
    expect(items.last).to_contain_text("Workflow 'order confirmation' sent")
    shot(page, shots, "timeline")

    items.last.get_by_role("link", name="Preview").click()
    expect(page.get_by_test_id("email-subject")).to_have_text("Order confirmation email")
    expect(page.get_by_test_id("email-recipient")).to_have_text("mia@example.com")
    email = page.frame_locator("iframe.email")
    expect(email.get_by_role("heading", level=1)).to_have_text("Order confirmation email")
    expect(email.locator("body")).to_contain_text("mia-o1")
    assert page.locator("iframe.email").get_attribute("sandbox") == ""
    page.get_by_text("Raw JSON").click()
    expect(page.get_by_label("Outbox entry as JSON")).to_contain_text('"workflow": "order confirmation"')
    shot(page, shots, "email-preview")


def test_an_ometria_email_previews_from_the_outbox(page: Page, server: RunningServer, shots: Path) -> None:
    answer = requests.post(f"{server.url}/v2/transactional-email/send", headers=STAGING, timeout=10, json={
        "to": {"email": "buyer@example.com", "name": "Bo Buyer"}, "subject": "Your receipt", "template_id": 7,
        "data": {"total": "12.50 GBP"}})
    assert answer.status_code == 200, answer.text
    page.goto(f"{server.url}/_mock/ui/outbox")
    page.locator("section[data-kind='transactional_email']").get_by_role("link", name="Preview email").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your receipt")
    expect(page.get_by_test_id("email-recipient")).to_have_text("Bo Buyer <buyer@example.com>")
    email = page.frame_locator("iframe.email")
    expect(email.get_by_role("cell", name="12.50 GBP")).to_be_visible()
    shot(page, shots, "ometria-email")


def test_journal_filters_vendor_path_and_any_status(page: Page, server: RunningServer, shots: Path) -> None:
    requests.get(f"{server.url}/v3/contacts", headers=OMNISEND, timeout=10)
    requests.get(f"{server.url}/v3/products", headers=OMNISEND, timeout=10)
    requests.get(f"{server.url}/v2/contacts", headers=STAGING, timeout=10)
    page.goto(f"{server.url}/_mock/ui/journal")
    page.get_by_label("Vendor").select_option("omnisend")  # "Any status" stays: the form sends status=
    page.get_by_label("Path (part or glob)").fill("contacts")
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("#journal-rows tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("GET /v3/contacts")
    expect(rows.first).to_have_class("row-2xx")
    rows.first.get_by_role("link").click()
    request_side = page.locator(".pair > section").nth(0).bounding_box()
    response_side = page.locator(".pair > section").nth(1).bounding_box()
    assert request_side and response_side and request_side["x"] < response_side["x"]  # side by side
    assert abs(request_side["y"] - response_side["y"]) < 1
    shot(page, shots, "journal-entry")
