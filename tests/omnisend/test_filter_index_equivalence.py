"""Indexed filters answer byte for byte what the plain filtered walk answers (issue 14, goal 2).

Random contact writes through the API (creates, patches of tags, status and name), resets and clock
moves; after each round every contacts filter (email, phone, each status, tags common and rare, each
segment: field rules, event rules, API segments, unknown) of v3 and of 2026 in every sort order and
direction is paged forward to the end and back again, once through the indexes and once with them
switched off (the old walk), with the answer cache off. Every body must be identical.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mock_server.app import create_app
from mock_server.core import paging
from mock_server.core.context import Settings
from mock_server.omnisend.v2026 import constants as V
from tests.conftest import OMNISEND, OMNISEND_KEY

API = {"Authorization": f"{V.API_KEY_SCHEME} {OMNISEND_KEY}", V.VERSION_HEADER: V.VERSION}
STATUSES = ("subscribed", "unsubscribed", "nonSubscribed")
TAGS = ("vip", "newsletter", "rare", "absent-tag")
SEGMENTS = ("seg-vip", "seg-loyal", "seg-recent-buyers", "6720a0000000000000000001", "6720a0000000000000000002",
            "unknown-segment")


@pytest.fixture
def app(store_url: str) -> Iterator[Flask]:
    application = create_app(Settings(seed=1234, freeze_clock=True, store=store_url, page_cache=False,
                                    rate_limits=False))
    application.config["TESTING"] = False
    yield application


def _relative(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def _walk_v3(client: FlaskClient, query: str) -> list[Any]:
    """Every body of a v3 walk: next links to the end, then previous links back to the start."""
    bodies: list[Any] = []
    url = f"/v3/contacts?{query}"
    for link in ("next", "previous"):
        response = None
        while url:
            response = client.get(url, headers=OMNISEND)
            bodies.append((response.status_code, response.get_data(as_text=True)))
            body = response.get_json()
            url = _relative(body["paging"][link]) if response.status_code == 200 and body["paging"][link] else ""
        if response is not None and response.status_code == 200 and link == "next":
            previous = response.get_json()["paging"]["previous"]  # back from the last page
            url = _relative(previous) if previous else ""
    return bodies


def _walk_2026(client: FlaskClient, query: str) -> list[Any]:
    bodies: list[Any] = []
    url = f"/api/contacts?{query}"
    response = None
    for cursor in ("after", "before"):
        while url:
            response = client.get(url, headers=API)
            bodies.append((response.status_code, response.get_data(as_text=True)))
            body = response.get_json()
            token = body["paging"]["cursors"][cursor] if response.status_code == 200 else None
            url = f"/api/contacts?limit=3&{cursor}={token}" if token else ""
        if response is not None and response.status_code == 200 and cursor == "after":
            token = response.get_json()["paging"]["cursors"]["before"]
            url = f"/api/contacts?limit=3&before={token}" if token else ""
    return bodies


def _queries(emails: list[str], phones: list[str]) -> Iterator[tuple[str, str]]:
    filters = [f"email={e}" for e in [*emails[:3], *emails[-2:], "nobody@example.com"]]
    filters += [f"phone={p.replace('+', '%2B')}" for p in [*phones[:1], *phones[-2:], "+10000000000"]]
    filters += [f"status={s}" for s in STATUSES] + [f"tag={t}" for t in TAGS]
    filters += [f"segmentID={s}" for s in SEGMENTS] + ["tag=vip&segmentID=seg-vip", "status=subscribed&tag=rare"]
    for flt in filters:
        yield "v3", f"limit=3&{flt}"
        if "tag=" in flt and "status=" in flt:
            continue  # 2026: tag and status exclude each other
        for sort in ("createdAt", "updatedAt"):
            for direction in ("asc", "desc"):
                yield "2026", f"limit=3&sort={sort}&direction={direction}&{flt}"


def _answers(client: FlaskClient, emails: list[str], phones: list[str]) -> dict[str, list[Any]]:
    return {f"{api} {query}": (_walk_v3 if api == "v3" else _walk_2026)(client, query)
            for api, query in _queries(emails, phones)}


def _write_round(client: FlaskClient, rnd: random.Random, emails: list[str], phones: list[str],
                 ids: list[str]) -> None:
    for _ in range(16):
        choice = rnd.random()
        if choice < 0.5 or not ids:
            n = rnd.randrange(10**6)
            email, phone = f"p{n}@example.com", f"+3706{n:07d}"
            identifiers = [{"type": "email", "id": email,
                            "channels": {"email": {"status": rnd.choice((*STATUSES, "subscribed"))}}}]
            if rnd.random() < 0.5:
                identifiers.append({"type": "phone", "id": phone, "channels": {"sms": {"status": "nonSubscribed"}}})
                phones.append(phone)
            tags = rnd.sample(["vip", "newsletter", "rare"], rnd.randrange(4))
            response = client.post("/v3/contacts", headers=OMNISEND,
                                   json={"identifiers": identifiers, "tags": tags, "firstName": f"N{n}"})
            assert response.status_code == 200, response.get_data(as_text=True)
            emails.append(email)
            ids.append(response.get_json()["contactID"])
        else:
            contact_id = rnd.choice(ids)
            patch = {"tags": rnd.sample(["vip", "newsletter", "rare"], rnd.randrange(4)),
                     "firstName": f"P{rnd.randrange(100)}"}
            response = client.patch(f"/v3/contacts/{contact_id}", headers=OMNISEND, json=patch)
            assert response.status_code == 200, response.get_data(as_text=True)


def test_indexed_filters_answer_what_the_plain_walk_answers(client: FlaskClient,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    rnd = random.Random(14)
    emails: list[str] = ["vip.anna@example.com"]
    phones: list[str] = []
    ids: list[str] = [c["contactID"] for c in client.get("/v3/contacts?limit=250", headers=OMNISEND)
                      .get_json()["contacts"]]
    emails += [c["email"] for c in client.get("/v3/contacts?limit=250", headers=OMNISEND).get_json()["contacts"]
               if c["email"]][:2]
    indexed_hints = paging.index_hints
    for step in range(4):
        if step == 2:
            assert client.post("/_mock/reset").status_code == 200
            ids = [c["contactID"] for c in client.get("/v3/contacts?limit=250", headers=OMNISEND)
                   .get_json()["contacts"]]
        if step == 3:
            assert client.post("/_mock/clock", json={"action": "advance", "seconds": 40 * 86400}).status_code == 200
        _write_round(client, rnd, emails, phones, ids)
        monkeypatch.setattr(paging, "index_hints", indexed_hints)
        indexed = _answers(client, emails, phones)
        monkeypatch.setattr(paging, "index_hints", lambda *args: ())
        plain = _answers(client, emails, phones)
        assert indexed.keys() == plain.keys()
        for key in indexed:
            assert indexed[key] == plain[key], key
        assert all(status == 200 for bodies in indexed.values() for status, _ in bodies)
        assert sum(len(bodies) > 3 for bodies in indexed.values()) >= 10  # many walks had several pages
        for wanted in ("segmentID=seg-vip", "tag=rare", "phone=", "email=p"):
            assert any(wanted in key and '"contacts":[]' not in bodies[0][1] and '"contacts": []' not in bodies[0][1]
                       for key, bodies in indexed.items()), wanted


EMAILS = ("jonas.kazlauskas@example.com", "vip.anna@example.com", "rare.buyer@example.com")
PAYMENT = ("awaitingPayment", "paid", "refunded")
FULFILMENT = ("unfulfilled", "fulfilled")


def _walk_offset(client: FlaskClient, path: str, query: str) -> list[Any]:
    bodies: list[Any] = []
    url = f"{path}?{query}"
    while url:
        response = client.get(url, headers=OMNISEND)
        bodies.append((response.status_code, response.get_data(as_text=True)))
        body = response.get_json()
        url = _relative(body["paging"]["next"]) if response.status_code == 200 and body["paging"]["next"] else ""
    return bodies


def _order_cart_answers(client: FlaskClient, carts: list[str]) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    identity = [f"email={e}" for e in (*EMAILS, "nobody@example.com")] + [f"cartID={c}" for c in (*carts[:2], "x")]
    order_filters = [*identity, *(f"paymentStatus={p}" for p in PAYMENT),
                     *(f"fulfillmentStatus={f}" for f in FULFILMENT), "email=vip.anna@example.com&paymentStatus=paid"]
    for flt in order_filters:
        for sort in ("createdAt", "updatedAt", "orderSum"):
            out[f"orders {sort} {flt}"] = _walk_offset(client, "/v3/orders", f"limit=2&sort={sort}&{flt}")
    for flt in [f"email={e}" for e in (*EMAILS, "nobody@example.com")]:
        for sort in ("createdAt", "updatedAt", "cartSum"):
            out[f"carts {sort} {flt}"] = _walk_offset(client, "/v3/carts", f"limit=2&sort={sort}&{flt}")
    return out


def test_indexed_order_and_cart_filters_answer_what_the_plain_walk_answers(
        client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    rnd = random.Random(15)
    orders: list[str] = []
    carts: list[str] = []
    indexed_hints = paging.index_hints
    for step in range(3):
        for i in range(12):
            if orders and rnd.random() < 0.2:
                gone = orders.pop(rnd.randrange(len(orders)))
                assert client.delete(f"/v3/orders/{gone}", headers=OMNISEND).status_code in (200, 204)
                continue
            n = f"{step}-{i}"
            cart = f"cart-{n}"
            response = client.post("/v3/carts", headers=OMNISEND, json={
                "cartID": cart, "email": rnd.choice(EMAILS), "currency": "EUR", "cartSum": rnd.randrange(9999),
                "products": [{"cartProductID": "cp-1", "productID": "prod-titan-stove", "variantID": "titan-stove",
                              "title": "Titan Gas Stove", "quantity": 1, "price": 5900}]})
            assert response.status_code == 200, response.get_data(as_text=True)
            carts.append(cart)
            response = client.post("/v3/orders", headers=OMNISEND, json={
                "orderID": f"order-{n}", "email": rnd.choice(EMAILS), "currency": "EUR", "cartID": cart,
                "orderSum": rnd.randrange(9999), "createdAt": f"2024-07-{1 + rnd.randrange(28):02d}T10:00:00Z",
                "paymentStatus": rnd.choice(PAYMENT), "fulfillmentStatus": rnd.choice(FULFILMENT)})
            assert response.status_code == 200, response.get_data(as_text=True)
            orders.append(f"order-{n}")
        if step == 2:
            assert client.post("/_mock/reset").status_code == 200
        monkeypatch.setattr(paging, "index_hints", indexed_hints)
        indexed = _order_cart_answers(client, carts)
        monkeypatch.setattr(paging, "index_hints", lambda *args: ())
        plain = _order_cart_answers(client, carts)
        for key in indexed:
            assert indexed[key] == plain[key], key
        assert all(status == 200 for bodies in indexed.values() for status, _ in bodies)
        if step < 2:
            assert sum(len(bodies) > 2 for bodies in indexed.values()) >= 10


def test_indexed_batch_filters_answer_what_the_plain_walk_answers(client: FlaskClient,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    rnd = random.Random(16)
    for _ in range(14):
        endpoint = rnd.choice(("contacts", "orders", "products", "categories"))
        response = client.post("/v3/batches", headers=OMNISEND,
                               json={"method": "POST", "endpoint": endpoint, "items": [{}] * rnd.randrange(1, 3)})
        assert response.status_code == 200, response.get_data(as_text=True)

    def answers() -> dict[str, list[Any]]:
        out = {}
        for endpoint in ("contacts", "orders", "products", "categories", "events"):
            for status in ("", "&status=finished", "&status=pending"):
                query = f"limit=2&endpoint={endpoint}{status}"
                out[f"v3 {query}"] = _walk_offset(client, "/v3/batches", query)
                if endpoint != "orders":
                    bodies, url = [], f"/api/batches?{query}"
                    while url:
                        response = client.get(url, headers=API)
                        bodies.append((response.status_code, response.get_data(as_text=True)))
                        nxt = response.get_json()["paging"].get("next") if response.status_code == 200 else None
                        url = _relative(nxt) if nxt else ""
                    out[f"2026 {query}"] = bodies
        return out

    indexed = answers()
    monkeypatch.setattr(paging, "index_hints", lambda *args: ())
    assert indexed == answers()
    assert sum(len(bodies) > 1 for bodies in indexed.values()) >= 3
    assert all(status == 200 for bodies in indexed.values() for status, _ in bodies)


def test_indexed_campaign_filters_answer_what_the_plain_walk_answers(client: FlaskClient,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    def answers() -> dict[str, list[Any]]:
        out = {}
        for flt in ("status=sent", "status=draft", "status=paused", "type=standart", "type=abTest",
                    "status=sent&type=standart"):
            for sort in ("", "&sort=sent", "&sort=opened", "&sort=unsubscribed"):
                out[flt + sort] = _walk_offset(client, "/v3/campaigns", f"limit=1&{flt}{sort}")
        return out

    indexed = answers()
    monkeypatch.setattr(paging, "index_hints", lambda *args: ())
    assert indexed == answers()
    assert sum(len(bodies) > 2 for bodies in indexed.values()) >= 3
    assert all(status == 200 for bodies in indexed.values() for status, _ in bodies)
