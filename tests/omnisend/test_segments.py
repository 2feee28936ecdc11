"""Segments (omnisend.md §6.6): fixture rules, contact ``segments``, the ``segmentID`` filter."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_server.core.context import MockContext
from mock_server.core.errors import ValidationFailed
from mock_server.omnisend.backend import Brand, segments, segments_api
from tests.conftest import BRAND_ID, OMNISEND

D = "65b2a0c1d2e3f4a5b6c7d00"  # contact ids end in 0..b, in creation order
ALL = [D + c for c in "0123456789ab"]


def _ids(client: FlaskClient, query: str) -> list[str]:
    body = client.get(f"/v3/contacts?{query}", headers=OMNISEND).get_json()
    return [c["contactID"] for c in body["contacts"]]


def _brand(mock: MockContext) -> Brand:
    tenant = mock.tenant("omnisend", BRAND_ID)
    assert tenant is not None
    return Brand(mock, tenant)


def _install(mock: MockContext, *conditions: dict[str, Any], match: str = "all") -> str:
    brand = _brand(mock)
    with brand.tenant.lock:  # a writer: in Redis mode its release commits the settings for every process
        brand.config["segments"] = [*brand.config["segments"],
                                    {"segmentID": "seg-test", "name": "test", "match": match,
                                     "conditions": list(conditions)}]
    return "seg-test"


@pytest.mark.parametrize(("segment", "members"), [
    ("seg-vip", [D + "4", D + "0"]),
    ("seg-loyal", [D + "9", D + "5", D + "1"]),
    ("seg-recent-buyers", [D + "9", D + "1"]),
])
def test_fixture_segments_filter_contacts_newest_first(client: FlaskClient, segment: str,
                                                       members: list[str]) -> None:
    assert _ids(client, f"segmentID={segment}") == members


def test_unknown_segment_is_an_empty_list(client: FlaskClient) -> None:
    response = client.get("/v3/contacts?segmentID=nope", headers=OMNISEND)
    assert response.status_code == 200
    assert response.get_json() == {"contacts": [], "paging": {"previous": None, "next": None, "offset": 0,
                                                              "limit": 100}}


def test_segment_filter_works_on_v5_and_with_other_filters(client: FlaskClient) -> None:
    assert _ids(client, "segmentID=seg-loyal&tag=hiking") == [D + "9"]
    body = client.get("/v5/contacts?segmentID=seg-vip", headers=OMNISEND).get_json()
    assert [c["contactID"] for c in body["contacts"]] == [D + "4", D + "0"]


def test_segment_filter_paging_follows_links(client: FlaskClient) -> None:
    url: str | None = "/v3/contacts?segmentID=seg-loyal&limit=2"
    seen: list[str] = []
    pages = 0
    while url:
        body = client.get(url, headers=OMNISEND).get_json()
        seen += [c["contactID"] for c in body["contacts"]]
        url = body["paging"]["next"]
        if url:
            assert "segmentID=seg-loyal" in url
        pages += 1
    assert pages == 2
    assert seen == [D + "9", D + "5", D + "1"]


# The default brand's 2026 API segments (fixtures/omnisend/demo/apiSegments.json) are the brand's segments
# too: VIP email subscribers, shoppers in Lithuania, bought in the last 90 days.
API_VIP, API_LT, API_BUYERS = (f"6720a000000000000000000{n}" for n in "123")


def test_contact_output_lists_segments_in_fixture_order(client: FlaskClient) -> None:
    jonas = client.get(f"/v3/contacts/{D}1", headers=OMNISEND).get_json()
    assert jonas["segments"] == ["seg-loyal", "seg-recent-buyers", API_LT, API_BUYERS]
    anna = client.get(f"/v3/contacts/{D}0", headers=OMNISEND).get_json()
    assert anna["segments"] == ["seg-vip", API_VIP, API_LT]
    assert client.get(f"/v3/contacts/{D}2", headers=OMNISEND).get_json()["segments"] == [API_LT]


def test_within_days_follows_the_mock_clock(client: FlaskClient, mock: MockContext) -> None:
    # Jonas paid on 2025-12-20, Darius on 2025-12-28; the window is 30 days back from the clock.
    mock.clock.advance(20 * 86400)
    assert _ids(client, "segmentID=seg-recent-buyers") == [D + "9"]
    mock.clock.advance(10 * 86400)
    assert _ids(client, "segmentID=seg-recent-buyers") == []


def test_v5_event_makes_a_contact_a_member(client: FlaskClient) -> None:
    event = {"eventName": "paid for order", "origin": "api", "eventVersion": "v2",
             "contact": {"email": "greta.jankute@example.com"}, "properties": {"orderID": "o-9"}}
    assert client.post("/v5/events", json=event, headers=OMNISEND).status_code == 202
    assert _ids(client, "segmentID=seg-recent-buyers") == [D + "9", D + "2", D + "1"]
    assert client.get(f"/v3/contacts/{D}2", headers=OMNISEND).get_json()["segments"] == [
        "seg-recent-buyers", API_LT, API_BUYERS]


def test_v3_custom_event_triggers_count(client: FlaskClient, mock: MockContext) -> None:
    seg = _install(mock, {"event": "Trail review submitted", "op": "count_gte", "value": 2})
    for _ in range(2):
        client.post("/v3/events/66a0e0f0a1b2c3d4e5f60002", json={"email": "rasa.urbonaite@example.com",
                                                                  "fields": {"rating": 5}}, headers=OMNISEND)
    assert _ids(client, f"segmentID={seg}") == [D + "8"]


def test_count_eq_zero_means_has_not_done(client: FlaskClient, mock: MockContext) -> None:
    seg = _install(mock, {"event": "paid for order", "op": "count_eq", "value": 0},
                   {"field": "tags", "op": "contains", "value": "vip"})
    # Marta (d4) paid long ago (no window), so only the other vip contacts qualify.
    assert _ids(client, f"segmentID={seg}") == [D + "a", D + "6", D + "0"]


@pytest.mark.parametrize(("condition", "members"), [
    ({"field": "status", "op": "eq", "value": "unsubscribed"}, ["2", "6", "a"]),
    ({"field": "status", "op": "neq", "value": "subscribed"}, ["2", "3", "6", "7", "a", "b"]),
    ({"field": "email", "op": "in", "value": ["greta.jankute@example.com", "rasa.urbonaite@example.com"]},
     ["2", "8"]),
    ({"field": "tags", "op": "contains", "value": "camping"}, ["5", "b"]),
    ({"field": "email", "op": "contains", "value": "auskas"}, ["1", "5", "7", "9", "b"]),
    ({"field": "phone", "op": "exists"}, ["0", "3", "6", "9"]),
    ({"field": "tags", "op": "not_exists"}, ["2", "8"]),
    ({"field": "customProperties.loyaltyPoints", "op": "gt", "value": 150}, ["9"]),
    ({"field": "customProperties.loyaltyPoints", "op": "gte", "value": 150}, ["5", "9"]),
    ({"field": "customProperties.loyaltyPoints", "op": "lt", "value": 150}, ["1"]),
    ({"field": "customProperties.loyaltyPoints", "op": "lte", "value": 150}, ["1", "5"]),
    ({"field": "createdAt", "op": "gte", "value": "2024-02-11"}, ["a", "b"]),
])
def test_field_operators(client: FlaskClient, mock: MockContext, condition: dict[str, Any],
                         members: list[str]) -> None:
    seg = _install(mock, condition)
    assert sorted(_ids(client, f"segmentID={seg}")) == [D + m for m in members]


def test_match_any(client: FlaskClient, mock: MockContext) -> None:
    seg = _install(mock, {"field": "tags", "op": "contains", "value": "hiking"},
                   {"field": "customProperties.loyaltyPoints", "op": "exists"}, match="any")
    assert sorted(_ids(client, f"segmentID={seg}")) == [D + "1", D + "3", D + "5", D + "9"]


def test_segments_are_evaluated_on_every_read(client: FlaskClient) -> None:
    assert _ids(client, "segmentID=seg-vip") == [D + "4", D + "0"]
    client.patch(f"/v3/contacts/{D}8", json={"tags": ["vip"]}, headers=OMNISEND)
    assert _ids(client, "segmentID=seg-vip") == [D + "8", D + "4", D + "0"]


def test_backend_members_and_describe(mock: MockContext) -> None:
    brand = _brand(mock)
    assert segments.members(brand, "seg-loyal") == [D + "1", D + "5", D + "9"]
    assert segments.members(brand, "nope") == []
    assert segments.describe(brand)[0] == {"segmentID": "seg-vip", "name": "VIP subscribers",
                                           "description": "Tagged vip and subscribed to email", "memberCount": 2,
                                           "creationDate": "2024-03-01"}


def test_segments_are_not_served_under_the_api(client: FlaskClient) -> None:
    assert client.get("/v3/segments", headers=OMNISEND).status_code == 404


@pytest.mark.parametrize(("definitions", "path", "message"), [
    ([{"name": "x", "conditions": []}], ("segments", 0, "segmentID"), "field required but not found in Json"),
    ([{"segmentID": "a", "conditions": []}, {"segmentID": "a", "conditions": []}], ("segments", 1, "segmentID"),
     "duplicate segmentID 'a'"),
    ([{"segmentID": "a", "match": "most", "conditions": []}], ("segments", 0, "match"),
     "invalid value, allowed values: all, any"),
    ([{"segmentID": "a", "conditions": [{"field": "segments", "op": "eq", "value": 1}]}],
     ("segments", 0, "conditions", 0, "field"), "unknown contact field 'segments'"),
    ([{"segmentID": "a", "conditions": [{"field": "tags", "op": "like", "value": 1}]}],
     ("segments", 0, "conditions", 0, "op"),
     "invalid value, allowed values: eq, neq, in, contains, exists, not_exists, gt, gte, lt, lte"),
    ([{"segmentID": "a", "conditions": [{"event": "x", "op": "count_gte", "value": -1}]}],
     ("segments", 0, "conditions", 0, "value"), "must be an integer >= 0"),
    ([{"segmentID": "a", "conditions": [{"event": "x", "op": "count_gte", "value": 1, "withinDays": 0}]}],
     ("segments", 0, "conditions", 0, "withinDays"), "must be a number > 0"),
])
def test_bad_fixture_rules_are_rejected(definitions: list[dict[str, Any]], path: tuple[Any, ...],
                                        message: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        segments.validate_definitions(definitions)
    assert caught.value.problems == [(path, message)]


def test_compiled_rules_answer_as_matches_does(mock: MockContext) -> None:
    # segments_for compiles each definitions list once (issue 14); every operator, both match kinds, odd
    # values and event conditions give the outcome of matches() on every contact.
    conditions: list[dict[str, Any]] = [
        {"field": "status", "op": "eq", "value": "unsubscribed"}, {"field": "status", "op": "neq", "value": "x"},
        {"field": "email", "op": "in", "value": ["greta.jankute@example.com"]},
        {"field": "tags", "op": "contains", "value": "camping"}, {"field": "tags", "op": "contains", "value": 3},
        {"field": "email", "op": "contains", "value": "auskas"}, {"field": "phone", "op": "exists"},
        {"field": "tags", "op": "not_exists"}, {"field": "firstName", "op": "eq", "value": ""},
        {"field": "customProperties.loyaltyPoints", "op": "gt", "value": 150},
        {"field": "customProperties.loyaltyPoints", "op": "lte", "value": "150"},
        {"field": "createdAt", "op": "gte", "value": "2024-02-11"}, {"field": "statuses", "op": "exists"},
        {"event": "paid for order", "op": "count_gte", "value": 1, "withinDays": 30},
        {"event": "paid for order", "op": "count_eq", "value": 0},
    ]
    rules = [{"segmentID": f"s{i}-{match}", "match": match, "conditions": [c, conditions[-1 - i]]}
             for i, c in enumerate(conditions) for match in ("all", "any")]
    rules += [{"segmentID": "none-all", "match": "all", "conditions": []},
              {"segmentID": "none-any", "match": "any", "conditions": []}]
    brand = _brand(mock)
    with brand.tenant.lock:
        brand.config["segments"] = rules
    contacts = list(brand.col("contacts").values())
    assert contacts
    for record in contacts:
        expected = [s["segmentID"] for s in rules if segments.matches(brand, record, s)]
        assert segments.segments_for(brand, record)[:len(expected)] == expected
        assert segments.segments_for(brand, record)[len(expected):] == [
            s for s in segments_api.segments_of(brand, record)]
    assert {s for record in contacts for s in segments.segments_for(brand, record)} > {"none-all"}
