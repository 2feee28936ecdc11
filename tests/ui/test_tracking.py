"""The tracking stand-ins in a real browser: a shop page on a second loopback origin (``localhost`` on its
own port, the sandbox on ``127.0.0.1``) loads the vendors' snippets with only the host changed, is driven
like a shopper, and every hit is checked through the vendor APIs and ``/_mock/tracking``.

Nothing sleeps: each action is wrapped in a wait for the beacon's answer (Playwright's
``expect_response``), after which the sandbox has recorded the hit.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from playwright.sync_api import ConsoleMessage, Page, Response, expect

from mock_server.server import RunningServer
from tests.conftest import BRAND_ID, OMNISEND, STAGING
from tests.ui.conftest import shot

pytestmark = pytest.mark.browser

# Omnisend's loader line, unchanged but for the host (split only to fit the line length).
LOADER = ('!function(){var e=document.createElement("script");e.type="text/javascript",e.async=!0,'
          'e.src="%(root)s/inshop/launcher-v2.js";var t=document.getElementsByTagName("script")[0];'
          't.parentNode.insertBefore(e,t)}();')
OMNISEND_SNIPPET = """<script type="text/javascript">
    window.omnisend = window.omnisend || [];
    omnisend.push(["brandID", "%(brand)s"]);
    omnisend.push(["track", "$pageViewed"]);
    """ + LOADER + """
</script>"""
# The queue as a page may fill it: an event and an identify before the brand id (the brand still applies first).
QUEUED_SNIPPET = """<script type="text/javascript">
    window.omnisend = window.omnisend || [];
    omnisend.push(["track", "$pageViewed"]);
    omnisend.push(["identifyContact", {"email": "queued@example.com"}]);
    omnisend.push(["accountID", "%(brand)s"]);
    """ + LOADER + """
</script>"""
OMETRIA_HEAD = """<script>
  window.ometria = {raw_data: {platform: "test-shop"}, q: [["viewProduct", "queued-pid"]]};
  window.onOmetriaLoaded = function () { window.ometriaLoadedCalls = (window.ometriaLoadedCalls || 0) + 1; };
</script>
<script src="%(scheme_relative)s/tags/%(tag)s.js"></script>"""
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>%(title)s</title><link rel="icon" href="data:,">%(head)s</head>
<body><h1>%(title)s</h1><label>Newsletter <input id="newsletter" type="email"></label>%(body)s</body></html>"""


@pytest.fixture
def shop(tmp_path: Path, server: RunningServer) -> Iterator[Callable[..., str]]:
    """A static shop on ``http://localhost:<another port>``; returns a function writing one page (its URL)."""
    root = tmp_path / "shop"
    root.mkdir()
    handler = partial(_QuietHandler, directory=str(root))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    origin = f"http://localhost:{httpd.server_address[1]}"
    sandbox = urlparse(server.url)

    def write(name: str, *, head: str = "", body: str = "", tag: str = "staging") -> str:
        values = {"brand": BRAND_ID, "root": server.url, "scheme_relative": f"//{sandbox.netloc}", "tag": tag}
        (root / name).write_text(PAGE % {"title": name, "head": head % values, "body": body % values},
                                 encoding="utf-8")
        return f"{origin}/{name}"

    yield write
    httpd.shutdown()
    httpd.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return None


@pytest.fixture
def console(page: Page) -> list[str]:
    """Console messages above debug level and uncaught page errors (a stand-in must cause none)."""
    seen: list[str] = []

    def note(message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            seen.append(f"{message.type}: {message.text}")

    page.on("console", note)
    page.on("pageerror", lambda exc: seen.append(f"pageerror: {exc}"))
    return seen


def hits(server: RunningServer, **filters: str) -> list[dict[str, Any]]:
    answer = requests.get(f"{server.url}/_mock/tracking", params={"limit": "500", **filters}, timeout=10)
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


def omnisend_answer(path: str, name: str | None = None) -> Callable[[Response], bool]:
    """A predicate for the answer to one Omnisend hit. ``name`` only documents which v2 event it is: a
    sendBeacon body is not visible to Playwright, so each wait wraps a block that sends one such event."""
    return lambda response: path in response.url


def ometria_answer(hit_type: str) -> Callable[[Response], bool]:
    """A predicate for the answer to one Ometria tag hit of ``hit_type`` (decoded from its ``data``)."""

    def matches(response: Response) -> bool:
        if "/event.gif" not in response.url:
            return False
        if response.request.method == "POST":
            return True  # a long hit sent with sendBeacon: its body is not visible here
        data = parse_qs(urlparse(response.url).query).get("data", [""])[0]
        return bool(data) and json.loads(base64.b64decode(data))["type"] == hit_type

    return matches


@contextmanager
def answered(page: Page, *predicates: Callable[[Response], bool]) -> Iterator[list[Any]]:
    """Wait (after the block) for one answer per predicate: every hit the block sent has been recorded."""
    with ExitStack() as stack:
        yield [stack.enter_context(page.expect_response(p)) for p in predicates]


def test_omnisend_snippet_on_another_origin(page: Page, server: RunningServer, shop: Callable[..., str],
                                            console: list[str], tmp_path: Path) -> None:
    url = shop("product.html", body=OMNISEND_SNIPPET)
    with page.expect_response(omnisend_answer("/REST/webTracking/v1/event")) as viewed:
        page.goto(url)
    assert viewed.value.status == 200 and viewed.value.headers["content-type"] == "image/gif"
    [view] = hits(server, vendor="omnisend")
    assert (view["type"], view["status"], view["source"], view["url"]) == ("$pageViewed", "recorded", "snippet", url)
    assert view["contactID"] is None
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert view["visitorID"] == cookies["soundestID"]["value"]
    assert view["sessionID"] == cookies["omnisendSessionID"]["value"]
    assert len(cookies["soundestID"]["value"]) == 14 + 1 + 49 and "omnisendAnonymousID" in cookies
    assert all(c["domain"] == "localhost" for c in cookies.values())  # no domain=. on loopback

    # Events of an unknown visitor are recorded but not stored (the vendor tracks identified contacts only).
    with page.expect_response(omnisend_answer("/REST/webTracking/v2/event", "viewed product")) as anon:
        page.evaluate("""omnisend.push(["track", "viewed product", {eventVersion: "v4", origin: "api",
                          properties: {product: {id: "prod-trek-2-tent", title: "Trek 2 Tent", price: 249.99}}}])""")
    assert anon.value.status == 204
    assert hits(server, vendor="omnisend")[0]["status"] == "anonymous"

    contact_id = page.evaluate("omnisend.identifyContact({email: ' Shopper@Example.com ', firstName: 'Sam'})")
    assert isinstance(contact_id, str) and len(contact_id) == 24
    assert {c["name"]: c["value"] for c in page.context.cookies()}["omnisendContactID"] == contact_id
    found = requests.get(f"{server.url}/v3/contacts", params={"email": "Shopper@Example.com"}, headers=OMNISEND,
                         timeout=10).json()["contacts"]
    assert [(c["contactID"], c["firstName"], c["status"]) for c in found] == [(contact_id, "Sam", "nonSubscribed")]
    assert "source: omnisend snippet" in found[0]["tags"]
    # The visitor's earlier anonymous hits now name the contact.
    assert {h["contactID"] for h in hits(server, vendor="omnisend")} == {contact_id}

    with page.expect_response(omnisend_answer("/REST/webTracking/v2/event", "paid for order")):
        page.evaluate("""omnisend.push(["track", "paid for order", {eventVersion: "v2", origin: "api",
                          properties: {orderID: "web-1", currency: "EUR", totalPrice: 12.5}}])""")
    stored = hits(server, vendor="omnisend", type="paid for order")[0]
    assert (stored["status"], stored["contactID"]) == ("stored", contact_id)
    log = requests.get(f"{server.url}/_mock/state/omnisend/{BRAND_ID}/eventLog", params={"limit": "500"},
                       timeout=10).json()
    assert any(e["record"]["eventID"] == stored["eventID"] and e["record"]["contactID"] == contact_id
               and e["record"]["source"] == "v5" for e in log["items"])
    outbox = requests.get(f"{server.url}/_mock/outbox", params={"kind": "workflow"}, timeout=10).json()["items"]
    assert [(o["workflow"], o["orderID"], o["contactID"]) for o in outbox] == [
        ("order confirmation", "web-1", contact_id)]

    # push(["identifyContact"]) is queued like any command; the legacy $productViewed is recorded only.
    with page.expect_response(omnisend_answer("/REST/inShop/v1/identifyContact")):
        page.evaluate("""omnisend.push(["identifyContact", {email: "shopper@example.com", phone: "+37060000001",
                                                            lastName: "Shopper"}])""")
    again = requests.get(f"{server.url}/v3/contacts/{contact_id}", headers=OMNISEND, timeout=10).json()
    assert (again["firstName"], again["lastName"], again["phone"]) == ("Sam", "Shopper", ["+37060000001"])
    with page.expect_response(omnisend_answer("/REST/webTracking/v2/event", "$productViewed")):
        page.evaluate("""omnisend.push(["track", "$productViewed", {$productID: "p-1", $title: "Lamp"}])""")
    # A v5-invalid event is rejected (the page is not told).
    with page.expect_response(omnisend_answer("/REST/webTracking/v2/event", "added product to cart")):
        page.evaluate("""omnisend.push(["track", "added product to cart", {eventID: "not-a-uuid", properties: {}}])""")
    latest = hits(server, vendor="omnisend")
    assert [h["type"] for h in latest[:3]] == ["added product to cart", "$productViewed", "identifyContact"]
    assert latest[0]["status"] == "rejected" and latest[0]["fields"] == ["eventID: invalid format, expected UUID"]
    assert latest[1]["status"] == "recorded" and latest[1]["data"]["properties"]["$productID"] == "p-1"

    # Bad input is dropped silently; loading the launcher again changes nothing.
    page.evaluate("""() => {
        omnisend.push("not a command"); omnisend.push(["no such command"]); omnisend.push(["track"]);
        omnisend.push(["track", 42]); omnisend.identifyContact({email: "not-an-email"}); omnisend.identifyContact(7);
        const again = document.createElement("script"); again.src = document.querySelector("script[src*=launcher]").src;
        document.body.appendChild(again);
    }""")
    with page.expect_response(omnisend_answer("/REST/webTracking/v1/event")):
        page.evaluate("""omnisend.push(["track", "$pageViewed"])""")
    assert page.evaluate("omnisend.loaded") is True
    assert len(hits(server, vendor="omnisend")) == len(latest) + 1
    sessions = requests.get(f"{server.url}/_mock/tracking/sessions", params={"vendor": "omnisend"}, timeout=10).json()
    assert [(s["pageViews"], s["contactID"]) for s in sessions["items"]] == [(2, contact_id)]
    assert console == []
    shot(page, tmp_path, "omnisend-shop")


def test_omnisend_queue_runs_the_brand_first(page: Page, server: RunningServer, shop: Callable[..., str],
                                             console: list[str]) -> None:
    url = shop("queued.html", body=QUEUED_SNIPPET)
    with answered(page, omnisend_answer("/REST/inShop/v1/identifyContact"),
                  omnisend_answer("/REST/webTracking/v1/event")):
        page.goto(url)
    by_type = {h["type"]: h for h in hits(server, vendor="omnisend")}
    assert sorted(by_type) == ["$pageViewed", "identifyContact"]
    assert by_type["identifyContact"]["email"] == "queued@example.com"
    assert by_type["$pageViewed"]["contactID"] == by_type["identifyContact"]["contactID"]
    assert console == []


def test_ometria_tag_on_another_origin(page: Page, server: RunningServer, shop: Callable[..., str],
                                      console: list[str], tmp_path: Path) -> None:
    url = shop("tag.html", head=OMETRIA_HEAD, tag="5f3c9a1e7b2d4c60")  # the account's tagHash
    page.goto(url)
    assert page.evaluate("ometria.raw_data.platform") == "test-shop"  # the page's object keeps its data
    with answered(page, ometria_answer("pageview"), ometria_answer("viewproduct"), ometria_answer("addtobasket")):
        page.evaluate("""() => {
            ometria.trackAddToBasket("pid-1");                   // before init: held
            ometria.init("product", {pid: "pid-1"}, "uk");      // the page view, then the held events
        }""")
    listed = hits(server, vendor="ometria", tenant="staging")
    assert sorted(h["type"] for h in listed) == ["addtobasket", "pageview", "viewproduct"]
    by_type = {h["type"]: h for h in listed}
    assert by_type["viewproduct"]["data"] == {"pid": "queued-pid"}  # from window.ometria.q
    assert by_type["addtobasket"]["data"] == {"pid": "pid-1", "q": 1}
    view = by_type["pageview"]
    assert view["data"] == {"type": "product", "rurl": "", "url": url, "pid": "pid-1"}
    assert view["context"]["site"] == "uk" and view["source"] == "tag" and view["url"] == url
    assert page.evaluate("window.ometriaLoadedCalls") == 1
    debug = page.evaluate("ometria._debug()")
    assert debug["sessionId"].startswith("5f3c60") and len(debug["sessionId"]) == 21
    assert view["visitorID"] == debug["cookieId"] and view["sessionID"] == debug["sessionId"]
    assert page.evaluate("ometria.isNewVisitor()") is True and page.evaluate("ometria.getIdentity()") is None

    with page.expect_response(ometria_answer("identify")):
        page.evaluate("""ometria.identify("Tag.Shopper@example.com", {firstname: "Tia", lastname: "Tag"})""")
    assert page.evaluate("ometria.getIdentity()") == "Tag.Shopper@example.com"
    profiles = requests.get(f"{server.url}/v2/profiles", params={"email": "tag.shopper@example.com"}, headers=STAGING,
                            timeout=10).json()
    assert [(p["firstname"], p["lastname"], p["marketing_optin"]) for p in profiles] == [
        ("Tia", "Tag", "NOT_SPECIFIED")]
    listing = requests.get(f"{server.url}/v2/contacts/website/tag.shopper@example.com", headers=STAGING, timeout=10)
    assert listing.status_code == 200 and listing.json()["@profile_id"] == profiles[0]["id"]
    # Earlier anonymous hits of the visitor now carry the identity.
    assert {(h["email"], h["profileID"]) for h in hits(server, vendor="ometria")} == \
        {("Tag.Shopper@example.com", profiles[0]["id"])}

    with page.expect_response(ometria_answer("profile")):
        page.evaluate("""ometria.setProfileData({phone_number: "+447700900001"})""")
    with page.expect_response(ometria_answer("setbasket")):
        page.evaluate("""() => {
            const basket = new ometria.Basket();
            basket.setId("basket-1"); basket.setUrl("http://localhost/basket"); basket.setURL("http://localhost/b");
            basket.addLineItem("pid-1", 2, 39.98, "var-1", {size: "L"}); basket.setTotal(39.98, "GBP");
            basket.setProperties({gift: true}); basket.setData({coupon: "SUMMER"});
            ometria.setBasket(basket);
            ometria.setBasket(basket);   // unchanged signature: not sent again
        }""")
    assert page.evaluate("ometria.getBasket().id") == "basket-1"
    with answered(page, *(ometria_answer(t) for t in ("checkout", "transaction", "viewproduct", "basket_abandoned"))):
        page.evaluate("""() => {
            ometria.trackCheckout("payment", {method: "card"});
            ometria.trackTransaction("order-9", {total: 39.98});
            ometria.viewProduct("pid-2");
            ometria.setPageType("listing"); ometria.setPageData({category_id: "c-1"}); ometria.linkSession(true);
            ometria.track("basket_abandoned", {value: 39.98}, () => { window.trackCallback = true; });
        }""")
    page.wait_for_function("window.trackCallback === true")
    with page.expect_response(ometria_answer("pageview")):
        page.evaluate("""ometria.pageview(location.href, "listing", {category_id: "c-1"})""")
    types = [h["type"] for h in hits(server, vendor="ometria")]
    assert types[0] == "pageview" and types.count("setbasket") == 1 and "profile" in types
    by_type = {h["type"]: h for h in hits(server, vendor="ometria")}
    assert by_type["setbasket"]["data"] == {
        "id": "basket-1", "url": "http://localhost/b", "total": 39.98, "cur": "GBP", "size": 2,
        "lis": [{"pid": "pid-1", "vid": "var-1", "q": 2, "tot": 39.98, "p": {"size": "L"}}],
        "properties": {"gift": True}, "coupon": "SUMMER"}
    assert by_type["transaction"]["data"] == {"tid": "order-9", "total": 39.98}
    assert by_type["checkout"]["data"] == {"stage": "payment", "method": "card"}
    assert by_type["basket_abandoned"]["context"]["channel"] == "custom"
    triggers = requests.get(f"{server.url}/_mock/outbox", params={"kind": "tracking_trigger"}, timeout=10).json()
    assert [(t["event_type"], t["email"]) for t in triggers["items"]] == [
        ("basket_abandoned", "Tag.Shopper@example.com")]

    # A long hit goes as a POST beacon to the same path; the page's email inputs can identify too.
    with page.expect_response(ometria_answer("custom_big")) as big:
        page.evaluate("""ometria.track("custom_big", {blob: "x".repeat(7000)})""")
    assert big.value.request.method == "POST" and big.value.status == 204
    page.evaluate("""ometria.observeEmailInputs("#newsletter")""")
    with page.expect_response(ometria_answer("identify")):
        page.get_by_label("Newsletter").fill("second.person@example.com")
        page.get_by_label("Newsletter").press("Tab")
    assert page.evaluate("ometria.getIdentity()") == "second.person@example.com"
    assert page.evaluate("ometria._debug().cookieId") != debug["cookieId"]  # another person: a new visitor id

    # The account's headless endpoint from the same page: a CORS preflight, then the POST.
    answer = page.evaluate(f"""fetch("{server.url}/api/track", {{method: "POST",
        headers: {{"Content-Type": "application/json", "X-Ometria-Account": "staging"}},
        body: JSON.stringify({{request_id: "r-9", scope: "basket", action: "add",
          data: {{product_id: "pid-1", quantity: 1}}, user: {{uid: "u-1", sid: "s-1"}}}})}}).then(r => r.json())""")
    assert answer == {"status": "ok", "request_id": "r-9"}
    assert hits(server, source="headless")[0]["type"] == "basket:add"

    # Bad arguments are dropped silently.
    page.evaluate("""() => {
        ometria.identify("nobody"); ometria.identify(42); ometria.setBasket("no"); ometria.track(7);
        ometria.trackTransaction(); new ometria.Basket().addLineItem(); ometria.init("again");
    }""")
    cookie = {c["name"]: c["value"] for c in page.context.cookies()}["ometria"]
    assert cookie.startswith("2_") and "order-9" in requests.utils.unquote(cookie)
    assert console == []
    shot(page, tmp_path, "ometria-shop")


def test_the_demo_shop_end_to_end(page: Page, server: RunningServer, console: list[str], tmp_path: Path) -> None:
    with page.expect_response(omnisend_answer("/REST/webTracking/v1/event")):
        page.goto(f"{server.url}/_mock/demo-shop/")
    shot(page, tmp_path, "demo-home")
    with page.expect_response(omnisend_answer("/REST/webTracking/v2/event", "viewed product")):
        page.locator("a.product-link").first.click()
    product = page.locator("#product-title").inner_text()
    with page.expect_response(omnisend_answer("/REST/webTracking/v2/event", "added product to cart")):
        page.locator("#add-to-basket").click()
    expect(page.locator("#basket-count")).to_have_text("1")
    page.get_by_role("link", name="Basket (1)").click()
    expect(page.locator("#basket-lines")).to_contain_text(product)
    with page.expect_response(omnisend_answer("/REST/webTracking/v2/event", "started checkout")):
        page.locator("#checkout").click()
    with answered(page, omnisend_answer("/REST/inShop/v1/identifyContact"), ometria_answer("identify")):
        page.locator("#email").fill("demo.buyer@example.com")
        page.locator("#email").press("Tab")  # the change event identifies the shopper to both vendors
    with answered(page, omnisend_answer("/REST/webTracking/v2/event", "paid for order"), ometria_answer("transaction")):
        page.locator("#place-order").click()
    order_id = page.locator("#order-id").inner_text()
    assert order_id.startswith("demo-") and len(order_id) == 13
    shot(page, tmp_path, "demo-confirmation")

    contact = requests.get(f"{server.url}/v3/contacts", params={"email": "demo.buyer@example.com"}, headers=OMNISEND,
                           timeout=10).json()["contacts"]
    assert len(contact) == 1
    outbox = requests.get(f"{server.url}/_mock/outbox", params={"kind": "workflow"}, timeout=10).json()["items"]
    assert [(o["orderID"], o["email"]) for o in outbox] == [(order_id, "demo.buyer@example.com")]
    omnisend_types = {(h["type"], h["status"]) for h in hits(server, vendor="omnisend")}
    assert {("viewed product", "anonymous"), ("added product to cart", "anonymous"), ("identifyContact", "recorded"),
            ("paid for order", "stored"), ("$pageViewed", "recorded")} <= omnisend_types
    profiles = requests.get(f"{server.url}/v2/profiles", params={"email": "demo.buyer@example.com"}, headers=STAGING,
                            timeout=10).json()
    assert len(profiles) == 1
    ometria_types = {h["type"] for h in hits(server, vendor="ometria")}
    assert {"pageview", "addtobasket", "setbasket", "checkout", "identify", "transaction"} <= ometria_types

    # The dashboard shows the hits beside the API traffic.
    page.goto(f"{server.url}/_mock/ui/tracking")
    table = page.get_by_role("region", name="Tracking hits")
    expect(table).to_contain_text("ometria/staging")
    expect(table.locator("tr", has_text="paid for order")).to_contain_text("stored")
    page.get_by_label("Vendor").select_option("ometria")
    page.get_by_label("Type").fill("transaction")
    page.get_by_role("button", name="Filter").click()
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text(order_id)
    shot(page, tmp_path, "tracking-page")
    assert console == []
