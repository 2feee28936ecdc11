"""The control plane's views of a tenant answer the same on every process as on the memory store.

A Redis hash keeps no order, so a process that loaded a tenant from Redis (one that joined, caught up with
a change set, or reset to a seed it read from Redis) listed the tenant's collections and extra entries in
the hash's order: ``/_mock/state/<vendor>/<tenant>``, the health summary and the dashboard's resource
picker answered differently depending on which process served them. The order now travels with the meta
hash (``order``)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from mock_server.app import create_app
from mock_server.core.context import MockContext, Settings
from tests.conftest import BRAND_ID, OMNISEND

WELCOME = {"identifiers": [{"type": "email", "id": "new@example.com", "channels": {"email": {"status": "subscribed"}}}],
           "sendWelcomeEmail": True}
TENANTS = [("omnisend", BRAND_ID), ("ometria", "staging"), ("ometria", "live")]


def views(client: FlaskClient) -> list[Any]:
    """What a user reads of every tenant's layout: the state listings, the health summary, the picker."""
    out: list[Any] = [client.get(f"/_mock/state/{vendor}/{tenant}").get_data(as_text=True)
                      for vendor, tenant in TENANTS]
    health = client.get("/_mock/health").get_json()
    out.append(json.dumps(health["tenants"]))  # as served, key order included
    out.append(client.get(f"/_mock/ui/records?tenant=omnisend/{BRAND_ID}").get_data(as_text=True))
    return out


def write(client: FlaskClient) -> None:
    """A welcome contact (an outbox entry), then under the brand's lock a new collection and an extra entry
    removed and added again (it moves to the end)."""
    assert client.post("/v3/contacts", json=WELCOME, headers=OMNISEND).status_code == 200
    mock: MockContext = client.application.extensions["mock"]
    brand = mock.tenant("omnisend", BRAND_ID)
    assert brand is not None
    with brand.lock:
        brand.collection("probe").insert("k", {"id": "k"})
        brand.extra["first"], brand.extra["second"] = 1, 2
    with brand.lock:
        del brand.extra["first"]
        brand.extra["first"] = 3


def test_every_process_lists_a_tenant_as_the_memory_store_does(make_app: Callable[..., Flask]) -> None:
    memory = create_app(Settings(seed=1234, freeze_clock=True)).test_client()
    a, b = make_app().test_client(), make_app().test_client()
    expected = views(memory)
    assert views(a) == expected and views(b) == expected  # b joined: its tenants were read from Redis
    write(memory)
    write(a)
    expected = views(memory)
    assert '"name":"first"' in expected[0] and '"name":"probe"' in expected[0]
    assert views(b) == expected  # caught up with a's change sets
    assert views(make_app().test_client()) == expected  # joined now: loaded whole from Redis
    assert views(a) == expected
    memory.post("/_mock/reset")
    b.post("/_mock/reset")  # b's seed was read from Redis
    expected = views(memory)
    assert views(b) == expected and views(a) == expected
