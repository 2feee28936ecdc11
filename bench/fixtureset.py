"""Generated fixture folders for the benchmarks: the default fixtures with N contacts per vendor.

The demo brand (Omnisend) and the live account (Ometria) get ``size`` generated contacts and rate limits
high enough that a load generator is counted but never refused (the limiter still runs on every request).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

OMNISEND_KEY = "omnisend-demo-key"
OMETRIA_KEY = "ometria-live-key"
# Counted but never reached by a benchmark run (limit per window).
HIGH_LIMIT = 10**9
# RARE_COUNT contacts of a brand, evenly spread, are tagged "vip" and subscribed: a rare tag and, through
# the demo brand's "seg-vip" segment (tags contains vip, status subscribed), a small segment. The same
# count at every size, so a sparse page holds the same records at 1k and at 1M and the flat-in-N ratio
# compares the cost of finding them, not of answering 1 record against 10 (it did: one in 100,000 was
# rare, 1 member at 1k and 10 at 1M).
RARE_COUNT = 10
RARE_EVERY = 100_000  # the spacing at 1M (and the default of the generators below)
RARE_AT = 8


def rare_every(size: int) -> int:
    """The spacing of the rare contacts in a brand of ``size``: RARE_COUNT of them (a multiple of
    CATALOG_EVERY, so the carts and products that follow them are as many)."""
    return max(size // RARE_COUNT // CATALOG_EVERY, 1) * CATALOG_EVERY


def omnisend_contact(i: int, every: int = RARE_EVERY) -> dict[str, Any]:
    """The ``i``-th generated Omnisend contact (stored shape); one in ``every`` is rare."""
    day, second = divmod(i, 86_400)
    return {
        "contactID": f"{i:024x}",
        "createdAt": f"2024-{1 + day // 28 % 12:02d}-{1 + day % 28:02d}T{second // 3600:02d}:"
                     f"{second // 60 % 60:02d}:{second % 60:02d}Z",
        "identifiers": [{"type": "email", "id": f"user{i}@bench.example.com",
                         "channels": {"email": {"status": ("subscribed", "unsubscribed")[i % 2]}}}],
        "firstName": f"First{i}", "lastName": f"Last{i}",
        "tags": ["bench", f"t{i % 10}", *(["vip"] if i % every == RARE_AT else [])],
    }


def ometria_contact(i: int) -> dict[str, Any]:
    """The ``i``-th generated Ometria contact."""
    return {"@type": "contact", "@collection": "default", "id": f"bench-c{i}",
            "email": f"user{i}@bench.example.org", "firstname": f"First{i}", "lastname": f"Last{i}",
            "marketing_optin": ("EXPLICITLY_OPTEDIN", "NOT_SPECIFIED")[i % 2], "country_id": "GB"}


# The flat-in-N brand's catalog (``catalog=True``): one product and one cart per CATALOG_EVERY contacts. One
# product in every // CATALOG_EVERY has a rare vendor and type; cart ``j`` belongs to contact
# ``j * CATALOG_EVERY + RARE_AT``, so the carts of "seg-vip" members are as rare as the members (RARE_COUNT
# of each at every size).
CATALOG_EVERY = 100
RARE_VENDOR, RARE_TYPE = "Rare Vendor", "rare-type"


def omnisend_product(j: int, every: int = RARE_EVERY) -> dict[str, Any]:
    """The ``j``-th generated product (a v3 POST body)."""
    rare = j % (every // CATALOG_EVERY) == 0
    return {"productID": f"bench-p{j}", "title": f"Product {j}", "status": "inStock", "currency": "EUR",
            "productUrl": f"https://shop.example.com/p/{j}", "vendor": RARE_VENDOR if rare else f"Vendor{j % 7}",
            "type": RARE_TYPE if rare else f"type{j % 5}", "createdAt": omnisend_contact(j)["createdAt"],
            "variants": [{"variantID": f"bench-v{j}", "title": f"Product {j}", "status": "inStock",
                          "price": 100 + j % 900}]}


def omnisend_cart(j: int) -> dict[str, Any]:
    """The ``j``-th generated cart (a v3 POST body), of contact ``j * CATALOG_EVERY + RARE_AT``."""
    return {"cartID": f"bench-cart{j}", "email": f"user{j * CATALOG_EVERY + RARE_AT}@bench.example.com",
            "currency": "EUR", "cartSum": 100 + j % 9000, "createdAt": omnisend_contact(j)["createdAt"],
            "products": [{"cartProductID": "cp-1", "productID": f"bench-p{j}", "variantID": f"bench-v{j}",
                          "title": f"Product {j}", "quantity": 1, "price": 100 + j % 900}]}


def _write_array(path: Path, size: int, make: Any) -> None:
    # Written in chunks: a million records never sit in memory as one list.
    with path.open("w", encoding="utf-8") as out:
        out.write("[")
        for i in range(size):
            out.write(("," if i else "") + json.dumps(make(i)))
        out.write("]")


def generate(size: int, target: Path, *, ometria: bool = True, omnisend: bool = True,
             catalog: bool = False) -> Path:
    """Copy the default fixtures into ``target`` and give the demo brand (with ``omnisend``) and the live
    account (with ``ometria``) ``size`` contacts each; a vendor left out keeps its default fixtures. With
    ``catalog`` the brand also gets ``size // CATALOG_EVERY`` products and carts (the flat-in-N run)."""
    from mock_server.core.fixtures import default_fixtures_dir

    shutil.copytree(default_fixtures_dir(), target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    if omnisend:
        _grow_brand(size, target)
        if catalog:
            demo = target / "omnisend" / "demo"
            every = rare_every(size)
            _write_array(demo / "products.json", max(size // CATALOG_EVERY, 1),
                         lambda j: omnisend_product(j, every))
            _write_array(demo / "carts.json", max(size // CATALOG_EVERY, 1), omnisend_cart)
    if ometria:
        _grow_account(size, target)
    return target


def _grow_brand(size: int, target: Path) -> None:
    demo = target / "omnisend" / "demo"
    tenant = json.loads((demo / "tenant.json").read_text(encoding="utf-8"))
    tenant["rateLimit"] = {"limit": HIGH_LIMIT, "window": 60}
    # Version 2026-03-15 budgets per endpoint group: the groups the rows use.
    tenant["rateLimits"] = {group: {"limit": HIGH_LIMIT, "window": 60} for group in ("default",)}
    (demo / "tenant.json").write_text(json.dumps(tenant), encoding="utf-8")
    for extra in demo.glob("*.json"):
        if extra.name not in ("tenant.json", "contacts.json"):
            extra.unlink()  # the brand holds contacts only: the measurement is about contacts
    every = rare_every(size)
    _write_array(demo / "contacts.json", size, lambda i: omnisend_contact(i, every))


def _grow_account(size: int, target: Path) -> None:
    live = target / "ometria" / "live"
    account = json.loads((live / "tenant.json").read_text(encoding="utf-8"))
    account["rateLimits"] = {group: {"limit": HIGH_LIMIT, "window": 1} for group in ("data", "push")}
    (live / "tenant.json").write_text(json.dumps(account), encoding="utf-8")
    for extra in live.glob("*.json"):
        if extra.name not in ("tenant.json", "contacts.json"):
            extra.unlink()
    _write_array(live / "contacts.json", size, ometria_contact)
