"""Fault rules in Redis: set through one process, they fire on another exactly as configured."""

from __future__ import annotations

from typing import Any

from flask import Flask

from tests.conftest import OMNISEND


def add(client: Any, **rule: Any) -> dict[str, Any]:
    response = client.post("/_mock/faults", json=rule)
    assert response.status_code in (200, 201), response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def test_a_rule_set_on_one_app_fires_on_the_other_exactly_count_times(pair: tuple[Flask, Flask]) -> None:
    a, b = (app.test_client() for app in pair)
    add(a, path="/v3/contacts", status=503, after=2, count=3)
    statuses = [(b if i % 3 else a).get("/v3/contacts", headers=OMNISEND).status_code for i in range(8)]
    assert statuses == [200, 200, 503, 503, 503, 200, 200, 200]
    [rule] = a.get("/_mock/faults").get_json()["faults"]
    assert (rule["seen"], rule["fired"], rule["remaining"], rule["active"]) == (8, 3, 0, False)
    fired_on = {e["requestId"] for e in b.get("/_mock/journal?fault=f1").get_json()["items"]}
    assert len(fired_on) == 3  # the journal (shared too) names the rule on each


def test_every_selecting_rule_counts_and_the_first_firing_decides(pair: tuple[Flask, Flask]) -> None:
    a, b = (app.test_client() for app in pair)
    add(a, path="/v3/*", status=500, count=1)
    add(b, path="/v3/contacts", status=503, after=1, count=1)
    statuses = [(a, b, a)[i].get("/v3/contacts", headers=OMNISEND).status_code for i in range(3)]
    assert statuses == [500, 503, 200]


def test_deleting_through_one_app_stops_the_other(pair: tuple[Flask, Flask]) -> None:
    a, b = (app.test_client() for app in pair)
    rule = add(a, path="/v3/contacts", status=500)
    assert b.get("/v3/contacts", headers=OMNISEND).status_code == 500
    assert b.delete(f"/_mock/faults/{rule['id']}").status_code in (200, 204)
    assert a.get("/v3/contacts", headers=OMNISEND).status_code == 200
    add(b, path="/v3/contacts", status=502)
    assert a.get("/v3/contacts", headers=OMNISEND).status_code == 502
    assert a.post("/_mock/reset").status_code == 200  # a full reset deletes the rules for everyone
    assert b.get("/v3/contacts", headers=OMNISEND).status_code == 200
    assert b.get("/_mock/faults").get_json()["faults"] == []


def test_probability_is_reproducible_across_processes(pair: tuple[Flask, Flask]) -> None:
    a, b = (app.test_client() for app in pair)

    def pattern() -> list[int]:
        a.delete("/_mock/faults")
        add(a, path="/v3/contacts", status=503, probability=0.3, seed=42)
        return [(a, b)[i % 2].get("/v3/contacts", headers=OMNISEND).status_code for i in range(30)]

    first = pattern()
    assert first == pattern()
    assert 503 in first and 200 in first
