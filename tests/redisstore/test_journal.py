"""The journal in Redis: entries from every process, numbered in one sequence, newest kept."""

from __future__ import annotations

from typing import Any

from flask import Flask

from tests.conftest import OMNISEND, STAGING


def journal(client: Any, query: str = "") -> dict[str, Any]:
    body: dict[str, Any] = client.get(f"/_mock/journal{query}").get_json()
    return body


def test_entries_from_both_apps_in_one_journal(pair: tuple[Flask, Flask]) -> None:
    a, b = (app.test_client() for app in pair)
    sent = [a.get("/v3/contacts?limit=1", headers=OMNISEND), b.post("/v2/push", headers=STAGING, json=[
        {"@type": "product", "id": "p1", "title": "Tee"}]), a.get("/v3/nothing-here", headers=OMNISEND)]
    ids = [r.headers["X-Mock-Request-Id"] for r in sent]
    for client in (a, b):
        body = journal(client)
        assert body["total"] == 3
        assert [e["requestId"] for e in body["items"]] == ids[::-1]  # newest first, as in memory
    [push] = journal(a, "?vendor=ometria")["items"]
    assert push["body"] == [{"@type": "product", "id": "p1", "title": "Tee"}]
    assert push["responseBody"] == sent[1].get_json()
    assert journal(b, "?status=4xx")["items"][0]["requestId"] == ids[2]


def test_the_ring_keeps_the_newest_and_clear_is_shared(make_app: Any) -> None:
    a = make_app(journal_size=3).test_client()
    b = make_app(journal_size=3).test_client()
    for i in range(5):
        (a, b)[i % 2].get(f"/v3/contacts?limit={i + 1}", headers=OMNISEND)
    items = journal(b)["items"]
    assert [e["query"] for e in items] == ["limit=5", "limit=4", "limit=3"]
    assert [e["id"] for e in items] == [5, 4, 3]
    assert b.delete("/_mock/journal").get_json() == {"deleted": 3}
    assert journal(a)["total"] == 0
    a.get("/v3/contacts", headers=OMNISEND)
    assert [e["id"] for e in journal(b)["items"]] == [6]  # numbering continues
