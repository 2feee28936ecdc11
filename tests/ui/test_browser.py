"""The dashboard in a real browser (headless Chromium): what a QA person sees and does."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Page, expect

from mock_server.core.context import Settings
from mock_server.server import RunningServer
from tests.conftest import BRAND_ID, OMNISEND
from tests.ui.conftest import NARROW, shot

pytestmark = pytest.mark.browser


def test_a_request_appears_in_the_live_journal(page: Page, server: RunningServer, shots: Path) -> None:
    page.goto(f"{server.url}/_mock/ui/journal")
    expect(page.get_by_role("button", name="Pause live updates")).to_be_visible()
    expect(page.locator("#live-badge")).to_have_text("Live")
    expect(page.locator("#journal-rows")).to_contain_text("No requests yet")

    requests.get(f"{server.url}/v3/contacts?limit=2", headers=OMNISEND, timeout=10)

    row = page.locator("#journal-rows tr").first
    expect(row).to_contain_text("GET /v3/contacts?limit=2")  # arrives through the auto-refresh
    expect(row).to_contain_text("200")
    shot(page, shots, "journal")
    row.get_by_role("link", name="GET /v3/contacts?limit=2").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("GET /v3/contacts?limit=2")
    expect(page.get_by_role("row", name=re.compile("X-API-KEY", re.IGNORECASE))).to_contain_text("omni***")
    expect(page.get_by_label("Response body")).to_contain_text('"paging"')
    shot(page, shots, "journal-entry")


def test_pausing_stops_the_refresh(page: Page, server: RunningServer) -> None:
    page.clock.install()  # the page's timers run only when the test says: no waiting on the wall clock
    page.goto(f"{server.url}/_mock/ui/journal")
    toggle = page.locator("#live-toggle")
    expect(toggle).to_have_text("Pause live updates")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#live-status")).to_have_text("Live updates paused")
    expect(page.locator("#live-badge")).to_have_text("Paused")
    requests.get(f"{server.url}/v3/contacts?limit=1", headers=OMNISEND, timeout=10)
    page.clock.run_for(10_000)  # five refresh periods pass while paused
    expect(page.locator("#journal-rows")).to_contain_text("No requests yet")
    expect(toggle).to_have_text("Resume live updates")
    toggle.click()
    expect(page.locator("#journal-rows tr").first).to_contain_text("GET /v3/contacts?limit=1")


def test_journal_filters_by_status_class(page: Page, server: RunningServer) -> None:
    requests.get(f"{server.url}/v3/contacts", headers=OMNISEND, timeout=10)
    requests.get(f"{server.url}/v3/contacts", timeout=10)  # 401
    page.goto(f"{server.url}/_mock/ui/journal")
    page.get_by_label("Status").select_option("4xx")
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("#journal-rows tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("401")


def test_a_paid_for_order_event_shows_in_the_outbox(page: Page, server: RunningServer, shots: Path) -> None:
    answer = requests.post(f"{server.url}/v5/events", headers=OMNISEND, timeout=10, json={
        "eventName": "paid for order", "origin": "api", "contact": {"email": "ana@example.com"},
        "properties": {"orderID": "order-771"}})
    assert answer.status_code == 202, answer.text

    page.goto(f"{server.url}/_mock/ui/outbox")
    section = page.locator("section[data-kind='workflow']")
    expect(section.get_by_role("heading")).to_contain_text("Workflows triggered (1)")
    row = section.locator("tbody tr").first
    expect(row).to_contain_text("order confirmation")
    expect(row).to_contain_text("ana@example.com")
    expect(row).to_contain_text("order-771")
    section.get_by_text("Whole entry as JSON").click()
    expect(section.locator("pre")).to_contain_text('"eventID"')
    shot(page, shots, "outbox")


def test_freezing_the_clock_shows_on_the_overview(page: Page, server: RunningServer, shots: Path) -> None:
    page.goto(f"{server.url}/_mock/ui")
    expect(page.get_by_test_id("clock")).to_contain_text("Running")
    page.get_by_role("link", name="Controls").click()
    page.get_by_role("button", name="Freeze the clock").click()
    expect(page.get_by_role("status")).to_contain_text("Clock frozen at")
    page.get_by_role("link", name="Overview").click()
    expect(page.get_by_test_id("clock")).to_contain_text("Frozen")
    frozen_at = page.get_by_test_id("clock").locator("time").inner_text()
    page.reload()
    expect(page.get_by_test_id("clock").locator("time")).to_have_text(frozen_at)  # it stands still
    shot(page, shots, "overview")


def test_a_fault_added_in_the_ui_fails_the_next_call(page: Page, server: RunningServer, shots: Path) -> None:
    page.goto(f"{server.url}/_mock/ui/controls")
    page.get_by_label("Vendor", exact=True).select_option("omnisend")
    page.get_by_label("Path (glob)").fill("/v3/contacts*")
    page.get_by_label("Answer status").fill("503")
    page.get_by_label("Fire at most (blank: always)").fill("1")
    page.get_by_role("button", name="Add fault rule").click()
    expect(page.get_by_role("status")).to_have_text("Added fault rule f1.")
    expect(page.locator("tr[data-rule='f1']")).to_contain_text("path=/v3/contacts*")
    shot(page, shots, "controls")

    assert requests.get(f"{server.url}/v3/contacts", headers=OMNISEND, timeout=10).status_code == 503
    assert requests.get(f"{server.url}/v3/contacts", headers=OMNISEND, timeout=10).status_code == 200

    page.reload()
    expect(page.locator("tr[data-rule='f1']")).to_contain_text("2 / 1")
    rule = page.locator("tr[data-rule='f1']")
    rule.get_by_label("Sure").check()
    rule.get_by_role("button", name="Remove f1").click()
    expect(page.get_by_role("status")).to_have_text("Removed fault rule f1.")
    expect(page.get_by_text("No fault rules")).to_be_visible()


def test_reset_needs_the_confirmation(page: Page, server: RunningServer) -> None:
    requests.post(f"{server.url}/v3/contacts", headers=OMNISEND, timeout=10, json={
        "identifiers": [{"type": "email", "id": "new@example.com", "channels": {"email": {"status": "subscribed"}}}]})
    page.goto(f"{server.url}/_mock/ui/controls")
    page.get_by_label("What to reset").select_option(f"omnisend/{BRAND_ID}")
    box = page.get_by_label("Yes, throw away the changes made since the seed")
    reset = page.get_by_role("button", name="Reset", exact=True)
    reset.click()  # the browser refuses to send the form: the box is required
    assert box.evaluate("e => e.validity.valueMissing") is True
    assert page.url.endswith("/_mock/ui/controls")
    box.check()
    reset.click()
    expect(page.get_by_role("status")).to_contain_text(f"Reset omnisend/{BRAND_ID}")
    page.goto(f"{server.url}/_mock/ui/records?tenant=omnisend/{BRAND_ID}&resource=contacts&q=new@example.com")
    expect(page.get_by_test_id("paging-status")).to_have_text("No records")


def test_paging_through_a_resource(page: Page, server: RunningServer, shots: Path) -> None:
    page.goto(f"{server.url}/_mock/ui/records")
    page.get_by_label("Tenant", exact=True).select_option(f"omnisend/{BRAND_ID}")
    page.get_by_role("button", name="Show").click()
    page.get_by_label("Resource", exact=True).select_option("contacts")
    page.get_by_label("Per page").select_option("5")
    page.get_by_role("button", name="Show").click()
    status = page.get_by_test_id("paging-status")
    expect(status).to_have_text("Showing 1 to 5 of 12")
    first_page = page.locator("table tbody th").all_inner_texts()
    page.get_by_role("link", name="Next page").click()
    expect(status).to_have_text("Showing 6 to 10 of 12")
    assert not set(first_page) & set(page.locator("table tbody th").all_inner_texts())
    page.get_by_role("link", name="Next page").click()
    expect(status).to_have_text("Showing 11 to 12 of 12")
    expect(page.get_by_role("link", name="Next page")).to_have_count(0)
    page.get_by_role("link", name="Previous page").click()
    expect(status).to_have_text("Showing 6 to 10 of 12")
    shot(page, shots, "records")

    page.get_by_role("table").locator("tbody th a").first.click()
    expect(page.get_by_label("Record as JSON")).to_contain_text('"identifiers"')
    shot(page, shots, "record")


def test_search_by_email(page: Page, server: RunningServer) -> None:
    page.goto(f"{server.url}/_mock/ui/records?tenant=omnisend/{BRAND_ID}&resource=contacts")
    email = page.locator("table tbody td").first.inner_text()
    page.get_by_label("Search by id or email").fill(email.upper())
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_test_id("paging-status")).to_have_text("Showing 1 to 1 of 1")
    expect(page.locator("table tbody tr")).to_contain_text(email)


PAGES = ("", "/records", f"/records?tenant=omnisend/{BRAND_ID}&resource=contacts", "/journal", "/outbox",
         "/controls")


def test_narrow_window_has_no_horizontal_page_overflow(page: Page, server: RunningServer, shots: Path) -> None:
    requests.get(f"{server.url}/v3/contacts?limit=1&some=very-long-parameter-" + "x" * 120, headers=OMNISEND,
                 timeout=10)
    page.set_viewport_size(NARROW)  # type: ignore[arg-type]
    for index, path in enumerate((*PAGES, "/journal/1")):
        page.goto(f"{server.url}/_mock/ui{path}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path or '/'} is {overflow}px wider than the window"
        nav = page.get_by_role("navigation", name="Dashboard")
        assert nav.bounding_box()["width"] <= NARROW["width"]  # type: ignore[index]
        shot(page, shots, f"narrow-{index}")


def test_keyboard_reaches_the_navigation_with_a_visible_focus(page: Page, server: RunningServer) -> None:
    page.goto(f"{server.url}/_mock/ui")
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_text("Overview")
    outline = focused.evaluate("e => getComputedStyle(e).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/_mock/ui/records$"))


class TestWithAnAdminToken:
    """The dashboard off loopback: the token once in the address, then the cookie and the forms carry it."""

    TOKEN = "browser-admin-token"

    @pytest.fixture
    def ui_settings(self) -> Settings:
        return Settings(seed=1234, require_admin_token=True, admin_token=self.TOKEN)

    def test_token_once_then_cookie_and_forms(self, page: Page, server: RunningServer, shots: Path) -> None:
        page.goto(f"{server.url}/_mock/ui/controls")
        expect(page.get_by_role("heading", level=1)).to_have_text("Admin token required")
        shot(page, shots, "unauthorised")
        page.goto(f"{server.url}/_mock/ui/controls?token={self.TOKEN}")
        expect(page).to_have_url(f"{server.url}/_mock/ui/controls")  # the token left the address
        page.get_by_role("button", name="Freeze the clock").click()
        expect(page.get_by_role("status")).to_contain_text("Clock frozen at")
        page.get_by_role("link", name="Journal").click()
        requests.get(f"{server.url}/v3/contacts?limit=3", headers=OMNISEND, timeout=10)
        expect(page.locator("#journal-rows tr").first).to_contain_text("GET /v3/contacts?limit=3")  # polling too
