"""Segments with event conditions: the membership index kept on event write answers what the walk does.

``seg-recent-buyers`` counts "paid for order" events of the last 30 days. Random events (now, in the
past, in the future, without a time), new contacts, clock moves forward past window ends and back, and a
reset; after each step the contacts (v3 and 2026, every order and direction) and carts ``segmentID``
filters are paged to the end through the index and with the indexes switched off: the same bodies.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_server.core import paging
from tests.conftest import OMNISEND
from tests.omnisend.test_filter_index_equivalence import _walk_2026, _walk_offset, _walk_v3
from tests.omnisend.test_filter_index_equivalence import app as app  # the answer cache off, no rate limits

EMAILS = ["jonas.kazlauskas@example.com", "vip.anna@example.com", "rare.buyer@example.com",
          "greta.jankute@example.com"]
SEGMENTS = ("seg-recent-buyers", "seg-vip")


def _answers(client: FlaskClient) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for segment in SEGMENTS:
        out[f"v3 {segment}"] = _walk_v3(client, f"limit=2&segmentID={segment}")
        for sort in ("createdAt", "updatedAt"):
            for direction in ("asc", "desc"):
                query = f"limit=2&sort={sort}&direction={direction}&segmentID={segment}"
                out[f"2026 {query}"] = _walk_2026(client, query)
        for sort in ("createdAt", "cartSum"):
            query = f"limit=1&sort={sort}&segmentID={segment}"
            out[f"carts {query}"] = _walk_offset(client, "/v3/carts", query)
    return out


def _step(client: FlaskClient, rnd: random.Random, emails: list[str]) -> None:
    choice = rnd.random()
    if choice < 0.5:
        now = client.get("/_mock/clock").get_json()["epoch"]
        event: dict[str, Any] = {"eventName": rnd.choice(("paid for order", "paid for order", "viewed product")),
                                 "origin": "api", "eventVersion": "v2", "contact": {"email": rnd.choice(emails)},
                                 "properties": {"orderID": f"o-{rnd.randrange(10**6)}"}}
        if rnd.random() < 0.8:  # else: received now
            moment = now + rnd.choice((-40, -29, -10, 0, 3)) * 86400 + rnd.randrange(-3600, 3600)
            event["eventTime"] = datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        assert client.post("/v5/events", json=event, headers=OMNISEND).status_code == 202
    elif choice < 0.65:
        email = f"new{rnd.randrange(10**6)}@example.com"
        response = client.post("/v3/contacts", headers=OMNISEND, json={
            "identifiers": [{"type": "email", "id": email, "channels": {"email": {"status": "subscribed"}}}],
            "tags": ["vip"] if rnd.random() < 0.5 else []})
        assert response.status_code == 200, response.get_data(as_text=True)
        emails.append(email)
    elif choice < 0.9:
        seconds = rnd.choice((3600, 5 * 86400, 12 * 86400, 31 * 86400))
        assert client.post("/_mock/clock", json={"action": "advance", "seconds": seconds}).status_code == 200
    else:
        at = rnd.choice(("2024-06-01T00:00:00Z", "2025-01-15T12:00:00Z", "2026-01-01T00:00:00Z"))
        assert client.post("/_mock/clock", json={"action": "set", "at": at}).status_code == 200


def test_event_segment_index_answers_what_the_plain_walk_answers(client: FlaskClient,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    rnd = random.Random(19)
    emails = list(EMAILS)
    indexed_hints = paging.index_hints
    members_seen = 0
    for step in range(14):
        if step == 9:
            assert client.post("/_mock/reset").status_code == 200
        for _ in range(3):
            _step(client, rnd, emails)
        monkeypatch.setattr(paging, "index_hints", indexed_hints)
        indexed = _answers(client)
        monkeypatch.setattr(paging, "index_hints", lambda *args: ())
        plain = _answers(client)
        for key in indexed:
            assert indexed[key] == plain[key], (step, key)
        assert all(status == 200 for bodies in indexed.values() for status, _ in bodies)
        members_seen += '"contacts":[]' not in indexed["v3 seg-recent-buyers"][0][1]
    assert members_seen >= 5  # the event segment had members in many steps
