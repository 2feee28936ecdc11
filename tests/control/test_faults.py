"""Fault rules: matching, after/count, probability with a seed, actions, listing and deletion."""

from __future__ import annotations

import time
from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_server.core.faults import FaultEngine
from tests.conftest import BRAND_ID, LIVE, OMNISEND, STAGING


def add(client: FlaskClient, **rule: Any) -> dict[str, Any]:
    response = client.post("/_mock/faults", json=rule)
    assert response.status_code == 201, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def test_third_call_to_orders_fails_with_omnisend_503_even_without_a_route(client: FlaskClient) -> None:
    add(client, path="/v3/orders", status=503, after=2, count=1)
    statuses = [client.get("/v3/orders", headers=OMNISEND).status_code for _ in range(4)]
    assert statuses[2] == 503
    assert 503 not in (statuses[0], statuses[1], statuses[3])
    client.get("/_mock/journal")
    faulted = client.get("/_mock/journal?status=503").get_json()["items"]
    assert [e["fault"] for e in faulted] == ["f1"]


def test_injected_error_uses_each_vendors_envelope(client: FlaskClient) -> None:
    add(client, path="*", status=503)
    omnisend = client.get("/v3/contacts", headers=OMNISEND)
    ometria = client.get("/v2/contacts", headers=STAGING)
    assert (omnisend.status_code, omnisend.get_json()) == (503, {"error": "Service Unavailable"})
    assert (ometria.status_code, ometria.get_json()) == (503, {"status": "ERROR", "message": "Service unavailable"})


def test_fault_applies_after_auth(client: FlaskClient) -> None:
    add(client, status=500)
    assert client.get("/v3/contacts").status_code == 401
    assert client.get("/v2/contacts").status_code == 403
    assert client.get("/v3/contacts", headers=OMNISEND).status_code == 500


def test_message_goes_inside_the_envelope(client: FlaskClient) -> None:
    add(client, path="/v2/*", status=502, message="Upstream hiccup")
    response = client.get("/v2/contacts", headers=STAGING)
    assert response.status_code == 502
    assert response.get_json() == {"status": "ERROR", "message": "Upstream hiccup"}


def test_custom_body_and_headers_replace_the_envelope(client: FlaskClient) -> None:
    add(client, status=502, body="<html>Bad gateway</html>", headers={"X-Proxy": "edge-1"}, count=1)
    response = client.get("/v3/contacts", headers=OMNISEND)
    assert response.status_code == 502
    assert response.data == b"<html>Bad gateway</html>"
    assert response.headers["X-Proxy"] == "edge-1"
    add(client, status=418, body={"custom": True}, vendor="ometria")
    response = client.get("/v2/contacts", headers=STAGING)
    assert (response.status_code, response.get_json()) == (418, {"custom": True})


def test_injected_429_carries_retry_after(client: FlaskClient) -> None:
    add(client, status=429, count=1)
    response = client.get("/v3/contacts", headers=OMNISEND)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "1"
    assert response.get_json() == {"error": "Too many requests"}


def test_filters_by_vendor_tenant_and_method(client: FlaskClient) -> None:
    add(client, vendor="ometria", tenant="live", method=["POST", "get"], status=504)
    assert client.get("/v2/contacts", headers=STAGING).status_code == 200
    assert client.get("/v2/contacts", headers=LIVE).status_code == 504
    assert client.get("/v3/contacts", headers=OMNISEND).status_code == 200
    add(client, tenant=BRAND_ID, method="DELETE", status=500)
    assert client.get("/v3/contacts", headers=OMNISEND).status_code == 200


def test_count_limits_how_often_a_rule_fires(client: FlaskClient) -> None:
    add(client, path="/v3/contacts", status=503, count=2)
    statuses = [client.get("/v3/contacts", headers=OMNISEND).status_code for _ in range(3)]
    assert statuses == [503, 503, 200]
    [rule] = client.get("/_mock/faults").get_json()["faults"]
    assert (rule["seen"], rule["fired"], rule["remaining"], rule["active"]) == (3, 2, 0, False)


def test_every_matching_rule_counts_the_call(client: FlaskClient) -> None:
    add(client, path="/v3/*", status=500, count=1)
    add(client, path="/v3/contacts", status=503, after=1, count=1)
    statuses = [client.get("/v3/contacts", headers=OMNISEND).status_code for _ in range(3)]
    assert statuses == [500, 503, 200]


def test_probability_is_deterministic_for_a_seed() -> None:
    def run(seed: int) -> list[bool]:
        engine = FaultEngine()
        engine.add(path="*", status=503, probability=0.5, seed=seed)
        return [engine.match("omnisend", "t", "GET", "/v3/x") is not None for _ in range(40)]

    assert run(7) == run(7)
    assert run(7) != run(8)
    assert 5 < sum(run(7)) < 35


def test_probability_through_http_is_reproducible(client: FlaskClient) -> None:
    def pattern() -> list[int]:
        client.delete("/_mock/faults")
        add(client, status=503, probability=0.3, seed=42)
        return [client.get("/v3/contacts", headers=OMNISEND).status_code for _ in range(20)]

    first = pattern()
    assert first == pattern()
    assert 503 in first and 200 in first


def test_unseeded_rules_follow_the_server_seed() -> None:
    def run() -> list[bool]:
        engine = FaultEngine(seed=1234)
        engine.add(status=503, probability=0.5)
        return [engine.match("omnisend", "t", "GET", "/") is not None for _ in range(30)]

    assert run() == run()


def test_latency_delays_then_answers_normally(client: FlaskClient) -> None:
    add(client, path="/v3/contacts", latency=0.05, count=1)
    started = time.perf_counter()
    response = client.get("/v3/contacts", headers=OMNISEND)
    assert response.status_code == 200
    assert time.perf_counter() - started >= 0.05
    [entry] = client.get("/_mock/journal").get_json()["items"]
    assert entry["fault"] == "f1"
    assert entry["durationMs"] >= 50


def test_latency_range_then_status(client: FlaskClient) -> None:
    rule = add(client, latency=[0.01, 0.02], status=504)
    assert rule["latency"] == [0.01, 0.02]
    started = time.perf_counter()
    assert client.get("/v2/contacts", headers=STAGING).status_code == 504
    assert time.perf_counter() - started >= 0.01


def test_list_and_delete_rules(client: FlaskClient) -> None:
    first = add(client, status=500, path="/v3/a")
    add(client, status=501, path="/v3/b")
    listed = client.get("/_mock/faults").get_json()["faults"]
    assert [r["id"] for r in listed] == ["f1", "f2"]
    assert listed[0] == {**first, "seen": 0, "fired": 0}
    assert client.delete("/_mock/faults/f1").get_json() == {"deleted": 1}
    assert [r["id"] for r in client.get("/_mock/faults").get_json()["faults"]] == ["f2"]
    missing = client.delete("/_mock/faults/f1")
    assert (missing.status_code, missing.get_json()) == (404, {"error": "unknown fault rule 'f1'"})
    assert client.delete("/_mock/faults").get_json() == {"deleted": 1}
    assert client.get("/_mock/faults").get_json() == {"faults": []}


@pytest.mark.parametrize("rule, field", [
    ({}, "_schema: a rule needs an action: status, latency or drop"),
    ({"status": 99}, "status: Must be greater than or equal to 100 and less than or equal to 599."),
    ({"status": "503"}, "status: Not a valid integer."),
    ({"status": 503, "probability": 1.5},
     "probability: Must be greater than or equal to 0.0 and less than or equal to 1.0."),
    ({"status": 503, "count": 0}, "count: Must be greater than or equal to 1."),
    ({"status": 503, "after": -1}, "after: Must be greater than or equal to 0."),
    ({"status": 503, "path": "v3/orders"}, "path: must be a glob starting with / or *"),
    ({"status": 503, "method": 5}, "method: must be an HTTP method or a list of them"),
    ({"latency": -1}, "latency: must be seconds >= 0, or [min, max]"),
    ({"latency": [2, 1]}, "latency: must be seconds >= 0, or [min, max]"),
    ({"drop": True, "status": 503}, "drop: drop and status exclude each other"),
    ({"latency": 0.1, "body": {}}, "body: a body needs a status"),
    ({"status": 503, "colour": "red"}, "colour: Unknown field."),
    ({"status": 503, "vendor": "mailchimp"}, "vendor: unknown vendor 'mailchimp'"),
])
def test_bad_rules_are_400(client: FlaskClient, rule: dict[str, Any], field: str) -> None:
    response = client.post("/_mock/faults", json=rule)
    assert response.status_code == 400
    assert response.get_json() == {"error": "invalid request body", "fields": [field]}
    assert client.get("/_mock/faults").get_json() == {"faults": []}


@pytest.mark.parametrize("data, message", [
    (b"{not json", "invalid JSON"), (b"", "a JSON body is required"), (b"[1]", "the body must be a JSON object")])
def test_bad_json_is_400(client: FlaskClient, data: bytes, message: str) -> None:
    response = client.post("/_mock/faults", data=data)
    assert response.status_code == 400
    assert response.get_json()["error"].startswith(message)


def test_batch_items_are_not_faulted(client: FlaskClient) -> None:
    from mock_server.middleware import ENV_BATCH_ITEM

    add(client, status=503)
    response = client.get("/v3/contacts", headers=OMNISEND, environ_base={ENV_BATCH_ITEM: True})
    assert response.status_code == 200
    [entry] = client.get("/_mock/journal").get_json()["items"]
    assert entry["batchItem"] is True
