"""Replay fidelity: whatever generated traffic did to the store, a restart from the log restores exactly."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_server.app import create_app
from mock_server.core.context import MockContext, Settings
from tests.conftest import OMNISEND, STAGING
from tests.reliability import strategies as S
from tests.reliability.test_properties import stored

pytestmark = pytest.mark.slow
BASE = Settings(seed=21, freeze_clock=True, rate_limits=False)
_ROUTES: dict[str, list[S.Route]] = {}


def vendor_routes(vendor: str) -> list[S.Route]:
    """Write routes of one vendor (from a throwaway app's URL map)."""
    if not _ROUTES:
        app = create_app(Settings(seed=21, freeze_clock=True))
        for name, prefixes in S.PREFIXES.items():
            _ROUTES[name] = [r for r in S.routes(app, prefixes) if r.method != "GET"]
    return _ROUTES[vendor]


@st.composite
def traffic(draw: st.DrawFn) -> list[tuple[str, str, dict[str, str], bytes | None]]:
    """A run of write requests to both vendors (most of them valid-looking)."""
    contact = {"identifiers": [{"type": "email", "id": "replay@example.com",
                                "channels": {"email": {"status": "subscribed"}}}], "firstName": "Re"}
    out = [("POST", "/v3/contacts", OMNISEND, json.dumps(contact).encode()),
           ("POST", "/v2/push", STAGING, b'[{"@type": "contact", "id": "replay-1", "email": "r@example.com"}]')]
    for _ in range(draw(st.integers(min_value=15, max_value=30))):
        vendor = draw(st.sampled_from(["omnisend", "ometria"]))
        route = draw(st.sampled_from(vendor_routes(vendor)))
        bodies = S.omnisend_bodies() if vendor == "omnisend" else S.ometria_bodies()
        url = draw(S.urls(route, ["default", "staging-c1", "65b2a0c1d2e3f4a5b6c7d000", "prod-trek-2-tent"]))
        body = draw(S.raw_bodies(bodies))
        out.append((route.method, url, OMNISEND if vendor == "omnisend" else STAGING, body))
    return out


def tenant_state(mock: MockContext) -> dict[Any, Any]:
    """Records and non-record state of every tenant."""
    return stored(mock)


@settings(max_examples=3, derandomize=True, database=None, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                 HealthCheck.data_too_large])
@given(requests=traffic())
def test_a_restart_restores_exactly_what_the_traffic_left(tmp_path_factory: pytest.TempPathFactory,
                                                          requests: list[tuple[str, str, dict[str, str], bytes | None]]
                                                          ) -> None:
    folder: Path = tmp_path_factory.mktemp("state")
    first = create_app(dataclasses.replace(BASE, state_dir=folder))
    client = first.test_client()
    for method, url, headers, body in requests:
        client.open(url, method=method, headers=headers, data=body, content_type="application/json")
    client.post("/_mock/clock", json={"action": "advance", "seconds": 42})
    mock: MockContext = first.extensions["mock"]
    mock.persistence.sync()
    before = tenant_state(mock)
    clock = mock.clock.time()
    mock.persistence.detach()  # as if killed: no last snapshot, the log is all there is

    second = create_app(dataclasses.replace(BASE, state_dir=folder))
    again: MockContext = second.extensions["mock"]
    try:
        assert again.persistence.loaded["problems"] == []
        assert again.persistence.loaded["records"] > 0
        assert second.test_client().get("/v2/contacts/default/replay-1", headers=STAGING).status_code == 200
        assert tenant_state(again) == before
        assert again.clock.time() == pytest.approx(clock, abs=0.001)
    finally:
        again.persistence.close()
