"""The dashboard's HTML routes through the test client: status, key content, token rule, confirmations."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mock_server.app import create_app
from mock_server.control.ui.pages.controls import CONFIRM_FIELD, CONFIRM_VALUE
from mock_server.core.context import MockContext, Settings
from tests.conftest import BRAND_ID, OMNISEND, STAGING, snapshot

ROOT = Path(__file__).resolve().parents[2]
UI = "/_mock/ui"
CONFIRM = {CONFIRM_FIELD: CONFIRM_VALUE}
PAGES = ("", "/overview/live", "/records", f"/records?tenant=omnisend/{BRAND_ID}",
         f"/records?tenant=omnisend/{BRAND_ID}&resource=contacts", "/contacts", "/contacts?q=nobody",
         "/journal", "/journal/rows", "/outbox", "/controls")
FRAGMENTS = ("/overview/live", "/journal/rows")  # what the live pages fetch: no layout of their own


def html(client: FlaskClient, path: str, status: int = 200) -> str:
    response = client.get(UI + path)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.content_type == "text/html; charset=utf-8"
    return response.get_data(as_text=True)


def text(page: str) -> str:
    """The page's words without tags, spaces collapsed (what a reader sees)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)).replace(" ,", ",").strip()


def paid_for_order(client: FlaskClient, order_id: str = "o-1") -> None:
    response = client.post("/v5/events", headers=OMNISEND, json={
        "eventName": "paid for order", "origin": "api", "contact": {"email": "ana@example.com"},
        "properties": {"orderID": order_id}})
    assert response.status_code == 202


# -- pages ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", PAGES)
def test_every_page_answers_html_and_is_not_cached(client: FlaskClient, path: str) -> None:
    response = client.get(UI + path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", [p for p in PAGES if p not in FRAGMENTS])
def test_pages_share_the_semantic_layout(client: FlaskClient, path: str) -> None:
    page = html(client, path)
    assert '<html lang="en">' in page and '<nav aria-label="Dashboard">' in page and '<main id="main">' in page
    assert len(re.findall(r"<h1[ >]", page)) == 1
    assert 'aria-current="page"' in page
    for select_or_input in re.findall(r'<(?:select|input)[^>]*\bid="([^"]+)"', page):
        assert f'for="{select_or_input}"' in page, f"no label for #{select_or_input}"
    assert "<th>" not in page  # every header cell says what it heads (scope)


def test_overview_shows_tenants_counts_limits_queue_and_clock(client: FlaskClient) -> None:
    for _ in range(3):
        client.get("/v3/contacts?limit=1", headers=OMNISEND)
    client.get("/v2/contacts", headers=STAGING)
    words = text(html(client, ""))
    assert "Frozen mock time 2026-01-01T00:00:00.000Z" in words
    assert f"omnisend {BRAND_ID} Demo Outdoor Store" in words
    assert "contacts: 12" in words
    assert "api 1% 3 / 400 per 60 s, resets in 60 s" in words
    assert "staging Demo store (staging)" in words and "live Demo store (live)" in words
    for group in ("data", "push", "transactional", "gdpr", "merge"):
        assert f"{group} " in words
    assert "1 / 4 per 1 s" in words  # staging's data group after GET /v2/contacts
    assert "0 waiting / cap 50000" in words


def test_overview_reads_the_windows_without_counting(client: FlaskClient, mock: MockContext) -> None:
    client.get("/v3/contacts", headers=OMNISEND)
    html(client, "")
    html(client, "")
    assert client.get("/v3/contacts", headers=OMNISEND).headers["X-Rate-Limit-Remaining"] == "398"


def test_overview_says_when_rate_limiting_is_off(client: FlaskClient, mock: MockContext) -> None:
    mock.limiter.enabled = False
    assert "Rate limiting is off for everyone" in text(html(client, ""))


# -- records ----------------------------------------------------------------------------------------

def test_records_lists_a_tenants_resources(client: FlaskClient) -> None:
    words = text(html(client, "/records?tenant=ometria/staging"))
    assert "Resources of ometria/staging" in words
    assert "contacts:default collection 5" in words and "config config 1" in words


@pytest.mark.parametrize("offset, shown, has_previous, has_next", [
    (0, "Showing 1 to 5 of 12", False, True), (5, "Showing 6 to 10 of 12", True, True),
    (10, "Showing 11 to 12 of 12", True, False), (12, "No records on this page (12 in all)", True, False)])
def test_records_pages(client: FlaskClient, offset: int, shown: str, has_previous: bool, has_next: bool) -> None:
    page = html(client, f"/records?tenant=omnisend/{BRAND_ID}&resource=contacts&limit=5&offset={offset}")
    assert shown in text(page)
    assert ('rel="prev"' in page) is has_previous
    assert ('rel="next"' in page) is has_next
    if has_next:
        assert f"offset={offset + 5}" in page


def test_records_search_by_email_and_by_key(client: FlaskClient) -> None:
    page = html(client, "/records?tenant=ometria/staging&resource=contacts:default&q=CUSTOMER2@staging.example.com")
    assert "Showing 1 to 1 of 1" in text(page) and "staging-c2" in page
    page = html(client, "/records?tenant=ometria/staging&resource=contacts:default&q=staging-c2")
    assert "Showing 1 to 1 of 1" in text(page)
    assert "No records" in text(html(client, "/records?tenant=ometria/staging&resource=contacts:default&q=nobody"))


def test_records_search_finds_omnisend_email_identifiers(client: FlaskClient) -> None:
    client.post("/v3/contacts", headers=OMNISEND, json={
        "identifiers": [{"type": "email", "id": "zoe@example.com", "channels": {"email": {"status": "subscribed"}}}]})
    page = html(client, f"/records?tenant=omnisend/{BRAND_ID}&resource=contacts&q=zoe@example.com")
    assert "Showing 1 to 1 of 1" in text(page) and "zoe@example.com" in page


def test_a_record_opens_as_formatted_json(client: FlaskClient) -> None:
    page = html(client, "/records/record?tenant=ometria/staging&resource=contacts:default&key=staging-c2")
    assert "&#34;email&#34;: &#34;customer2@staging.example.com&#34;" in page or \
        '"email": "customer2@staging.example.com"' in page.replace("&#34;", '"')
    assert '\n  "' in page.replace("&#34;", '"')  # indented


def test_list_state_and_config_open_too(client: FlaskClient) -> None:
    paid_for_order(client)
    page = html(client, f"/records?tenant=omnisend/{BRAND_ID}&resource=outbox")
    assert "Showing 1 to 1 of 1" in text(page)
    record = f"/records/record?tenant=omnisend/{BRAND_ID}"
    assert "order confirmation" in html(client, f"{record}&resource=outbox&key=0")
    assert "Demo Outdoor Store" in html(client, f"{record}&resource=config&key=config")


@pytest.mark.parametrize("path, message", [
    ("/records?tenant=ometria/nope", "unknown ometria tenant &#39;nope&#39;"),
    ("/records?tenant=ometria/staging&resource=nothing", "unknown resource"),
    ("/records/record?tenant=ometria/staging&resource=contacts:default&key=missing", "no record"),
    ("/records?tenant=ometria/staging&resource=contacts:default&limit=0", "limit must be between 1 and 500"),
])
def test_records_errors_are_html_pages(client: FlaskClient, path: str, message: str) -> None:
    status = 400 if "limit=0" in path else 404
    assert message in html(client, path, status)


# -- journal ----------------------------------------------------------------------------------------

def test_journal_lists_newest_first_with_masked_keys(client: FlaskClient) -> None:
    client.get("/v3/contacts?limit=1", headers=OMNISEND)
    client.get("/v2/contacts", headers=STAGING)
    rows = html(client, "/journal/rows")
    assert rows.index("GET /v2/contacts") < rows.index("GET /v3/contacts?limit=1")
    entry = html(client, "/journal/1")
    assert "omni***" in entry and "omnisend-demo-key" not in entry
    assert "&#34;paging&#34;" in entry or '"paging"' in entry


@pytest.mark.parametrize("query, present, absent", [
    ("vendor=ometria", "/v2/contacts", "/v3/contacts"),
    ("tenant=staging", "/v2/contacts", "/v3/contacts"),
    ("status=4xx", "/v3/nothing", "/v2/contacts"),
])
def test_journal_filters(client: FlaskClient, query: str, present: str, absent: str) -> None:
    client.get("/v3/contacts", headers=OMNISEND)
    client.get("/v2/contacts", headers=STAGING)
    client.get("/v3/nothing", headers=OMNISEND)
    rows = html(client, f"/journal/rows?{query}")
    assert present in rows and absent not in rows
    assert f"/_mock/ui/journal/rows?{query}" in html(client, f"/journal?{query}")  # the refresh keeps the filter


def test_journal_entry_shows_warnings_and_faults(client: FlaskClient, mock: MockContext) -> None:
    mock.faults.add(path="/v3/contacts", status=503, count=1)
    client.get("/v3/contacts", headers=OMNISEND)
    paid_for_order(client)
    words = text(html(client, "/journal/1"))
    assert "Status 503" in words and "Fault rule f1" in words
    assert "eventVersion: missing for a recommended event" in text(html(client, "/journal/2"))


def test_journal_errors(client: FlaskClient) -> None:
    assert "no journal entry 99" in html(client, "/journal/99", 404)
    assert "status must be" in html(client, "/journal?status=6xx", 400)


def test_dashboard_requests_are_not_journalled(client: FlaskClient, mock: MockContext) -> None:
    for path in PAGES:
        client.get(UI + path)
    client.get(UI + "/static/ui.css").close()
    assert len(mock.journal) == 0


# -- outbox -----------------------------------------------------------------------------------------

def test_outbox_shows_workflows_and_emails(client: FlaskClient) -> None:
    paid_for_order(client, "order-9")
    assert client.post("/v2/transactional-email/send", headers=STAGING, json={
        "to": {"email": "buyer@example.com"}, "subject": "Your order", "html": "<p>Thanks</p>",
        "data": {"order": "o1"}}).status_code == 200
    words = text(html(client, "/outbox"))
    assert "Workflows triggered (1)" in words and "order confirmation ana@example.com order-9" in words
    assert "Transactional emails (1)" in words and "Your order" in words and "buyer@example.com" in words
    assert "Nothing yet: Deletions, Batch results, Campaign starts" in words
    only = text(html(client, "/outbox?kind=transactional_email"))
    assert "Workflows triggered (1)" not in only and "Transactional emails (1)" in only


# -- controls ---------------------------------------------------------------------------------------

def test_controls_page_offers_every_action(client: FlaskClient) -> None:
    page = html(client, "/controls")
    for action in ("/controls/reset", "/controls/drain", "/controls/faults", "/controls/clock"):
        assert f'action="{UI}{action}"' in page
    assert page.count(f'name="{CONFIRM_FIELD}" value="{CONFIRM_VALUE}" required') == 3  # reset, drain, advance
    assert 'name="token"' not in page  # open on loopback: nothing to carry


def test_reset_needs_confirmation(client: FlaskClient, mock: MockContext) -> None:
    client.post("/v3/contacts", headers=OMNISEND, json={
        "identifiers": [{"type": "email", "id": "new@example.com", "channels": {"email": {"status": "subscribed"}}}]})
    before = snapshot(mock)
    refused = client.post(f"{UI}/controls/reset", data={"target": f"omnisend/{BRAND_ID}"})
    assert refused.status_code == 400
    assert "tick the confirmation box to reset omnisend/" in refused.get_data(as_text=True)
    assert snapshot(mock) == before
    done = client.post(f"{UI}/controls/reset", data={"target": f"omnisend/{BRAND_ID}", **CONFIRM})
    assert done.status_code == 303 and done.headers["Location"].startswith(f"{UI}/controls?done=Reset")
    tenant = mock.tenant("omnisend", BRAND_ID)
    assert tenant is not None and len(tenant.collections["contacts"]) == 12
    assert "Reset omnisend/" in text(html(client, "/controls?" + done.headers["Location"].split("?", 1)[1]))


def test_reset_everything_also_empties_the_journal(client: FlaskClient, mock: MockContext) -> None:
    client.get("/v3/contacts", headers=OMNISEND)
    assert client.post(f"{UI}/controls/reset", data={"target": "", **CONFIRM}).status_code == 303
    assert len(mock.journal) == 0


def test_reset_of_an_unknown_tenant_is_a_404_page(client: FlaskClient) -> None:
    answer = client.post(f"{UI}/controls/reset", data={"target": "ometria/nope", **CONFIRM})
    assert answer.status_code == 404 and "unknown ometria tenant" in answer.get_data(as_text=True)


def test_drain_needs_confirmation(client: FlaskClient) -> None:
    assert client.post(f"{UI}/controls/drain", data={"target": "ometria"}).status_code == 400
    done = client.post(f"{UI}/controls/drain", data={"target": "ometria/staging", **CONFIRM})
    assert done.status_code == 303 and "Drained+ometria/staging" in done.headers["Location"]


def test_fault_add_and_remove(client: FlaskClient, mock: MockContext) -> None:
    added = client.post(f"{UI}/controls/faults", data={
        "vendor": "omnisend", "tenant": "", "method": "GET", "path": "/v3/contacts*", "status": "500",
        "message": "boom", "after": "0", "count": "1"})
    assert added.status_code == 303
    assert [r.as_dict()["method"] for r in mock.faults.rules()] == [["GET"]]
    answer = client.get("/v3/contacts", headers=OMNISEND)
    assert answer.status_code == 500 and answer.get_json() == {"error": "boom"}
    assert client.post(f"{UI}/controls/faults/f1/remove").status_code == 400
    assert len(mock.faults.rules()) == 1
    assert client.post(f"{UI}/controls/faults/f1/remove", data=CONFIRM).status_code == 303
    assert mock.faults.rules() == []
    assert client.post(f"{UI}/controls/faults/f1/remove", data=CONFIRM).status_code == 404


@pytest.mark.parametrize("form, problem", [
    ({"status": "abc"}, "status: must be a whole number"),
    ({"status": "700"}, "status: Must be greater than or equal to 100 and less than or equal to 599."),
    ({"path": "v3"}, "path: must be a glob starting with / or *"),
    ({"status": ""}, "_schema: a rule needs an action: status, latency or drop"),
])
def test_a_bad_fault_form_is_shown_again_with_the_problem(client: FlaskClient, mock: MockContext,
                                                          form: dict[str, str], problem: str) -> None:
    answer = client.post(f"{UI}/controls/faults", data={"path": "*", "status": "503", **form})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert problem in page.replace("&#39;", "'")
    assert mock.faults.rules() == []
    if "path" in form:
        assert 'value="v3"' in page  # what was typed stays


def test_clock_freeze_resume_and_advance(client: FlaskClient, mock: MockContext) -> None:
    assert client.post(f"{UI}/controls/clock", data={"action": "resume"}).status_code == 303
    assert not mock.clock.frozen
    assert client.post(f"{UI}/controls/clock", data={"action": "freeze"}).status_code == 303
    assert mock.clock.frozen
    start = mock.clock.time()
    assert client.post(f"{UI}/controls/clock", data={"action": "advance", "by": "90s"}).status_code == 400
    assert mock.clock.time() == start
    assert client.post(f"{UI}/controls/clock", data={"action": "advance", "by": "90s", **CONFIRM}).status_code == 303
    assert mock.clock.time() == start + 90
    assert client.post(f"{UI}/controls/clock", data={"action": "advance", "by": "soon", **CONFIRM}).status_code == 400
    assert client.post(f"{UI}/controls/clock", data={"action": "explode"}).status_code == 400


# -- token rule -------------------------------------------------------------------------------------

TOKEN = "s3cret-admin-token"


@pytest.fixture
def guarded() -> Iterator[FlaskClient]:
    app: Flask = create_app(Settings(seed=1, freeze_clock=True, require_admin_token=True, admin_token=TOKEN))
    yield app.test_client()


def test_without_the_token_the_dashboard_says_how_to_get_in(guarded: FlaskClient) -> None:
    answer = guarded.get(UI)
    assert answer.status_code == 401 and answer.headers["WWW-Authenticate"] == "Bearer"
    assert "?token=" in answer.get_data(as_text=True)
    assert guarded.get(f"{UI}?token=wrong").status_code == 401
    assert guarded.get(f"{UI}/records", headers={"Authorization": "Bearer wrong"}).status_code == 401


def test_the_token_in_a_header_opens_every_page(guarded: FlaskClient) -> None:
    for path in PAGES:
        assert guarded.get(UI + path, headers={"X-Mock-Admin-Token": TOKEN}).status_code == 200
    assert guarded.get(UI, headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


def test_the_token_in_the_address_becomes_an_httponly_cookie(guarded: FlaskClient) -> None:
    answer = guarded.get(f"{UI}/records?tenant=ometria/staging&token={TOKEN}")
    assert answer.status_code == 303
    assert answer.headers["Location"] == f"{UI}/records?tenant=ometria%2Fstaging"  # the token leaves the address
    cookie = answer.headers["Set-Cookie"]
    assert cookie.startswith(f"mock_admin_token={TOKEN};")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/_mock/ui" in cookie
    page = guarded.get(f"{UI}/controls")
    assert page.status_code == 200
    assert f'<input type="hidden" name="token" value="{TOKEN}">' in page.get_data(as_text=True)  # forms carry it
    assert guarded.get("/_mock/journal").status_code == 401  # the cookie is the dashboard's only


def test_a_post_needs_the_token_in_the_form_not_just_the_cookie(guarded: FlaskClient) -> None:
    guarded.get(f"{UI}?token={TOKEN}")
    refused = guarded.post(f"{UI}/controls/clock", data={"action": "resume"})
    assert refused.status_code == 401 and "without the admin token" in refused.get_data(as_text=True)
    assert guarded.post(f"{UI}/controls/clock", data={"action": "resume", "token": TOKEN}).status_code == 303
    assert guarded.post(f"{UI}/controls/clock", data={"action": "freeze"},
                        headers={"X-Mock-Admin-Token": TOKEN}).status_code == 303


def test_style_and_script_need_no_token(guarded: FlaskClient) -> None:
    for name in ("ui.css", "ui.js"):
        answer = guarded.get(f"{UI}/static/{name}")
        assert answer.status_code == 200
        answer.close()


# -- the app around it ------------------------------------------------------------------------------

def test_no_static_route_outside_the_dashboard(client: FlaskClient) -> None:
    answer = client.get("/static/ui.css")
    assert answer.status_code == 404 and answer.get_json() is not None  # the vendor's JSON 404


def test_every_dashboard_route_is_documented(app: Flask) -> None:
    doc = (ROOT / "docs" / "dashboard.md").read_text(encoding="utf-8")
    missing = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(UI) or rule.endpoint == "ui.static":
            continue
        path = re.sub(r"<(?:[^>:]+:)?([^>]+)>", r"{\1}", rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            if f"`{method} {path}`" not in doc:
                missing.append(f"{method} {path}")
    assert missing == []
