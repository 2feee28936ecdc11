"""Helpers shared by the catalog tests: request bodies, link-following, exact error bodies."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from mock_server.omnisend import constants as C
from tests.conftest import OMNISEND

NOW = "2026-01-01T00:00:00.000Z"  # the frozen, seeded mock clock of the tests
BASE = "http://localhost"


def product_body(product_id: str = "prod-new", **extra: Any) -> dict[str, Any]:
    """A minimal valid v3 product POST body."""
    body: dict[str, Any] = {
        "productID": product_id, "title": "Trail Poles", "status": "inStock", "currency": "EUR",
        "productUrl": f"https://shop.example.com/products/{product_id}",
        "variants": [{"variantID": f"{product_id}-1", "title": "Trail Poles / 120 cm", "status": "inStock",
                      "price": 3999}],
    }
    body.update(extra)
    return body


def order_body(order_id: str = "order-new", **extra: Any) -> dict[str, Any]:
    """A minimal valid v3 order POST body (attached by email to a fixture contact)."""
    body: dict[str, Any] = {"orderID": order_id, "email": "jonas.kazlauskas@example.com", "currency": "EUR",
                            "orderSum": 12345, "createdAt": "2024-07-01T10:00:00Z"}
    body.update(extra)
    return body


def cart_product(cart_product_id: str = "cp-new", **extra: Any) -> dict[str, Any]:
    """A valid cart product (as a ``products[]`` item)."""
    item: dict[str, Any] = {"cartProductID": cart_product_id, "productID": "prod-titan-stove",
                            "variantID": "titan-stove", "title": "Titan Gas Stove", "quantity": 1, "price": 5900}
    item.update(extra)
    return item


def cart_body(cart_id: str = "cart-new", **extra: Any) -> dict[str, Any]:
    """A minimal valid v3 cart POST body."""
    body: dict[str, Any] = {"cartID": cart_id, "email": "jonas.kazlauskas@example.com", "currency": "EUR",
                            "cartSum": 5900, "products": [cart_product("cp-1")]}
    body.update(extra)
    return body


def bad_params(*fields: str) -> dict[str, Any]:
    """The 400 body for bad query parameters."""
    return {"error": C.ERR_BAD_PARAMS, "fields": list(fields)}


def invalid_body(*fields: str) -> dict[str, Any]:
    """The 400 body for a body that fails validation."""
    return {"error": C.ERR_VALIDATION.format(count=len(fields)), "fields": list(fields)}


def error(text: str) -> dict[str, str]:
    """A plain ``{"error": text}`` body."""
    return {"error": text}


def follow(client: FlaskClient, url: str, key: str, id_key: str) -> tuple[list[str], list[dict[str, Any]]]:
    """Walk a list the way a client does: follow ``paging.next`` until it is null; check ``previous``."""
    ids: list[str] = []
    pagings: list[dict[str, Any]] = []
    while url:
        response = client.get(url, headers=OMNISEND)
        assert response.status_code == 200, response.get_data(as_text=True)
        body = response.get_json()
        ids.extend(item[id_key] for item in body[key])
        paging = body["paging"]
        if pagings:
            assert paging["previous"] is not None
            back = client.get(paging["previous"], headers=OMNISEND).get_json()
            assert back["paging"]["next"] == url  # previous leads back to the page we came from
        else:
            assert paging["previous"] is None
        pagings.append(paging)
        url = paging["next"]
    assert len(ids) == len(set(ids))
    return ids, pagings
