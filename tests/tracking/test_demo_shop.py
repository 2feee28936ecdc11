"""The demo shop's pages through the test client (tracking.md §7); tests/ui/test_tracking.py clicks through it."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.conftest import BRAND_ID

SHOP = "/_mock/demo-shop"
LOADER = ('!function(){var e=document.createElement("script");e.type="text/javascript",e.async=!0,'
          'e.src="http://localhost/inshop/launcher-v2.js";var t=document.getElementsByTagName("script")[0];'
          't.parentNode.insertBefore(e,t)}();')


@pytest.mark.parametrize("path", ["/", "/product/prod-trek-2-tent", "/basket", "/checkout",
                                  "/confirmation/demo-1a2b3c4d"])
def test_every_page_uses_both_snippets(client: FlaskClient, path: str) -> None:
    answer = client.get(SHOP + path)
    assert answer.status_code == 200 and answer.content_type == "text/html; charset=utf-8"
    page = answer.get_data(as_text=True)
    assert '<script src="//localhost/tags/staging.js"></script>' in page
    assert f'omnisend.push(["brandID", "{BRAND_ID}"]);' in page and 'omnisend.push(["track", "$pageViewed"]);' in page
    assert LOADER in page  # the vendor's loader, only the host changed
    assert 'id="identify"' in page and 'id="email"' in page
    assert f"/_mock/tracking?vendor=omnisend&amp;tenant={BRAND_ID}" in page and "/_mock/ui/tracking" in page
    assert "https://" not in page  # nothing from the internet


def test_the_tenants_are_chosen_and_kept_in_links(client: FlaskClient) -> None:
    page = client.get(SHOP + "/", query_string={"account": "live"}).get_data(as_text=True)
    assert "/tags/live.js" in page
    assert f'href="{SHOP}/product/prod-trek-2-tent?brand={BRAND_ID}&amp;account=live"' in page
    assert page.count('class="product-link"') == 6


def test_a_brand_without_products_shows_the_built_in_ones(client: FlaskClient) -> None:
    page = client.get(SHOP + "/", query_string={"brand": "000000000000000000000000"}).get_data(as_text=True)
    assert [name in page for name in ("demo-tent", "demo-lamp", "demo-mug")] == [True, True, True]


def test_an_unknown_product(client: FlaskClient) -> None:
    answer = client.get(SHOP + "/product/nope")
    assert answer.status_code == 404 and "There is no product nope" in answer.get_data(as_text=True)


def test_the_shop_script(client: FlaskClient) -> None:
    with client.get(SHOP + "/static/demo-shop.js") as answer:
        assert answer.status_code == 200 and b"demoShopBasket" in answer.data
