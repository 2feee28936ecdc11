"""Processing pushed records (ometria.md §4.4, §5, §6.1, §6.2, §6.11): validation into /push/_errors,
merge semantics, atomic apply, write hooks, custom events and the SMS collections."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_server.core.context import MockContext
from mock_server.ometria import constants as C
from mock_server.ometria.backend import META, WRITE_HOOKS, Account
from mock_server.ometria.backend.custom_events import event_log
from tests.conftest import LIVE, STAGING
from tests.ometria.helpers import outbox as outbox_of


def push(client: FlaskClient, *records: dict[str, Any], headers: dict[str, str] = STAGING) -> Any:
    response = client.post("/v2/push", json=list(records), headers=headers)
    assert response.status_code == 202, response.get_json()
    return response


def errors(client: FlaskClient, headers: dict[str, str] = STAGING) -> list[tuple[Any, ...]]:
    return [(e["record_type"], e["record_id"], e["error_path"], e["error_message"])
            for e in client.get("/v2/push/_errors", headers=headers).get_json()]


def outbox(mock: MockContext, account: str = "staging") -> list[dict[str, Any]]:
    return outbox_of(mock, account)


def get(client: FlaskClient, path: str) -> Any:
    response = client.get(path, headers=STAGING)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_product_arrays_replace_as_a_whole(client: FlaskClient) -> None:
    push(client, {"@type": "product", "id": "p1", "title": "Tee", "price": 10,
                  "listings": [{"store": "uk"}, {"store": "us"}]})
    push(client, {"@type": "product", "id": "p1", "listings": [{"store": "uk"}]})
    assert get(client, "/v2/products/p1") == {"@type": "product", "id": "p1", "title": "Tee", "price": 10,
                                              "listings": [{"store": "uk"}]}


@pytest.mark.parametrize(("pushed", "expected"), [
    ({}, {"status": "complete", "coupon_code": "X"}),  # omitted: unchanged
    ({"status": None}, {"coupon_code": "X"}),  # null: deleted
    ({"status": "null"}, {"status": "null", "coupon_code": "X"}),  # "null": the string
    ({"status": ""}, {"status": "", "coupon_code": "X"}),  # "": stored, does not delete
])
def test_order_null_values(client: FlaskClient, pushed: dict[str, Any], expected: dict[str, Any]) -> None:
    base = {"@type": "order", "id": "o1", "timestamp": "2025-01-01T00:00:00Z"}
    push(client, {**base, "status": "complete", "coupon_code": "X"})
    push(client, {"@type": "order", "id": "o1", **pushed})
    assert get(client, "/v2/orders/o1") == {"@type": "order", "id": "o1", "timestamp": base["timestamp"],
                                            **expected}


def test_nested_objects_merge_and_nulls_in_new_arrays_are_dropped(client: FlaskClient) -> None:
    push(client, {"@type": "order", "id": "o1", "timestamp": "2025-01-01T00:00:00Z",
                  "customer": {"id": "cu1", "email": "a@b.co", "firstname": "A"},
                  "totals": {"base": {"currency": "GBP", "grand_total": 10}}})
    push(client, {"@type": "order", "id": "o1", "customer": {"firstname": None, "lastname": "B"},
                  "totals": {"local": {"currency": "EUR"}},
                  "lineitems": [{"product_id": "p1", "quantity": 1, "sku": None}]})
    order = get(client, "/v2/orders/o1")
    assert order["customer"] == {"id": "cu1", "email": "a@b.co", "lastname": "B"}
    assert order["totals"] == {"base": {"currency": "GBP", "grand_total": 10}, "local": {"currency": "EUR"}}
    assert order["lineitems"] == [{"product_id": "p1", "quantity": 1}]


def test_merge_false_replaces_the_stored_record(client: FlaskClient) -> None:
    push(client, {"@type": "product", "id": "p1", "title": "Tee", "price": 10, "sku": "T"})
    push(client, {"@type": "product", "id": "p1", "@merge": False, "title": "New"})
    assert get(client, "/v2/products/p1") == {"@type": "product", "id": "p1", "title": "New"}


def test_stock_update_merges(client: FlaskClient) -> None:
    push(client, {"@type": "product", "id": "stg-socks", "is_in_stock": True, "@merge": True})
    product = get(client, "/v2/products/stg-socks")
    assert product["is_in_stock"] is True and product["title"] == "Sport socks"


def test_cancelling_an_order_keeps_its_other_fields(client: FlaskClient) -> None:
    push(client, {"@type": "order", "id": "stg-o-1001", "status": "cancelled", "is_valid": False})
    order = get(client, "/v2/orders/stg-o-1001")
    assert (order["status"], order["is_valid"], order["grand_total"]) == ("cancelled", False, 41.5)


# -- validation at processing time (§4.4) --------------------------------------------------------------
def test_invalid_fields_apply_nothing_and_log_one_entry_per_field_in_path_order(client: FlaskClient) -> None:
    push(client, {"@type": "order", "id": "stg-o-1002", "status": "refunded", "currency": "gbp",
                  "grand_total": "10", "lineitems": [{"product_id": "p 1", "quantity": 1},
                                                     {"product_id": "p2", "quantity": -1},
                                                     {"quantity": 1, "variant_options": [{"id": "s"}]}]})
    assert errors(client)[::-1] == [
        ("order", "stg-o-1002", "root > currency", C.MSG_INVALID),
        ("order", "stg-o-1002", "root > grand_total", C.MSG_INVALID),
        ("order", "stg-o-1002", "root > lineitems > 0 > product_id", C.MSG_INVALID),
        ("order", "stg-o-1002", "root > lineitems > 1 > quantity", C.MSG_INVALID),
        ("order", "stg-o-1002", "root > lineitems > 2 > product_id", C.MSG_REQUIRED),
        ("order", "stg-o-1002", "root > lineitems > 2 > variant_options > 0 > label", C.MSG_REQUIRED),
        ("order", "stg-o-1002", "root > lineitems > 2 > variant_options > 0 > type", C.MSG_REQUIRED),
    ]
    assert get(client, "/v2/orders/stg-o-1002")["status"] == "complete"  # nothing applied


def test_error_entry_shape_and_newest_first(client: FlaskClient, mock: MockContext) -> None:
    first = push(client, {"@type": "product", "id": "p1", "price": "cheap"}).get_json()["request_id"]
    mock.clock.advance(1)
    second = push(client, {"@type": "product", "id": "p2", "is_active": "yes"}).get_json()["request_id"]
    assert client.get("/v2/push/_errors", headers=STAGING).get_json() == [
        {"request_id": second, "record_type": "product", "record_id": "p2", "timestamp": "2026-01-01T00:00:01.000Z",
         "error_message": C.MSG_INVALID, "error_path": "root > is_active"},
        {"request_id": first, "record_type": "product", "record_id": "p1", "timestamp": "2026-01-01T00:00:00.000Z",
         "error_message": C.MSG_INVALID, "error_path": "root > price"},
    ]


def test_only_the_last_100_errors_are_kept(client: FlaskClient) -> None:
    for batch in range(2):
        push(client, *({"@type": "product", "id": f"b{batch}-{i}", "price": "x"} for i in range(60)))
    entries = client.get("/v2/push/_errors", headers=STAGING).get_json()
    assert len(entries) == 100
    assert entries[0]["record_id"] == "b1-59" and entries[-1]["record_id"] == "b0-20"


@pytest.mark.parametrize(("record", "expected"), [
    ({"@type": "order", "id": "o9", "status": "new"}, [("order", "o9", "root > timestamp", C.MSG_REQUIRED)]),
    ({"@type": "custom_event", "id": "e9", "identity_email": "a@b.co"},
     [("custom_event", "e9", "root > event_type", C.MSG_REQUIRED)]),
    ({"@type": "custom_event", "id": "e9", "event_type": "x"},
     [("custom_event", "e9", "root > identity_email", C.MSG_REQUIRED)]),
    ({"@type": "custom_event", "id": "e9", "event_type": "", "identity_account_id": "a b"},
     [("custom_event", "e9", "root > event_type", C.MSG_INVALID),
      ("custom_event", "e9", "root > identity_account_id", C.MSG_INVALID)]),
    ({"@type": "product", "id": "p9", "listings": [{"title": "x"}], "parent_id": "a b", "@merge": "no"},
     [("product", "p9", "root > @merge", C.MSG_INVALID),
      ("product", "p9", "root > listings > 0 > store", C.MSG_REQUIRED),
      ("product", "p9", "root > parent_id", C.MSG_INVALID)]),
])
def test_create_requirements_and_ids(client: FlaskClient, record: dict[str, Any],
                                     expected: list[tuple[Any, ...]]) -> None:
    push(client, record)
    assert errors(client)[::-1] == expected


def test_partial_merge_into_an_existing_order_needs_no_timestamp(client: FlaskClient) -> None:
    push(client, {"@type": "order", "id": "stg-o-1001", "coupon_code": "SPRING"})
    assert errors(client) == []


def test_unknown_fields_are_stored_as_sent(client: FlaskClient) -> None:
    push(client, {"@type": "product", "id": "p1", "brand": {"name": "Acme"}, "tags": ["a"]})
    assert get(client, "/v2/products/p1") == {"@type": "product", "id": "p1", "brand": {"name": "Acme"},
                                              "tags": ["a"]}


def test_records_of_one_push_apply_in_order(client: FlaskClient) -> None:
    push(client, {"@type": "product", "id": "p1", "title": "A"}, {"@type": "product", "id": "p1", "title": "B"})
    assert get(client, "/v2/products/p1")["title"] == "B"


@pytest.mark.parametrize(("resource", "record"), [
    ("orders", {"@type": "order", "id": "o1", "timestamp": "2025-01-01T00:00:00Z"}),
    ("products", {"@type": "product", "id": "p1"}),
    ("custom_events", {"@type": "custom_event", "id": "e1", "event_type": "x", "profile_id": "pr1"}),
])
def test_write_hooks_run_for_every_applied_write(client: FlaskClient, monkeypatch: pytest.MonkeyPatch,
                                                 resource: str, record: dict[str, Any]) -> None:
    seen: list[tuple[str, str]] = []

    def hook(account: Account, name: str, stored: dict[str, Any]) -> None:
        seen.append((name, stored[META]["id"]))

    monkeypatch.setitem(WRITE_HOOKS, resource, [*WRITE_HOOKS.get(resource, []), hook])
    push(client, record)
    push(client, {**record, "properties": {"n": 1}})
    push(client, {**record, "properties": "not an object"})  # invalid: not applied, no hook
    assert seen == [(resource, record["id"])] * 2


# -- custom events (§5.4, §6.11) -----------------------------------------------------------------------
def test_custom_event_is_stored_in_the_event_log_with_a_default_timestamp(client: FlaskClient,
                                                                          mock: MockContext) -> None:
    push(client, {"@type": "custom_event", "id": "e1", "event_type": "size_guide", "identity_email": "a@b.co",
                  "properties": {"product_id": "stg-tee"}})
    tenant = mock.tenant(C.VENDOR, "staging")
    assert tenant is not None
    log = event_log(Account(mock, tenant))
    assert log[-1] == {"@type": "custom_event", "id": "e1", "event_type": "size_guide", "identity_email": "a@b.co",
                       "properties": {"product_id": "stg-tee"}, "timestamp": "2026-01-01T00:00:00.000Z"}
    assert [e["id"] for e in log] == ["stg-ev-1", "e1"]
    assert outbox(mock) == []  # not a configured trigger


def test_long_event_type_is_truncated_with_a_warning(client: FlaskClient, mock: MockContext) -> None:
    long_type = "customer_viewed_the_size_guide_page_twice"
    response = push(client, {"@type": "custom_event", "id": "e1", "event_type": long_type, "profile_id": "x1"})
    warning = "root > event_type: " + C.WARN_EVENT_TYPE_TRUNCATED.format(id="e1")
    assert response.headers["X-Mock-Warnings"] == warning
    tenant = mock.tenant(C.VENDOR, "staging")
    assert tenant is not None
    stored = event_log(Account(mock, tenant))[-1]
    assert stored["event_type"] == long_type[:32] and len(stored["event_type"]) == 32
    assert stored["@warnings"] == [warning]


def test_event_type_of_32_characters_is_kept(client: FlaskClient) -> None:
    response = push(client, {"@type": "custom_event", "id": "e1", "event_type": "x" * 32, "profile_id": "x1"})
    assert "X-Mock-Warnings" not in response.headers


def profile_of(client: FlaskClient, email: str) -> str:
    found = client.get(f"/v2/profiles?email={email}", headers=STAGING).get_json()
    return str(found[0]["id"])


def test_configured_event_type_triggers_a_campaign(client: FlaskClient, mock: MockContext) -> None:
    push(client, {"@type": "custom_event", "id": "e1", "event_type": "basket_abandoned",
                  "identity_email": "customer1@staging.example.com", "timestamp": "2026-01-01T09:00:00Z"})
    assert outbox(mock) == [{"vendor": "ometria", "tenant": "staging", "at": "2026-01-01T00:00:00.000Z",
                             "kind": "campaign_trigger", "account": "staging", "event_type": "basket_abandoned",
                             "event_id": "e1", "profile_id": profile_of(client, "customer1@staging.example.com"),
                             "identity_email": "customer1@staging.example.com",
                             "timestamp": "2026-01-01T09:00:00Z"}]
    # Live configures its own triggers: back_in_stock is one in staging only.
    push(client, {"@type": "custom_event", "id": "e2", "event_type": "back_in_stock", "profile_id": "p"},
         headers=LIVE)
    assert outbox(mock, "live") == []


@pytest.mark.parametrize(("identity", "owner"), [
    ({"profile_id": "PROFILE-OF-C2", "identity_account_id": "staging-cust-3"}, "customer2"),  # profile_id first
    ({"profile_id": "unknown", "identity_account_id": "staging-cust-3",
      "identity_email": "customer4@staging.example.com"}, "customer3"),  # then the customer_id
    ({"identity_account_id": "nobody", "identity_email": "CUSTOMER4@staging.example.com"}, "customer4"),  # email
    ({"profile_id": "unknown-profile"}, None),  # unresolved: kept as sent
])
def test_trigger_resolves_the_profile(client: FlaskClient, mock: MockContext, identity: dict[str, str],
                                      owner: str | None) -> None:
    if identity.get("profile_id") == "PROFILE-OF-C2":
        identity = {**identity, "profile_id": profile_of(client, "customer2@staging.example.com")}
    push(client, {"@type": "custom_event", "id": "e1", "event_type": "back_in_stock", **identity})
    wanted = profile_of(client, f"{owner}@staging.example.com") if owner else "unknown-profile"
    assert [entry["profile_id"] for entry in outbox(mock)] == [wanted]


# -- SMS collections (§6.2) ----------------------------------------------------------------------------
def test_optin_sms_collection_appends_an_outbox_entry(client: FlaskClient, mock: MockContext) -> None:
    push(client, {"@type": "contact", "@collection": "optin:sms", "id": "s1", "phone_number": "+447700900123"})
    assert outbox(mock) == [{"vendor": "ometria", "tenant": "staging", "at": "2026-01-01T00:00:00.000Z",
                             "kind": "sms_double_optin", "account": "staging", "phone_number": "+447700900123",
                             "contact_id": "s1"}]
    assert get(client, "/v2/contacts/optin:sms/s1")["phone_number"] == "+447700900123"


def test_double_optin_sms_collection_sets_marketing_consent(client: FlaskClient, mock: MockContext) -> None:
    push(client, {"@type": "contact", "@collection": "double_optin:sms", "id": "s1", "phone_number": "+447700900123",
                  "channels": {"sms": {"allow_transactional": True}}})
    contact = get(client, "/v2/contacts/double_optin:sms/s1")
    assert contact["channels"] == {"sms": {"allow_transactional": True, "allow_marketing": True}}
    assert outbox(mock) == []


def test_invalid_sms_listing_has_no_effect(client: FlaskClient, mock: MockContext) -> None:
    push(client, {"@type": "contact", "@collection": "optin:sms", "id": "s1", "phone_number": "07700 900123"})
    assert outbox(mock) == []
    assert errors(client) == [("contact", "s1", "root > phone_number", C.MSG_INVALID)]


# -- isolation (§1.3) ----------------------------------------------------------------------------------
def test_accounts_are_isolated(client: FlaskClient, mock: MockContext) -> None:
    push(client, {"@type": "product", "id": "shared-id", "title": "Staging"},
         {"@type": "product", "id": "bad", "price": "x"})
    push(client, {"@type": "product", "id": "shared-id", "title": "Live"}, headers=LIVE)
    assert get(client, "/v2/products/shared-id")["title"] == "Staging"
    assert client.get("/v2/products/shared-id", headers=LIVE).get_json()["title"] == "Live"
    assert client.get("/v2/products/stg-tee", headers=LIVE).status_code == 404
    assert client.get("/v2/push/_errors", headers=LIVE).get_json() == []
    assert len(errors(client)) == 1
