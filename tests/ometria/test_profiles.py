"""Profiles (ometria.md §3.5, §6.3-6.5, §7.1)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_server.app import create_app
from mock_server.core.context import MockContext, Settings
from mock_server.ometria import constants as C
from tests.conftest import LIVE, STAGING, snapshot
from tests.ometria.profile_helpers import profile_by_email, push, push_order

ID_FORMAT = re.compile(r"^[0-9]{4}-[0-9a-f]{6}-[0-9a-f]{6}$")
PROFILE_KEYS = ["@type", "id", "customer_id", "email", "firstname", "middlename", "lastname", "name", "prefix",
                "suffix", "gender", "date_of_birth", "country", "marketing_optin", "dates", "identities",
                "properties", "seen", "stats", "tags", "lists"]


@pytest.fixture
def settings(store_url: str) -> Settings:
    """Rate limits off for the functional tests (the limit tests switch them back on)."""
    return Settings(seed=1234, freeze_clock=True, rate_limits=False, store=store_url)


def error(message: str) -> dict[str, str]:
    return {"status": "ERROR", "message": message}


def get_profiles(client: FlaskClient, headers: dict[str, str] = STAGING, **query: Any) -> list[dict[str, Any]]:
    response = client.get("/v2/profiles", headers=headers, query_string=query)
    assert response.status_code == 200, response.get_json()
    body: list[dict[str, Any]] = response.get_json()
    return body


# -- shape and ids --------------------------------------------------------------------------------------
def test_seeded_profile_shape(client: FlaskClient) -> None:
    profile = profile_by_email(client, STAGING, "customer1@staging.example.com")
    assert list(profile) == PROFILE_KEYS
    assert ID_FORMAT.match(profile["id"])
    assert {k: v for k, v in profile.items() if k != "id"} == {
        "@type": "profile", "customer_id": "staging-cust-1", "email": "customer1@staging.example.com",
        "firstname": "Anna", "middlename": None, "lastname": "Petraite", "name": "Anna Petraite",
        "prefix": None, "suffix": None, "gender": None, "date_of_birth": None, "country": "GB",
        "marketing_optin": "EXPLICITLY_OPTEDIN",
        "dates": {"acquired": "2025-03-01T10:00:00+00:00", "first_purchase": None,
                  "first_seen": "2026-01-01T00:00:00.000Z", "last_purchase": None,
                  "last_seen": "2026-01-01T00:00:00.000Z"},
        "identities": [{"id": "customer1@staging.example.com", "type": "email"}],
        "properties": {"tier": "gold"}, "seen": False,
        "stats": {"aov": 0, "orders": 0, "orders_attempted": 0, "revenue": 0, "total_items": 0, "visits": 0},
        "tags": [],
        "lists": [{"id": "1001", "title": "Newsletter VIPs", "type": "STATIC"},
                  {"id": "1002", "title": "Gold tier, opted in", "type": "DYNAMIC"}],
    }


def test_ids_are_deterministic_per_account_and_sequence(client: FlaskClient) -> None:
    staging = [p["id"] for p in get_profiles(client, limit=250)]
    live = [p["id"] for p in get_profiles(client, LIVE, limit=250)]
    assert len(staging) == 8 and len(live) == 6
    assert all(ID_FORMAT.match(pid) for pid in staging + live)
    assert not set(staging) & set(live)
    # Another app with another seed gives the same ids: they depend on the account and sequence only.
    other = create_app(Settings(seed=99, freeze_clock=True, rate_limits=False)).test_client()
    assert [p["id"] for p in get_profiles(other, limit=250)] == staging


def test_contact_output_carries_profile_id(client: FlaskClient) -> None:
    profile = profile_by_email(client, STAGING, "customer2@staging.example.com")
    contact = client.get("/v2/contacts/default/staging-c2", headers=STAGING).get_json()
    assert list(contact)[:4] == ["@type", "id", "@collection", "@profile_id"]
    assert contact["@profile_id"] == profile["id"]


# -- clustering (§6.3) ----------------------------------------------------------------------------------
def test_listings_cluster_by_customer_id_across_collections(client: FlaskClient) -> None:
    before = profile_by_email(client, STAGING, "customer1@staging.example.com")
    push(client, STAGING, {"@collection": "shop", "id": "s-1", "customer_id": "staging-cust-1",
                           "email": "anna.work@staging.example.com"})
    contact = client.get("/v2/contacts/shop/s-1", headers=STAGING).get_json()
    assert contact["@profile_id"] == before["id"]
    after = client.get(f"/v2/profiles/{before['id']}", headers=STAGING).get_json()
    assert after["identities"] == [{"id": "customer1@staging.example.com", "type": "email"},
                                   {"id": "anna.work@staging.example.com", "type": "email"}]
    assert after["email"] == "anna.work@staging.example.com"  # the representative: newest listing
    assert len(get_profiles(client, limit=250)) == 8


def test_listings_cluster_by_email_case_insensitively(client: FlaskClient) -> None:
    before = profile_by_email(client, STAGING, "customer3@staging.example.com")
    push(client, STAGING, {"@collection": "web", "id": "w-3", "email": "Customer3@STAGING.example.com"})
    assert client.get("/v2/contacts/web/w-3", headers=STAGING).get_json()["@profile_id"] == before["id"]
    assert profile_by_email(client, STAGING, "CUSTOMER3@staging.example.com")["id"] == before["id"]


def test_new_person_gets_a_new_profile(client: FlaskClient) -> None:
    push(client, STAGING, {"id": "n-1", "email": "new@example.com", "firstname": "Nia"})
    profile = profile_by_email(client, STAGING, "new@example.com")
    assert ID_FORMAT.match(profile["id"])
    assert profile["marketing_optin"] == C.OPTIN_NOT_SPECIFIED
    assert get_profiles(client, limit=250)[-1]["id"] == profile["id"]


def test_bridging_listing_merges_into_the_oldest_and_keeps_aliases(client: FlaskClient) -> None:
    older = profile_by_email(client, STAGING, "customer2@staging.example.com")
    newer = profile_by_email(client, STAGING, "customer5@staging.example.com")
    push(client, STAGING, {"@collection": "shop", "id": "bridge", "customer_id": "staging-cust-5",
                           "email": "customer2@staging.example.com"})
    ids = [p["id"] for p in get_profiles(client, limit=250)]
    assert older["id"] in ids and newer["id"] not in ids and len(ids) == 7
    via_alias = client.get(f"/v2/profiles/{newer['id']}", headers=STAGING)
    assert via_alias.status_code == 200
    assert via_alias.get_json()["id"] == older["id"]
    for collection, contact_id in (("default", "staging-c5"), ("default", "staging-c2"), ("shop", "bridge")):
        contact = client.get(f"/v2/contacts/{collection}/{contact_id}", headers=STAGING).get_json()
        assert contact["@profile_id"] == older["id"]


def test_clusters_never_split(client: FlaskClient) -> None:
    before = profile_by_email(client, STAGING, "customer4@staging.example.com")
    push(client, STAGING, {"@collection": "newsletter", "id": "staging-c4", "email": "lukas@elsewhere.example",
                           "customer_id": None})
    contact = client.get("/v2/contacts/newsletter/staging-c4", headers=STAGING).get_json()
    assert contact["@profile_id"] == before["id"]
    assert profile_by_email(client, STAGING, "lukas@elsewhere.example")["id"] == before["id"]


# -- derived fields (§6.3 table, §6.5) -------------------------------------------------------------------
def test_names_are_taken_together_from_one_listing(client: FlaskClient) -> None:
    push(client, STAGING, {"@collection": "a", "id": "n1", "email": "nm@example.com", "firstname": "Ann",
                           "middlename": "B", "lastname": "Lee", "gender": "f"})
    push(client, STAGING, {"@collection": "b", "id": "n2", "email": "nm@example.com", "firstname": "Annie"})
    profile = profile_by_email(client, STAGING, "nm@example.com")
    assert (profile["firstname"], profile["middlename"], profile["lastname"], profile["name"]) == \
        ("Annie", None, None, "Annie")
    assert profile["gender"] == "f"  # falls back to the newest listing that has it


@pytest.mark.parametrize(("values", "expected"), [
    (["EXPLICITLY_OPTEDIN", "EXPLICITLY_OPTEDOUT"], "EXPLICITLY_OPTEDOUT"),
    (["NOT_SPECIFIED", "EXPLICITLY_OPTEDIN"], "EXPLICITLY_OPTEDIN"),
    (["NOT_SPECIFIED", None], "NOT_SPECIFIED"),
])
def test_marketing_optin_precedence(client: FlaskClient, values: list[str | None], expected: str) -> None:
    for index, value in enumerate(values):
        record: dict[str, Any] = {"@collection": f"c{index}", "id": f"m{index}", "email": "mo@example.com"}
        if value is not None:
            record["marketing_optin"] = value
        push(client, STAGING, record)
    assert profile_by_email(client, STAGING, "mo@example.com")["marketing_optin"] == expected


def test_latest_forced_write_wins(client: FlaskClient) -> None:
    push(client, STAGING, {"@collection": "a", "id": "f1", "email": "fo@example.com",
                           "marketing_optin": "EXPLICITLY_OPTEDOUT"})
    push(client, STAGING, {"@collection": "b", "id": "f2", "email": "fo@example.com",
                           "marketing_optin": "EXPLICITLY_OPTEDIN", "@force_optin": True})
    assert profile_by_email(client, STAGING, "fo@example.com")["marketing_optin"] == "EXPLICITLY_OPTEDIN"
    push(client, STAGING, {"@collection": "a", "id": "f1", "marketing_optin": "NOT_SPECIFIED",
                           "@force_optin": True})
    assert profile_by_email(client, STAGING, "fo@example.com")["marketing_optin"] == "NOT_SPECIFIED"
    contact = client.get("/v2/contacts/a/f1", headers=STAGING).get_json()
    assert "@force_optin" not in contact


def test_properties_merge_oldest_first_and_acquired_is_earliest(client: FlaskClient) -> None:
    push(client, STAGING, {"@collection": "a", "id": "p1", "email": "pp@example.com", "properties": {"x": 1, "y": 1},
                           "timestamp_acquired": "2024-05-01T00:00:00+00:00"})
    push(client, STAGING, {"@collection": "b", "id": "p2", "email": "pp@example.com", "properties": {"y": 2},
                           "timestamp_acquired": "2023-01-01T00:00:00Z"})
    profile = profile_by_email(client, STAGING, "pp@example.com")
    assert profile["properties"] == {"x": 1, "y": 2}
    assert profile["dates"]["acquired"] == "2023-01-01T00:00:00Z"


# -- orders (§6.4) ----------------------------------------------------------------------------------------
def test_orders_attach_by_customer_id_then_email_and_give_stats(client: FlaskClient) -> None:
    push_order(client, "o1", customer={"id": "staging-cust-2", "email": "other@example.com"}, grand_total=10.5,
               is_valid=True, timestamp="2025-06-01T10:00:00Z", lineitems=[{"product_id": "p", "quantity": 2}])
    push_order(client, "o2", customer={"email": "CUSTOMER2@staging.example.com"}, grand_total=20.25,
               timestamp="2025-05-01T10:00:00Z", lineitems=[{"product_id": "p", "quantity": 1}])
    push_order(client, "o3", customer={"id": "staging-cust-2"}, grand_total=99, is_valid=False,
               timestamp="2025-07-01T10:00:00Z", lineitems=[{"product_id": "p", "quantity": 5}])
    profile = profile_by_email(client, STAGING, "customer2@staging.example.com")
    assert profile["stats"] == {"aov": 15.38, "orders": 2, "orders_attempted": 3, "revenue": 30.75,
                                "total_items": 3, "visits": 0}
    assert profile["dates"]["first_purchase"] == "2025-05-01T10:00:00Z"
    assert profile["dates"]["last_purchase"] == "2025-06-01T10:00:00Z"


def test_order_without_known_customer_creates_an_order_only_profile(client: FlaskClient) -> None:
    push_order(client, "o9", customer={"id": "guest-9", "email": "guest@example.com", "firstname": "Gus",
                                      "lastname": "Guest"}, grand_total=5, timestamp="2025-06-01T10:00:00Z")
    profile = profile_by_email(client, STAGING, "guest@example.com")
    assert profile["marketing_optin"] is None
    assert (profile["customer_id"], profile["email"], profile["name"]) == ("guest-9", "guest@example.com",
                                                                          "Gus Guest")
    assert profile["stats"]["orders"] == 1
    assert profile["dates"]["first_seen"] is None
    collections = client.get("/v2/contacts", headers=STAGING).get_json()
    assert sum(c["count"] for c in collections) == 8  # no listing was created
    # A later listing of that customer joins the order-only profile.
    push(client, STAGING, {"id": "g-9", "customer_id": "guest-9", "email": "guest@example.com"})
    assert client.get("/v2/contacts/default/g-9", headers=STAGING).get_json()["@profile_id"] == profile["id"]
    assert profile_by_email(client, STAGING, "guest@example.com")["marketing_optin"] == "NOT_SPECIFIED"


def test_order_with_names_only_is_not_associated(client: FlaskClient) -> None:
    push_order(client, "o10", customer={"firstname": "No", "lastname": "Body"}, grand_total=1,
               timestamp="2025-06-01T10:00:00Z")
    assert len(get_profiles(client, limit=250)) == 8


# -- lookups and errors (§3.5) -------------------------------------------------------------------------
def test_get_by_email_unknown_is_404(client: FlaskClient, mock: MockContext) -> None:
    before = snapshot(mock)
    response = client.get("/v2/profiles?email=nobody@example.com", headers=STAGING)
    assert response.status_code == 404
    assert response.get_json() == error("Profile with specified email was not found")
    assert snapshot(mock) == before


def test_get_unknown_id_is_404(client: FlaskClient, mock: MockContext) -> None:
    before = snapshot(mock)
    response = client.get("/v2/profiles/0000-000000-000000", headers=STAGING)
    assert response.status_code == 404
    assert response.get_json() == error("Profile with specified ID was not found")
    assert snapshot(mock) == before


def test_accounts_are_isolated(client: FlaskClient) -> None:
    staging = profile_by_email(client, STAGING, "customer1@staging.example.com")
    response = client.get(f"/v2/profiles/{staging['id']}", headers=LIVE)
    assert response.status_code == 404
    assert response.get_json() == error("Profile with specified ID was not found")
    response = client.get("/v2/profiles?email=customer1@staging.example.com", headers=LIVE)
    assert response.status_code == 404


def test_unknown_key_is_403(client: FlaskClient) -> None:
    response = client.get("/v2/profiles", headers={"X-Ometria-Auth": "nope"})
    assert response.status_code == 403
    assert response.get_json() == error("API key is not authorised to access this resource")


# -- paging, order, filters (§2, §3.5) ----------------------------------------------------------------------
def test_paging(client: FlaskClient) -> None:
    every = [p["id"] for p in get_profiles(client, limit=250)]
    assert [p["id"] for p in get_profiles(client)] == every  # default limit 10 > 8
    assert [p["id"] for p in get_profiles(client, limit=3, offset=3)] == every[3:6]
    assert [p["id"] for p in get_profiles(client, limit=3, offset=6)] == every[6:]
    assert get_profiles(client, offset=8) == []


@pytest.mark.parametrize(("query", "name"), [
    ("limit=0", "limit"), ("limit=251", "limit"), ("limit=x", "limit"), ("offset=-1", "offset"),
    ("orderby=email", "orderby"), ("updateSince=yesterday", "updateSince"), ("updateSince=2025-13-01", "updateSince"),
])
def test_bad_query_values(client: FlaskClient, mock: MockContext, query: str, name: str) -> None:
    before = snapshot(mock)
    response = client.get(f"/v2/profiles?{query}", headers=STAGING)
    assert response.status_code == 400
    assert response.get_json() == error(f"Invalid value for parameter '{name}'")
    assert snapshot(mock) == before


def test_limit_bounds_accepted(client: FlaskClient) -> None:
    assert len(get_profiles(client, limit=1)) == 1
    assert len(get_profiles(client, limit=250)) == 8


def test_orderby_timestamp_update_and_update_since(client: FlaskClient, mock: MockContext) -> None:
    every = [p["id"] for p in get_profiles(client, limit=250)]
    mock.clock.advance(86400)  # 2026-01-02
    push(client, STAGING, {"@collection": "default", "id": "staging-c2", "firstname": "Jo"})
    mock.clock.advance(60)
    push_order(client, "o1", customer={"id": "staging-cust-1"}, grand_total=1, timestamp="2025-06-01T10:00:00Z")
    ordered = [p["id"] for p in get_profiles(client, limit=250, orderby="timestamp_update")]
    assert ordered == [*every[2:], every[1], every[0]]
    since = [p["id"] for p in get_profiles(client, updateSince="2026-01-02")]
    assert since == [every[0], every[1]]
    since = [p["id"] for p in get_profiles(client, updateSince="2026-01-02T00:00:30Z")]
    assert since == [every[0]]


def test_list_changes_do_not_count_as_updates(client: FlaskClient, mock: MockContext) -> None:
    mock.clock.advance(86400)
    before = get_profiles(client, updateSince="2026-01-02")
    assert before == []
    push(client, STAGING, {"@collection": "default", "id": "staging-c2", "@add_to_lists": ["1001"]})
    # The listing write itself is a data change; the list entry adds nothing beyond it.
    assert len(get_profiles(client, updateSince="2026-01-02")) == 1


# -- rate limit (§1.4, data group) -------------------------------------------------------------------------
def test_data_rate_group_limit(client: FlaskClient, mock: MockContext) -> None:
    mock.limiter.enabled = True
    for _ in range(4):
        assert client.get("/v2/profiles", headers=STAGING).status_code == 200
    response = client.get("/v2/profiles", headers=STAGING)
    assert response.status_code == 429
    assert response.get_json() == error("Too many requests")
    assert response.headers["Retry-After"] == "1"
    assert client.get("/v2/profiles", headers=LIVE).status_code == 200  # per account
    mock.clock.advance(1)
    assert client.get("/v2/profiles", headers=STAGING).status_code == 200
