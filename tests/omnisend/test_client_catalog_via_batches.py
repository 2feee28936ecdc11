"""Client-style end-to-end test (issue 3 "done when"): a brand's catalogue created through batches.

Everything goes over HTTP with ``requests`` to a real server (waitress on a free loopback port), as an
integration would talk to it: categories, products with variants (POST, then a PUT batch that changes
some), contacts and orders are sent as batches of 30+ items; the client polls each batch until it is
finished (the async worker is off: "waiting" is a ``POST /_mock/omnisend/batches/drain``, so nothing
sleeps), checks every item, then reads everything back through the paged list endpoints by following the
``next`` links with ``limit=10``, and compares with what it sent, including the v5 views of the same
products and categories (cents <-> decimal). A sample of the list answers is validated against Omnisend's
OpenAPI definitions with the documented deviations (omnisend.md §8). A second test sends bad items and
shows that ``errors[]`` records exactly what the single request answers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from mock_server.app import create_app
from mock_server.core.context import Settings
from mock_server.server import RunningServer, start_in_thread
from tests.conftest import OMNISEND_KEY
from tests.omnisend.contract import (
    BATCH_OUTPUT,
    CONTACT_OUTPUT,
    ORDER_OUTPUT,
    PAGING_NULL_LINKS,
    PRODUCT_OUTPUT,
    check,
    within,
)

PAGE = 10
N_CATEGORIES, N_PRODUCTS, N_CONTACTS, N_ORDERS = 32, 34, 33, 31
CHANGED = range(0, N_PRODUCTS, 3)  # the products the PUT batch changes
START = "2026-01-01T00:00:00.000Z"  # the seeded mock clock, frozen


@pytest.fixture
def server() -> Iterator[RunningServer]:
    """A fresh seeded sandbox with async batches and no worker thread: batches wait for a drain."""
    app = create_app(Settings(seed=4242, freeze_clock=True, omnisend_batch_mode="async",
                              start_workers=False))
    running = start_in_thread(app, "127.0.0.1", 0, threads=4)
    yield running
    running.stop()


class Answer:
    """A ``requests`` answer in the shape :func:`tests.omnisend.contract.check` reads."""

    def __init__(self, response: requests.Response) -> None:
        self.status_code = response.status_code
        self._body = response.content

    def get_data(self) -> bytes:
        return self._body


def contract(response: requests.Response) -> set[str]:
    """The contract deviations of a v3 GET answer, found from its own URL."""
    parts = urlsplit(response.url)
    assert parts.path.startswith("/v3/")
    return check(Answer(response), "GET", parts.path[len("/v3"):], query=parts.query)


class OmnisendClient:
    """What an integration would write: batches, polling, link-following list reads."""

    def __init__(self, base_url: str, wait: Callable[[], None]) -> None:
        self.base_url = base_url
        self.http = requests.Session()
        self.http.headers["X-API-KEY"] = OMNISEND_KEY
        self.wait = wait  # what the client does between two polls (here: ask the sandbox to drain)
        self.polls = 0

    def get(self, url: str) -> requests.Response:
        response = self.http.get(url if url.startswith("http") else self.base_url + url, timeout=10)
        assert response.status_code == 200, (url, response.status_code, response.text)
        return response

    def batch(self, version: str, endpoint: str, method: str, items: list[dict[str, Any]]) -> str:
        response = self.http.post(f"{self.base_url}/{version}/batches", timeout=10,
                                  json={"method": method, "endpoint": endpoint, "items": items})
        assert response.status_code == 200, response.text
        body = response.json()
        assert list(body) == ["batchID", "totalCount"] and body["totalCount"] == len(items)
        if version == "v3":
            assert check(Answer(response), "POST", "/batches") == set()
        return str(body["batchID"])

    def finished(self, version: str, batch_id: str) -> dict[str, Any]:
        """Poll the batch until it is finished (or stopped); return its items."""
        while True:
            status = self.get(f"/{version}/batches/{batch_id}").json()
            self.polls += 1
            if status["status"] in ("finished", "stopped"):
                break
            assert self.polls < 50, "batch never finished"
            self.wait()
        items = self.get(f"/{version}/batches/{batch_id}/items")
        if version == "v3":
            assert within(contract(items), BATCH_OUTPUT)
        body: dict[str, Any] = items.json()
        return body

    def pages(self, path: str) -> Iterator[requests.Response]:
        """Every page of a list, following ``paging.next`` from ``path`` (absolute links)."""
        url: str | None = f"{self.base_url}{path}"
        seen: set[str] = set()
        while url:
            assert url not in seen, f"paging loops at {url}"
            seen.add(url)
            response = self.get(url)
            yield response
            url = response.json()["paging"]["next"]

    def read_all(self, path: str, key: str) -> tuple[list[dict[str, Any]], list[requests.Response]]:
        pages = list(self.pages(path))
        records = [record for page in pages for record in page.json()[key]]
        return records, pages


def drain(server: RunningServer) -> Callable[[], None]:
    def wait() -> None:
        response = requests.post(f"{server.url}/_mock/omnisend/batches/drain", timeout=10)
        assert response.status_code == 200, response.text
    return wait


def advance(server: RunningServer, seconds: int) -> str:
    response = requests.post(f"{server.url}/_mock/clock", json={"action": "advance", "seconds": seconds},
                             timeout=10)
    assert response.status_code == 200, response.text
    now: str = response.json()["now"]
    return now


def assert_all_ok(items: dict[str, Any], count: int) -> None:
    assert (items["status"], items["totalCount"], items["finishedCount"], items["errorsCount"]) == \
        ("finished", count, count, 0)
    assert items["errors"] == []
    assert [item["itemID"] for item in items["responses"]] == [str(n) for n in range(1, count + 1)]
    assert {(item["responseCode"], item["status"]) for item in items["responses"]} == {(200, "finished")}


def assert_pages(pages: list[requests.Response], total: int, path: str) -> None:
    """``limit=10`` pages: full pages then a short one, offsets step by 10, links on the same path."""
    assert len(pages) == -(-total // PAGE) and len(pages) > 1
    for n, page in enumerate(pages):
        paging = page.json()["paging"]
        assert paging["limit"] == PAGE and paging["offset"] == n * PAGE
        assert (paging["previous"] is None) == (n == 0)
        assert (paging["next"] is None) == (n == len(pages) - 1)
        if paging["next"]:
            assert urlsplit(paging["next"]).path == path


# -- what the client sends ------------------------------------------------------------------------------
def category(i: int) -> dict[str, Any]:
    return {"categoryID": f"cat-e2e-{i:02d}", "title": f"E2E Category {i:02d}"}


def variant(i: int, v: int, bump: int = 0) -> dict[str, Any]:
    return {"variantID": f"e2e-{i:02d}-v{v}", "title": f"E2E Product {i:02d} / size {v}", "status": "inStock",
            "price": 1999 + 100 * i + 5 * v + bump, "sku": f"E2E-{i:02d}-{v}",
            "productUrl": f"https://shop.example.com/p/e2e-{i:02d}?variant={v}"}


def product(i: int) -> dict[str, Any]:
    return {"productID": f"prod-e2e-{i:02d}", "title": f"E2E Product {i:02d}", "status": "inStock",
            "currency": "EUR", "productUrl": f"https://shop.example.com/p/e2e-{i:02d}",
            "description": f"Product number {i}", "vendor": ("Northpeak", "Stonefoot")[i % 2], "type": "gear",
            "tags": ["e2e", f"t{i % 4}"], "categoryIDs": [f"cat-e2e-{i % N_CATEGORIES:02d}"],
            "createdAt": f"2025-06-01T10:{i:02d}:00Z", "updatedAt": f"2025-06-01T10:{i:02d}:00Z",
            "variants": [variant(i, v) for v in range(1 + i % 3)]}


def changed(i: int) -> dict[str, Any]:
    """The PUT body (a full replace): new title, status, prices, one more variant; createdAt kept."""
    body = {k: v for k, v in product(i).items() if k != "productID"}
    body.update(productID=f"prod-e2e-{i:02d}", title=f"E2E Product {i:02d} (2026)", status="outOfStock",
                updatedAt="2026-01-01T00:30:00Z",
                variants=[variant(i, v, bump=1) for v in range(2 + i % 3)])
    return body


def contact(i: int) -> dict[str, Any]:
    status = ("subscribed", "nonSubscribed", "unsubscribed")[i % 3]
    return {"identifiers": [{"type": "email", "id": f"buyer{i:02d}@e2e.example.com",
                             "channels": {"email": {"status": status}}}],
            "firstName": f"Buyer{i:02d}", "lastName": "E2E", "tags": ["e2e"]}


def order(i: int) -> dict[str, Any]:
    p = i % N_PRODUCTS
    lines = [{"productID": f"prod-e2e-{p:02d}", "variantID": f"e2e-{p:02d}-v0", "title": f"E2E Product {p:02d}",
              "quantity": 1 + i % 2, "price": variant(p, 0)["price"]}]
    return {"orderID": f"order-e2e-{i:02d}", "email": f"buyer{i % N_CONTACTS:02d}@e2e.example.com",
            "currency": "EUR", "orderSum": sum(line["quantity"] * line["price"] for line in lines),
            "createdAt": f"2025-07-01T{i // 60:02d}:{i % 60:02d}:00Z", "paymentStatus": "paid",
            "fulfillmentStatus": "unfulfilled", "orderNumber": 5000 + i, "products": lines}


# -- the scenario -----------------------------------------------------------------------------------------
def test_catalogue_through_batches_reads_back_through_paged_lists(server: RunningServer) -> None:
    client = OmnisendClient(server.url, drain(server))
    seeded_contacts = len(client.read_all(f"/v3/contacts?limit={PAGE}", "contacts")[0])

    # 1. Categories (POST batch). Nothing runs until the batch is drained: the client sees it pending.
    batch = client.batch("v3", "categories", "POST", [category(i) for i in range(N_CATEGORIES)])
    pending = client.get(f"/v3/batches/{batch}").json()
    assert (pending["status"], pending["finishedCount"]) == ("pending", 0)
    assert "startedAt" not in pending and "endedAt" not in pending
    listed = client.get("/v3/batches?endpoint=categories&status=pending").json()["batches"]
    assert [b["batchID"] for b in listed] == [batch]
    not_yet = client.http.get(f"{server.url}/v3/categories/cat-e2e-00", timeout=10)
    assert (not_yet.status_code, not_yet.json()) == (422, {"error": "Category with 'cat-e2e-00' categoryID not found"})
    drained_at = advance(server, 60)  # the items run when drained: their timestamps are that moment
    items = client.finished("v3", batch)
    assert_all_ok(items, N_CATEGORIES)
    assert [item["response"] for item in items["responses"]] == \
        [{"categoryID": category(i)["categoryID"]} for i in range(N_CATEGORIES)]
    assert (items["createdAt"], items["startedAt"], items["endedAt"]) == (START, drained_at, drained_at)

    # 2. Products with variants (POST batch), then a PUT batch that changes every third one.
    advance(server, 60)
    batch = client.batch("v3", "products", "POST", [product(i) for i in range(N_PRODUCTS)])
    items = client.finished("v3", batch)
    assert_all_ok(items, N_PRODUCTS)
    assert [item["response"] for item in items["responses"]] == \
        [{"productID": f"prod-e2e-{i:02d}"} for i in range(N_PRODUCTS)]
    assert [item["request"] for item in items["responses"]] == [product(i) for i in range(N_PRODUCTS)]
    advance(server, 60)
    batch = client.batch("v3", "products", "PUT", [changed(i) for i in CHANGED])
    items = client.finished("v3", batch)
    assert_all_ok(items, len(CHANGED))
    assert [item["response"] for item in items["responses"]] == [{"productID": f"prod-e2e-{i:02d}"} for i in CHANGED]

    # 3. Contacts (POST batch).
    advance(server, 60)
    batch = client.batch("v3", "contacts", "POST", [contact(i) for i in range(N_CONTACTS)])
    items = client.finished("v3", batch)
    assert_all_ok(items, N_CONTACTS)
    contact_ids = {}
    for i, item in enumerate(items["responses"]):
        assert list(item["response"]) == ["email", "contactID"]
        assert item["response"]["email"] == f"buyer{i:02d}@e2e.example.com"
        contact_ids[item["response"]["email"]] = item["response"]["contactID"]
    assert len(set(contact_ids.values())) == N_CONTACTS

    # 4. Orders (POST batch), attached to those contacts by email.
    advance(server, 60)
    batch = client.batch("v3", "orders", "POST", [order(i) for i in range(N_ORDERS)])
    items = client.finished("v3", batch)
    assert_all_ok(items, N_ORDERS)
    assert [item["response"] for item in items["responses"]] == \
        [{"orderID": f"order-e2e-{i:02d}", "email": order(i)["email"]} for i in range(N_ORDERS)]

    # Every batch is listed as finished, newest first.
    for endpoint, count in (("categories", 1), ("products", 2), ("contacts", 1), ("orders", 1)):
        found = client.get(f"/v3/batches?endpoint={endpoint}&status=finished").json()["batches"]
        assert len(found) == count and all(b["errorsCount"] == 0 for b in found)
    assert client.get("/v3/batches?endpoint=products&status=pending").json()["batches"] == []

    # -- read back: categories, v3 and v5 --------------------------------------------------------------
    records, pages = client.read_all(f"/v3/categories?limit={PAGE}", "categories")
    assert_pages(pages, len(records), "/v3/categories")
    mine = [r for r in records if r["categoryID"].startswith("cat-e2e-")]
    # All created in one drain (same createdAt): newest first = reverse item order; seeded ones (2024) after.
    assert [r["categoryID"] for r in mine] == [category(i)["categoryID"] for i in reversed(range(N_CATEGORIES))]
    assert records[:N_CATEGORIES] == mine
    for r in mine:
        assert r == {**category(int(r["categoryID"][-2:])), "createdAt": drained_at, "updatedAt": drained_at}
    assert within(contract(pages[0]), PAGING_NULL_LINKS)
    assert contract(pages[1]) == set()
    v5_records, v5_pages = client.read_all(f"/v5/product-categories?limit={PAGE}", "categories")
    assert_pages(v5_pages, len(v5_records), "/v5/product-categories")
    assert v5_records == records  # same store, same shape
    by_title, _ = client.read_all(f"/v3/categories?sort=title&limit={PAGE}", "categories")
    assert [r["title"] for r in by_title] == sorted(r["title"] for r in records)
    links = [p.json()["paging"]["next"] for p in client.pages(f"/v3/categories?sort=title&limit={PAGE}")]
    assert [urlsplit(link).query for link in links[:-1]] == [f"sort=title&limit=10&offset={n}"
                                                             for n in range(10, 10 * len(links), 10)]

    # -- read back: products, v3 ---------------------------------------------------------------------------
    records, pages = client.read_all(f"/v3/products?limit={PAGE}", "products")
    assert_pages(pages, len(records), "/v3/products")
    assert len({r["productID"] for r in records}) == len(records)
    mine = {r["productID"]: r for r in records if r["productID"].startswith("prod-e2e-")}
    assert len(mine) == N_PRODUCTS
    # Newest first by createdAt: the PUT kept each createdAt, so the order is the POST's, reversed.
    assert [r["productID"] for r in records[:N_PRODUCTS]] == [f"prod-e2e-{i:02d}" for i in reversed(range(N_PRODUCTS))]
    for i in range(N_PRODUCTS):
        sent = changed(i) if i in CHANGED else product(i)
        got = mine[f"prod-e2e-{i:02d}"]
        assert (got["title"], got["status"], got["currency"], got["productUrl"], got["description"], got["vendor"],
                got["type"], got["tags"], got["categoryIDs"]) == \
            (sent["title"], sent["status"], "EUR", sent["productUrl"], sent["description"], sent["vendor"], "gear",
             sent["tags"], sent["categoryIDs"])
        assert got["createdAt"] == sent["createdAt"]
        assert got["updatedAt"] == sent["updatedAt"]
        assert got["images"] == []
        assert got["variants"] == [{"variantID": v["variantID"], "title": v["title"], "sku": v["sku"],
                                    "price": v["price"], "oldPrice": None, "productUrl": v["productUrl"],
                                    "status": v["status"], "imageID": ""} for v in sent["variants"]]
    assert [r["productID"] for r in client.get(pages[-1].json()["paging"]["previous"]).json()["products"]] == \
        [r["productID"] for r in pages[-2].json()["products"]]
    assert within(contract(pages[0]), PAGING_NULL_LINKS, PRODUCT_OUTPUT, prefix="products[].")
    assert within(contract(pages[2]), PRODUCT_OUTPUT, prefix="products[].")
    assert within(contract(pages[-1]), PAGING_NULL_LINKS, PRODUCT_OUTPUT, prefix="products[].")
    # sort=updatedAt: the PUT-changed products (updatedAt 2026) come first, in their internal-id order desc.
    by_update, _ = client.read_all(f"/v3/products?sort=updatedAt&limit={PAGE}", "products")
    assert [r["productID"] for r in by_update[:len(CHANGED)]] == [f"prod-e2e-{i:02d}" for i in reversed(CHANGED)]
    vendor_pages = list(client.pages(f"/v3/products?vendor=Stonefoot&limit={PAGE}"))
    stonefoot = [r["productID"] for p in vendor_pages for r in p.json()["products"]]
    assert {p for p in stonefoot if p.startswith("prod-e2e-")} == \
        {f"prod-e2e-{i:02d}" for i in range(N_PRODUCTS) if i % 2}
    assert all("vendor=Stonefoot" in (p.json()["paging"]["next"] or "vendor=Stonefoot") for p in vendor_pages)

    # -- read back: products, v5 (decimal prices) -------------------------------------------------------
    v5_records, v5_pages = client.read_all(f"/v5/products?limit={PAGE}", "products")
    assert_pages(v5_pages, len(v5_records), "/v5/products")
    assert [r["id"] for r in v5_records] == [r["productID"] for r in records]
    for got in v5_records:
        if not got["id"].startswith("prod-e2e-"):
            continue
        i = int(got["id"][-2:])
        sent = changed(i) if i in CHANGED else product(i)
        assert (got["title"], got["status"], got["url"], got["price"], got["images"], got["defaultImageUrl"]) == \
            (sent["title"], sent["status"], sent["productUrl"], None, [], "")
        assert [(v["id"], v["price"], v["sku"], v["url"], v["strikeThroughPrice"]) for v in got["variants"]] == \
            [(v["variantID"], v["price"] / 100, v["sku"], v["productUrl"], None) for v in sent["variants"]]
        # The JSON decimal is the cents exactly (20.04, not 20.040000000000003).
        assert [Decimal(str(v["price"])) * 100 for v in got["variants"]] == [v["price"] for v in sent["variants"]]
    assert v5_records[-1]["variants"][0]["price"] == records[-1]["variants"][0]["price"] / 100
    one = client.get("/v5/products/prod-e2e-05").json()
    assert one == next(r for r in v5_records if r["id"] == "prod-e2e-05")
    assert [v["price"] for v in one["variants"]] == [24.99, 25.04, 25.09]  # 2499, 2504, 2509 cents
    changed_one = client.get("/v5/products/prod-e2e-03").json()
    assert (changed_one["title"], [v["price"] for v in changed_one["variants"]]) == \
        ("E2E Product 03 (2026)", [23.0, 23.05])

    # -- read back: contacts (cursor paging) -------------------------------------------------------------
    records, pages = client.read_all(f"/v3/contacts?limit={PAGE}", "contacts")
    assert len(records) == seeded_contacts + N_CONTACTS  # the orders attached, they created nobody
    assert len(pages) == -(-len(records) // PAGE)
    assert all("after=" in (p.json()["paging"]["next"] or "after=") for p in pages)
    mine_c = [r for r in records if r["email"].endswith("@e2e.example.com")]
    # Created in one drain: newest first = reverse item order.
    assert [r["email"] for r in mine_c] == [f"buyer{i:02d}@e2e.example.com" for i in reversed(range(N_CONTACTS))]
    for r in mine_c:
        i = int(r["email"][5:7])
        sent = contact(i)
        assert r["contactID"] == contact_ids[r["email"]]
        assert (r["firstName"], r["lastName"], r["tags"], r["status"]) == \
            (sent["firstName"], "E2E", ["e2e"], sent["identifiers"][0]["channels"]["email"]["status"])
        assert r["createdAt"] == "2026-01-01T00:04:00.000Z"
    # Walking back from the last page along the `previous` links gives the same pages in reverse.
    back: list[list[str]] = []
    url: str | None = pages[-1].json()["paging"]["previous"]
    while url:
        body = client.get(url).json()
        back.append([r["contactID"] for r in body["contacts"]])
        url = body["paging"]["previous"]
    assert back == [[r["contactID"] for r in p.json()["contacts"]] for p in reversed(pages[:-1])]
    assert within(contract(pages[0]), PAGING_NULL_LINKS, CONTACT_OUTPUT, prefix="contacts[].")
    assert within(contract(pages[1]), CONTACT_OUTPUT, prefix="contacts[].")
    subscribed = [r["email"] for p in client.pages(f"/v3/contacts?status=subscribed&limit={PAGE}")
                  for r in p.json()["contacts"] if r["email"].endswith("@e2e.example.com")]
    assert subscribed == [f"buyer{i:02d}@e2e.example.com" for i in reversed(range(0, N_CONTACTS, 3))]

    # -- read back: orders -----------------------------------------------------------------------------------
    records, pages = client.read_all(f"/v3/orders?limit={PAGE}", "orders")
    assert_pages(pages, len(records), "/v3/orders")
    mine_o = [r for r in records if r["orderID"].startswith("order-e2e-")]
    # Newest first by the client's createdAt (2025-07-01, one minute apart); the seeded orders are from 2024.
    assert [r["orderID"] for r in mine_o] == [f"order-e2e-{i:02d}" for i in reversed(range(N_ORDERS))]
    assert records[:N_ORDERS] == mine_o
    for r in mine_o:
        sent = order(int(r["orderID"][-2:]))
        assert (r["email"], r["contactID"], r["currency"], r["orderSum"], r["createdAt"], r["paymentStatus"],
                r["fulfillmentStatus"], r["orderNumber"]) == \
            (sent["email"], contact_ids[sent["email"]], "EUR", sent["orderSum"], sent["createdAt"], "paid",
             "unfulfilled", sent["orderNumber"])
        assert [(p["productID"], p["variantID"], p["title"], p["quantity"], p["price"]) for p in r["products"]] == \
            [(p["productID"], p["variantID"], p["title"], p["quantity"], p["price"]) for p in sent["products"]]
    assert within(contract(pages[0]), PAGING_NULL_LINKS, ORDER_OUTPUT, prefix="orders[].")
    assert within(contract(pages[1]), ORDER_OUTPUT, prefix="orders[].")
    by_contact = client.get(f"/v3/orders?contactID={contact_ids['buyer01@e2e.example.com']}").json()["orders"]
    assert [r["orderID"] for r in by_contact] == ["order-e2e-01"]


def test_bad_batch_items_record_what_the_single_request_answers(server: RunningServer) -> None:
    client = OmnisendClient(server.url, drain(server))
    # A product the brand already has, so a POST of the same id is a duplicate.
    assert_all_ok(client.finished("v3", client.batch("v3", "products", "POST", [product(0)])), 1)
    bad_posts = [
        product(0),  # 422 duplicate
        {**product(1), "status": "inStore"},  # 400 enum
        {k: v for k, v in product(2).items() if k != "variants"},  # 400 required
        {**product(3), "variants": [{**variant(3, 0), "price": -1}]},  # 400 minimum
        product(4),  # fine
    ]
    bad_puts = [
        {**changed(9), "productID": "prod-nobody"},  # 404 PUT never creates
        {k: v for k, v in changed(0).items() if k != "updatedAt"},  # 400 updatedAt required on PUT
        {k: v for k, v in changed(0).items() if k != "productID"},  # 400 the batch needs the id key
    ]
    bad_orders = [
        {**{k: v for k, v in order(0).items() if k != "email"}, "contactID": "0" * 24},  # 404 unknown contact
        {**order(1), "currency": "EURO"},  # 400 length
        {k: v for k, v in order(2).items() if k not in ("email",)},  # 400 no identity
    ]
    runs = [("products", "POST", bad_posts), ("products", "PUT", bad_puts), ("orders", "POST", bad_orders)]
    results = [(endpoint, method, sent, client.batch("v3", endpoint, method, sent)) for endpoint, method, sent in runs]
    outcomes = []
    for endpoint, method, sent, batch_id in results:
        items = client.finished("v3", batch_id)
        assert items["status"] == "finished" and items["finishedCount"] == len(sent)
        assert items["errorsCount"] == len(items["errors"])
        outcomes.append((endpoint, method, sent, items))
    # Now the same bodies as single requests (the bad items changed nothing, so the answers are the same).
    for endpoint, method, sent, items in outcomes:
        by_id = {item["itemID"]: item for item in items["errors"] + items["responses"]}
        for n, body in enumerate(sent, start=1):
            item = by_id[str(n)]
            assert item["request"] == body
            if method == "PUT" and "productID" not in body:
                assert (item["responseCode"], item["response"]) == (400, {
                    "error": "1 error(s) found. Check 'fields' array for details.",
                    "fields": ["productID: field required but not found in Json"]})
                continue
            if item["responseCode"] == 200:
                continue
            path = f"/v3/{endpoint}" + (f"/{body['productID']}" if method == "PUT" else "")
            single = client.http.request(method, server.url + path, json=body, timeout=10)
            assert (item["responseCode"], item["response"]) == (single.status_code, single.json()), (endpoint, n)
    codes = {(e, m): [i["responseCode"] for i in sorted(items["errors"] + items["responses"],
                                                         key=lambda i: int(i["itemID"]))]
             for e, m, _, items in outcomes}
    assert codes == {("products", "POST"): [422, 400, 400, 400, 200], ("products", "PUT"): [404, 400, 400],
                     ("orders", "POST"): [404, 400, 400]}
    errors = outcomes[0][3]["errors"]
    assert [e["itemID"] for e in errors] == ["1", "2", "3", "4"]
    assert errors[0]["response"] == {"error": "Product with 'prod-e2e-00' productID already exists"}
    # The good item of the mixed batch was applied; the refused ones left nothing behind.
    assert client.get("/v3/products/prod-e2e-04").json()["title"] == "E2E Product 04"
    for missing in ("prod-e2e-01", "prod-e2e-02", "prod-e2e-03", "prod-nobody"):
        assert client.http.get(f"{server.url}/v3/products/{missing}", timeout=10).status_code == 404
    for missing in ("order-e2e-00", "order-e2e-01", "order-e2e-02"):
        assert client.http.get(f"{server.url}/v3/orders/{missing}", timeout=10).status_code == 404


def test_v5_batches_write_what_v3_lists_in_cents(server: RunningServer) -> None:
    client = OmnisendClient(server.url, drain(server))
    prices = [0.125, 1.005, 9.99, 10, 19.999, 0.01, 250.5, 3.335, 7.77, 12.345, 0.5, 99.995]
    v5_products = [{"id": f"v5-e2e-{i:02d}", "title": f"V5 product {i:02d}", "status": "inStock", "currency": "EUR",
                    "url": f"https://shop.example.com/v5/{i}", "createdAt": f"2025-08-01T10:{i:02d}:00Z",
                    "variants": [{"id": f"v5-e2e-{i:02d}-a", "title": "A", "url": f"https://shop.example.com/v5/{i}/a",
                                  "price": price, "strikeThroughPrice": price + 1}]}
                   for i, price in enumerate(prices)]
    items = client.finished("v5", client.batch("v5", "products", "POST", v5_products))
    assert_all_ok(items, len(prices))
    assert [item["response"] for item in items["responses"]] == [{"id": p["id"]} for p in v5_products]
    renamed = [{"categoryID": f"cat-v5-{i:02d}", "title": f"V5 category {i:02d}"} for i in range(11)]
    assert_all_ok(client.finished("v5", client.batch("v5", "categories", "POST", renamed)), 11)
    patched = [{"categoryId": f"cat-v5-{i:02d}", "title": f"Renamed {i:02d}"} for i in range(0, 11, 2)]
    assert_all_ok(client.finished("v5", client.batch("v5", "categories", "PATCH", patched)), 6)

    # v3 reads the same store: prices in cents (halves away from zero, §5.10), newest createdAt first.
    records, pages = client.read_all(f"/v3/products?limit={PAGE}", "products")
    assert_pages(pages, len(records), "/v3/products")
    mine = [r for r in records if r["productID"].startswith("v5-e2e-")]
    assert [r["productID"] for r in mine] == [p["id"] for p in reversed(v5_products)]
    cents = {r["productID"]: (r["variants"][0]["price"], r["variants"][0]["oldPrice"]) for r in mine}
    assert [cents[p["id"]] for p in v5_products] == [
        (13, 113), (101, 201), (999, 1099), (1000, 1100), (2000, 2100), (1, 101), (25050, 25150), (334, 434),
        (777, 877), (1235, 1335), (50, 150), (10000, 10100)]
    assert all(within(contract(page), PAGING_NULL_LINKS, PRODUCT_OUTPUT, prefix="products[].") for page in pages)
    categories, _ = client.read_all(f"/v3/categories?sort=title&limit={PAGE}", "categories")
    titles = {c["categoryID"]: c["title"] for c in categories}
    assert [titles[f"cat-v5-{i:02d}"] for i in range(11)] == \
        [f"Renamed {i:02d}" if i % 2 == 0 else f"V5 category {i:02d}" for i in range(11)]
