"""/api/segments (reference 2026 §5.8): documented answers, whole problem bodies, contract checks, live
membership from data written through the API, and the segment budgets (100 and 15 per minute)."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from mock_server.core.context import MockContext
from mock_server.omnisend import marketing_constants as M
from mock_server.omnisend.v2026 import constants as C
from tests.conftest import BRAND_ID
from tests.omnisend.v2026.helpers import READONLY, assert_problem, call, invalid, problem

VIP = "6720a0000000000000000001"  # fixture: tagged vip and subscribed to email
RULE = {"name": "Gold tag", "conditionGroups": [{"conditions": [{"entity": "contact", "junction": "and", "filters": [
    {"property": "tags", "operator": "contains", "value": "gold"}]}]}]}


def _contact(client: FlaskClient, email: str, tags: list[str]) -> str:
    body = {"identifiers": [{"type": "email", "id": email, "channels": {"email": {"status": "subscribed"}}}],
            "tags": tags}
    response = call(client, "POST", "/contacts", json=body)
    assert response.status_code == 201, response.get_data(as_text=True)
    return str(response.get_json()["id"])


def test_fixture_segments_list_newest_first_ten_per_page(client: FlaskClient) -> None:
    body = call(client, "GET", "/segments").get_json()
    assert [s["name"] for s in body["segments"]] == ["Bought in the last 90 days", "Shoppers in Lithuania",
                                                    "VIP email subscribers"]
    assert body["paging"] == {"limit": 10, "hasMore": False, "cursors": {"after": None, "before": None}}
    assert body["segments"][2]["status"] == "ready" and body["segments"][2]["isStarred"] is False


def test_paging_by_name_ascending(client: FlaskClient) -> None:
    first = call(client, "GET", "/segments", query="limit=2&sort=name&direction=asc").get_json()
    assert [s["name"] for s in first["segments"]] == ["Bought in the last 90 days", "Shoppers in Lithuania"]
    assert first["paging"]["hasMore"] is True
    after = first["paging"]["cursors"]["after"]
    rest = call(client, "GET", "/segments", query=f"after={after}").get_json()
    assert [s["name"] for s in rest["segments"]] == ["VIP email subscribers"]


def test_limit_bounds(client: FlaskClient) -> None:
    assert call(client, "GET", "/segments", query="limit=50").status_code == 200
    response = call(client, "GET", "/segments", query="limit=51", contract=False)
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "limit"


def test_create_read_statistics_follow_the_data(client: FlaskClient) -> None:
    created = call(client, "POST", "/segments", json=RULE)
    assert created.status_code == 201
    segment = created.get_json()
    assert (segment["name"], segment["status"], segment["archivedAt"]) == ("Gold tag", "ready", None)
    path = f"/segments/{segment['segmentID']}"
    assert call(client, "GET", f"{path}/statistics").get_json() == {"contactsCount": 0}
    contact_id = _contact(client, "gold@example.com", ["gold"])
    _contact(client, "plain@example.com", ["plain"])
    assert call(client, "GET", f"{path}/statistics").get_json() == {"contactsCount": 1}
    listed = call(client, "GET", "/contacts", query=f"segmentID={segment['segmentID']}").get_json()
    assert [c["id"] for c in listed["contacts"]] == [contact_id]
    assert call(client, "GET", path).get_json() == segment


def test_statistics_of_a_fixture_segment(client: FlaskClient) -> None:
    # Fixture contacts tagged vip and subscribed to email: Anna and Marta (…d000, …d004).
    assert call(client, "GET", f"/segments/{VIP}/statistics").get_json() == {"contactsCount": 2}


def test_replace_and_delete(client: FlaskClient) -> None:
    segment_id = call(client, "POST", "/segments", json=RULE).get_json()["segmentID"]
    replaced = call(client, "PUT", f"/segments/{segment_id}", json={**RULE, "name": "Renamed"})
    assert replaced.status_code == 200 and replaced.get_json()["name"] == "Renamed"
    assert call(client, "DELETE", f"/segments/{segment_id}").status_code == 204
    missing = call(client, "GET", f"/segments/{segment_id}")
    assert_problem(missing, problem(missing, 404, M.ERR_SEGMENT_NOT_FOUND.format(id=segment_id)))


def test_validation_problem_lists_every_field(client: FlaskClient) -> None:
    response = call(client, "POST", "/segments", json={"conditionGroups": [{"conditions": [
        {"entity": "contact", "filters": [{"property": "tag", "operator": "contains", "value": "x"}]}]}]})
    assert_problem(response, invalid(
        response, ("name", C.CODE_REQUIRED, "required"),
        ("conditionGroups.conditions.filters.property", C.CODE_VALUE, "invalid value: unknown contact property")))


def test_building_segment_conflicts(client: FlaskClient, mock: MockContext) -> None:
    tenant = mock.tenant("omnisend", BRAND_ID)
    assert tenant is not None
    with tenant.lock:  # a writer: in Redis mode its release commits the settings for every process
        tenant.config.setdefault("settings", {})["segmentBuildSeconds"] = 60
    segment_id = call(client, "POST", "/segments", json=RULE).get_json()["segmentID"]
    response = call(client, "PUT", f"/segments/{segment_id}", json=RULE)
    assert_problem(response, problem(response, 409, M.ERR_SEGMENT_BUILDING_UPDATE))
    response = call(client, "DELETE", f"/segments/{segment_id}")
    assert_problem(response, problem(response, 409, M.ERR_SEGMENT_BUILDING_DELETE))
    mock.clock.advance(60)
    assert call(client, "DELETE", f"/segments/{segment_id}").status_code == 204


def test_readonly_key_cannot_write(client: FlaskClient) -> None:
    response = call(client, "POST", "/segments", json=RULE, headers=READONLY)
    assert_problem(response, problem(response, 403, C.DETAIL_FORBIDDEN.format(scope="segments.write")))
    assert call(client, "GET", "/segments", headers=READONLY).status_code == 200


def _burst(client: FlaskClient, method: str, path: str, count: int, body: Any = None) -> None:
    for n in range(count):
        assert call(client, method, path, json=body, contract=False).status_code < 400, n


def test_write_budget_15_per_minute(client: FlaskClient, mock: MockContext) -> None:
    _burst(client, "POST", "/segments", 15, RULE)
    response = call(client, "POST", "/segments", json=RULE)
    assert_problem(response, problem(response, 429, C.DETAIL_RATE.format(limit=15, window="minute"), retryAfter=60))
    assert call(client, "GET", "/segments").status_code == 200  # reads count in their own budget
    mock.clock.advance(60)
    assert call(client, "POST", "/segments", json=RULE).status_code == 201


def test_read_budget_100_per_minute(client: FlaskClient) -> None:
    _burst(client, "GET", f"/segments/{VIP}", 100)
    response = call(client, "GET", "/segments")
    assert_problem(response, problem(response, 429, C.DETAIL_RATE.format(limit=100, window="minute"), retryAfter=60))
    assert call(client, "GET", "/contacts", query="limit=1").status_code == 200
