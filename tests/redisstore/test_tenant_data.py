"""Tenant data in Redis (mock_server.redisstore.tenants): two apps on one Redis database are one sandbox.

A real redis-server (tests/redis_server.py); nothing is mocked. Each app stands for one process: it has
its own TenantState caches, and only Redis connects them.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from mock_server.app import create_app
from mock_server.core.context import MockContext, Settings
from mock_server.core.fixtures import default_fixtures_dir
from mock_server.core.store import TenantState
from mock_server.redisstore import keys as K
from mock_server.redisstore import tenants as T
from mock_server.tracking.hits import counter
from tests.conftest import OMNISEND, STAGING
from tests.redis_server import RedisServer

BRAND = "omnisend"


def contact(email: str) -> dict[str, Any]:
    return {"identifiers": [{"type": "email", "id": email, "channels": {"email": {"status": "subscribed"}}}]}


@pytest.fixture
def url(redis_server: RedisServer) -> str:
    redis_server.flush(1)
    return redis_server.url(1)


@pytest.fixture
def make_app(url: str) -> Iterator[Callable[..., Flask]]:
    def make(**overrides: Any) -> Flask:
        app = create_app(Settings(**{"seed": 1234, "freeze_clock": True, "store": url, **overrides}))
        app.config["TESTING"] = False
        return app
    yield make


@pytest.fixture
def pair(make_app: Callable[..., Flask]) -> tuple[FlaskClient, FlaskClient]:
    return make_app().test_client(), make_app().test_client()


def ctx_of(client: FlaskClient) -> MockContext:
    mock: MockContext = client.application.extensions["mock"]
    return mock


def brand(client: FlaskClient) -> TenantState:
    mock = ctx_of(client)
    tenant = next(t for t in mock.store.tenants("omnisend"))
    return tenant


def emails(client: FlaskClient) -> list[str]:
    body = client.get("/v3/contacts?limit=250", headers=OMNISEND).get_json()
    return [c["email"] for c in body["contacts"]]


def test_a_write_on_one_app_reads_on_the_other(pair: tuple[FlaskClient, FlaskClient]) -> None:
    a, b = pair
    created = a.post("/v3/contacts", headers=OMNISEND, json=contact("shared@example.com")).get_json()
    got = b.get(f"/v3/contacts/{created['contactID']}", headers=OMNISEND)
    assert got.status_code == 200
    assert got.get_json()["email"] == "shared@example.com"
    # and back: an update on B reads on A
    assert b.patch(f"/v3/contacts/{created['contactID']}", headers=OMNISEND,
                   json={"firstName": "Bea"}).status_code == 200
    assert a.get(f"/v3/contacts/{created['contactID']}", headers=OMNISEND).get_json()["firstName"] == "Bea"


def test_the_fast_lane_never_serves_a_stale_page_across_apps(pair: tuple[FlaskClient, FlaskClient]) -> None:
    a, b = pair
    before = emails(b)
    assert emails(b) == before  # now cached in B's answer cache
    a.post("/v3/contacts", headers=OMNISEND, json=contact("fresh@example.com"))
    assert "fresh@example.com" in emails(b)
    assert len(emails(b)) == len(before) + 1


def test_a_delete_on_one_app_is_gone_on_the_other(pair: tuple[FlaskClient, FlaskClient]) -> None:
    a, b = pair
    created = a.post("/v3/contacts", headers=OMNISEND, json=contact("gone@example.com")).get_json()
    path = f"/v3/contacts/{created['contactID']}"
    assert b.get(path, headers=OMNISEND).status_code == 200
    with brand(a).lock:
        brand(a).collection("contacts").delete(created["contactID"])
    assert b.get(path, headers=OMNISEND).status_code == 404


def test_reset_through_one_app_resets_every_app_and_rewinds_ids(pair: tuple[FlaskClient, FlaskClient]) -> None:
    a, b = pair
    seeded = emails(a)
    first = a.post("/v3/contacts", headers=OMNISEND, json=contact("one@example.com")).get_json()
    assert "one@example.com" in emails(b)
    assert b.post("/_mock/reset").status_code == 200
    assert emails(a) == seeded
    assert emails(b) == seeded
    # the id generator went back to its seed too: the same create gets the same id, on either app
    again = b.post("/v3/contacts", headers=OMNISEND, json=contact("one@example.com")).get_json()
    assert again["contactID"] == first["contactID"]
    assert "one@example.com" in emails(a)


def test_ids_are_deterministic_under_a_seed_across_apps(make_app: Callable[..., Flask], url: str) -> None:
    a, b = make_app().test_client(), make_app().test_client()
    ids = [client.post("/v3/contacts", headers=OMNISEND, json=contact(f"n{i}@example.com")).get_json()["contactID"]
           for i, client in enumerate([a, b, a, b])]
    redis.Redis.from_url(url).flushdb()
    c, d = make_app().test_client(), make_app().test_client()
    again = [client.post("/v3/contacts", headers=OMNISEND, json=contact(f"n{i}@example.com")).get_json()["contactID"]
             for i, client in enumerate([c, d, c, d])]
    assert again == ids
    assert len(set(ids)) == 4


def test_a_rekey_on_one_app_reads_on_the_other(pair: tuple[FlaskClient, FlaskClient]) -> None:
    a, b = pair
    col_a = brand(a).collection("contacts")
    with brand(a).lock:
        old = col_a.keys()[0]
        position = col_a.keys().index(old)
        col_a.rekey(old, "rekeyed-id")
    with brand(b).lock.reading():
        col_b = brand(b).collection("contacts")
        assert old not in col_b
        assert col_b.keys()[position] == "rekeyed-id"  # kept its internal id, hence its place
        assert col_b.get("rekeyed-id") == col_a.get("rekeyed-id")


def test_extra_and_config_changes_are_shared(pair: tuple[FlaskClient, FlaskClient]) -> None:
    a, b = pair
    with brand(a).lock:
        brand(a).extra.setdefault("outbox", []).append({"kind": "test", "n": 1})
        brand(a).extra["counter"] = 7
        brand(a).config["name"] = "Renamed"
    with brand(b).lock.reading():
        assert brand(b).extra["outbox"][-1] == {"kind": "test", "n": 1}
        assert brand(b).extra["counter"] == 7
        assert brand(b).config["name"] == "Renamed"
    with brand(b).lock:
        del brand(b).extra["counter"]
        brand(b).extra["outbox"].pop()
    with brand(a).lock.reading():
        assert "counter" not in brand(a).extra
        assert {"kind": "test", "n": 1} not in brand(a).extra["outbox"]


def test_the_ometria_queue_is_shared_and_drained_once(make_app: Callable[..., Flask]) -> None:
    a, b = (make_app(ometria_queue_mode="async", start_workers=False).test_client() for _ in range(2))
    pushed = a.post("/v2/push", headers=STAGING, json=[{"@type": "contact", "id": "q-1",
                                                        "email": "q-1@example.com"}])
    assert pushed.status_code == 202
    assert b.get("/v2/contacts/default/q-1", headers=STAGING).status_code == 404  # still queued
    drained = b.post("/_mock/ometria/queue/drain").get_json()["drained"]  # B processes what A queued ...
    assert sum(account["records"] for account in drained.values()) == 1
    again = a.post("/_mock/ometria/queue/drain").get_json()["drained"]  # ... once
    assert sum(account["records"] for account in again.values()) == 0
    assert a.get("/v2/contacts/default/q-1", headers=STAGING).status_code == 200


def test_a_writer_that_changes_nothing_writes_nothing(pair: tuple[FlaskClient, FlaskClient], url: str) -> None:
    a, _ = pair
    client = redis.Redis.from_url(url)
    gen_key = K.tenant_prefix((BRAND, brand(a).tenant_id)) + ":gen"
    before = client.get(gen_key)
    with brand(a).lock:
        pass
    a.get("/v3/contacts", headers=OMNISEND)
    assert client.get(gen_key) == before


def test_a_joining_app_does_not_reseed(make_app: Callable[..., Flask]) -> None:
    a = make_app().test_client()
    a.post("/v3/contacts", headers=OMNISEND, json=contact("kept@example.com"))
    joined = make_app().test_client()
    assert "kept@example.com" in emails(joined)
    assert "kept@example.com" in emails(a)


def test_an_app_far_behind_reloads_the_tenant(pair: tuple[FlaskClient, FlaskClient],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = pair
    emails(b)
    monkeypatch.setattr(T, "LOG_MAX", 2)
    for i in range(6):
        a.post("/v3/contacts", headers=OMNISEND, json=contact(f"many{i}@example.com"))
    assert emails(b) == emails(a)
    assert {f"many{i}@example.com" for i in range(6)} <= set(emails(b))


def test_an_emptied_store_is_seeded_again_by_the_first_to_notice(pair: tuple[FlaskClient, FlaskClient],
                                                                 url: str) -> None:
    a, b = pair
    seeded = emails(a)
    a.post("/v3/contacts", headers=OMNISEND, json=contact("lost@example.com"))
    redis.Redis.from_url(url).flushdb()  # Redis restarted without its data
    assert emails(b) == seeded
    assert emails(a) == seeded
    a.post("/v3/contacts", headers=OMNISEND, json=contact("after@example.com"))
    assert "after@example.com" in emails(b)


def test_a_fixture_reload_is_refused_with_the_reason(pair: tuple[FlaskClient, FlaskClient]) -> None:
    a, b = pair
    response = a.post("/_mock/fixtures", json={"path": str(default_fixtures_dir())})
    assert response.status_code == 409
    assert "Redis" in response.get_json()["error"]
    assert emails(a) == emails(b)


def test_state_dir_is_refused_with_a_redis_store(make_app: Callable[..., Flask], tmp_path: Any) -> None:
    with pytest.raises(ValueError, match="Redis keeps the state"):
        make_app(state_dir=tmp_path)


def test_a_cursor_from_one_app_pages_on_the_other(make_app: Callable[..., Flask]) -> None:
    a, b = make_app(seed=None).test_client(), make_app(seed=None).test_client()  # unseeded: random secrets
    first = a.get("/v3/contacts?limit=2", headers=OMNISEND).get_json()
    after = first["paging"]["next"].split("after=")[1]
    second = b.get(f"/v3/contacts?limit=2&after={after}", headers=OMNISEND)
    assert second.status_code == 200, second.get_json()
    seen = [c["email"] for c in first["contacts"] + second.get_json()["contacts"]]
    assert seen == emails(a)[:4]


def test_the_health_summary_counts_what_other_apps_wrote(pair: tuple[FlaskClient, FlaskClient]) -> None:
    a, b = pair

    def count(client: FlaskClient) -> int:
        tenants = client.get("/_mock/health").get_json()["tenants"]
        return int(next(t for t in tenants if t["vendor"] == "omnisend")["records"]["contacts"])

    before = count(b)
    a.post("/v3/contacts", headers=OMNISEND, json=contact("counted@example.com"))
    assert count(b) == before + 1


def test_a_writer_whose_lock_was_lost_stores_nothing(pair: tuple[FlaskClient, FlaskClient], url: str) -> None:
    a, b = pair
    lock_key = K.tenant_prefix((BRAND, brand(a).tenant_id)) + ":lock"
    with pytest.raises(T.StoreConflict), brand(a).lock:
        brand(a).collection("contacts").delete(brand(a).collection("contacts").keys()[0])
        redis.Redis.from_url(url).delete(lock_key)  # as if A stalled past the lock's TTL ...
        b.post("/v3/contacts", headers=OMNISEND, json=contact("winner@example.com"))  # ... and B wrote
    assert emails(a) == emails(b)  # A reloaded: B's write is there, A's delete is not
    assert "winner@example.com" in emails(a)
    assert len(emails(a)) == len(set(emails(a)))


def test_a_joining_app_whose_fixtures_name_other_tenants_is_refused(make_app: Callable[..., Flask],
                                                                    tmp_path: Any) -> None:
    shutil.copytree(default_fixtures_dir() / "omnisend", tmp_path / "omnisend")
    make_app(fixtures=tmp_path)  # seeds the store with the Omnisend brand only
    with pytest.raises(T.StoreMismatch, match="seeded from other fixtures"):
        make_app()  # its Ometria accounts are not in the store


def test_tracking_hit_numbers_are_unique_across_apps(pair: tuple[FlaskClient, FlaskClient]) -> None:
    a, b = (counter(ctx_of(client)) for client in pair)
    drawn = [a.next(), b.next(), a.next(), b.next()]
    assert drawn == sorted(drawn)
    assert len(set(drawn)) == 4


def test_a_writer_waits_for_another_apps_writer_and_builds_on_its_change(
        pair: tuple[FlaskClient, FlaskClient]) -> None:
    a, b = pair
    sync = ctx_of(b).store.sync  # type: ignore[attr-defined]
    acquire, refused = sync._acquire, threading.Event()

    def watched(**call: Any) -> Any:
        answer = acquire(**call)
        if not answer[0]:
            refused.set()  # B found the lock held by A
        return answer

    sync._acquire = watched
    answers: list[int] = []
    with brand(a).lock:  # A holds the tenant's Redis lock ...
        brand(a).extra["marker"] = "from A"
        writer = threading.Thread(target=lambda: answers.append(
            b.post("/v3/contacts", headers=OMNISEND, json=contact("waited@example.com")).status_code))
        writer.start()
        assert refused.wait(timeout=60)  # ... so B's write waits for it
    writer.join(timeout=60)
    assert answers == [200]
    with brand(b).lock.reading():
        assert brand(b).extra["marker"] == "from A"  # B caught up with A's change before writing
    assert "waited@example.com" in emails(a)
