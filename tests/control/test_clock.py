"""The clock endpoints and their effect on rate-limit windows."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_server.control.routes.clock import parse_duration
from mock_server.core.context import MockContext
from tests.conftest import BRAND_ID, OMNISEND, STAGING

EPOCH = "2026-01-01T00:00:00.000Z"


def clock(client: FlaskClient, **body: Any) -> dict[str, Any]:
    response = client.post("/_mock/clock", json=body)
    assert response.status_code == 200, response.get_json()
    result: dict[str, Any] = response.get_json()
    return result


def test_read_the_clock(client: FlaskClient) -> None:
    assert client.get("/_mock/clock").get_json() == {"now": EPOCH, "epoch": 1767225600.0, "frozen": True}


def test_advance_by_seconds_and_by_duration(client: FlaskClient) -> None:
    assert clock(client, action="advance", seconds=90)["now"] == "2026-01-01T00:01:30.000Z"
    assert clock(client, action="advance", by="1h")["now"] == "2026-01-01T01:01:30.000Z"
    assert clock(client, action="advance", by="PT30S")["now"] == "2026-01-01T01:02:00.000Z"


def test_freeze_at_a_time_set_and_resume(client: FlaskClient, mock: MockContext) -> None:
    state = clock(client, action="freeze", at="2026-03-01T12:00:00Z")
    assert state == {"now": "2026-03-01T12:00:00.000Z", "epoch": 1772366400.0, "frozen": True}
    assert clock(client, action="set", at="2026-03-02T00:00:00+02:00")["now"] == "2026-03-01T22:00:00.000Z"
    resumed = clock(client, action="resume")
    assert resumed["frozen"] is False
    assert mock.clock.time() >= 1772402400.0
    assert clock(client, action="freeze")["frozen"] is True


def test_mock_timestamps_follow_the_clock(client: FlaskClient) -> None:
    clock(client, action="set", at="2026-05-05T05:05:05Z")
    client.get("/v3/contacts", headers=OMNISEND)
    [entry] = client.get("/_mock/journal").get_json()["items"]
    assert entry["time"] == "2026-05-05T05:05:05.000Z"


@pytest.mark.parametrize("body, field", [
    ({"action": "rewind"}, "action: Must be one of: freeze, advance, resume, set."),
    ({}, "action: Missing data for required field."),
    ({"action": "advance"}, "seconds: seconds or by is required to advance"),
    ({"action": "advance", "seconds": -5}, "seconds: Must be greater than or equal to 0."),
    ({"action": "advance", "by": "soon"}, "by: must be a duration like 90s, 5m or PT1M"),
    ({"action": "set"}, "at: required to set the clock"),
    ({"action": "freeze", "at": "tomorrow"}, "at: must be an RFC 3339 date-time"),
    ({"action": "freeze", "when": "now"}, "when: Unknown field."),
])
def test_bad_clock_actions_are_400(client: FlaskClient, body: dict[str, Any], field: str) -> None:
    response = client.post("/_mock/clock", json=body)
    assert response.status_code == 400
    assert response.get_json() == {"error": "invalid request body", "fields": [field]}


@pytest.mark.parametrize("text, seconds", [
    ("90", 90.0), ("90s", 90.0), ("5m", 300.0), ("2h", 7200.0), ("1d", 86400.0), ("250ms", 0.25),
    ("PT1M30S", 90.0), ("P1DT1H", 90000.0), ("P", None), ("PT", None), ("1 week", None)])
def test_parse_duration(text: str, seconds: float | None) -> None:
    assert parse_duration(text) == seconds


def test_advancing_frees_the_omnisend_window(client: FlaskClient) -> None:
    # The brand limit lowered at runtime keeps the test short; the rule is the same at 400.
    client.put(f"/_mock/limits/omnisend/{BRAND_ID}", json={"rateLimit": {"limit": 3}})
    for expected in ("2", "1", "0"):
        ok = client.get("/v3/contacts?limit=1", headers=OMNISEND)
        assert (ok.status_code, ok.headers["X-Rate-Limit-Remaining"]) == (200, expected)
    refused = client.get("/v3/contacts?limit=1", headers=OMNISEND)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "60"
    assert refused.get_json() == {"error": "Too many requests - rate limit of 3 requests per minute exceeded"}
    clock(client, action="advance", seconds=59)
    still = client.get("/v3/contacts?limit=1", headers=OMNISEND)
    assert (still.status_code, still.headers["Retry-After"]) == (429, "1")
    clock(client, action="advance", seconds=1)
    again = client.get("/v3/contacts?limit=1", headers=OMNISEND)
    assert (again.status_code, again.headers["X-Rate-Limit-Remaining"]) == (200, "2")


def test_advancing_frees_an_ometria_group(client: FlaskClient) -> None:
    client.put("/_mock/limits/ometria/staging", json={"rateLimits": {"data": {"limit": 2, "window": 10}}})
    assert [client.get("/v2/contacts", headers=STAGING).status_code for _ in range(3)] == [200, 200, 429]
    clock(client, action="advance", by="10s")
    assert client.get("/v2/contacts", headers=STAGING).status_code == 200
