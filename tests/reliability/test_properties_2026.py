"""Property-based, Omnisend 2026-03-15 under /api: generated requests never get a 5xx, every answer is strict
JSON, every error is an RFC 9457 problem whose ``status`` is the HTTP status, and a refused request changes
nothing stored. Routes come from the URL map (a new /api route is fuzzed without touching this file)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from hypothesis import given
from hypothesis import strategies as st

from mock_server.app import create_app
from mock_server.core.context import Settings
from mock_server.omnisend.v2026 import constants as C
from tests.conftest import OMNISEND, OMNISEND_KEY, OMNISEND_READONLY_KEY
from tests.reliability import strategies as S
from tests.reliability.test_properties import PROPERTY, known_ids, stored, strict_json

TRACKING = "/api/track"  # the browser trackers' path (another owner, another envelope)
SEEDS_2026: list[Any] = [
    {"identifiers": [{"type": "email", "id": "fuzz@example.com",
                      "channels": {"email": {"status": "subscribed", "statusChangedAt": "2026-01-01T00:00:00Z"}}}],
     "firstName": "F", "tags": ["t"], "customProperties": {"a": 1}},
    {"tags": ["x"], "contactIDs": ["65b2a0c1d2e3f4a5b6c7d000"], "emails": ["a@b.c"], "segmentID": "seg-vip"},
    {"eventName": "placed order", "origin": "api", "contact": {"email": "fuzz@example.com"}, "properties": {}},
    {"name": "fuzzed", "origin": "api", "displayName": "F",
     "properties": {"p": {"type": "struct", "properties": {"q": {"type": "string"}}}}},
    {"category": "events", "events": ["placed order"], "includeProperties": True},
    {"id": "prod-fuzz", "title": "T", "status": "inStock", "currency": "EUR", "url": "https://x.example/p",
     "variants": [{"id": "v", "title": "V", "url": "https://x.example/v", "price": 1.5}]},
    {"categoryID": "cat-fuzz", "title": "T"},
    {"method": "POST", "endpoint": "categories", "items": [{"categoryID": "cat-b", "title": "B"}]},
    {"platform": "custom", "version": "1", "website": "https://x.example"},
]
HEADERS = [{"Authorization": f"{C.API_KEY_SCHEME} {OMNISEND_KEY}", C.VERSION_HEADER: C.VERSION}] * 6 + [
    {"Authorization": f"{C.BEARER_SCHEME} {OMNISEND_READONLY_KEY}", C.VERSION_HEADER: "2026-09-01"},
    {"Authorization": f"{C.API_KEY_SCHEME} {OMNISEND_KEY}", C.VERSION_HEADER: "2024-06"},
    {"Authorization": f"{C.API_KEY_SCHEME} {OMNISEND_KEY}"}, OMNISEND, {}]
QUERY_NAMES_2026 = ["limit", "offset", "after", "before", "sort", "direction", "email", "phone", "status",
                    "segmentID", "tag", "updatedAtFrom", "endpoint", "dateFrom", "dateTo"]


@pytest.fixture(scope="module")
def fuzz_app() -> Iterator[Flask]:
    """One sandbox for all examples, rate limits off (they are exact and tested on their own)."""
    app = create_app(Settings(seed=16, freeze_clock=True, rate_limits=False))
    app.config["TESTING"] = False
    app.config["FUZZ_IDS"] = known_ids(app)
    yield app


def bodies() -> st.SearchStrategy[Any]:
    """Mutated 2026 request bodies, and arbitrary JSON."""
    return st.sampled_from(SEEDS_2026).flatmap(S.mutated) | S.json_values(4)


def check_problem(status: int, body: Any) -> None:
    """The RFC 9457 shape of §2."""
    assert isinstance(body, dict), body
    assert isinstance(body.get("type"), str) and body["type"].startswith(C.PROBLEM_BASE), body
    assert isinstance(body.get("title"), str) and body.get("status") == status, body
    assert set(body) <= {"type", "title", "status", "detail", "instance", "errors", "retryAfter"}, body
    for item in body.get("errors", []):
        assert set(item) == {"field", "code", "message"} and all(isinstance(v, str) for v in item.values()), body


def requests_2026(app: Flask) -> st.SearchStrategy[tuple[str, str, bytes | None]]:
    """(method, url, body) for every /api route but the trackers'."""
    ids = app.config["FUZZ_IDS"]
    found = [r for r in S.routes(app, (C.PREFIX,)) if not r.rule.startswith(TRACKING)]

    def build(route: S.Route) -> st.SearchStrategy[tuple[str, str, bytes | None]]:
        method = st.sampled_from([route.method] * 6 + S.METHODS)
        body: st.SearchStrategy[bytes | None] = S.raw_bodies(bodies()) | st.none()
        query = st.lists(st.tuples(st.sampled_from(QUERY_NAMES_2026), st.sampled_from(S.HOSTILE_QUERY)),
                         max_size=3).map(lambda pairs: "&".join(f"{k}={v}" for k, v in pairs))
        url = st.tuples(S.urls(route, ids).map(lambda u: u.split("?", 1)[0]), query).map(
            lambda parts: parts[0] + (f"?{parts[1]}" if parts[1] else ""))
        return st.tuples(method, url, body)

    return st.sampled_from(found).flatmap(build)


@PROPERTY
@given(data=st.data())
def test_omnisend_2026_requests(fuzz_app: Flask, data: st.DataObject) -> None:
    method, url, body = data.draw(requests_2026(fuzz_app))
    headers = dict(data.draw(st.sampled_from(HEADERS)))
    mock = fuzz_app.extensions["mock"]
    before = stored(mock)
    response = fuzz_app.test_client().open(url, method=method, headers=headers, data=body,
                                           content_type="application/json" if body is not None else None)
    status, raw = response.status_code, response.get_data()
    assert status < 500, (method, url, status, raw[:300])
    if not raw:
        assert status < 300, (method, url, status)
        return
    assert (response.content_type or "").startswith("application/json"), (status, response.content_type)
    parsed = strict_json(raw)
    if status >= 400:
        check_problem(status, parsed)
        assert stored(mock) == before, (method, url, status, raw[:300])

