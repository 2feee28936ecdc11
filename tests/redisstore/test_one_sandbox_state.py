"""Two apps on one Redis database: settings one process changes hold on the other at once, and a process
that kept its caches while the database was emptied and seeded again never takes the new store for the
one it had cached (issue 15: two worker processes and a second host on one Redis are one sandbox)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from mock_server.omnisend.v2026 import constants as C
from mock_server.redisstore import tenants as T
from tests.conftest import BRAND_ID, OMNISEND
from tests.omnisend.v2026.helpers import call

LIMITS = f"/_mock/limits/omnisend/{BRAND_ID}"
TAGS = {"tags": ["t"], "emails": ["nobody@example.com"]}


def _contact(email: str) -> dict[str, Any]:
    return {"identifiers": [{"type": "email", "id": email, "channels": {"email": {"status": "subscribed"}}}]}


def _emails(client: FlaskClient) -> list[str]:
    body = client.get("/v3/contacts?limit=250", headers=OMNISEND).get_json()
    return [c["email"] for c in body["contacts"]]


def _clients(pair: tuple[Flask, Flask]) -> tuple[FlaskClient, FlaskClient]:
    a, b = pair
    return a.test_client(), b.test_client()


def test_a_brand_rate_limit_set_through_one_process_holds_on_the_other(pair: tuple[Flask, Flask]) -> None:
    a, b = _clients(pair)
    assert b.get("/v3/contacts?limit=1", headers=OMNISEND).status_code == 200  # b has the brand cached
    assert a.put(LIMITS, json={"rateLimit": {"limit": 3, "window": 10}}).status_code == 200
    # b's first read counted in the same window: 3 allowed in all, then b refuses (its write lane too).
    statuses = [b.post("/v3/contacts", headers=OMNISEND, json=_contact(f"w{n}@example.com")) for n in range(3)]
    assert [r.status_code for r in statuses] == [200, 200, 429]
    assert statuses[0].headers["X-Rate-Limit-Limit"] == "3"
    assert a.put(LIMITS, json={"rateLimit": {"enabled": False}}).status_code == 200
    assert b.get("/v3/contacts?limit=1", headers=OMNISEND).status_code == 200


def test_a_group_budget_set_through_one_process_holds_on_the_other(pair: tuple[Flask, Flask]) -> None:
    a, b = _clients(pair)
    assert call(b, "GET", "/contacts", query="limit=1").status_code == 200  # b has the brand cached
    changed = a.put(LIMITS, json={"rateLimits": {"contact-tags": {"limit": 2, "window": 10}}})
    assert changed.status_code == 200
    statuses = [call(b, "POST", "/contacts/tags", json=TAGS, contract=False).status_code for _ in range(3)]
    assert statuses == [202, 202, 429]
    refused = call(b, "POST", "/contacts/tags", json=TAGS, contract=False).get_json()
    assert refused["detail"] == C.DETAIL_RATE.format(limit=2, window="10 seconds")


def test_a_store_emptied_and_seeded_again_elsewhere_is_not_taken_for_the_cached_one(
        make_app: Callable[..., Flask], redis_url: str) -> None:
    a = make_app().test_client()
    for email in ("old-1@example.com", "old-2@example.com"):
        assert a.post("/v3/contacts", headers=OMNISEND, json=_contact(email)).status_code == 200
    assert "old-1@example.com" in _emails(a)  # a caches the tenant and this page at the store's generation
    redis.Redis.from_url(redis_url).flushdb()  # Redis restarted without its data ...
    b = make_app().test_client()  # ... and another process seeded it first, then wrote as many times
    for email in ("new-1@example.com", "new-2@example.com"):
        assert b.post("/v3/contacts", headers=OMNISEND, json=_contact(email)).status_code == 200
    assert _emails(a) == _emails(b)
    assert "new-1@example.com" in _emails(a) and "old-1@example.com" not in _emails(a)


def test_fault_rules_of_a_store_seeded_again_elsewhere_are_read_afresh(make_app: Callable[..., Flask],
                                                                       redis_url: str) -> None:
    a = make_app().test_client()
    assert a.post("/_mock/faults", json={"path": "/v3/contacts", "status": 500}).status_code in (200, 201)
    assert a.get("/v3/contacts", headers=OMNISEND).status_code == 500
    redis.Redis.from_url(redis_url).flushdb()
    b = make_app().test_client()
    assert b.post("/_mock/faults", json={"path": "/v3/contacts", "status": 502}).status_code in (200, 201)
    assert a.get("/v3/contacts", headers=OMNISEND).status_code == 502
    assert a.get("/_mock/faults").get_json() == b.get("/_mock/faults").get_json()


def test_generations_start_at_a_random_store_epoch(make_app: Callable[..., Flask], redis_url: str) -> None:
    make_app()
    client = redis.Redis.from_url(redis_url)
    gens = [int(client.get(key) or 0) for key in client.keys("mock:t:*:gen")]
    assert gens and all(T.EPOCH_LOW < gen < T.EPOCH_HIGH + 10 for gen in gens)


@pytest.mark.parametrize("mode", ["omnisend_batch_mode", "ometria_queue_mode"])
def test_closing_an_app_stops_its_background_workers(make_app: Callable[..., Flask], mode: str) -> None:
    mock = make_app(**{mode: "async"}).extensions["mock"]
    try:
        workers = [v.worker for v in mock.vendors.values() if getattr(v, "worker", None) is not None]
        assert len(workers) == 1 and workers[0].alive
    finally:
        mock.close()
    assert not workers[0].alive
