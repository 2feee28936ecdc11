"""/api/analytics (2026 §5.14: computed from the brand's data, 415, 10/min + 55/24 h) and /api/forms (§5.15)."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from mock_server.core.context import MockContext
from mock_server.omnisend import marketing_constants as M
from mock_server.omnisend.v2026 import constants as C
from tests.omnisend.v2026.helpers import API, READONLY, assert_problem, call, invalid, problem

NEWSLETTER = "6740a0000000000000000001"
FORM = "6750a0000000000000000001"
METRICS = [{"name": n} for n in ("sent", "openedUnique", "openRate", "attributedOrders", "attributedRevenue")]


def _query(**extra: Any) -> dict[str, Any]:
    return {"queries": [{"alias": "by campaign", "metrics": METRICS,
                         "dimensions": [{"name": "marketingActivityID"}],
                         "dateRange": {"from": "2026-01-01", "to": "2026-01-31"}, **extra}]}


def test_reports_count_what_the_sandbox_sent_and_what_followed(client: FlaskClient, mock: MockContext) -> None:
    empty = call(client, "POST", "/analytics/reports", json=_query()).get_json()
    assert empty["reports"][0]["rows"] == []
    assert call(client, "POST", f"/campaigns/{NEWSLETTER}/send").status_code == 204
    mock.clock.advance(3600)
    for name, props in (("opened message", {"campaignID": NEWSLETTER}),
                        ("paid for order", {"orderID": "o-77", "totalPrice": 120.5})):
        event = {"eventName": name, "origin": "api", "contact": {"email": "anna.petraite@example.com"},
                 "properties": props}
        assert call(client, "POST", "/events", json=event).status_code == 202
    report = call(client, "POST", "/analytics/reports", json=_query()).get_json()
    assert report == {"reports": [{"alias": "by campaign", "dimensions": [{"name": "marketingActivityID"}],
                                   "metrics": METRICS, "rows": [
                                       {"marketingActivityID": NEWSLETTER, "sent": 2, "openedUnique": 1,
                                        "openRate": 0.5, "attributedOrders": 1, "attributedRevenue": 120.5}]}]}


def test_statistics_require_a_timestamp(client: FlaskClient) -> None:
    response = call(client, "POST", "/analytics/statistics", json={"queries": [{
        "metrics": [{"name": "sent"}], "dateRange": {"from": "2026-01-01T00:00:00Z", "to": "2026-01-02T00:00:00Z"}}]})
    assert_problem(response, invalid(response, ("queries.dimensions", C.CODE_REQUIRED,
                                                "a timestamp dimension is required")))


def test_unsupported_media_type(client: FlaskClient) -> None:
    response = client.post("/api/analytics/reports", data="queries=1", headers=API,
                           content_type="application/x-www-form-urlencoded")
    assert_problem(response, problem(response, 415, "Content-Type must be application/json."))


def test_analytics_budget_10_per_minute_and_55_per_day(client: FlaskClient, mock: MockContext) -> None:
    sent = 0
    for _minute in range(6):
        for _ in range(10):
            if sent == 55:
                break
            assert call(client, "POST", "/analytics/reports", json=_query(), contract=False).status_code == 200
            sent += 1
        if sent < 55:
            response = call(client, "POST", "/analytics/statistics", json={})
            assert_problem(response, problem(response, 429, C.DETAIL_RATE.format(limit=10, window="minute"),
                                             retryAfter=60))
        mock.clock.advance(60)
    response = call(client, "POST", "/analytics/reports", json=_query())
    assert_problem(response, problem(response, 429, C.DETAIL_RATE.format(limit=55, window="24 hours"),
                                     retryAfter=24 * 3600 - 6 * 60))


def test_form_reports(client: FlaskClient) -> None:
    forms = call(client, "GET", "/forms", contract=False).get_json()
    assert [f["id"] for f in forms["forms"]] == [FORM]
    report = call(client, "GET", f"/forms/{FORM}/report", contract=False,
                  query="createdAtFrom=2025-12-01T00:00:00Z&createdAtTo=2025-12-31T23:59:59Z").get_json()
    assert report["statistics"] == {"views": 4, "interactions": 2, "submits": 2, "signups": 2}
    assert set(report["statisticsByDevice"]) == {"desktop", "mobile", "tablet"}
    periodic = call(client, "GET", f"/forms/{FORM}/report/periodic", contract=False,
                    query="createdAtFrom=2025-12-01T00:00:00Z&createdAtTo=2025-12-31T23:59:59Z").get_json()
    assert periodic["granularity"] == "day" and sum(r["views"] for r in periodic["rows"]) == 4
    hourly = call(client, "GET", f"/forms/{FORM}/report/periodic", contract=False,
                  query="createdAtFrom=2025-12-01T00:00:00Z&createdAtTo=2025-12-31T23:59:59Z&granularity=hour")
    assert_problem(hourly, invalid(hourly, ("granularity", C.CODE_VALUE, M.ERR_GRANULARITY.format(
        granularity="hour"))))
    people = call(client, "GET", f"/forms/{FORM}/contacts", contract=False).get_json()
    assert {p["email"] for p in people["contacts"]} == {"jonas.kazlauskas@example.com", "anna.petraite@example.com"}
    assert people["paging"]["limit"] == 250
    ab = call(client, "GET", f"/forms/{FORM}/ab-setup-reports", contract=False).get_json()
    assert ab["reports"][0]["winner"] == "B"
    assert [v["splitValue"] for v in ab["reports"][0]["versionStatistics"]] == ["A", "B"]
    missing = call(client, "GET", f"/forms/{'0' * 24}/ab-setup-reports", contract=False)
    assert_problem(missing, problem(missing, 404, M.ERR_FORM_NOT_FOUND))
    assert call(client, "GET", "/forms", headers=READONLY, contract=False).status_code == 200
