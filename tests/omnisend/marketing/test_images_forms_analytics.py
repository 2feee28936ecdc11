"""Images (§5.12), forms reports (§5.15) and analytics (§5.14) backends, against data made in the test."""

from __future__ import annotations

from typing import Any

import pytest

from mock_server.core.context import MockContext
from mock_server.core.errors import NotFound, ValidationFailed
from mock_server.omnisend import marketing_constants as M
from mock_server.omnisend.backend import Brand, analytics, campaign_sends, email_content, forms, images
from mock_server.omnisend.backend import campaigns_api as campaigns
from tests.omnisend.marketing import images_data
from tests.omnisend.marketing.helpers import contact, empty_brand, event
from tests.omnisend.marketing.test_automations import TEMPLATE


@pytest.fixture
def brand(mock: MockContext) -> Brand:
    return empty_brand(mock)


@pytest.mark.parametrize(("data", "kind", "size"), [
    (images_data.png(3, 2), "image/png", (3, 2)),
    (images_data.gif(5, 4), "image/gif", (5, 4)),
    (images_data.jpeg(7, 6), "image/jpeg", (7, 6)),
])
def test_upload_reads_type_and_size_from_the_bytes(brand: Brand, data: bytes, kind: str,
                                                   size: tuple[int, int]) -> None:
    created = images.upload(brand, data, "logo.bin", None, "http://sandbox")
    assert (created["type"], (created["width"], created["height"]), created["size"]) == (kind, size, len(data))
    assert created["url"] == f"http://sandbox{M.IMAGE_PATH}/{brand.brand_id}/{created['id']}/logo.bin"
    assert images.file_of(brand, created["id"]) == (data, kind)


@pytest.mark.parametrize(("data", "message"), [
    (b"%PDF-1.7 not an image", "invalid_format: must be a JPEG, PNG, GIF or WebP image"),
    (images_data.png() + b"\x00" * (M.IMAGE_MAX_BYTES), "must be at most 5 MB"),
    (None, "required"),
])
def test_upload_refuses_other_types_and_big_files(brand: Brand, data: bytes | None, message: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        images.upload(brand, data, "x", None)
    assert caught.value.problems == [(("file",), message)]
    assert len(brand.col(images.COLLECTION)) == 0


def test_upload_at_exactly_the_cap_is_accepted(brand: Brand) -> None:
    data = images_data.png()
    data += b"\x00" * (M.IMAGE_MAX_BYTES - len(data))
    assert images.upload(brand, data, "big.png", "big")["size"] == M.IMAGE_MAX_BYTES


def test_register_by_url_and_delete(brand: Brand) -> None:
    created = images.register_url(brand, {"url": "https://cdn.example.com/a/banner.webp"})
    assert (created["name"], created["type"], created["url"]) == ("banner.webp", "image/webp",
                                                                  "https://cdn.example.com/a/banner.webp")
    with pytest.raises(ValidationFailed) as caught:
        images.register_url(brand, {"url": "http://cdn.example.com/a.png"})
    assert caught.value.problems == [(("url",), "invalid_format: must be a public https URL")]
    images.delete(brand, created["id"])
    with pytest.raises(NotFound):
        images.get(brand, created["id"])


FORM = "6650f0000000000000000001"


def _form(brand: Brand, activity: list[dict[str, Any]], **extra: Any) -> None:
    forms._seed(brand, {"id": FORM, "name": "Popup", "activity": activity, **extra})


def test_form_report_counts_the_activity_in_range(brand: Brand) -> None:
    cid = contact(brand, "ann@example.com")
    _form(brand, [{"kind": "view", "at": "2026-01-01T10:00:00Z", "device": "mobile"},
                  {"kind": "view", "at": "2026-01-01T11:00:00Z", "device": "desktop"},
                  {"kind": "interaction", "at": "2026-01-01T11:00:01Z", "device": "desktop"},
                  {"kind": "submit", "at": "2026-01-01T11:00:02Z", "device": "desktop"},
                  {"kind": "signup", "at": "2026-01-01T11:00:02Z", "device": "desktop", "contactID": cid,
                   "values": {"custom": {"size": 42}}},
                  {"kind": "view", "at": "2026-01-03T00:00:00Z", "device": "mobile"}])
    found = forms.report(brand, FORM, "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z")
    assert found["statistics"] == {"views": 2, "interactions": 1, "submits": 1, "signups": 1}
    assert found["statisticsByDevice"] == {"desktop": {"views": 1, "interactions": 1, "submits": 1, "signups": 1},
                                           "mobile": {"views": 1, "interactions": 0, "submits": 0, "signups": 0}}
    people = forms.signups(brand, FORM)
    assert [(p["email"], p["customProperties"]) for p in people] == [
        ("ann@example.com", {"size": {"type": "number", "value": 42}})]


@pytest.mark.parametrize(("start", "end", "granularity", "ok"), [
    ("2026-01-01T00:00:00Z", "2026-01-01T23:00:00Z", "hour", True),
    ("2026-01-01T00:00:00Z", "2026-01-05T00:00:00Z", "hour", False),
    ("2026-01-01T00:00:00Z", "2026-01-20T00:00:00Z", "day", True),
    ("2026-01-01T00:00:00Z", "2026-03-20T00:00:00Z", "day", False),
    ("2026-01-01T00:00:00Z", "2026-03-20T00:00:00Z", "week", True),
    ("2026-01-01T00:00:00Z", "2026-01-10T00:00:00Z", "month", False),
    ("2024-01-01T00:00:00Z", "2026-03-20T00:00:00Z", "year", True),
])
def test_periodic_granularity_must_fit_the_range(brand: Brand, start: str, end: str, granularity: str,
                                                 ok: bool) -> None:
    _form(brand, [{"kind": "view", "at": "2026-01-01T10:00:00Z", "device": "mobile"}])
    if ok:
        found = forms.periodic(brand, FORM, start, end, granularity)
        assert found["granularity"] == granularity and sum(r["views"] for r in found["rows"]) == 1
    else:
        with pytest.raises(ValidationFailed) as caught:
            forms.periodic(brand, FORM, start, end, granularity)
        assert caught.value.problems == [(("granularity",), M.ERR_GRANULARITY.format(granularity=granularity))]


def test_ab_setup_reports_are_empty_without_setups(brand: Brand) -> None:
    _form(brand, [])
    assert forms.ab_setup_reports(brand, FORM) == {"reports": []}
    with pytest.raises(NotFound):
        forms.report(brand, "0" * 24, "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z")


def _sent_campaign(brand: Brand) -> str:
    template_id = email_content.create_template(brand, TEMPLATE)["id"]
    created = campaigns.create(brand, {"type": "regular", "channel": "email", "name": "C", "content": {
        "email": {"templateID": template_id, "subject": "S"}}})
    campaign_sends.send(brand, created["id"])
    return str(created["id"])


def _query(**extra: Any) -> dict[str, Any]:
    return {"queries": [{"alias": "q", "metrics": [{"name": n} for n in (
        "sent", "openedUnique", "openRate", "clickedUnique", "attributedOrders", "attributedRevenue")],
        "dateRange": {"from": "2026-01-01", "to": "2026-01-31"}, **extra}]}


def test_reports_are_computed_from_sends_events_and_orders(mock: MockContext, brand: Brand) -> None:
    for name in ("ann", "bob", "cat", "dan"):
        contact(brand, f"{name}@example.com")
    empty = analytics.reports(brand, _query())
    assert empty == {"reports": [{"alias": "q", "dimensions": [], "metrics": [{"name": n} for n in (
        "sent", "openedUnique", "openRate", "clickedUnique", "attributedOrders", "attributedRevenue")], "rows": []}]}
    campaign_id = _sent_campaign(brand)
    mock.clock.advance(3600)
    event(brand, "ann@example.com", M.OPENED_EVENT, {"campaignID": campaign_id})
    event(brand, "bob@example.com", M.OPENED_EVENT, {"campaignID": campaign_id})
    event(brand, "ann@example.com", M.CLICKED_EVENT, {"campaignID": campaign_id})
    event(brand, "ann@example.com", "paid for order", {"orderID": "o1", "totalPrice": 19.5})
    mock.clock.advance(10 * 86400)
    event(brand, "bob@example.com", "paid for order", {"orderID": "o2", "totalPrice": 99.0})  # outside 5 days
    found = analytics.reports(brand, _query(dimensions=[{"name": "marketingActivityID"}]))
    assert found["reports"][0]["rows"] == [{"marketingActivityID": campaign_id, "sent": 4, "openedUnique": 2,
                                            "openRate": 0.5, "clickedUnique": 1, "attributedOrders": 1,
                                            "attributedRevenue": 19.5}]


def test_statistics_need_a_timestamp_and_bucket_by_event_date(mock: MockContext, brand: Brand) -> None:
    contact(brand, "ann@example.com")
    campaign_id = _sent_campaign(brand)
    mock.clock.advance(2 * 86400)
    event(brand, "ann@example.com", M.OPENED_EVENT, {"campaignID": campaign_id})
    with pytest.raises(ValidationFailed) as caught:
        analytics.statistics(brand, {"queries": [{"metrics": [{"name": "sent"}], "dateRange": {
            "from": "2026-01-01T00:00:00Z", "to": "2026-01-10T00:00:00Z"}}]})
    assert caught.value.problems == [(("queries", "dimensions"), "a timestamp dimension is required")]
    body = {"queries": [{"alias": "daily", "metrics": [{"name": "sent"}, {"name": "openedUnique"}],
                         "dimensions": [{"name": "timestamp", "granularity": "day"}],
                         "dateRange": {"from": "2025-12-31T00:00:00Z", "to": "2026-01-10T00:00:00Z"}}]}
    rows = analytics.statistics(brand, body)["statistics"][0]["rows"]
    assert [(r["sent"], r["openedUnique"]) for r in rows] == [(1, 0), (0, 1)]


@pytest.mark.parametrize(("body", "problems"), [
    ({"queries": []}, [(("queries",), "1-4 queries are required")]),
    ({"queries": [{}] * 5}, [(("queries",), "1-4 queries are required")]),
    ({"queries": [{"metrics": [{"name": "revenue"}], "dateRange": {"interval": "last30Days"}}]},
     [(("queries", "metrics", "name"), f"unknown metric; known: {', '.join(M.METRICS)}")]),
    ({"queries": [{"metrics": [{"name": "sent"}], "dimensions": [{"name": "timestamp", "granularity": "day"}],
                   "dateRange": {"from": "2025-01-01", "to": "2025-06-01"}}]},
     [(("queries", "dateRange"), "day granularity covers at most 60 days")]),
])
def test_report_validation(brand: Brand, body: dict[str, Any], problems: list[Any]) -> None:
    with pytest.raises(ValidationFailed) as caught:
        analytics.reports(brand, body)
    assert caught.value.problems == problems
