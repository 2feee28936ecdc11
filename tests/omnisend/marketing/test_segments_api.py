"""2026 segments backend (§5.8): the rule model against data made in the test, CRUD rules, 409s."""

from __future__ import annotations

from typing import Any

import pytest

from mock_server.core.context import MockContext
from mock_server.core.errors import NotFound, ValidationFailed
from mock_server.omnisend import marketing_constants as M
from mock_server.omnisend.backend import contacts as contact_rules
from mock_server.omnisend.backend import segments, segments_api
from mock_server.omnisend.backend.problems import Conflict
from tests.omnisend.marketing.helpers import brand_of, contact, empty_brand, event


def _rule(*conditions: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"conditions": list(conditions)}]


def _contact_cond(*filters: dict[str, Any], junction: str = "and") -> dict[str, Any]:
    return {"entity": "contact", "junction": junction, "filters": list(filters)}


@pytest.fixture
def people(mock: MockContext) -> dict[str, str]:
    brand = empty_brand(mock)
    return {
        "us_vip": contact(brand, "a@example.com", firstName="Ann", countryCode="US", country="United States",
                          tags=["vip"], customProperties={"points": 150}),
        "lt": contact(brand, "b@example.com", firstName="Bob", countryCode="LT", country="Lithuania",
                      customProperties={"points": 20}),
        "unsub": contact(brand, "c@example.com", status="unsubscribed", countryCode="US", tags=["vip"]),
    }


@pytest.mark.parametrize(("filters", "expected"), [
    ([{"property": "country", "operator": "anyOf", "value": ["US"]}], ["us_vip", "unsub"]),
    ([{"property": "tags", "operator": "contains", "value": "vip"}], ["us_vip", "unsub"]),
    ([{"property": "tags", "operator": "doesNotExist"}], ["lt"]),
    ([{"property": "subscriptionStatus", "channels": ["email"], "operator": "equals", "value": "subscribed"}],
     ["us_vip", "lt"]),
    ([{"property": "custom", "name": "points", "valueType": "number", "operator": "moreThan", "value": 100}],
     ["us_vip"]),
    ([{"property": "firstName", "operator": "startsWith", "value": "b"}], ["lt"]),
    ([{"property": "country", "operator": "anyOf", "value": ["US"]},
      {"property": "subscriptionStatus", "channels": ["email"], "operator": "equals", "value": "subscribed"}],
     ["us_vip"]),
])
def test_contact_filters_select_the_matching_contacts(mock: MockContext, people: dict[str, str],
                                                     filters: list[dict[str, Any]], expected: list[str]) -> None:
    brand = brand_of(mock)
    created = segments_api.create(brand, {"name": "s", "conditionGroups": _rule(_contact_cond(*filters))})
    assert segments_api.members(brand, created["segmentID"]) == [people[k] for k in expected]
    assert segments_api.statistics(brand, created["segmentID"]) == {"contactsCount": len(expected)}


def test_groups_are_ored_and_conditions_anded(mock: MockContext, people: dict[str, str]) -> None:
    brand = brand_of(mock)
    groups = [{"conditions": [_contact_cond({"property": "firstName", "operator": "equals", "value": "Ann"})]},
              {"conditions": [_contact_cond({"property": "country", "operator": "anyOf", "value": ["LT"]}),
                              _contact_cond({"property": "tags", "operator": "doesNotExist"})]}]
    created = segments_api.create(brand, {"name": "or", "conditionGroups": groups})
    assert segments_api.members(brand, created["segmentID"]) == [people["us_vip"], people["lt"]]


def test_event_filters_count_logged_events_in_the_period(mock: MockContext, people: dict[str, str]) -> None:
    brand = brand_of(mock)
    rule = _rule({"entity": "event", "junction": "and", "filters": [
        {"name": "opened message", "operator": "has", "count": "atLeast", "value": 2,
         "period": {"operator": "inTheLast", "unit": "days", "value": 7}}]})
    created = segments_api.create(brand, {"name": "openers", "conditionGroups": rule})
    assert segments_api.members(brand, created["segmentID"]) == []
    event(brand, "b@example.com", "opened message")
    assert segments_api.statistics(brand, created["segmentID"]) == {"contactsCount": 0}
    event(brand, "b@example.com", "opened message")
    assert segments_api.members(brand, created["segmentID"]) == [people["lt"]]
    mock.clock.advance(8 * 86400)  # both opens fall out of the 7-day window
    assert segments_api.members(brand, created["segmentID"]) == []


def test_total_spent_comes_from_paid_orders(mock: MockContext, people: dict[str, str]) -> None:
    brand = brand_of(mock)
    rule = _rule(_contact_cond({"property": "totalSpent", "operator": "moreThan", "value": 50}))
    created = segments_api.create(brand, {"name": "spenders", "conditionGroups": rule})
    event(brand, "a@example.com", "paid for order", {"orderID": "o1", "totalPrice": 30.0})
    assert segments_api.members(brand, created["segmentID"]) == []
    event(brand, "a@example.com", "paid for order", {"orderID": "o2", "totalPrice": 30.5})
    assert segments_api.members(brand, created["segmentID"]) == [people["us_vip"]]


def test_membership_follows_contact_changes_and_shows_on_the_contact(mock: MockContext,
                                                                     people: dict[str, str]) -> None:
    brand = brand_of(mock)
    rule = _rule(_contact_cond({"property": "tags", "operator": "contains", "value": "gold"}))
    segment_id = segments_api.create(brand, {"name": "gold", "conditionGroups": rule})["segmentID"]
    assert segments_api.statistics(brand, segment_id) == {"contactsCount": 0}
    contact_rules.patch(brand, people["lt"], {"tags": ["gold"]})
    assert segments_api.statistics(brand, segment_id) == {"contactsCount": 1}
    assert segment_id in contact_rules.get(brand, people["lt"])["segments"]
    assert segments.members(brand, segment_id) == [people["lt"]]  # v3 segmentID filter, campaign audiences


@pytest.mark.parametrize(("body", "problems"), [
    ({"conditionGroups": []}, [(("name",), "required")]),
    ({"name": "x" * 257, "conditionGroups": []}, [(("name",), "must be at most 256 characters")]),
    ({"name": "n"}, [(("conditionGroups",), "required")]),
    ({"name": "n", "conditionGroups": [{"conditions": [{"entity": "planet", "filters": [{}]}]}]},
     [(("conditionGroups", "conditions", "entity"), "invalid value, allowed values: contact, event"),
      (("conditionGroups", "conditions", "filters", "property"), "invalid value: unknown contact property"),
      (("conditionGroups", "conditions", "filters", "operator"),
       f"invalid value, allowed values: {', '.join(M.CONTACT_OPERATORS)}"),
      (("conditionGroups", "conditions", "filters", "value"), "required")]),
])
def test_invalid_bodies_report_every_problem(mock: MockContext, body: dict[str, Any],
                                             problems: list[Any]) -> None:
    brand = empty_brand(mock)
    with pytest.raises(ValidationFailed) as caught:
        segments_api.create(brand, body)
    assert caught.value.problems == problems
    assert len(brand.col(segments_api.COLLECTION)) == 0


def test_a_building_segment_refuses_update_and_delete_until_built(mock: MockContext) -> None:
    brand = empty_brand(mock)
    brand.config.setdefault("settings", {})["segmentBuildSeconds"] = 30
    rule = _rule(_contact_cond({"property": "tags", "operator": "exists"}))
    created = segments_api.create(brand, {"name": "slow", "conditionGroups": rule})
    assert created["status"] == "building"
    with pytest.raises(Conflict) as caught:
        segments_api.replace(brand, created["segmentID"], {"name": "new", "conditionGroups": rule})
    assert caught.value.message == M.ERR_SEGMENT_BUILDING_UPDATE
    with pytest.raises(Conflict) as caught:
        segments_api.delete(brand, created["segmentID"])
    assert caught.value.message == M.ERR_SEGMENT_BUILDING_DELETE
    mock.clock.advance(30)
    assert segments_api.get(brand, created["segmentID"])["status"] == "ready"
    assert segments_api.replace(brand, created["segmentID"], {"name": "new", "conditionGroups": rule})["name"] == "new"


def test_unknown_segments_are_404(mock: MockContext) -> None:
    brand = empty_brand(mock)
    for call in (lambda: segments_api.get(brand, "0" * 24), lambda: segments_api.delete(brand, "0" * 24),
                 lambda: segments_api.statistics(brand, "0" * 24)):
        with pytest.raises(NotFound) as caught:
            call()
        assert caught.value.message == M.ERR_SEGMENT_NOT_FOUND.format(id="0" * 24)
