"""Filters read through ranges and filter indexes answer byte for byte what the plain walk answers.

Issue 14, goal 2: date bounds read a range of their sort key's order (core.spans: v3 orders ``dateFrom``
/ ``dateTo``, carts ``dateFrom`` / ``updatedFrom`` / ``updatedTo``, 2026 contacts ``updatedAtFrom``, 2026
campaign and automation date bounds); v3 products ``vendor`` / ``type``, 2026 campaigns ``status`` /
``channel`` / ``type`` (repeatable, OR-ed) and ``parentCampaignID`` and automations ``isEnabled`` read
filter indexes; carts ``segmentID`` reads the segment's members. Random writes at moving clock times,
deletes and a reset; after each round every filter in every order and direction is paged to the end,
once through the indexes and once with them switched off (the old walk), with the answer cache off.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_server.core import paging, spans
from tests.conftest import OMNISEND
from tests.omnisend.catalog import product_body
from tests.omnisend.test_filter_index_equivalence import API, _walk_offset
from tests.omnisend.test_filter_index_equivalence import app as app  # the answer cache off, no rate limits

VENDORS = ("Acme", "Borealis", "Rare Co")
TYPES = ("Poles", "Tents")
EMAILS = ("jonas.kazlauskas@example.com", "vip.anna@example.com", "rare.buyer@example.com")
TEMPLATE = "6700a0000000000000000003"
SEGMENTS = ("seg-vip", "seg-loyal", "seg-recent-buyers", "6720a0000000000000000001", "unknown-segment")


def _walk_cursor(client: FlaskClient, path: str, query: str) -> list[Any]:
    """Every body of a 2026 walk: ``after`` to the end, then ``before`` back to the start."""
    bodies: list[Any] = []
    url = f"{path}?{query}"
    response = None
    for cursor in ("after", "before"):
        while url:
            response = client.get(url, headers=API)
            bodies.append((response.status_code, response.get_data(as_text=True)))
            token = response.get_json()["paging"]["cursors"][cursor] if response.status_code == 200 else None
            url = f"{path}?{query}&{cursor}={token}" if token else ""
        if response is not None and response.status_code == 200 and cursor == "after":
            token = response.get_json()["paging"]["cursors"]["before"]
            url = f"{path}?{query}&before={token}" if token else ""
    return bodies


def _answers(client: FlaskClient, moments: list[str], parents: list[str]) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    picks = [moments[0], moments[len(moments) // 2], moments[-1], "2099-01-01T00:00:00Z"]
    early, late = picks[0], picks[2]
    products = [f"vendor={v.replace(' ', '+')}" for v in (*VENDORS, "Nobody")] + [f"type={t}" for t in TYPES]
    for flt in [*products, "vendor=Acme&type=Tents"]:
        for sort in ("", "&sort=createdAt", "&sort=updatedAt"):
            out[f"products {flt}{sort}"] = _walk_offset(client, "/v3/products", f"limit=2&{flt}{sort}")
    orders = [f"dateFrom={m}" for m in picks] + [f"dateTo={m}" for m in picks] + [f"dateFrom={early}&dateTo={late}"]
    for flt in orders:
        for sort in ("createdAt", "updatedAt", "orderSum"):
            out[f"orders {sort} {flt}"] = _walk_offset(client, "/v3/orders", f"limit=2&sort={sort}&{flt}")
    carts = [f"{name}={m}" for name in ("dateFrom", "updatedFrom", "updatedTo") for m in picks]
    carts += [f"updatedFrom={early}&updatedTo={late}", *(f"segmentID={s}" for s in SEGMENTS)]
    for flt in carts:
        for sort in ("createdAt", "updatedAt", "cartSum"):
            out[f"carts {sort} {flt}"] = _walk_offset(client, "/v3/carts", f"limit=2&sort={sort}&{flt}")
    campaigns = ["status=draft", "status=draft&status=sent", "channel=sms", "channel=sms&channel=email",
                 "type=abTest", "type=regular&channel=email", *(f"parentCampaignID={p}" for p in parents),
                 f"createdAtFrom={late}", f"updatedAtTo={early}", f"createdAtFrom={early}&createdAtTo={late}",
                 f"updatedAtFrom={picks[1]}", f"updatedAtTo={picks[1]}", f"updatedAtTo={picks[1]}&channel=email"]
    automations = ["isEnabled=true", "isEnabled=false", f"createdAtFrom={late}", f"updatedAtFrom={picks[1]}",
                   f"isEnabled=false&updatedAtTo={late}", f"createdAtTo={picks[1]}"]
    contacts = [f"updatedAtFrom={m}" for m in picks]  # exclusive of every other contacts filter
    for path, filters, sorts in (("/api/campaigns", campaigns, ("createdAt", "updatedAt", "name")),
                                 ("/api/automations", automations, ("createdAt", "updatedAt")),
                                 ("/api/contacts", contacts, ("createdAt", "updatedAt"))):
        for flt in filters:
            for sort in sorts:
                for direction in ("asc", "desc"):
                    query = f"limit=2&sort={sort}&direction={direction}&{flt}"
                    out[f"{path} {query}"] = _walk_cursor(client, path, query)
    return out


def _write(client: FlaskClient, rnd: random.Random, state: dict[str, list[str]], moments: list[str]) -> None:
    for _ in range(10):
        assert client.post("/_mock/clock", json={"action": "advance", "seconds": rnd.randrange(60, 200_000)}
                           ).status_code == 200
        moments.append(client.get("/_mock/clock").get_json()["now"][:19] + "Z")
        n = f"{len(moments)}-{rnd.randrange(10**6)}"
        choice = rnd.random()
        if choice < 0.2:
            extra = {"vendor": rnd.choice(VENDORS)} if rnd.random() < 0.8 else {}
            body = product_body(f"prod-{n}", type=rnd.choice(TYPES), **extra)
            assert client.post("/v3/products", headers=OMNISEND, json=body).status_code == 200
            state["products"].append(f"prod-{n}")
        elif choice < 0.3 and state["products"]:
            gone = state["products"].pop(rnd.randrange(len(state["products"])))
            assert client.delete(f"/v3/products/{gone}", headers=OMNISEND).status_code in (200, 204)
        elif choice < 0.5:
            response = client.post("/v3/carts", headers=OMNISEND, json={
                "cartID": f"cart-{n}", "email": rnd.choice(EMAILS), "currency": "EUR", "cartSum": rnd.randrange(9999),
                "products": [{"cartProductID": "cp-1", "productID": "prod-titan-stove", "variantID": "titan-stove",
                              "title": "Titan Gas Stove", "quantity": 1, "price": 5900}]})
            assert response.status_code == 200, response.get_data(as_text=True)
        elif choice < 0.65:
            response = client.post("/v3/orders", headers=OMNISEND, json={
                "orderID": f"order-{n}", "email": rnd.choice(EMAILS), "currency": "EUR",
                "orderSum": rnd.randrange(9999), "createdAt": moments[-1], "paymentStatus": "paid",
                "fulfillmentStatus": "unfulfilled"})
            assert response.status_code == 200, response.get_data(as_text=True)
        elif choice < 0.72:
            body = {"type": "regular", "channel": "email", "name": f"C{n}",
                    "content": {"email": {"templateID": TEMPLATE, "subject": "Hello"}}}
            response = client.post("/api/campaigns", headers=API, json=body)
            assert response.status_code == 201, response.get_data(as_text=True)
            state["campaigns"].append(response.get_json()["id"])
        elif choice < 0.8:  # a change moves updatedAt away from createdAt
            target = rnd.choice([*state["campaigns"], "6740a0000000000000000001"])
            response = client.patch(f"/api/campaigns/{target}", headers=API, json={"name": f"R{n}"})
            assert response.status_code == 200, response.get_data(as_text=True)
        elif choice < 0.9:
            source = rnd.choice(["6730a0000000000000000001", "6730a0000000000000000002", *state["automations"]])
            response = client.post(f"/api/automations/{source}/copy", headers=API)
            assert response.status_code in (200, 201), response.get_data(as_text=True)
            state["automations"].append(response.get_json()["id"])
        else:
            response = client.post("/v3/contacts", headers=OMNISEND, json={
                "identifiers": [{"type": "email", "id": f"p{n}@example.com",
                                 "channels": {"email": {"status": "subscribed"}}}],
                "tags": rnd.sample(["vip", "newsletter"], rnd.randrange(3))})
            assert response.status_code == 200, response.get_data(as_text=True)


@pytest.mark.parametrize("gather", [True, False], ids=["gathered", "walked"])
def test_range_and_indexed_filters_answer_what_the_plain_walk_answers(
        client: FlaskClient, monkeypatch: pytest.MonkeyPatch, gather: bool) -> None:
    if not gather:  # every range too large to gather: another order walks (the range's own order still slices)
        monkeypatch.setattr(spans, "gather_limit", lambda size, decoding: 0)
    rnd = random.Random(18)
    state: dict[str, list[str]] = {"products": [], "automations": [], "campaigns": []}
    moments = ["2024-01-01T00:00:00Z"]
    parents = ["6740a0000000000000000001", "0" * 24]
    indexed_hints = paging.index_hints
    for step in range(3):
        if step == 2:
            assert client.post("/_mock/reset").status_code == 200
            state = {"products": [], "automations": [], "campaigns": []}
        _write(client, rnd, state, moments)
        monkeypatch.setattr(paging, "index_hints", indexed_hints)
        indexed = _answers(client, moments, parents)
        monkeypatch.setattr(paging, "index_hints", lambda *args: ())
        plain = _answers(client, moments, parents)
        assert indexed.keys() == plain.keys()
        for key in indexed:
            assert indexed[key] == plain[key], key
        assert all(status == 200 for bodies in indexed.values() for status, _ in bodies), \
            [(k, b) for k, bodies in indexed.items() for b in bodies if b[0] != 200][:2]
        assert sum(len(bodies) > 2 for bodies in indexed.values()) >= 20
