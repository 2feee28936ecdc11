"""Client-style end-to-end test (issue 4 "done when"): a whole catalogue pushed to Ometria staging.

Everything goes over HTTP with ``requests`` to a real server (waitress on a free loopback port). The push
queue is async with its worker stopped, so records wait until the client's "wait" (a
``POST /_mock/ometria/queue/drain``) and nothing sleeps. Rate limits stay on and the clock is frozen; the
client shows both ways of living with them: it paces its pushes by advancing the mock clock between
requests (``POST /_mock/clock``), and it honours ``429`` + ``Retry-After`` on reads by advancing the clock
by that many seconds before retrying.

It pushes products (parents with listings, variants), contacts in two collections and orders (line items
referencing products, ``variant_options``) in batches of 100, with a few invalid records; hits the push
limits (101 records, a 60,001-byte record, mixed ``@type``, a full queue with a lowered cap); reads
everything back with limit/offset in both orders until a short page; checks ``/v2/push/_errors``; checks
that the live account sees none of it; and checks the derived profiles.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from mock_server.app import create_app
from mock_server.core.context import Settings
from mock_server.server import RunningServer, start_in_thread
from tests.conftest import LIVE_KEY, STAGING_KEY

N_PARENTS, N_PEOPLE, N_ORDERS = 100, 110, 150
VARIANTS = ("s", "m", "l")
PAGE = 40  # reads page with limit=40 until a short page
BATCH = 100
REQUEST_ID = r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"


@pytest.fixture
def server() -> Iterator[RunningServer]:
    """A fresh seeded sandbox: async push queue without its worker, rate limits on, frozen clock."""
    # No worker thread: the test drains, and moving the clock (rate limits) must not let a worker race it.
    app = create_app(Settings(seed=2468, freeze_clock=True, ometria_queue_mode="async",
                              start_workers=False))
    assert app.extensions["mock"].vendors["ometria"].worker is None
    running = start_in_thread(app, "127.0.0.1", 0, threads=4)
    yield running
    running.stop()


class Sandbox:
    """The control-plane calls the test makes (the client itself knows nothing of them)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http = requests.Session()
        self.advanced = 0.0

    def call(self, method: str, path: str, body: Any = None) -> Any:
        response = self.http.request(method, f"{self.url}/_mock{path}", json=body, timeout=10)
        assert response.status_code == 200, response.text
        return response.json()

    def advance(self, seconds: float) -> None:
        self.call("POST", "/clock", {"action": "advance", "seconds": seconds})
        self.advanced += seconds

    def drain(self) -> dict[str, Any]:
        body: dict[str, Any] = self.call("POST", "/ometria/queue/drain?tenant=staging")
        return body


class OmetriaClient:
    """What an integration would write: batched pushes paced under the push limit, paged reads that back
    off on 429 for ``Retry-After`` seconds (``sleep`` is injected: here it moves the mock clock)."""

    def __init__(self, base_url: str, key: str, sleep: Callable[[float], None], pace: Callable[[], None]) -> None:
        self.base_url = base_url
        self.http = requests.Session()
        self.http.headers["X-Ometria-Auth"] = key
        self.sleep = sleep
        self.pace = pace
        self.backoffs: list[str] = []

    def push(self, records: list[Any]) -> requests.Response:
        self.pace()  # spaced out under the push group's 4 requests per second: never a 429
        response = self.http.post(f"{self.base_url}/v2/push", data=json.dumps(records), timeout=10)
        assert response.status_code != 429 or "queue" in response.text, response.text
        return response

    def push_all(self, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        answers = []
        for start in range(0, len(records), BATCH):
            response = self.push(records[start:start + BATCH])
            assert response.status_code == 202, response.text
            answers.append(response.json())
        return answers

    def get(self, path: str, expect: int = 200) -> Any:
        for _ in range(5):
            response = self.http.get(f"{self.base_url}{path}", timeout=10)
            if response.status_code != 429:
                break
            assert response.json() == {"status": "ERROR", "message": "Too many requests"}
            retry = int(response.headers["Retry-After"])
            assert retry >= 1
            self.backoffs.append(path)
            self.sleep(retry)
        assert response.status_code == expect, (path, response.status_code, response.text)
        return response.json()

    def read_all(self, path: str, limit: int = PAGE) -> list[dict[str, Any]]:
        """Page with limit/offset until a short page (Ometria lists are bare arrays, §2)."""
        out: list[dict[str, Any]] = []
        sep = "&" if "?" in path else "?"
        while True:
            page = self.get(f"{path}{sep}limit={limit}&offset={len(out)}")
            assert isinstance(page, list)
            out.extend(page)
            if len(page) < limit:
                return out


# -- what the client pushes ---------------------------------------------------------------------------------
def parent(i: int) -> dict[str, Any]:
    return {"@type": "product", "id": f"e2e-p{i:03d}", "title": f"E2E product {i}", "sku": f"E2E-{i:03d}",
            "price": 10 + i + 0.99, "url": f"https://shop.example.com/p/{i}", "is_active": i % 10 != 0,
            "is_in_stock": True, "attributes": [{"type": "colour", "id": "c" + str(i % 3), "label": f"C{i % 3}"}],
            "listings": [{"store": "uk", "title": f"E2E product {i}", "price": 10 + i + 0.99, "currency": "GBP"},
                         {"store": "us", "title": f"E2E product {i} (US)", "price": 13 + i + 0.99, "currency": "USD"}]}


def variant(i: int, size: str) -> dict[str, Any]:
    return {"@type": "product", "id": f"e2e-p{i:03d}-{size}", "title": f"E2E product {i} {size.upper()}",
            "sku": f"E2E-{i:03d}-{size.upper()}", "price": 10 + i + 0.99, "is_variant": True,
            "parent_id": f"e2e-p{i:03d}", "attributes": [{"type": "size", "id": size, "label": size.upper()}]}


def products() -> list[dict[str, Any]]:
    """250 product records: 100 parents, then variants for half of them (3 sizes for even parents)."""
    out = [parent(i) for i in range(N_PARENTS)]
    out += [variant(i, size) for i in range(0, N_PARENTS, 2) for size in VARIANTS]
    return out


def email(i: int) -> str:
    return f"person{i:03d}@e2e.example.com"


def contacts() -> list[dict[str, Any]]:
    """220 listings: every person in the shop's collection (with a customer id) and in the club's."""
    shop = [{"@type": "contact", "@collection": "e2e-shop", "id": f"shop-{i:03d}", "customer_id": f"cust-{i:03d}",
             "email": email(i), "firstname": f"Person{i:03d}", "lastname": "E2E",
             "marketing_optin": "EXPLICITLY_OPTEDIN" if i % 2 else "NOT_SPECIFIED", "properties": {"tier": i % 3}}
            for i in range(N_PEOPLE)]
    club = [{"@type": "contact", "@collection": "e2e-club", "id": f"club-{i:03d}", "email": email(i).upper(),
             "country_id": "GB", "timestamp_acquired": "2025-03-01T00:00:00+00:00"} for i in range(N_PEOPLE)]
    return shop + club


def order(n: int) -> dict[str, Any]:
    i = n % N_PEOPLE
    p = (2 * n) % N_PARENTS  # even parents: they have variants
    size = VARIANTS[n % 3]
    lines = [{"product_id": f"e2e-p{p:03d}", "variant_id": f"e2e-p{p:03d}-{size}", "sku": f"E2E-{p:03d}-{size.upper()}",
              "quantity": 1 + n % 2, "unit_price": 10 + p + 0.99,
              "variant_options": [{"id": size, "type": "size", "label": size.upper()}]}]
    total = round(sum(line["quantity"] * line["unit_price"] for line in lines), 2)
    return {"@type": "order", "id": f"e2e-o{n:03d}", "timestamp": f"2025-09-{1 + n % 28:02d}T10:00:00+00:00",
            "status": "complete", "is_valid": True, "currency": "GBP", "grand_total": total, "subtotal": total,
            "customer": {"id": f"cust-{i:03d}", "email": email(i)}, "lineitems": lines}


def sized(record: dict[str, Any], size: int) -> dict[str, Any]:
    """``record`` padded (in ``properties.pad``) to exactly ``size`` bytes of compact UTF-8 JSON."""
    padded = {**record, "properties": {"pad": ""}}
    base = len(json.dumps(padded, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
    padded["properties"]["pad"] = "x" * (size - base)
    assert len(json.dumps(padded, separators=(",", ":"), ensure_ascii=False).encode("utf-8")) == size
    return padded


def error(message: str, request_id: str) -> dict[str, str]:
    return {"status": "ERROR", "message": message, "request_id": request_id}


# -- the scenario -----------------------------------------------------------------------------------------
def test_catalogue_push_reads_back_in_both_orders(server: RunningServer) -> None:
    sandbox = Sandbox(server.url)
    client = OmetriaClient(server.url, STAGING_KEY, sleep=sandbox.advance, pace=lambda: sandbox.advance(0.5))
    live = OmetriaClient(server.url, LIVE_KEY, sleep=sandbox.advance, pace=lambda: sandbox.advance(0.5))
    seeded_products = client.read_all("/v2/products?includeVariants=true")
    seeded_orders = client.read_all("/v2/orders")
    live_before = {path: live.read_all(path) for path in ("/v2/products?includeVariants=true", "/v2/orders")}
    live_collections = live.get("/v2/contacts")

    # 1. Products (250 records, batches of 100) with two invalid ones and one the envelope rejects.
    catalogue = products()
    bad_products = [{"@type": "product", "id": "e2e-bad-price", "title": "Bad", "price": "cheap"},
                    {"@type": "product", "id": "e2e-bad-listing", "listings": [{"title": "no store"}]},
                    {"@type": "product", "id": "e2e bad id"}]
    answers = client.push_all(catalogue[:200] + bad_products + catalogue[200:])
    assert [(a["accepted"], a["rejected"]) for a in answers] == [(100, 0), (100, 0), (52, 1)]
    assert all(a["status"] == "OK" and list(a) == ["status", "request_id", "accepted", "rejected"] for a in answers)
    product_request = answers[2]["request_id"]
    # Queued, not processed: reads do not see waiting records (§2), the queue headers count them.
    client.get("/v2/products/e2e-p000", expect=404)
    waiting = sandbox.call("GET", "/ometria/queue?tenant=staging")["queues"][0]
    assert (waiting["waiting"], waiting["cap"]) == (252, 50000)

    # 2. Contacts (220 listings in two collections), one invalid.
    people = contacts()
    bad_contact = {"@type": "contact", "@collection": "e2e-shop", "id": "shop-bad", "email": "not-an-email"}
    answers = client.push_all([*people, bad_contact])
    assert [(a["accepted"], a["rejected"]) for a in answers] == [(100, 0), (100, 0), (21, 0)]
    contact_request = answers[2]["request_id"]

    # 3. Orders (150), two invalid.
    sold = [order(n) for n in range(N_ORDERS)]
    bad_orders = [{**order(900), "id": "e2e-o-bad-qty",
                   "lineitems": [{**order(900)["lineitems"][0], "quantity": -1}]},
                  {k: v for k, v in order(901).items() if k != "timestamp"} | {"id": "e2e-o-no-time"}]
    answers = client.push_all(sold[:100] + bad_orders + sold[100:])
    assert [(a["accepted"], a["rejected"]) for a in answers] == [(100, 0), (52, 0)]
    order_request = answers[1]["request_id"]
    waiting = sandbox.call("GET", "/ometria/queue?tenant=staging")["queues"][0]
    assert waiting["waiting"] == 252 + 221 + 152

    # The client waits for processing: the sandbox drains the queue in push order.
    drained = sandbox.drain()
    assert drained["drained"] == {"staging": {"records": 625, "data_deletions": 0}}
    sandbox.advance(10)

    # 4. Updates after a while: a stock update of some parents, orders cancelled (§5.2 example).
    stock = [{"@type": "product", "id": f"e2e-p{i:03d}", "is_in_stock": False} for i in range(5, N_PARENTS, 25)]
    cancelled = [{"@type": "order", "id": f"e2e-o{n:03d}", "status": "cancelled", "is_valid": False}
                 for n in (3, 120)]
    client.push_all(stock)
    client.push_all(cancelled)
    sandbox.drain()

    # -- the documented limits -------------------------------------------------------------------------------
    errors_before = client.get("/v2/push/_errors")
    too_many = client.push([{"@type": "product", "id": f"x{i}"} for i in range(101)])
    assert too_many.status_code == 400
    body = too_many.json()
    assert body == error("Payload invalid: more than 100 records", body["request_id"])
    assert too_many.headers["X-QueueSize-Limit"] == "50000"
    exact = client.push([sized({"@type": "product", "id": "e2e-60000"}, 60000)])
    assert exact.status_code == 202 and exact.json()["accepted"] == 1
    too_large = client.push([{"@type": "product", "id": "ok"}, sized({"@type": "product", "id": "big"}, 60001)])
    assert too_large.status_code == 400
    assert too_large.json() == error("Payload invalid: Record is too large", too_large.json()["request_id"])
    mixed = client.push([{"@type": "product", "id": "m1"}, {"@type": "contact", "id": "m2", "email": "m@x.com"}])
    assert mixed.status_code == 400
    assert mixed.json() == error("Payload invalid: records of different @type in one request",
                                 mixed.json()["request_id"])
    # Queue full: a cap of 150 with the worker stopped; 1 record waits (the 60,000-byte one).
    sandbox.call("PUT", "/limits/ometria/staging", {"queueCap": 150})
    first = client.push([{"@type": "product", "id": f"e2e-q{i:03d}", "title": "Q"} for i in range(100)])
    assert first.status_code == 202
    assert (first.headers["X-QueueSize-Limit"], first.headers["X-QueueSize-Remaining"]) == ("150", "49")
    full = client.push([{"@type": "product", "id": f"e2e-q{i:03d}", "title": "Q"} for i in range(100, 150)])
    assert full.status_code == 429
    assert full.json() == error("Payload rejected: queue size limit exceeded", full.json()["request_id"])
    assert full.headers["Retry-After"] == str(max(1, math.ceil(1 / 1000)))
    assert full.headers["X-QueueSize-Remaining"] == "49"  # nothing from the refused push was queued
    sandbox.drain()  # the client backs off; meanwhile the queue is processed
    retried = client.push([{"@type": "product", "id": f"e2e-q{i:03d}", "title": "Q"} for i in range(100, 150)])
    assert retried.status_code == 202
    assert retried.headers["X-QueueSize-Remaining"] == "100"
    sandbox.drain()
    sandbox.call("PUT", "/limits/ometria/staging", {"queueCap": None})
    # The refused requests left nothing: no record, no error entry (the accepted ones were all valid).
    assert client.get("/v2/push/_errors") == errors_before
    for refused in ("x0", "ok", "big", "m1"):
        client.get(f"/v2/products/{refused}", expect=404)
    extra_products = ["e2e-60000"] + [f"e2e-q{i:03d}" for i in range(150)]

    # -- /v2/push/_errors: the invalid records, newest first --------------------------------------------
    found = [(e["record_type"], e["record_id"], e["error_path"], e["error_message"], e["request_id"])
             for e in errors_before]
    assert found == [
        ("order", "e2e-o-no-time", "root > timestamp", "field is required", order_request),
        ("order", "e2e-o-bad-qty", "root > lineitems > 0 > quantity", "not a valid value", order_request),
        ("contact", "shop-bad", "root > email", "not a valid value", contact_request),
        ("product", "e2e-bad-listing", "root > listings > 0 > store", "field is required", product_request),
        ("product", "e2e-bad-price", "root > price", "not a valid value", product_request),
        ("product", "e2e bad id", "root > id", "not a valid value", product_request),
    ]
    for path in ("/v2/products/e2e-bad-price", "/v2/products/e2e-bad-listing", "/v2/orders/e2e-o-bad-qty",
                 "/v2/orders/e2e-o-no-time", "/v2/contacts/e2e-shop/shop-bad"):
        client.get(path, expect=404)

    # -- read back: products ----------------------------------------------------------------------------------
    every = client.read_all("/v2/products?includeVariants=true")
    # Default order = internal id ascending = first-stored order: fixtures, the catalogue, the later ones.
    assert [p["id"] for p in every] == [p["id"] for p in seeded_products] + [p["id"] for p in catalogue] + \
        extra_products
    by_id = {p["id"]: p for p in every}
    for sent in catalogue:
        got = by_id[sent["id"]]
        expected = dict(sent)
        if sent["id"] in {s["id"] for s in stock}:
            expected["is_in_stock"] = False  # merged: the rest of the record is kept (§6.1)
        assert got == expected
    parents = client.read_all("/v2/products")
    assert [p["id"] for p in parents] == [p["id"] for p in every if not p.get("is_variant")]
    inactive = client.read_all("/v2/products?active=false")
    assert {p["id"] for p in inactive if p["id"].startswith("e2e-p")} == \
        {f"e2e-p{i:03d}" for i in range(0, N_PARENTS, 10)}
    # orderby=timestamp_update: ascending by last write, ties by internal id; the stock updates last,
    # the limit-test products after them.
    by_update = client.read_all("/v2/products?includeVariants=true&orderby=timestamp_update")
    updated = [s["id"] for s in stock]
    assert [p["id"] for p in by_update] == [p["id"] for p in every if p["id"] not in updated + extra_products] + \
        updated + extra_products
    # The client's paging really stops on the short page (a bigger limit gives the same records).
    assert client.read_all("/v2/products?includeVariants=true", limit=250) == every

    # -- read back: orders -----------------------------------------------------------------------------------
    orders = client.read_all("/v2/orders")
    assert [o["id"] for o in orders] == [o["id"] for o in seeded_orders] + [o["id"] for o in sold]
    got_orders = {o["id"]: o for o in orders}
    for sent in sold:
        expected = dict(sent)
        if sent["id"] in {c["id"] for c in cancelled}:
            expected.update(status="cancelled", is_valid=False)
        assert got_orders[sent["id"]] == expected
    assert got_orders["e2e-o004"]["lineitems"][0]["variant_options"] == [{"id": "m", "type": "size", "label": "M"}]
    by_update_o = client.read_all("/v2/orders?orderby=timestamp_update")
    assert [o["id"] for o in by_update_o] == \
        [o["id"] for o in orders if o["id"] not in ("e2e-o003", "e2e-o120")] + ["e2e-o003", "e2e-o120"]

    # -- read back: contacts, per collection --------------------------------------------------------------
    collections = client.get("/v2/contacts")
    assert {"collection": "e2e-shop", "count": N_PEOPLE} in collections
    assert {"collection": "e2e-club", "count": N_PEOPLE} in collections
    for name, sent_list in (("e2e-shop", people[:N_PEOPLE]), ("e2e-club", people[N_PEOPLE:])):
        listed = client.read_all(f"/v2/contacts/{name}")
        assert [c["id"] for c in listed] == [c["id"] for c in sent_list]
        for got, sent in zip(listed, sent_list, strict=True):
            assert {k: v for k, v in got.items() if k != "@profile_id"} == sent
        assert [c["id"] for c in client.read_all(f"/v2/contacts/{name}?orderby=timestamp_update")] == \
            [c["id"] for c in sent_list]

    # -- profiles are derived: both listings of a person and their orders, in one profile ---------------
    for i in (0, 7, 41):
        [profile] = client.get(f"/v2/profiles?email={email(i)}")
        assert (profile["customer_id"], profile["email"], profile["name"]) == \
            (f"cust-{i:03d}", email(i), f"Person{i:03d} E2E")
        assert profile["identities"] == [{"id": email(i), "type": "email"}]
        assert profile["country"] == "GB"
        mine = [o for o in sold if o["customer"]["id"] == f"cust-{i:03d}"]
        valid = [o for o in mine if o["id"] not in ("e2e-o003", "e2e-o120")]
        assert profile["stats"]["orders_attempted"] == len(mine)
        assert profile["stats"]["orders"] == len(valid)
        assert profile["stats"]["revenue"] == round(sum(o["grand_total"] for o in valid), 2)
        assert profile["stats"]["total_items"] == sum(line["quantity"] for o in valid for line in o["lineitems"])
        assert profile["marketing_optin"] == ("EXPLICITLY_OPTEDIN" if i % 2 else "NOT_SPECIFIED")
        assert profile["dates"]["acquired"] == "2025-03-01T00:00:00+00:00"
        shop = client.get(f"/v2/contacts/e2e-shop/shop-{i:03d}")
        club = client.get(f"/v2/contacts/e2e-club/club-{i:03d}")
        assert shop["@profile_id"] == club["@profile_id"] == profile["id"]
        assert client.get(f"/v2/profiles/{profile['id']}") == profile
    [cancelled_one] = client.get(f"/v2/profiles?email={email(3)}")
    assert (cancelled_one["stats"]["orders"], cancelled_one["stats"]["orders_attempted"]) == (1, 2)

    # -- the live account never sees staging's data --------------------------------------------------------
    assert {path: live.read_all(path) for path in live_before} == live_before
    assert live.get("/v2/contacts") == live_collections
    assert live.read_all("/v2/contacts/e2e-shop") == []
    assert live.get("/v2/push/_errors") == []
    for path in ("/v2/products/e2e-p000", "/v2/orders/e2e-o000", "/v2/contacts/e2e-club/club-000",
                 f"/v2/profiles?email={email(0)}"):
        live.get(path, expect=404)

    # The reads went over the data group's 4 requests per second and were honoured, never sleeping.
    assert len(client.backoffs) > 10
    assert sandbox.advanced > 10
