"""The write lane answers exactly what the full pipeline answers: the same sequence of pushes (valid,
invalid, duplicates, refused, with faults, scopes and rate limits, after resets and clock moves, in both
Ometria queue modes) against an app with the lane and one without gives the same statuses, headers,
bodies, journal and stored state."""

from __future__ import annotations

import copy
import json
from collections import Counter
from typing import Any

import pytest
from flask import Flask

from mock_server.app import create_app
from mock_server.core.context import MockContext, Settings
from mock_server.core.schema import load
from mock_server.fastwrite import FastWrite
from mock_server.ometria.backend.contacts import plain_record
from mock_server.ometria.schemas.contact import ContactRecordSchema
from mock_server.omnisend.v3.fastwrite import plain_contact
from mock_server.omnisend.v3.schemas.contacts import ContactCreateSchema
from mock_server.omnisend.v2026.fastwrite import plain_contact as plain_2026
from mock_server.omnisend.v2026.schemas.contacts import V2026ContactRequestSchema
from tests.conftest import LIVE, OMNISEND, OMNISEND_READONLY_KEY, STAGING
from tests.redis_server import RedisServer

Step = tuple[str, str, dict[str, str], Any]  # body: bytes as sent, or JSON-ready data, or None
JSON = {"Content-Type": "application/json"}


def _contact(email: str, **extra: Any) -> dict[str, Any]:
    return {"identifiers": [{"type": "email", "id": email, "channels": {"email": {
        "status": "subscribed", "statusDate": "2024-01-01T00:00:00Z"}}}], **extra}


def _record(i: int, **extra: Any) -> dict[str, Any]:
    return {"@type": "contact", "@collection": "default", "id": f"fw-{i}", "email": f"fw{i}@example.org",
            "firstname": "Fast", **extra}


OMNISEND_WRITES: list[Step] = [
    ("POST", "/v3/contacts", OMNISEND, _contact("fw.one@example.com", firstName="One")),
    ("POST", "/v3/contacts", OMNISEND, _contact("fw.one@example.com", firstName="One")),  # duplicate
    ("POST", "/v3/contacts", OMNISEND, _contact("greta.jankute@example.com")),  # a seeded contact
    ("POST", "/v3/contacts", OMNISEND, _contact("fw.two@example.com", firstName="Two", lastName="B",
                                                city="Vilnius")),
    ("POST", "/v3/contacts", OMNISEND, {"firstName": "Order", **_contact("fw.order@example.com")}),
    ("POST", "/v3/contacts", OMNISEND, _contact("fw.tags@example.com", tags=["vip", "new"])),
    ("POST", "/v3/contacts", OMNISEND, _contact("not-an-email")),
    ("POST", "/v3/contacts", OMNISEND, _contact("fw.bad@example.com", firstName=5)),
    ("POST", "/v3/contacts", OMNISEND, {"identifiers": []}),
    ("POST", "/v3/contacts", OMNISEND, {"identifiers": [{"type": "email", "id": "fw.date@example.com",
                                                          "channels": {"email": {"statusDate": "yesterday"}}}]}),
    ("POST", "/v3/contacts", OMNISEND, {"identifiers": [{"type": "phone", "id": "+37060000001",
                                                          "channels": {"sms": {"status": "subscribed"}}}]}),
    ("POST", "/v3/contacts", OMNISEND, b'{"identifiers": [,]}'),
    ("POST", "/v3/contacts", OMNISEND, b""),
    ("POST", "/v3/contacts", OMNISEND, b"[]"),
    ("POST", "/v3/contacts?x=1", OMNISEND, _contact("fw.query@example.com")),
    ("POST", "/contacts", OMNISEND, _contact("fw.alias@example.com")),
    ("POST", "/v3/contacts/", OMNISEND, _contact("fw.slash@example.com")),
    ("POST", "/v3/contacts", {**OMNISEND, "Origin": "http://localhost:3000"}, _contact("fw.cors@example.com")),
    ("POST", "/v3/contacts", {**OMNISEND, "X-HTTP-Method-Override": "PATCH"}, _contact("fw.o@example.com")),
    ("POST", "/v3/contacts", {"X-API-KEY": OMNISEND_READONLY_KEY}, _contact("fw.ro@example.com")),
    ("POST", "/v3/contacts", {"X-API-KEY": "wrong"}, _contact("fw.wrong@example.com")),
    ("POST", "/v3/contacts", {}, _contact("fw.nokey@example.com")),
]

API = {"Authorization": "Bearer omnisend-demo-key", "Omnisend-Version": "2026-03-15"}
API_WRITES: list[Step] = [
    ("POST", "/api/contacts", API, _contact("fw.api@example.com", firstName="Api")),
    ("POST", "/api/contacts", API, _contact("fw.api@example.com", lastName="Again")),  # an update: 200
    ("POST", "/api/contacts", API, _contact("greta.jankute@example.com", city="Kaunas")),
    ("POST", "/api/contacts", API, {"identifiers": [{"type": "email", "id": "fw.api2@example.com"}]}),
    ("POST", "/api/contacts", API, {"identifiers": [{"type": "email", "id": "fw.api3@example.com", "channels": {
        "email": {"status": "unsubscribed", "statusChangedAt": "2024-02-03T04:05:06Z"}}}]}),
    ("POST", "/api/contacts", API, {"identifiers": [{"type": "email", "id": "fw.api4@example.com", "channels": {
        "email": {"statusDate": "2024-02-03T04:05:06Z"}}}]}),
    ("POST", "/api/contacts", API, {"identifiers": [
        {"type": "email", "id": "fw.api5@example.com", "channels": {"email": {"status": "subscribed"}}},
        {"type": "email", "id": "fw.api@example.com", "channels": {"email": {"status": "subscribed"}}}]}),
    ("POST", "/api/contacts", API, {"identifiers": []}),
    ("POST", "/api/contacts", API, {"firstName": "No identifiers"}),
    ("POST", "/api/contacts", API, b"{"),
    ("POST", "/api/contacts", {**API, "Authorization": "Omnisend-API-Key omnisend-demo-key"},
     _contact("fw.api6@example.com")),
    ("POST", "/api/contacts", {**API, "Omnisend-Version": "2099-01-01"}, _contact("fw.api7@example.com")),
    ("POST", "/api/contacts", {**API, "Omnisend-Version": "2020-01-01"}, _contact("fw.api8@example.com")),
    ("POST", "/api/contacts", {"Omnisend-Version": "2026-03-15"}, _contact("fw.api9@example.com")),
    ("POST", "/api/contacts", {**API, "Authorization": "Bearer omnisend-readonly-key"},
     _contact("fw.api10@example.com")),
]

OMETRIA_WRITES: list[Step] = [
    ("POST", "/v2/push", STAGING, [_record(1)]),
    ("POST", "/v2/push", STAGING, [_record(1)]),  # duplicate
    ("POST", "/v2/push", STAGING, [_record(2, lastname="Two"), _record(3)]),
    ("POST", "/v2/push", STAGING, [_record(4, email="not an email")]),
    ("POST", "/v2/push", STAGING, [{"@type": "contact", "id": "fw 5"}, _record(6)]),
    ("POST", "/v2/push", STAGING, [{"@type": "contact"}]),
    ("POST", "/v2/push", STAGING, [_record(7), {"@type": "order", "id": "o-1"}]),
    ("POST", "/v2/push", STAGING, [{"@type": "order", "id": "fw-o-1", "status": "complete",
                                    "timestamp": "2024-01-02T03:04:05Z", "grand_total": 10.5,
                                    "currency": "GBP", "customer": {"id": "fw-1"}}]),
    ("POST", "/v2/push", STAGING, []),
    ("POST", "/v2/push", STAGING, {"@type": "contact"}),
    ("POST", "/v2/push", STAGING, b"[{]"),
    ("POST", "/v2/push", STAGING, [_record(i) for i in range(101)]),
    ("POST", "/v2/push", LIVE, [_record(8)]),
    ("POST", "/v2/push", {"X-Ometria-Auth": "wrong"}, [_record(9)]),
]

CHANGES: list[Step] = [
    ("POST", "/_mock/clock", {}, {"action": "advance", "seconds": 40 * 86400}),
    ("POST", "/_mock/faults", {}, {"status": 503, "path": "/v3/contacts", "count": 2}),
    ("POST", "/_mock/faults", {}, {"status": 500, "vendor": "ometria", "count": 1}),
    ("DELETE", "/_mock/faults", {}, None),
    ("PUT", "/_mock/limits/omnisend/64a1f0c2e4b0a1b2c3d4e5f6", {}, {"rateLimit": {"limit": 30, "window": 60}}),
    ("PUT", "/_mock/limits/ometria/staging", {}, {"rateLimits": {"push": {"limit": 4, "window": 10}}}),
    ("PUT", "/_mock/limits/omnisend/64a1f0c2e4b0a1b2c3d4e5f6", {},
     {"rateLimits": {"default": {"limit": 50, "window": 60}}}),
    ("POST", "/_mock/ometria/queue/drain", {}, None),
    ("POST", "/_mock/clock", {}, {"action": "advance", "seconds": 61}),
    ("POST", "/_mock/reset", {}, None),
    ("POST", "/_mock/reset?vendor=ometria", {}, None),
]

READS: list[Step] = [
    ("GET", "/v3/contacts?limit=5", OMNISEND, None),
    ("GET", "/v2/contacts/default", STAGING, None),
    ("GET", "/v2/push/_errors", STAGING, None),
    ("GET", "/api/contacts?limit=5", API, None),
    ("GET", "/_mock/outbox", {}, None),
]


def _app(fast_writes: bool, queue_mode: str, store: str = "memory") -> Flask:
    app = create_app(Settings(seed=7, freeze_clock=True, fast_writes=fast_writes, ometria_queue_mode=queue_mode,
                              start_workers=False, webhooks=False, store=store))
    app.config["TESTING"] = False
    return app


def _answer(app: Flask, step: Step) -> tuple[int, list[tuple[str, str]], bytes]:
    method, url, headers, body = step
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    response = app.test_client().open(url, method=method, headers={**JSON, **headers} if data else headers,
                                      data=data)
    return response.status_code, list(response.headers.items()), response.get_data()


def _journal(app: Flask) -> list[dict[str, Any]]:
    mock: MockContext = app.extensions["mock"]
    return [{k: v for k, v in e.items() if k != "durationMs"} for e in mock.journal.entries()]


def _state(app: Flask) -> list[Any]:
    mock: MockContext = app.extensions["mock"]
    return [(t.vendor, t.tenant_id, t.snapshot()) for t in mock.store.tenants()]


def _sequence() -> list[Step]:
    writes = OMNISEND_WRITES + API_WRITES + OMETRIA_WRITES
    steps: list[Step] = [*writes, *READS, *writes]
    for change in CHANGES:
        steps += [change, *writes, *READS]
    return steps


@pytest.mark.parametrize("queue_mode", ["sync", "async"])
def test_the_write_lane_answers_byte_for_byte_what_the_pipeline_answers(queue_mode: str,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    answered: Counter[str] = Counter()
    original = FastWrite.__call__

    def counting(self: FastWrite, environ: dict[str, Any], start_response: Any) -> Any:
        result = original(self, environ, start_response)
        if result is not None:
            answered[environ["PATH_INFO"]] += 1
        return result

    monkeypatch.setattr(FastWrite, "__call__", counting)
    fast, slow = _app(True, queue_mode), _app(False, queue_mode)
    for number, step in enumerate(_sequence()):
        assert _answer(fast, step) == _answer(slow, step), f"step {number}: {step[0]} {step[1]} {step[3]!r:.80}"
        if step[0] == "POST" and step[1] == "/v2/push" and number % 7 == 0:
            assert _state(fast) == _state(slow), f"step {number}"
    assert _journal(fast) == _journal(slow)
    assert _state(fast) == _state(slow)
    # The lane really answered writes of every route it knows.
    assert all(answered[path] > 20 for path in ("/v3/contacts", "/api/contacts", "/v2/push")), answered


def test_the_write_lane_answers_what_the_pipeline_answers_in_redis_mode(redis_server: RedisServer) -> None:
    """The shared clock, limiter, journal and request ids (mock_server.redisstore) behind both lanes."""
    urls = []
    for db in (8, 9):  # one database per app: their shared state must not meet
        redis_server.flush(db)
        urls.append(redis_server.url(db))
    fast, slow = _app(True, "sync", urls[0]), _app(False, "sync", urls[1])
    writes = OMNISEND_WRITES + API_WRITES + OMETRIA_WRITES
    for number, step in enumerate([*writes, *READS, *CHANGES[:6], *writes, *READS]):
        assert _answer(fast, step) == _answer(slow, step), f"step {number}: {step[0]} {step[1]} {step[3]!r:.80}"
    assert _journal(fast) == _journal(slow)
    assert _state(fast) == _state(slow)


PLAIN_BODIES: list[Any] = [
    _contact("a@example.com"),
    _contact("a@example.com", firstName="A", lastName="B", country="LT", state="", city="V", address="x",
             postalCode="1"),
    {"identifiers": [{"type": "email", "id": "b@example.com", "channels": {"email": {}}}]},
    {"identifiers": [{"type": "email", "id": "b@example.com", "channels": {"email": {"status": "unsubscribed"}}}],
     "firstName": "Ä"},
    {"identifiers": [_contact("c@example.com")["identifiers"][0], _contact("d@example.com")["identifiers"][0]]},
]
NOT_PLAIN: list[Any] = [
    {"firstName": "A", **_contact("a@example.com")},  # key order differs from the schema's
    _contact("a@example.com", tags=["vip"]),
    _contact("a@example.com", sendWelcomeEmail=True),
    _contact("a@example.com", unknown="x"),
    {"identifiers": [{"id": "a@example.com", "type": "email", "channels": {"email": {}}}]},
    {"identifiers": [{"type": "email", "id": "a@example.com", "channels": {"email": {"statusDate": "2024",
                                                                                      "status": "subscribed"}}}]},
    {"identifiers": [{"type": "email", "id": "a@example.com", "channels": {"email": {"status": "bogus"}}}]},
    {"identifiers": [{"type": "email", "id": "a@example.com", "channels": {"email": {}, "sms": {}}}]},
    {"identifiers": [{"type": "email", "id": "a b@example.com", "channels": {"email": {}}}]},
    {"identifiers": []},
    {"identifiers": [{"type": "email", "id": "a@example.com", "channels": {"email": {"statusDate": "soon"}}}]},
    {"firstName": None, **_contact("a@example.com")},
    [],
]


PLAIN_2026: list[Any] = [
    _contact("a@example.com", firstName="A"),
    {"identifiers": [{"type": "email", "id": "b@example.com"}], "lastName": "B", "city": "C"},
    {"identifiers": [{"type": "email", "id": "b@example.com", "channels": {"email": {
        "status": "nonSubscribed", "statusChangedAt": "2024-01-01T00:00:00+02:00"}}}]},
]
NOT_PLAIN_2026: list[Any] = [
    {"identifiers": [{"type": "email", "id": "b@example.com", "channels": {"email": {}}}]},  # status required
    {"identifiers": [{"type": "email", "id": "b@example.com", "channels": {"email": {"status": "x"}}}]},
    {"identifiers": [{"type": "phone", "id": "+37060000000"}]},
    {"city": "C", "identifiers": [{"type": "email", "id": "b@example.com"}]},
    {"identifiers": [{"type": "email", "id": "b@example.com", "source": "form"}]},
    {"identifiers": [{"type": "email", "id": "b@example.com"}], "tags": ["a"]},
]


V3 = (plain_contact, ContactCreateSchema)
V2026 = (plain_2026, V2026ContactRequestSchema)


@pytest.mark.parametrize(("api", "body"), [(V3, b) for b in PLAIN_BODIES] + [(V2026, b) for b in PLAIN_2026])
def test_a_plain_contact_loads_unchanged_key_order_included(api: tuple[Any, Any], body: Any) -> None:
    plain, schema = api
    assert plain(body)
    loaded = load(schema(), copy.deepcopy(body))
    assert json.dumps(loaded) == json.dumps(body)


@pytest.mark.parametrize(("api", "body"), [(V3, b) for b in NOT_PLAIN] + [(V2026, b) for b in NOT_PLAIN_2026])
def test_anything_else_is_left_to_the_schema(api: tuple[Any, Any], body: Any) -> None:
    plain, _ = api
    assert not plain(body)


PLAIN_RECORDS: list[dict[str, Any]] = [
    _record(1),
    {"@type": "contact", "id": "x", "email": None, "firstname": None, "lastname": "L", "prefix": "Dr",
     "middlename": "M", "country_id": "LT", "timezone": "Europe/Vilnius", "@merge": False},
    {"@type": "contact", "id": "only-id"},
    _record(1, gender="m"), _record(1, properties={}), _record(1, custom="stored as sent"),
]
NOT_PLAIN_RECORDS: list[dict[str, Any]] = [
    _record(1, email="not an email"), _record(1, id="has space"), _record(1, firstname=3),
    _record(1, gender="x"), _record(1, properties=[]), {"@type": "contact", "email": "a@example.org"},
]


@pytest.mark.parametrize("record", PLAIN_RECORDS)
def test_a_plain_ometria_contact_has_no_schema_problem(record: dict[str, Any]) -> None:
    assert plain_record(record)
    load(ContactRecordSchema(), {k: v for k, v in record.items() if not k.startswith("@")})


@pytest.mark.parametrize("record", NOT_PLAIN_RECORDS)
def test_other_ometria_contacts_are_left_to_the_schema(record: dict[str, Any]) -> None:
    assert not plain_record(record)


def test_the_lanes_writes_reach_the_state_files(tmp_path: Any) -> None:
    """Persistence hooks see the lane's writes: a restart from the state folder has the same state."""
    settings = Settings(seed=7, freeze_clock=True, ometria_queue_mode="sync", start_workers=False, webhooks=False,
                        state_dir=tmp_path)
    app = create_app(settings)
    app.config["TESTING"] = False
    for step in OMNISEND_WRITES + API_WRITES + OMETRIA_WRITES:
        _answer(app, step)
    mock: MockContext = app.extensions["mock"]
    assert mock.journal.entries()[-1]["status"] is not None
    before = _records(app)
    assert mock.persistence is not None
    mock.persistence.close()
    again = create_app(settings)
    assert _records(again) == before
    again.extensions["mock"].persistence.close()


def _records(app: Flask) -> dict[tuple[str, str, str], list[tuple[str, Any]]]:
    """Every stored record, decoded (a restart re-encodes and draws fresh id generators)."""
    mock: MockContext = app.extensions["mock"]
    return {(t.vendor, t.tenant_id, name): list(col.items()) for t in mock.store.tenants()
            for name, col in t.collections.items()}
