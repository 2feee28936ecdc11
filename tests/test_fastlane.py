"""The fast lane answers exactly what the full pipeline answers: the same request sequence against an app
with the answer cache and one without gives the same statuses, headers, bodies and journal, through
writes, resets, clock moves, faults, rate limits, scopes and CORS."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask

from mock_server.app import create_app
from mock_server.core.context import MockContext, Settings
from tests.conftest import LIVE, OMNISEND, OMNISEND_READONLY_KEY, STAGING

D = "65b2a0c1d2e3f4a5b6c7d00"  # demo brand contact ids: D + "1" ... D + "9"
VERSION = {"Omnisend-Version": "2026-03-15"}
API = {"Authorization": "Omnisend-API-Key omnisend-demo-key", **VERSION}  # version 2026-03-15 under /api
Step = tuple[str, str, dict[str, str], Any]

READS: list[Step] = [
    ("GET", "/v3/contacts", OMNISEND, None),
    ("GET", "/v3/contacts?limit=2", OMNISEND, None),
    ("GET", "/v3/contacts?limit=2&offset=2", OMNISEND, None),
    ("GET", "/v3/contacts?segmentID=seg-recent-buyers", OMNISEND, None),
    ("GET", "/v3/contacts?status=subscribed&limit=3", OMNISEND, None),
    ("GET", "/v3/contacts?limit=0", OMNISEND, None),
    ("GET", "/v3/contacts?limit=abc", OMNISEND, None),
    ("GET", f"/v3/contacts/{D}1", OMNISEND, None),
    ("GET", f"/v3/contacts/{D}2", OMNISEND, None),
    ("GET", "/v3/contacts/nope", OMNISEND, None),
    ("GET", "/v5/contacts?limit=3", OMNISEND, None),
    ("GET", f"/v5/contacts/{D}9", OMNISEND, None),
    ("GET", "/v3/contacts?limit=2", {"X-API-KEY": OMNISEND_READONLY_KEY}, None),
    ("GET", "/v3/contacts?limit=2", {"X-API-KEY": "wrong"}, None),
    ("GET", "/v3/contacts?limit=2", {}, None),
    ("GET", "/contacts?limit=2", OMNISEND, None),  # the unversioned alias warns
    ("GET", "/v3/contacts/?limit=2", OMNISEND, None),
    ("GET", "/v3/contacts?limit=2", {**OMNISEND, "Origin": "http://localhost:3000"}, None),
    ("GET", "/v3/contacts?limit=2", {**OMNISEND, "Host": "other.example:8443"}, None),
    ("HEAD", "/v3/contacts?limit=2", OMNISEND, None),
    ("GET", "/v2/contacts/default", STAGING, None),
    ("GET", "/v2/contacts/default?limit=1&offset=1", STAGING, None),
    ("GET", "/v2/contacts/newsletter/staging-c1", STAGING, None),
    ("GET", "/v2/contacts/default/missing", STAGING, None),
    ("GET", "/v2/contacts/default", LIVE, None),
    ("GET", "/v2/contacts/default", {"X-Ometria-Auth": "wrong"}, None),
    ("GET", "/api/contacts", API, None),
    ("GET", "/api/contacts?limit=2", API, None),
    ("GET", "/api/contacts?limit=2&sort=updatedAt&direction=asc", API, None),
    ("GET", "/api/contacts?status=subscribed&limit=3", API, None),
    ("GET", "/api/contacts?segmentID=seg-recent-buyers", API, None),
    ("GET", "/api/contacts?tag=vip&status=subscribed", API, None),
    ("GET", "/api/contacts?unknown=1", API, None),
    ("GET", "/api/contacts?limit=2&after=not-a-cursor", API, None),
    ("GET", f"/api/contacts/{D}1", API, None),
    ("GET", f"/api/contacts/{D}3", API, None),
    ("GET", "/api/contacts/nope", API, None),
    ("GET", "/api/contacts?limit=2", {"Authorization": "Bearer omnisend-demo-key", **VERSION}, None),
    ("GET", "/api/contacts?limit=2", {"Authorization": "omnisend-api-key  omnisend-demo-key", **VERSION}, None),
    ("GET", "/api/contacts?limit=2", {"Authorization": "Omnisend-API-Key omnisend-readonly-key", **VERSION},
     None),
    ("GET", "/api/contacts?limit=2", {"Authorization": "Omnisend-API-Key wrong", **VERSION}, None),
    ("GET", "/api/contacts?limit=2", {**OMNISEND, **VERSION}, None),  # the legacy header alone: 401
    ("GET", "/api/contacts?limit=2", {**API, **OMNISEND}, None),
    ("GET", "/api/contacts?limit=2", {"Authorization": API["Authorization"]}, None),  # no version: 400
    ("GET", "/api/contacts?limit=2", {**API, "Omnisend-Version": "2025-01-01"}, None),  # retired: 410
    ("GET", "/api/contacts?limit=2", {**API, "Omnisend-Version": "2027-01-01"}, None),  # a later date
    ("GET", "/api/contacts?limit=2", {**API, "Omnisend-Version": "1.0"}, None),
    ("GET", "/api/contacts?limit=2", {**API, "Origin": "http://localhost:3000"}, None),
    ("HEAD", f"/api/contacts/{D}1", API, None),
]

CONTACT = {"identifiers": [{"type": "email", "id": "fast.lane@example.com",
                            "channels": {"email": {"status": "subscribed"}}}], "firstName": "Fast"}
EVENT = {"eventName": "paid for order", "origin": "api", "eventVersion": "v2",
         "contact": {"email": "greta.jankute@example.com"}, "properties": {"orderID": "o-9"}}

CHANGES: list[list[Step]] = [
    [("POST", "/v3/contacts", OMNISEND, CONTACT)],
    [("PATCH", f"/v3/contacts/{D}1", OMNISEND, {"firstName": "Changed", "tags": ["vip"]})],
    [("POST", "/v5/events", OMNISEND, EVENT)],
    [("POST", "/api/contacts", API, {**CONTACT, "identifiers": [{"type": "email", "id": "api@example.com"}]})],
    [("PATCH", f"/api/contacts/{D}3", API, {"firstName": "Api", "tags": ["vip"]})],
    [("PUT", "/_mock/limits/omnisend/64a1f0c2e4b0a1b2c3d4e5f6", {}, {"rateLimits": {"default": {"limit": 30}}})],
    [("POST", "/v2/push", STAGING, [{"@type": "contact", "@collection": "default", "id": "fast-1",
                                     "email": "fast1@example.org", "firstname": "Fast"}])],
    [("POST", "/_mock/clock", {}, {"action": "advance", "seconds": 40 * 86400})],
    [("POST", "/_mock/faults", {}, {"status": 503, "path": "/v3/contacts", "count": 2})],
    [("POST", "/_mock/faults", {}, {"status": 500, "vendor": "ometria", "count": 1})],
    [("DELETE", "/_mock/faults", {}, None)],
    [("PUT", "/_mock/limits/omnisend/64a1f0c2e4b0a1b2c3d4e5f6", {}, {"rateLimit": {"limit": 12, "window": 60}})],
    [("PUT", "/_mock/limits/ometria/staging", {}, {"rateLimits": {"data": {"limit": 3, "window": 10}}})],
    [("POST", "/_mock/clock", {}, {"action": "advance", "seconds": 61})],
    [("POST", "/_mock/reset", {}, None)],
    [("POST", "/_mock/reset?vendor=omnisend", {}, None)],
]


def _app(page_cache: bool) -> Flask:
    app = create_app(Settings(seed=99, freeze_clock=True, page_cache=page_cache))
    app.config["TESTING"] = False
    calls = app.extensions.setdefault("dispatches", [0])
    original = app.full_dispatch_request

    def counting() -> Any:
        calls[0] += 1
        return original()

    app.full_dispatch_request = counting  # type: ignore[method-assign]
    return app


def _answer(app: Flask, step: Step) -> tuple[int, list[tuple[str, str]], bytes]:
    method, url, headers, body = step
    response = app.test_client().open(url, method=method, headers=headers,
                                      json=body if body is not None else None)
    return response.status_code, list(response.headers.items()), response.get_data()


def _journal(app: Flask) -> list[dict[str, Any]]:
    mock: MockContext = app.extensions["mock"]
    return [{k: v for k, v in e.items() if k != "durationMs"} for e in mock.journal.entries()]


def _sequence() -> list[Step]:
    steps: list[Step] = [*READS, *READS]
    for change in CHANGES:
        steps += change + READS + READS
    return steps


def test_the_fast_lane_answers_byte_for_byte_what_the_pipeline_answers() -> None:
    fast, slow = _app(True), _app(False)
    for number, step in enumerate(_sequence()):
        assert _answer(fast, step) == _answer(slow, step), f"step {number}: {step[0]} {step[1]}"
    assert _journal(fast) == _journal(slow)
    # The cache was really used: over a hundred reads never reached Flask's dispatch.
    assert slow.extensions["dispatches"][0] - fast.extensions["dispatches"][0] > 100


def test_repeated_reads_come_from_the_cache_and_a_write_is_seen_at_once() -> None:
    app = _app(True)
    first = _answer(app, ("GET", "/v3/contacts?limit=2", OMNISEND, None))
    before = app.extensions["dispatches"][0]
    again = _answer(app, ("GET", "/v3/contacts?limit=2", OMNISEND, None))
    assert app.extensions["dispatches"][0] == before  # answered by the fast lane
    assert again[2] == first[2] and again[1] != first[1]  # same body; fresh request id and remaining count
    _answer(app, ("POST", "/v3/contacts", OMNISEND, CONTACT))
    after = _answer(app, ("GET", "/v3/contacts?limit=2", OMNISEND, None))
    assert b"fast.lane@example.com" in after[2]


def test_a_direct_write_under_the_tenant_lock_is_seen() -> None:
    app = _app(True)
    mock: MockContext = app.extensions["mock"]
    _answer(app, ("GET", "/v2/contacts/default", STAGING, None))
    tenant = mock.tenant("ometria", "staging")
    assert tenant is not None
    with tenant.lock:
        tenant.collection("contacts:default").delete("staging-c2")
    assert b"staging-c2" not in _answer(app, ("GET", "/v2/contacts/default", STAGING, None))[2]


@pytest.mark.parametrize("page_cache", [True, False])
def test_rate_limit_still_counts_every_cached_read(page_cache: bool) -> None:
    app = _app(page_cache)
    app.test_client().put("/_mock/limits/omnisend/64a1f0c2e4b0a1b2c3d4e5f6",
                          json={"rateLimit": {"limit": 3, "window": 60}})
    statuses = [_answer(app, ("GET", "/v3/contacts?limit=1", OMNISEND, None))[0] for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]


def test_a_burst_of_identical_cold_reads_renders_the_page_once() -> None:
    import threading

    app = _app(True)
    _answer(app, ("POST", "/v3/contacts", OMNISEND, CONTACT))  # a write: the next read is cold
    before = app.extensions["dispatches"][0]
    bodies: list[bytes] = []
    gate = threading.Barrier(6)

    def read() -> None:
        gate.wait()
        bodies.append(_answer(app, ("GET", "/v3/contacts?limit=3", OMNISEND, None))[2])

    threads = [threading.Thread(target=read) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(bodies)) == 1 and len(bodies) == 6
    assert app.extensions["dispatches"][0] - before < 6  # the others waited for the first one's answer


def test_api_cursor_pages_followed_from_the_cache_match_the_pipeline() -> None:
    fast, slow = _app(True), _app(False)
    for _ in range(2):  # the second walk is answered from the cache
        target: str | None = "/api/contacts?limit=2&sort=updatedAt"
        while target is not None:
            got = _answer(fast, ("GET", target, API, None))
            assert got == _answer(slow, ("GET", target, API, None)), target
            assert got[0] == 200
            paging = json.loads(got[2])["paging"]
            after = paging["cursors"]["after"]
            target = None if after is None else f"/api/contacts?limit=2&sort=updatedAt&after={quote(after)}"
    assert _journal(fast) == _journal(slow)
    assert slow.extensions["dispatches"][0] - fast.extensions["dispatches"][0] >= 4


@pytest.mark.parametrize("page_cache", [True, False])
def test_api_rate_limit_counts_every_cached_read_and_a_refusal_counts_nothing(page_cache: bool) -> None:
    app = _app(page_cache)
    app.test_client().put("/_mock/limits/omnisend/64a1f0c2e4b0a1b2c3d4e5f6",
                          json={"rateLimits": {"default": {"limit": 3, "window": 60}}})
    statuses = [_answer(app, ("GET", f"/api/contacts/{D}1", API, None))[0] for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
