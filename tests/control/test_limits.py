"""Rate limits and the queue cap at runtime; the global switch."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from mock_server.core.context import MockContext
from mock_server.omnisend.v2026 import constants as C2026
from tests.conftest import BRAND_ID, OMNISEND, STAGING

CONTACT = [{"@type": "contact", "id": "c-9", "email": "x@y.com", "@collection": "default"}]


def test_read_defaults(client: FlaskClient) -> None:
    assert client.get(f"/_mock/limits/omnisend/{BRAND_ID}").get_json() == {
        "vendor": "omnisend", "tenant": BRAND_ID, "rateLimitsEnabled": True, "rateLimit": None,
        "rateLimits": None, "groups": sorted(C2026.RATE_GROUPS)}  # rateLimits: the 2026 (/api) groups
    body = client.get("/_mock/limits/ometria/staging").get_json()
    assert body["rateLimits"] is None and body["queueCap"] is None
    assert {"data", "push"} <= set(body["groups"])


def test_change_merges_and_null_restores(client: FlaskClient, mock: MockContext) -> None:
    url = f"/_mock/limits/omnisend/{BRAND_ID}"
    assert client.put(url, json={"rateLimit": {"limit": 5}}).get_json()["rateLimit"] == {"limit": 5}
    assert client.put(url, json={"rateLimit": {"window": 10}}).get_json()["rateLimit"] == {"limit": 5, "window": 10}
    assert client.get("/v3/contacts", headers=OMNISEND).headers["X-Rate-Limit-Limit"] == "5"
    assert client.put(url, json={"rateLimit": None}).get_json()["rateLimit"] is None
    assert client.get("/v3/contacts", headers=OMNISEND).headers["X-Rate-Limit-Limit"] == "400"


def test_switch_one_brand_off(client: FlaskClient) -> None:
    client.put(f"/_mock/limits/omnisend/{BRAND_ID}", json={"rateLimit": {"enabled": False}})
    assert "X-Rate-Limit-Limit" not in client.get("/v3/contacts", headers=OMNISEND).headers


def test_ometria_groups_and_queue_cap(client: FlaskClient) -> None:
    url = "/_mock/limits/ometria/staging"
    body = client.put(url, json={"rateLimits": {"push": {"limit": 8}, "data": {"limit": 1}}, "queueCap": 10})
    assert body.status_code == 200
    assert body.get_json()["rateLimits"] == {"push": {"limit": 8}, "data": {"limit": 1}}
    pushed = client.post("/v2/push", json=CONTACT, headers=STAGING)
    assert pushed.status_code == 202
    assert pushed.headers["X-QueueSize-Limit"] == "10"
    assert [client.get("/v2/contacts", headers=STAGING).status_code for _ in range(2)] == [200, 429]
    after = client.put(url, json={"rateLimits": {"data": None}, "queueCap": None}).get_json()
    assert after["rateLimits"] == {"push": {"limit": 8}} and after["queueCap"] is None


def test_reset_restores_fixture_limits(client: FlaskClient) -> None:
    client.put(f"/_mock/limits/omnisend/{BRAND_ID}", json={"rateLimit": {"limit": 1}})
    client.post("/_mock/reset")
    assert client.get(f"/_mock/limits/omnisend/{BRAND_ID}").get_json()["rateLimit"] is None


@pytest.mark.parametrize("url, body, field", [
    (f"/_mock/limits/omnisend/{BRAND_ID}", {"rateLimits": {"data": {"limit": 1}}},
     f"rateLimits.data: unknown group (one of {', '.join(sorted(C2026.RATE_GROUPS))})"),
    (f"/_mock/limits/omnisend/{BRAND_ID}", {"queueCap": 1},
     "queueCap: not a omnisend setting (use rateLimit, rateLimits)"),
    ("/_mock/limits/ometria/staging", {"rateLimit": {"limit": 1}},
     "rateLimit: not a ometria setting (use rateLimits, queueCap)"),
    ("/_mock/limits/ometria/staging", {"rateLimits": {"pussh": {"limit": 1}}}, "rateLimits.pussh: unknown group"),
    (f"/_mock/limits/omnisend/{BRAND_ID}", {"rateLimit": {"limit": 0}},
     "rateLimit.limit: Must be greater than or equal to 1."),
    (f"/_mock/limits/omnisend/{BRAND_ID}", {"rateLimit": {"limit": "5"}}, "rateLimit.limit: Not a valid integer."),
    ("/_mock/limits/ometria/staging", {"queueCap": -1}, "queueCap: Must be greater than or equal to 0."),
    ("/_mock/limits/ometria/staging", {"speed": 1}, "speed: Unknown field."),
])
def test_bad_changes_are_400(client: FlaskClient, url: str, body: dict[str, object], field: str) -> None:
    response = client.put(url, json=body)
    assert response.status_code == 400
    fields = response.get_json()["fields"]
    assert len(fields) == 1 and fields[0].startswith(field)


@pytest.mark.parametrize("url, message", [
    ("/_mock/limits/mailchimp/x", "unknown vendor 'mailchimp' (expected one of ometria, omnisend)"),
    ("/_mock/limits/ometria/nope", "unknown ometria tenant 'nope'")])
def test_unknown_vendor_or_tenant_is_404(client: FlaskClient, url: str, message: str) -> None:
    for response in (client.get(url), client.put(url, json={})):
        assert (response.status_code, response.get_json()) == (404, {"error": message})


def test_global_switch(client: FlaskClient, mock: MockContext) -> None:
    assert client.get("/_mock/limits").get_json() == {"enabled": True}
    client.put(f"/_mock/limits/omnisend/{BRAND_ID}", json={"rateLimit": {"limit": 1}})
    assert client.put("/_mock/limits", json={"enabled": False}).get_json() == {"enabled": False}
    assert [client.get("/v3/contacts", headers=OMNISEND).status_code for _ in range(3)] == [200, 200, 200]
    assert client.get(f"/_mock/limits/omnisend/{BRAND_ID}").get_json()["rateLimitsEnabled"] is False
    client.put("/_mock/limits", json={"enabled": True})
    assert client.get("/v3/contacts", headers=OMNISEND).status_code == 200
    assert client.get("/v3/contacts", headers=OMNISEND).status_code == 429


def test_full_reset_restores_the_global_switch(client: FlaskClient) -> None:
    client.put("/_mock/limits", json={"enabled": False})
    client.post("/_mock/reset")
    assert [client.get("/_mock/limits").get_json()["enabled"] for _ in range(2)] == [True, True]
    assert client.get("/v3/contacts", headers=OMNISEND).headers["X-Rate-Limit-Remaining"] == "399"


def test_global_switch_needs_a_boolean(client: FlaskClient) -> None:
    response = client.put("/_mock/limits", json={"enabled": "off"})
    assert (response.status_code, response.get_json()) == (
        400, {"error": "invalid request body", "fields": ["enabled: Not a valid boolean."]})
