"""``GET|DELETE /_mock/tracking`` and ``/_mock/tracking/sessions`` (tracking.md §6): order, filters, errors,
reset, journal."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.conftest import BRAND_ID
from tests.tracking.helpers import PAGE_VIEW, TAG_HASH, identify, listing, snippet_event, tag_hit


def page_view(client: FlaskClient, visitor: str = "visitor-1", session: str = "session-1") -> None:
    answer = client.get(PAGE_VIEW, query_string={"type": "pageview", "brandID": BRAND_ID, "visitorID": visitor,
                                                 "sessionID": session})
    assert answer.status_code == 200


@pytest.fixture
def some_hits(client: FlaskClient) -> None:
    page_view(client)                                      # trk-000001 omnisend
    tag_hit(client, "pageview", {"type": "homepage"})      # trk-000002 ometria
    page_view(client, "visitor-2", "session-2")            # trk-000003 omnisend
    client.post("/api/track", json={"scope": "view", "action": "product", "data": {},
                                    "user": {"uid": "u-1", "sid": "s-1"}}, headers={"X-Ometria-Account": "live"})
    snippet_event(client, "viewed product")                # trk-000005 omnisend, anonymous


def test_newest_first_across_vendors(client: FlaskClient, some_hits: None) -> None:
    answer = client.get("/_mock/tracking")
    assert answer.status_code == 200
    body = answer.get_json()
    assert (body["total"], body["limit"], body["offset"]) == (5, 50, 0)
    assert [h["id"] for h in body["items"]] == ["trk-000005", "trk-000004", "trk-000003", "trk-000002", "trk-000001"]
    assert "seq" not in body["items"][0]


@pytest.mark.parametrize(("filters", "ids"), [
    ({"vendor": "omnisend"}, ["trk-000005", "trk-000003", "trk-000001"]),
    ({"vendor": "ometria", "tenant": "live"}, ["trk-000004"]),
    ({"tenant": TAG_HASH}, ["trk-000002"]),
    ({"tenant": BRAND_ID, "visitor": "visitor-2"}, ["trk-000003"]),
    ({"type": "$pageViewed"}, ["trk-000003", "trk-000001"]),
    ({"source": "headless"}, ["trk-000004"]),
    ({"source": "tag", "type": "pageview"}, ["trk-000002"]),
    ({"visitor": "nobody"}, []),
])
def test_filters_are_exact_matches(client: FlaskClient, some_hits: None, filters: dict[str, str],
                                   ids: list[str]) -> None:
    assert [h["id"] for h in listing(client, **filters)] == ids


def test_paging(client: FlaskClient, some_hits: None) -> None:
    body = client.get("/_mock/tracking", query_string={"limit": "2", "offset": "1"}).get_json()
    assert (body["total"], [h["id"] for h in body["items"]]) == (5, ["trk-000004", "trk-000003"])


@pytest.mark.parametrize(("query", "status", "body"), [
    ({"vendor": "klaviyo"}, 404, {"error": "unknown vendor 'klaviyo' (expected one of ometria, omnisend)"}),
    ({"tenant": "nobody"}, 404, {"error": "unknown tenant 'nobody'"}),
    ({"vendor": "omnisend", "tenant": "staging"}, 404, {"error": "unknown tenant 'staging'"}),
    ({"limit": "0"}, 400, {"error": "limit must be between 1 and 500", "fields": ["limit: must be between 1 and 500"]}),
    ({"limit": "501"}, 400, {"error": "limit must be between 1 and 500",
                             "fields": ["limit: must be between 1 and 500"]}),
    ({"offset": "-1"}, 400, {"error": "offset must be >= 0", "fields": ["offset: must be >= 0"]}),
    ({"limit": "x"}, 400, {"error": "limit must be an integer", "fields": ["limit: must be an integer"]}),
])
def test_bad_filters(client: FlaskClient, query: dict[str, str], status: int, body: dict[str, object]) -> None:
    answer = client.get("/_mock/tracking", query_string=query)
    assert answer.status_code == status and answer.get_json() == body


@pytest.mark.parametrize("limit", ["1", "500"])
def test_limit_bounds(client: FlaskClient, some_hits: None, limit: str) -> None:
    assert client.get("/_mock/tracking", query_string={"limit": limit}).status_code == 200


def test_delete_by_vendor_and_tenant(client: FlaskClient, some_hits: None) -> None:
    assert client.delete("/_mock/tracking", query_string={"vendor": "ometria", "tenant": "live"}).get_json() == {
        "deleted": 1}
    assert client.delete("/_mock/tracking", query_string={"vendor": "omnisend"}).get_json() == {"deleted": 3}
    assert [h["id"] for h in listing(client)] == ["trk-000002"]
    assert client.delete("/_mock/tracking").get_json() == {"deleted": 1}
    assert client.delete("/_mock/tracking", query_string={"vendor": "nope"}).status_code == 404


def test_sessions_count_page_views(client: FlaskClient) -> None:
    page_view(client)
    page_view(client)
    snippet_event(client, "viewed product")
    contact_id = identify(client, email="s@example.com", visitorID="visitor-1",
                          sessionID="session-1").get_json()["data"]["contactID"]
    tag_hit(client, "pageview", {"type": "homepage"})
    tag_hit(client, "identify", {"uiid": "s@example.com"})
    body = client.get("/_mock/tracking/sessions").get_json()
    assert body == {"items": [
        {"vendor": "ometria", "tenant": "staging", "sessionID": "sid-1", "visitorID": "cid-1", "pageViews": 1,
         "firstAt": "2026-01-01T00:00:00.000Z", "lastAt": "2026-01-01T00:00:00.000Z", "email": "s@example.com"},
        {"vendor": "omnisend", "tenant": BRAND_ID, "sessionID": "session-1", "visitorID": "visitor-1",
         "pageViews": 2, "firstAt": "2026-01-01T00:00:00.000Z", "lastAt": "2026-01-01T00:00:00.000Z",
         "contactID": contact_id}]}
    only = client.get("/_mock/tracking/sessions", query_string={"vendor": "omnisend"}).get_json()["items"]
    assert [s["vendor"] for s in only] == ["omnisend"]


def test_reset_clears_hits_and_links(client: FlaskClient) -> None:
    identify(client, email="linked@example.com", visitorID="visitor-1")
    page_view(client)
    assert listing(client)[0]["contactID"] is not None
    assert client.post("/_mock/reset").status_code == 200
    assert listing(client) == []
    page_view(client)
    assert listing(client)[0]["contactID"] is None  # the visitor link went with the reset


def test_every_hit_is_in_the_journal(client: FlaskClient, some_hits: None) -> None:
    entries = client.get("/_mock/journal", query_string={"limit": "50"}).get_json()["items"]
    seen = {(e["vendor"], e["tenant"], e["path"]) for e in entries}
    assert {("omnisend", BRAND_ID, PAGE_VIEW), ("ometria", "staging", "/track/v3/staging/event.gif"),
            ("ometria", "live", "/api/track"), ("omnisend", BRAND_ID, "/REST/webTracking/v2/event")} <= seen


def test_the_dashboard_page(client: FlaskClient) -> None:
    empty = client.get("/_mock/ui/tracking")
    assert empty.status_code == 200 and "No tracking hits yet." in empty.get_data(as_text=True)
    page_view(client)
    tag_hit(client, "identify", {"uiid": "page@example.com"})
    page = client.get("/_mock/ui/tracking", query_string={"vendor": "ometria"}).get_data(as_text=True)
    assert 'data-hit="trk-000002"' in page and 'data-hit="trk-000001"' not in page
    assert "page@example.com" in page and 'href="/_mock/demo-shop/"' in page
    assert 'href="/_mock/ui/tracking" aria-current="page"' in page
    bad = client.get("/_mock/ui/tracking", query_string={"vendor": "nope"})
    assert bad.status_code == 404 and "unknown vendor" in bad.get_data(as_text=True)
