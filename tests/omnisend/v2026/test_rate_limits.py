"""Rate limits of 2026-03-15 (omnisend-2026.md §4): per brand and endpoint group, sliding windows on the mock
clock, a 429 problem with ``retryAfter`` and no rate-limit headers, adjustable through /_mock/limits."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from mock_server.core.context import MockContext
from mock_server.omnisend.v2026 import constants as C
from tests.conftest import BRAND_ID, OMNISEND, OMNISEND_READONLY_KEY
from tests.omnisend.v2026.helpers import API, assert_problem, call, problem

TAGS = {"tags": ["t"], "emails": ["nobody@example.com"]}


def _refused(client: FlaskClient, method: str, path: str, limit: int, retry: int, window: str = "minute") -> None:
    response = call(client, method, path, json=TAGS if "tags" in path else None, contract=False)
    assert_problem(response, problem(response, 429, C.DETAIL_RATE.format(limit=limit, window=window),
                                     retryAfter=retry))
    assert not [h for h, _ in response.headers if "rate" in h.lower() or h.lower() == "retry-after"]


def test_default_budget_400_per_minute_shared_by_every_key(client: FlaskClient, mock: MockContext) -> None:
    readonly = {"Authorization": f"{C.API_KEY_SCHEME} {OMNISEND_READONLY_KEY}", C.VERSION_HEADER: C.VERSION}
    for n in range(400):
        headers = readonly if n % 2 else API
        assert client.get("/api/brands/current", headers=headers).status_code == 200, n
    _refused(client, "GET", "/brands/current", 400, 60)
    refused = client.get("/api/contacts?limit=1", headers=readonly)
    assert refused.status_code == 429
    mock.clock.advance(59)
    _refused(client, "GET", "/brands/current", 400, 1)
    mock.clock.advance(1)
    assert client.get("/api/brands/current", headers=API).status_code == 200
    # v3 counts in its own window (mock decision).
    assert client.get("/v3/contacts?limit=1", headers=OMNISEND).headers["X-Rate-Limit-Remaining"] == "399"


@pytest.mark.parametrize("method", ["POST", "DELETE"])
def test_contact_tags_budget_60_per_minute_sliding(client: FlaskClient, mock: MockContext, method: str) -> None:
    for n in range(60):
        if n == 30:
            mock.clock.advance(30)
        assert call(client, method, "/contacts/tags", json=TAGS).status_code == 202, n
    _refused(client, method, "/contacts/tags", 60, 30)
    assert call(client, "GET", "/contacts", query="limit=1").status_code == 200  # another group
    mock.clock.advance(30)  # the first 30 leave the window; the other 30 stay
    for _ in range(30):
        assert call(client, method, "/contacts/tags", json=TAGS).status_code == 202
    _refused(client, method, "/contacts/tags", 60, 30)


def test_limits_are_adjustable_per_group(client: FlaskClient, mock: MockContext) -> None:
    path = f"/_mock/limits/omnisend/{BRAND_ID}"
    view = client.get(path).get_json()
    assert {"default", "contact-tags"} <= set(view["groups"])
    changed = client.put(path, json={"rateLimits": {"contact-tags": {"limit": 2, "window": 10}}})
    assert changed.status_code == 200, changed.get_data(as_text=True)
    for _ in range(2):
        assert call(client, "POST", "/contacts/tags", json=TAGS).status_code == 202
    _refused(client, "POST", "/contacts/tags", 2, 10, "10 seconds")
    mock.clock.advance(10)
    assert call(client, "POST", "/contacts/tags", json=TAGS).status_code == 202
    assert client.put(path, json={"rateLimit": {"enabled": False}}).status_code == 200
    for _ in range(5):
        assert call(client, "POST", "/contacts/tags", json=TAGS).status_code == 202
    client.post("/_mock/reset")
    assert client.get(path).get_json()["rateLimits"] is None


# A fixture reload is refused with a Redis store (mock decision; tests/redisstore checks the refusal).
@pytest.mark.memory_store
def test_fixtures_can_preset_a_group_budget(client: FlaskClient) -> None:
    brand = {"brandID": "bbbbbbbbbbbbbbbbbbbbbbbb", "apiKeys": [{"key": "fixture-key"}],
             "rateLimits": {"contact-tags": {"limit": 1, "window": 60}}}
    assert client.post("/_mock/fixtures", json={"omnisend": [{"tenant": brand}]}).status_code == 200
    headers = {"Authorization": f"{C.API_KEY_SCHEME} fixture-key", C.VERSION_HEADER: C.VERSION}
    assert call(client, "POST", "/contacts/tags", json=TAGS, headers=headers).status_code == 202
    assert call(client, "POST", "/contacts/tags", json=TAGS, headers=headers, contract=False).status_code == 429
    bad = dict(brand, rateLimits={"tagz": {"limit": 1}})
    refused = client.post("/_mock/fixtures", json={"omnisend": [{"tenant": bad}]})
    assert refused.status_code == 400 and "rateLimits" in refused.get_data(as_text=True)


def test_a_group_with_two_windows_needs_both(client: FlaskClient, mock: MockContext,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    # The shape analytics uses (10/min and 55/24 h); here 3 per minute and 5 per hour.
    monkeypatch.setitem(C.RATE_GROUPS, C.RATE_CONTACT_TAGS, ((3, 60.0), (5, 3600.0)))
    for _ in range(3):
        assert call(client, "POST", "/contacts/tags", json=TAGS).status_code == 202
    _refused(client, "POST", "/contacts/tags", 3, 60)
    mock.clock.advance(60)
    for _ in range(2):
        assert call(client, "POST", "/contacts/tags", json=TAGS).status_code == 202
    _refused(client, "POST", "/contacts/tags", 5, 3540, "3600 seconds")
