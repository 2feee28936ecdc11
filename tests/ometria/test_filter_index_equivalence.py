"""Ometria's indexed filters answer byte for byte what the plain filtered walk answers (issue 14, goal 2).

``/profiles?updateSince``, ``/unsubscribes?since&before`` and ``/lists/{id}/changes?since`` read a range
of a time order (core.spans); ``/lists?mode`` reads the ``archived`` filter index. Random pushes at
moving clock times (new and updated contacts, list adds and removes), simulated unsubscribes, a reset and
a clock moved back; after each round every filter in both orders is paged to the end, once through the
indexes and once with them switched off. Every body must be identical.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_server.core import paging, spans
from mock_server.core.context import Settings
from tests.conftest import STAGING
from tests.ometria.profile_helpers import push

KINDS = ("preferences_centre", "list_unsubscribe", "stopword_unsubscribe_TF")


@pytest.fixture
def settings(store_url: str) -> Settings:
    return Settings(seed=1234, freeze_clock=True, rate_limits=False, page_cache=False, store=store_url)


def _walk(client: FlaskClient, path: str, query: str) -> list[Any]:
    bodies: list[Any] = []
    offset = 0
    while True:
        response = client.get(f"{path}?limit=2&offset={offset}&{query}", headers=STAGING)
        bodies.append((response.status_code, response.get_data(as_text=True)))
        if response.status_code != 200 or len(response.get_json()) < 2:
            return bodies
        offset += 2


def _answers(client: FlaskClient, moments: list[str]) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    picks = [moments[0], *moments[len(moments) // 2:len(moments) // 2 + 2], moments[-1], "2099-01-01T00:00:00"]
    for order in ("", "&orderby=timestamp_update"):
        for moment in picks:
            out[f"profiles {moment}{order}"] = _walk(client, "/v2/profiles", f"updateSince={moment}{order}")
            out[f"changes {moment}{order}"] = _walk(client, "/v2/lists/1001/changes", f"since={moment}{order}")
            out[f"unsub since {moment}{order}"] = _walk(client, "/v2/unsubscribes", f"since={moment}{order}")
            out[f"unsub before {moment}{order}"] = _walk(client, "/v2/unsubscribes", f"before={moment}{order}")
            out[f"unsub both {moment}{order}"] = _walk(client, "/v2/unsubscribes",
                                                       f"since={picks[0]}&before={moment}{order}")
        out[f"changes 1970{order}"] = _walk(client, "/v2/lists/1001/changes", f"since=1970-01-01{order}")
        out[f"unsub type{order}"] = _walk(client, "/v2/unsubscribes",
                                          f"since={picks[1]}&type=list_unsubscribe{order}")
        for mode in ("", "&mode=active", "&mode=archived", "&mode=all"):
            out[f"lists {mode}{order}"] = _walk(client, "/v2/lists", f"x=1{mode}{order}")
    return out


def _round(client: FlaskClient, rnd: random.Random, ids: list[str], moments: list[str], back: bool) -> None:
    for _ in range(14):
        if back and rnd.random() < 0.3 and len(moments) > 2:  # back to an earlier moment: times out of order
            move = {"action": "set", "at": rnd.choice(moments[1:]) + "Z"}
        else:
            move = {"action": "advance", "seconds": rnd.randrange(1, 90_000)}
        assert client.post("/_mock/clock", json=move).status_code == 200
        moments.append(client.get("/_mock/clock").get_json()["now"][:19])
        choice = rnd.random()
        if choice < 0.55 or not ids:
            contact = f"eq-{rnd.randrange(10**6)}"
            ids.append(contact)
            push(client, STAGING, {"@collection": "default", "id": contact, "email": f"{contact}@example.com",
                                   "firstname": "E", "@add_to_lists": ["1001"] if rnd.random() < 0.6 else []})
        elif choice < 0.8:
            contact = rnd.choice(ids)
            change: dict[str, Any] = {"@collection": "default", "id": contact, "lastname": f"L{rnd.randrange(99)}"}
            change["@remove_from_lists" if rnd.random() < 0.5 else "@add_to_lists"] = ["1001"]
            push(client, STAGING, change)
        else:
            response = client.post("/_mock/ometria/staging/unsubscribes",
                                   json={"type": rnd.choice(KINDS), "email": f"{rnd.choice(ids)}@example.com"})
            assert response.status_code == 201, response.get_json()


@pytest.mark.parametrize("gather", [True, False], ids=["gathered", "walked"])
def test_indexed_ometria_filters_answer_what_the_plain_walk_answers(
        client: FlaskClient, monkeypatch: pytest.MonkeyPatch, gather: bool) -> None:
    if not gather:  # every range too large to gather: another order walks (the range's own order still slices)
        monkeypatch.setattr(spans, "gather_limit", lambda size, decoding: 0)
    rnd = random.Random(17)
    ids: list[str] = []
    moments: list[str] = ["2020-01-01T00:00:00"]
    indexed_hints = paging.index_hints
    for step in range(3):
        if step == 1:
            assert client.post("/_mock/reset").status_code == 200
            ids = []
        _round(client, rnd, ids, moments, back=step == 2)
        monkeypatch.setattr(paging, "index_hints", indexed_hints)
        indexed = _answers(client, moments)
        monkeypatch.setattr(paging, "index_hints", lambda *args: ())
        plain = _answers(client, moments)
        assert indexed.keys() == plain.keys()
        for key in indexed:
            assert indexed[key] == plain[key], key
        assert all(status == 200 for bodies in indexed.values() for status, _ in bodies)
        assert sum(len(bodies) > 2 for bodies in indexed.values()) >= 10  # many walks had several pages
