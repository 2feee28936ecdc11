"""Lists (ometria.md §3.6, §6.7, §7.2, §7.3)."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_server.core.context import MockContext, Settings
from tests.conftest import LIVE, STAGING, snapshot
from tests.ometria.profile_helpers import profile_by_email, push, push_order

LIST_KEYS = ["@type", "id", "title", "description", "size", "status", "type", "timestamp_created",
             "timestamp_last_refreshed", "timestamp_stats_updated", "total_orders", "total_revenue"]


@pytest.fixture
def settings(store_url: str) -> Settings:
    """Rate limits off for the functional tests (the limit test switches them back on)."""
    return Settings(seed=1234, freeze_clock=True, rate_limits=False, store=store_url)


def error(message: str) -> dict[str, str]:
    return {"status": "ERROR", "message": message}


def get(client: FlaskClient, path: str, headers: dict[str, str] = STAGING, **query: Any) -> Any:
    response = client.get(path, headers=headers, query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_static_list_shape(client: FlaskClient) -> None:
    body = get(client, "/v2/lists/1001")
    assert list(body) == LIST_KEYS
    assert body == {
        "@type": "list", "id": "1001", "title": "Newsletter VIPs",
        "description": "Hand-picked newsletter subscribers", "size": 2, "status": "READY", "type": "STATIC",
        "timestamp_created": "2025-02-01T09:00:00+00:00", "timestamp_last_refreshed": "2025-02-01T09:00:00+00:00",
        "timestamp_stats_updated": "2026-01-01T00:00:00.000Z", "total_orders": 0, "total_revenue": 0,
    }


def test_dynamic_list_is_evaluated_on_read(client: FlaskClient, mock: MockContext) -> None:
    body = get(client, "/v2/lists/1002")
    assert (body["type"], body["size"]) == ("DYNAMIC", 2)  # customers 1 and 5: gold and opted in
    mock.clock.advance(10)
    push(client, STAGING, {"id": "g1", "email": "gold@example.com", "marketing_optin": "EXPLICITLY_OPTEDIN",
                           "properties": {"tier": "gold"}})
    body = get(client, "/v2/lists/1002")
    assert body["size"] == 3
    assert body["timestamp_last_refreshed"] == body["timestamp_stats_updated"] == "2026-01-01T00:00:10.000Z"
    profile = profile_by_email(client, STAGING, "gold@example.com")
    assert {"id": "1002", "title": "Gold tier, opted in", "type": "DYNAMIC"} in profile["lists"]
    changes = get(client, "/v2/lists/1002/changes")
    assert changes == [{"type": "list_enter", "profile_id": profile["id"], "email": "gold@example.com",
                        "timestamp": "2026-01-01T00:00:10.000Z"}]
    mock.clock.advance(10)
    push(client, STAGING, {"id": "g1", "marketing_optin": "EXPLICITLY_OPTEDOUT"})
    changes = get(client, "/v2/lists/1002/changes")
    assert changes[1] == {"type": "list_exit", "profile_id": profile["id"], "email": "gold@example.com",
                          "timestamp": "2026-01-01T00:00:20.000Z"}
    assert get(client, "/v2/lists/1002")["size"] == 2


def test_list_totals_count_valid_orders_of_members(client: FlaskClient) -> None:
    push_order(client, "o1", customer={"id": "staging-cust-1"}, grand_total=10.1, timestamp="2025-01-01T00:00:00Z")
    push_order(client, "o2", customer={"id": "staging-cust-5"}, grand_total=5.2, timestamp="2025-01-01T00:00:00Z")
    push_order(client, "o3", customer={"id": "staging-cust-5"}, grand_total=100, is_valid=False,
               timestamp="2025-01-02T00:00:00Z")
    push_order(client, "o4", customer={"id": "staging-cust-2"}, grand_total=7, timestamp="2025-01-03T00:00:00Z")
    body = get(client, "/v2/lists/1001")
    assert (body["total_orders"], body["total_revenue"]) == (2, 15.3)


def test_add_and_remove_static_membership(client: FlaskClient, mock: MockContext) -> None:
    mock.clock.advance(5)
    push(client, STAGING, {"@collection": "default", "id": "staging-c2", "@add_to_lists": ["1001", 1003]})
    profile = profile_by_email(client, STAGING, "customer2@staging.example.com")
    assert [entry["id"] for entry in profile["lists"]] == ["1001", "1003"]
    body = get(client, "/v2/lists/1001")
    assert body["size"] == 3
    assert body["timestamp_last_refreshed"] == "2026-01-01T00:00:05.000Z"
    mock.clock.advance(5)
    push(client, STAGING, {"@collection": "default", "id": "staging-c2", "@remove_from_lists": [1001],
                           "@add_to_lists": ["1001"]})
    # Adds are applied before removes (mock decision).
    assert get(client, "/v2/lists/1001")["size"] == 2
    assert get(client, "/v2/lists/1001/changes") == [
        {"type": "list_enter", "profile_id": profile["id"], "email": "customer2@staging.example.com",
         "timestamp": "2026-01-01T00:00:05.000Z"},
        {"type": "list_exit", "profile_id": profile["id"], "email": "customer2@staging.example.com",
         "timestamp": "2026-01-01T00:00:10.000Z"},
    ]
    # A repeated add of a member or remove of a non-member changes nothing.
    push(client, STAGING, {"@collection": "default", "id": "staging-c1", "@add_to_lists": ["1001"],
                           "@remove_from_lists": ["1003"]})
    assert len(get(client, "/v2/lists/1001/changes")) == 2
    contact = get(client, "/v2/contacts/default/staging-c2")
    assert "@add_to_lists" not in contact and "@remove_from_lists" not in contact


@pytest.mark.parametrize(("key", "ids", "bad"), [
    ("@add_to_lists", ["1001", "9999"], [1]),
    ("@add_to_lists", ["1002"], [0]),  # DYNAMIC
    ("@remove_from_lists", [True, "1001", 1002], [0, 2]),
])
def test_list_operations_on_unknown_or_dynamic_lists_are_processing_errors(
        client: FlaskClient, key: str, ids: list[Any], bad: list[int]) -> None:
    answer = push(client, STAGING, {"id": "lx", "email": "lx@example.com", key: ids})
    assert (answer["accepted"], answer["rejected"]) == (1, 0)
    errors = get(client, "/v2/push/_errors")
    assert [(e["error_path"], e["error_message"], e["record_id"]) for e in reversed(errors)] == [
        (f"root > {key} > {i}", "not a valid value", "lx") for i in bad]
    # Nothing of the record was applied.
    assert client.get("/v2/contacts/default/lx", headers=STAGING).status_code == 404
    assert get(client, "/v2/lists/1001")["size"] == 2


def test_list_operations_not_an_array(client: FlaskClient) -> None:
    push(client, STAGING, {"id": "lx", "email": "lx@example.com", "@add_to_lists": "1001"})
    errors = get(client, "/v2/push/_errors")
    assert [(e["error_path"], e["error_message"]) for e in errors] == [("root > @add_to_lists", "not a valid value")]


def test_merged_profiles_keep_static_membership(client: FlaskClient) -> None:
    push(client, STAGING, {"@collection": "x", "id": "b", "customer_id": "staging-cust-2",
                           "email": "customer5@staging.example.com"})
    body = get(client, "/v2/lists/1001")
    assert body["size"] == 2  # customer 5 (a member) merged into customer 2's older profile
    survivor = profile_by_email(client, STAGING, "customer2@staging.example.com")
    assert {"id": "1001", "title": "Newsletter VIPs", "type": "STATIC"} in survivor["lists"]


@pytest.mark.parametrize(("mode", "ids"), [(None, ["1001", "1002"]), ("active", ["1001", "1002"]),
                                           ("archived", ["1003"]), ("all", ["1001", "1002", "1003"])])
def test_list_modes(client: FlaskClient, mode: str | None, ids: list[str]) -> None:
    query = {} if mode is None else {"mode": mode}
    assert [entry["id"] for entry in get(client, "/v2/lists", **query)] == ids


def test_list_paging(client: FlaskClient) -> None:
    assert [e["id"] for e in get(client, "/v2/lists", mode="all", limit=2)] == ["1001", "1002"]
    assert [e["id"] for e in get(client, "/v2/lists", mode="all", limit=2, offset=2)] == ["1003"]
    assert get(client, "/v2/lists", mode="all", offset=3) == []


@pytest.mark.parametrize(("path", "name"), [
    ("/v2/lists?mode=deleted", "mode"), ("/v2/lists?limit=251", "limit"), ("/v2/lists?limit=0", "limit"),
    ("/v2/lists?orderby=title", "orderby"), ("/v2/lists/1001/changes?since=soon", "since"),
    ("/v2/lists/1001/changes?offset=x", "offset"), ("/v2/lists/9999/changes?since=bad", "since"),
])
def test_bad_query_values(client: FlaskClient, mock: MockContext, path: str, name: str) -> None:
    before = snapshot(mock)
    response = client.get(path, headers=STAGING)
    assert response.status_code == 400
    assert response.get_json() == error(f"Invalid value for parameter '{name}'")
    assert snapshot(mock) == before


@pytest.mark.parametrize("path", ["/v2/lists/9999", "/v2/lists/9999/changes", "/v2/lists/2001"])
def test_unknown_list_is_404(client: FlaskClient, mock: MockContext, path: str) -> None:
    before = snapshot(mock)
    response = client.get(path, headers=STAGING)
    assert response.status_code == 404
    assert response.get_json() == error("List with specified ID was not found")
    assert snapshot(mock) == before


def test_changes_since_is_inclusive(client: FlaskClient, mock: MockContext) -> None:
    for step, contact in enumerate(("staging-c2", "staging-c3", "staging-c4")):
        mock.clock.set(mock.clock.now().replace(day=2 + step, hour=0))
        collection = "newsletter" if contact == "staging-c4" else "default"
        push(client, STAGING, {"@collection": collection, "id": contact, "@add_to_lists": ["1001"]})
    every = get(client, "/v2/lists/1001/changes")
    assert [c["timestamp"] for c in every] == ["2026-01-02T00:00:00.000Z", "2026-01-03T00:00:00.000Z",
                                               "2026-01-04T00:00:00.000Z"]
    assert get(client, "/v2/lists/1001/changes", since="2026-01-03") == every[1:]
    assert get(client, "/v2/lists/1001/changes", since="2026-01-03T00:00:00.001Z") == every[2:]
    assert get(client, "/v2/lists/1001/changes", since="2026-01-03", limit=1) == every[1:2]
    assert get(client, "/v2/lists/1001/changes", limit=2, offset=2) == every[2:]


def test_changes_of_a_list_without_changes_in_update_order(client: FlaskClient) -> None:
    assert get(client, "/v2/lists/1001/changes", orderby="timestamp_update") == []


def test_accounts_are_isolated(client: FlaskClient) -> None:
    assert [e["id"] for e in get(client, "/v2/lists", LIVE, mode="all")] == ["2001", "2002"]
    live = get(client, "/v2/lists/2001", LIVE)
    assert (live["title"], live["size"]) == ("Live newsletter", 1)
    push(client, STAGING, {"@collection": "default", "id": "staging-c2", "@add_to_lists": ["1001"]})
    assert get(client, "/v2/lists/2001", LIVE)["size"] == 1
    # A live record cannot name a staging list.
    push(client, LIVE, {"@collection": "default", "id": "live-c3", "@add_to_lists": ["1001"]})
    errors = get(client, "/v2/push/_errors", LIVE)
    assert errors[0]["error_path"] == "root > @add_to_lists > 0"


def test_data_rate_group_limit(client: FlaskClient, mock: MockContext) -> None:
    mock.limiter.enabled = True
    paths = ["/v2/lists", "/v2/lists/1001", "/v2/lists/1001/changes", "/v2/profiles"]
    for path in paths:
        assert client.get(path, headers=STAGING).status_code == 200
    response = client.get("/v2/lists", headers=STAGING)
    assert (response.status_code, response.get_json()) == (429, error("Too many requests"))
    mock.clock.advance(1)
    assert client.get("/v2/lists", headers=STAGING).status_code == 200


@pytest.mark.parametrize(("entry", "path", "reason"), [
    ({"id": "9", "title": "x", "type": "SMART"}, "$[0].type", "invalid value, allowed values: STATIC, DYNAMIC"),
    ({"id": "9", "title": "x", "type": "STATIC", "members": ["nobody@example.com"]}, "$[0].members[0]",
     "no profile with email 'nobody@example.com'"),
    ({"id": "9", "title": "x", "type": "DYNAMIC", "conditions": [{"event": "x", "op": "count_gte", "value": 1}]},
     "$[0].conditions[0].event", "unknown field"),
    ({"id": "9", "title": "x", "type": "DYNAMIC", "conditions": [{"field": "email", "op": "in", "value": "a"}]},
     "$[0].conditions[0].value", "invalid type, expected array"),
    ({"id": "9", "title": "x", "type": "STATIC", "conditions": [{"field": "email", "op": "exists"}]},
     "$[0].conditions", "only DYNAMIC lists have conditions"),
])
def test_bad_list_fixtures_are_refused(tmp_path: Any, entry: dict[str, Any], path: str, reason: str) -> None:
    import json
    import shutil

    from mock_server.app import create_app
    from mock_server.core.fixtures import FixtureError, default_fixtures_dir

    root = tmp_path / "fixtures"
    shutil.copytree(default_fixtures_dir(), root, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    (root / "ometria" / "live" / "lists.json").write_text(json.dumps([entry]), encoding="utf-8")
    with pytest.raises(FixtureError) as caught:
        create_app(Settings(seed=1, freeze_clock=True, fixtures=root))
    assert (caught.value.file.endswith("live/lists.json"), caught.value.path, caught.value.reason) == \
        (True, path, reason)
