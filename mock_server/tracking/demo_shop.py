"""The demo shop at ``/_mock/demo-shop/`` (tracking.md §7): five pages that use both vendors' snippets
exactly as a store would, with the script host set to the sandbox, so a QA person can click through a
purchase and watch contacts, events, workflows and hits appear.

The shop keeps its basket in the browser (``localStorage``); the server only renders pages from the
brand's products (or three built-in ones when the brand has none).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request

from mock_server.control.ui import access
from mock_server.core.request import ctx
from mock_server.omnisend.backend import Brand
from mock_server.omnisend.backend.products import COLLECTION as PRODUCTS
from mock_server.tracking import constants as C

PREFIX = "/_mock/demo-shop"
HTML = "text/html; charset=utf-8"
DEFAULT_BRAND = "64a1f0c2e4b0a1b2c3d4e5f6"  # the demo brand of the packaged fixtures
DEFAULT_ACCOUNT = "staging"
MAX_PRODUCTS = 6
# Shown when the brand has no products (mock decision, §7); prices in major units.
BUILT_IN = (
    {"id": "demo-tent", "title": "Demo tent", "price": 199.0, "description": "A two-person tent."},
    {"id": "demo-lamp", "title": "Demo lamp", "price": 29.5, "description": "A camping lamp."},
    {"id": "demo-mug", "title": "Demo mug", "price": 9.9, "description": "An enamel mug."},
)
TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"


def _tenants() -> tuple[str, str]:
    return request.args.get("brand") or DEFAULT_BRAND, request.args.get("account") or DEFAULT_ACCOUNT


def products(brand_id: str) -> tuple[list[dict[str, Any]], str]:
    """The shop's products (the brand's first six, else the built-in three) and its currency."""
    mock = ctx()
    tenant = mock.tenant(C.OMNISEND, brand_id)
    if tenant is None:
        return [dict(p) for p in BUILT_IN], "EUR"
    brand = Brand(mock, tenant)
    currency = str(tenant.config.get("currency") or "EUR")
    out = []
    with tenant.lock:
        for record in list(brand.col(PRODUCTS).values())[:MAX_PRODUCTS]:
            variants = record.get("variants") or [{}]
            price = variants[0].get("price")
            out.append({"id": record["productID"], "title": record.get("title") or record["productID"],
                        "price": round(price / 100, 2) if isinstance(price, (int, float)) else 0.0,
                        "description": record.get("description") or "",
                        "variantID": variants[0].get("variantID") or ""})
    return (out or [dict(p) for p in BUILT_IN]), currency


def render(template: str, status: int = 200, **model: Any) -> Response:
    """Render one shop page with what every page needs (tenants, script host, links)."""
    brand_id, account = _tenants()
    items, currency = products(brand_id)
    keep = urlencode({"brand": brand_id, "account": account})
    root = (ctx().settings.public_url or request.host_url).rstrip("/")
    hits = {vendor: f"/_mock/tracking?{urlencode({'vendor': vendor, 'tenant': tenant})}"
            for vendor, tenant in ((C.OMNISEND, brand_id), (C.OMETRIA, account))}
    answer = Response(render_template(f"demo_shop/{template}", brand=brand_id, account=account, keep=keep,
                                      root=root, host=root.split("://", 1)[-1], products=items,
                                      currency=currency, hits=hits, prefix=PREFIX, **model),
                      status=status, content_type=HTML)
    answer.headers["Cache-Control"] = "no-store"
    return answer


def build_blueprint() -> Blueprint:
    """Return the demo shop's blueprint."""
    bp = Blueprint("demo_shop", __name__, url_prefix=PREFIX, template_folder=str(TEMPLATES),
                   static_folder=str(STATIC), static_url_path="/static")

    @bp.before_request
    def _token() -> Response | None:
        if request.endpoint == "demo_shop.static":
            return None
        return access.check(ctx().settings)

    @bp.get("/")
    def home() -> Response:
        """Product list and an email form."""
        return render("home.html", page_type="homepage")

    @bp.get("/product/<product_id>")
    def product(product_id: str) -> Response:
        """One product with its add-to-basket button."""
        brand_id, _ = _tenants()
        found = next((p for p in products(brand_id)[0] if p["id"] == product_id), None)
        if found is None:
            return render("missing.html", 404, page_type="other", what=f"product {product_id}")
        return render("product.html", page_type="product", product=found)

    @bp.get("/basket")
    def basket() -> Response:
        """The basket (from localStorage) with its checkout button."""
        return render("basket.html", page_type="basket")

    @bp.get("/checkout")
    def checkout() -> Response:
        """Email and place-order."""
        return render("checkout.html", page_type="checkout")

    @bp.get("/confirmation/<order_id>")
    def confirmation(order_id: str) -> Response:
        """The order confirmation: ``paid for order`` and ``trackTransaction``."""
        return render("confirmation.html", page_type="confirmation", order_id=order_id)

    return bp
