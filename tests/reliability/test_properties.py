"""Property-based: generated requests never get a 5xx, every answer is strict JSON, every error is in its
vendor's envelope, and a refused request changes nothing stored.

Deterministic (``derandomize``, no example database) and sized to run in well under a minute. Rate
limits are off here: they are exact and tested on their own, and a 429 would only hide the handler.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_server.app import create_app
from mock_server.core.context import MockContext, Settings
from tests.conftest import OMNISEND, OMNISEND_READONLY_KEY, STAGING, snapshot
from tests.reliability import strategies as S

PROPERTY = settings(max_examples=200, derandomize=True, database=None, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                           HealthCheck.data_too_large])


@pytest.fixture(scope="module")
def fuzz_app() -> Iterator[Flask]:
    """One sandbox for all examples (state accumulates, as it would for a real client)."""
    app = create_app(Settings(seed=16, freeze_clock=True, rate_limits=False))
    app.config["TESTING"] = False
    app.config["FUZZ_IDS"] = known_ids(app)  # taken once: strategies must not depend on changing state
    yield app


def known_ids(app: Flask) -> list[str]:
    """Ids that exist, so generated paths reach records and not only 404s."""
    mock: MockContext = app.extensions["mock"]
    ids = ["64a1f0c2e4b0a1b2c3d4e5f6", "default", "vip"]
    for tenant in mock.store.tenants():
        for collection in tenant.collections.values():
            ids.extend(collection.keys()[:2])
    return sorted(set(ids))


def stored(mock: MockContext) -> dict[Any, Any]:
    """Every tenant's records and state; an empty collection a read created is no change."""
    snap = snapshot(mock)
    for state in snap.values():
        state["collections"] = {name: col for name, col in state["collections"].items()
                                if col["records"] or col["next_iid"] != 1}
    return snap


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def strict_json(data: bytes) -> Any:
    """Parse like a strict client: NaN and Infinity are not JSON."""
    return json.loads(data.decode("utf-8"), parse_constant=_reject_constant)


def check_answer(path: str, status: int, content_type: str, data: bytes) -> None:
    """No 5xx; JSON whenever there is a body; errors in the envelope of the path's owner."""
    assert status < 500, (status, data[:300])
    if not data:
        assert status in (202, 204) or status < 300, (status, path)
        return
    assert content_type.startswith("application/json"), (status, content_type, data[:200])
    body = strict_json(data)
    if status < 400:
        return
    if path.startswith("/v2"):
        assert isinstance(body, dict) and body.get("status") == "ERROR" and isinstance(body.get("message"), str), body
        assert set(body) <= {"status", "message", "request_id", "errors"}, body
    else:  # Omnisend (and unknown top-level paths), and the control plane: {"error": text[, "fields": [...]]}
        assert isinstance(body, dict) and isinstance(body.get("error"), str), body
        fields = body.get("fields")
        assert fields is None or (isinstance(fields, list) and all(isinstance(f, str) for f in fields)), body


def send(client: FlaskClient, mock: MockContext, method: str, url: str, headers: dict[str, str],
         data: bytes | None) -> None:
    """Send one request and check every property."""
    before = stored(mock)
    response = client.open(url, method=method, headers=headers, data=data,
                           content_type="application/json" if data is not None else None)
    path = url.split("?", 1)[0]
    check_answer(path, response.status_code, response.content_type or "", response.get_data())
    if response.status_code >= 400:
        assert stored(mock) == before, (method, url, response.status_code, response.get_data()[:300])


def _route_requests(app: Flask, prefixes: tuple[str, ...], bodies: st.SearchStrategy[Any]
                    ) -> st.SearchStrategy[tuple[str, str, bytes | None]]:
    ids = app.config["FUZZ_IDS"]

    def build(route: S.Route) -> st.SearchStrategy[tuple[str, str, bytes | None]]:
        method = st.sampled_from([route.method] * 6 + S.METHODS)  # mostly the route's own method
        body: st.SearchStrategy[bytes | None] = S.raw_bodies(bodies) | st.none()
        return st.tuples(method, S.urls(route, ids), body)

    return st.sampled_from(S.routes(app, prefixes)).flatmap(build)


@PROPERTY
@given(data=st.data())
def test_omnisend_requests(fuzz_app: Flask, data: st.DataObject) -> None:
    method, url, body = data.draw(_route_requests(fuzz_app, S.PREFIXES["omnisend"], S.omnisend_bodies()))
    key = data.draw(st.sampled_from([OMNISEND] * 6 + [{"X-API-KEY": OMNISEND_READONLY_KEY}, {}]))
    send(fuzz_app.test_client(), fuzz_app.extensions["mock"], method, url, dict(key), body)


@PROPERTY
@given(data=st.data())
def test_ometria_requests(fuzz_app: Flask, data: st.DataObject) -> None:
    method, url, body = data.draw(_route_requests(fuzz_app, S.PREFIXES["ometria"], S.ometria_bodies()))
    key = data.draw(st.sampled_from([STAGING] * 6 + [{"X-Ometria-Auth": "wrong"}, {}]))
    send(fuzz_app.test_client(), fuzz_app.extensions["mock"], method, url, dict(key), body)


@settings(PROPERTY, max_examples=200)
@given(prefix=st.sampled_from(["/v3", "/v5", "/v2", "", "/v4", "/_mock", "/contacts"]),
       segments=st.lists(st.sampled_from(["contacts", "orders", "push", "%2F", "%00", "..", "¹", "x" * 300, "%ZZ"])
                         | st.text(min_size=1, max_size=8).map(lambda t: t.replace("/", "").replace("?", "") or "x"),
                         max_size=4),
       method=st.sampled_from([*S.METHODS, "OPTIONS", "HEAD", "TRACE", "PROPFIND"]))
def test_any_path_and_method(fuzz_app: Flask, prefix: str, segments: list[str], method: str) -> None:
    url = prefix + "/" + "/".join(segments)
    if url.startswith(("/_mock/faults", "/_mock/fixtures", "/_mock/reset")) or url.startswith("/_mock/ui"):
        return  # fault rules answer 5xx on purpose; fixtures and reset replace state; the dashboard is HTML
    headers = OMNISEND if not prefix.startswith("/v2") else STAGING
    response = fuzz_app.test_client().open(url, method=method, headers=headers)
    if method == "HEAD":  # no body by definition; the status still must not be a 5xx
        assert response.status_code < 500
        return
    check_answer(url.split("?")[0] if prefix else "/", response.status_code, response.content_type or "",
                 response.get_data())


@settings(PROPERTY, max_examples=120)
@given(body=S.raw_bodies(st.fixed_dictionaries({"action": st.sampled_from(["advance", "freeze", "set", "resume", "x"])},
                                               optional={"seconds": S.json_values(1), "by": S.json_values(1),
                                                         "at": S.json_values(1)})))
def test_control_clock_bodies(fuzz_app: Flask, body: bytes) -> None:
    client = fuzz_app.test_client()
    response = client.post("/_mock/clock", data=body, content_type="application/json")
    check_answer("/_mock/clock", response.status_code, response.content_type or "", response.get_data())
    # Whatever the clock was told, the sandbox keeps answering.
    assert client.get("/_mock/health").status_code == 200
    assert client.get("/v3/contacts?limit=1", headers=OMNISEND).status_code == 200
