"""The dashboard at a glance, through the test client: charts with data, the live fragments, the sampler,
the journal's filters."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mock_server.app import create_app
from mock_server.control.ui.samples import Sampler, sampler
from mock_server.core.context import MockContext, Settings
from tests.conftest import BRAND_ID, OMNISEND, STAGING
from tests.ui.test_pages import UI, html, text

CHARTS = ("Omnisend requests over time by status class", "Ometria requests over time by status class",
          "Rate-limit budget used per tenant and endpoint group", "Ometria push queue depth over time",
          "Omnisend batch progress over time")


def description(page: str, title: str) -> str:
    """The numbers of one chart: its ``<desc>``, found through the chart's accessible name."""
    found = re.search(rf'role="img" aria-label="{re.escape(title)}" aria-describedby="([^"]+)"', page)
    assert found, f"no chart named {title!r}"
    desc = re.search(rf'<desc id="{found.group(1)}">([^<]*)</desc>', page)
    assert desc
    return desc.group(1).replace("&#39;", "'")


@pytest.fixture
def async_app() -> Iterator[Flask]:
    """Queues and batches wait for a drain (no worker threads), on a frozen clock."""
    yield create_app(Settings(seed=1234, freeze_clock=True, ometria_queue_mode="async",
                              omnisend_batch_mode="async", start_workers=False))


# -- charts -----------------------------------------------------------------------------------------

def test_every_chart_has_an_accessible_name_and_says_it_is_empty(client: FlaskClient) -> None:
    page = html(client, "")
    for title in CHARTS:
        assert description(page, title)
    assert description(page, CHARTS[0]) == "No requests yet."
    assert description(page, CHARTS[3]).startswith("1 samples from 00:00:00 to 00:00:00; now live waiting 0")


def test_requests_chart_splits_status_classes_429_apart(client: FlaskClient) -> None:
    for _ in range(5):  # the staging data group allows 4 a second: the fifth is a 429
        client.get("/v2/contacts", headers=STAGING)
    client.get("/v3/contacts", headers=OMNISEND)
    client.get("/v3/contacts/nobody", headers=OMNISEND)
    page = html(client, "")
    assert description(page, "Ometria requests over time by status class") == \
        "5 requests from 00:00:00 to 00:00:00: 4 2xx, 0 4xx, 1 429, 0 5xx."
    assert description(page, "Omnisend requests over time by status class") == \
        "2 requests from 00:00:00 to 00:00:00: 1 2xx, 1 4xx, 0 429, 0 5xx."
    assert page.count('data-series="429"') == 1  # one bar segment for the one 429


def test_requests_chart_buckets_follow_the_mock_clock(client: FlaskClient, mock: MockContext) -> None:
    client.get("/v3/contacts", headers=OMNISEND)
    mock.clock.advance(125)
    client.get("/v3/contacts", headers=OMNISEND)
    desc = description(html(client, ""), "Omnisend requests over time by status class")
    assert desc == "2 requests from 00:00:00 to 00:02:05: 2 2xx, 0 4xx, 0 429, 0 5xx."  # 26 bars of 5 s


def test_budget_chart_shows_each_tenant_and_group(client: FlaskClient) -> None:
    for _ in range(3):
        client.get("/v3/contacts", headers=OMNISEND)
    client.get("/v2/contacts", headers=STAGING)
    desc = description(html(client, ""), "Rate-limit budget used per tenant and endpoint group")
    assert "omnisend/64a1f0…e5f6 · api: 3 of 400 per 60 s" in desc
    assert "ometria/staging · data: 1 of 4 per 1 s" in desc
    for group in ("push", "transactional", "gdpr", "merge"):
        assert f"ometria/live · {group}: 0 of" in desc


def test_budget_chart_says_when_limits_are_off(client: FlaskClient, mock: MockContext) -> None:
    mock.limiter.enabled = False
    assert description(html(client, ""), CHARTS[2]).startswith("Rate limiting is off for everyone.")


def test_queue_depth_is_sampled_as_records_wait_and_drain(async_app: Flask) -> None:
    client = async_app.test_client()
    records = [{"@type": "contact", "id": f"q-{i}", "email": f"q{i}@example.com"} for i in range(3)]
    assert client.post("/v2/push", headers=STAGING, json=records).status_code == 202
    page = html(client, "")
    assert description(page, CHARTS[3]).endswith("now live waiting 0, staging waiting 3.")
    assert client.post("/_mock/ometria/queue/drain").status_code == 200
    desc = description(html(client, ""), CHARTS[3])
    assert desc.endswith("now live waiting 0, staging waiting 0.")
    depths = [s.values["queue ometria/staging"] for s in sampler(async_app).samples()]
    assert depths == [0, 3, 0]  # seeded, pushed, drained: one sample per change on a frozen clock


def test_batch_progress_is_sampled(async_app: Flask) -> None:
    client = async_app.test_client()
    items = [{"identifiers": [{"type": "email", "id": f"b{i}@example.com",
                               "channels": {"email": {"status": "subscribed"}}}]} for i in range(4)]
    answer = client.post("/v3/batches", headers=OMNISEND, json={"method": "POST", "endpoint": "contacts",
                                                                 "items": items})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert description(html(client, ""), CHARTS[4]).endswith("items accepted 4, 64a1f0…e5f6 items finished 0.")
    assert client.post("/_mock/omnisend/batches/drain").status_code == 200
    assert description(html(client, ""), CHARTS[4]).endswith("items accepted 4, 64a1f0…e5f6 items finished 4.")


def test_sampler_keeps_a_point_per_change_or_per_mock_second(mock: MockContext) -> None:
    ring = Sampler(size=3)
    ring.sample(mock)
    ring.sample(mock)  # same instant, nothing changed
    assert len(ring.samples()) == 1
    mock.clock.advance(1)
    ring.sample(mock)
    assert len(ring.samples()) == 2
    for _ in range(3):
        mock.clock.advance(5)
        ring.sample(mock)
    assert len(ring.samples()) == 3  # bounded


def test_sampler_reads_a_tenant_again_only_when_its_series_may_have_moved(
        async_app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    from mock_server.control.ui import samples
    from mock_server.core.collection import Collection

    client = async_app.test_client()
    mock: MockContext = async_app.extensions["mock"]
    sampler(async_app).sample(mock)  # every tenant read once
    read: list[str] = []
    real = samples.read_tenant
    monkeypatch.setattr(samples, "read_tenant", lambda tenant: read.append(tenant.tenant_id) or real(tenant))
    contact = {"identifiers": [{"type": "email", "id": "s@example.com", "channels": {"email": {
        "status": "subscribed"}}}]}
    assert client.post("/v3/contacts", headers=OMNISEND, json=contact).status_code == 200
    assert client.post("/v3/contacts", headers=OMNISEND, json=contact).status_code == 200
    assert read == []  # a contact push moves the brand's generation, not its batches
    answer = client.post("/v3/batches", headers=OMNISEND, json={"method": "POST", "endpoint": "contacts",
                                                                 "items": [contact]})
    assert answer.status_code == 200
    assert read == [BRAND_ID]
    brand = mock.store.tenant("omnisend", BRAND_ID)
    assert brand is not None
    with brand.lock:  # a tenant caught up from elsewhere: a new collection object, same version
        old = brand.collections["batches:v3"]
        fresh = brand.collections["batches:v3"] = Collection()
        fresh.load(old.dump())
        fresh.version = old.version
    assert client.get("/v3/contacts?limit=1", headers=OMNISEND).status_code == 200
    assert read == [BRAND_ID, BRAND_ID]
    values = sampler(async_app).values(mock)
    assert values[f"accepted omnisend/{BRAND_ID}"] == 1 and values[f"finished omnisend/{BRAND_ID}"] == 0
    records = [{"@type": "contact", "id": "q-1", "email": "q1@example.com"}]
    assert client.post("/v2/push", headers=STAGING, json=records).status_code == 202
    assert read[2:] == ["staging"]  # the queue grew


# -- live fragments ---------------------------------------------------------------------------------

def test_overview_live_part_is_a_fragment_with_the_charts(client: FlaskClient) -> None:
    client.get("/v3/contacts", headers=OMNISEND)
    fragment = html(client, "/overview/live")
    assert "<html" not in fragment and "<h1" not in fragment
    assert description(fragment, CHARTS[0]).startswith("1 request from")
    assert f'data-tenant="omnisend/{BRAND_ID}"' in fragment
    page = html(client, "")
    assert 'data-live-src="/_mock/ui/overview/live"' in page and 'id="live-toggle"' in page


# -- journal ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("query", ["status=", "vendor=omnisend&tenant=&status=&path=", "vendor=&status="])
def test_empty_filters_mean_any(client: FlaskClient, query: str) -> None:
    client.get("/v3/contacts", headers=OMNISEND)
    assert "GET /v3/contacts" in html(client, f"/journal?{query}")
    assert "GET /v3/contacts" in html(client, f"/journal/rows?{query}")
    answer = client.get(f"/_mock/journal?{query}")
    assert answer.status_code == 200 and len(answer.get_json()["items"]) == 1


@pytest.mark.parametrize("query, present, absent", [
    ("path=contacts", "/v3/contacts", "/v2/products"),
    ("path=/v2/*", "/v2/products", "/v3/contacts"),
    ("status=429", "/v2/products", "/v3/contacts"),
])
def test_journal_filters_by_path_and_429(client: FlaskClient, query: str, present: str, absent: str) -> None:
    client.get("/v3/contacts", headers=OMNISEND)
    for _ in range(5):
        client.get("/v2/products", headers=STAGING)
    rows = html(client, f"/journal/rows?{query}")
    assert present in rows and absent not in rows


def test_journal_rows_are_coloured_by_status_class_and_newest_first(client: FlaskClient) -> None:
    client.get("/v3/contacts", headers=OMNISEND)
    client.get("/v3/contacts/nobody", headers=OMNISEND)
    for _ in range(5):
        client.get("/v2/products", headers=STAGING)
    rows = html(client, "/journal/rows")
    classes = re.findall(r'<tr class="row-([^"]+)">\s*<td>(\d+)</td>', rows)
    assert classes[0] == ("429", "7") and ("4xx", "2") in classes and classes[-1] == ("2xx", "1")
    assert [int(n) for _, n in classes] == sorted((int(n) for _, n in classes), reverse=True)


def test_journal_entry_shows_request_and_response_side_by_side(client: FlaskClient) -> None:
    client.get("/v3/contacts", headers=OMNISEND)
    words = text(html(client, "/journal/1"))
    page = html(client, "/journal/1")
    pair = page[page.index('<div class="pair">'):]
    assert pair.index('id="req-h"') < pair.index('id="resp-h"')
    assert "Request Body Empty. Headers" in words and "Response Body (first bytes) {" in words


def test_dashboard_pages_leave_the_vendors_alone(client: FlaskClient, mock: MockContext) -> None:
    for path in ("", "/overview/live", "/contacts", "/journal?status="):
        html(client, path)
    assert len(mock.journal) == 0
    assert UI == "/_mock/ui"
