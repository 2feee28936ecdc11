"""Products, their variants and listings (ometria.md §3.2, §5.3)."""

from __future__ import annotations

from mock_server.core.store import Record
from mock_server.ometria import constants as C
from mock_server.ometria import listing
from mock_server.ometria.backend import Account, register_seeder
from mock_server.ometria.backend.records import KeyedResource
from mock_server.ometria.schemas.product import ProductRecordSchema

PRODUCTS = KeyedResource("product", "products", ProductRecordSchema(), C.ERR_PRODUCT_NOT_FOUND)
register_seeder("products", PRODUCTS.seed, order=20)


def list_products(account: Account, args: list[tuple[str, str]]) -> list[Record]:
    """``GET /products``: parents only unless ``includeVariants=true``; ``active`` filters."""
    if not any(name == C.PARAM_INCLUDE_VARIANTS for name, _ in args):
        args = [*args, (C.PARAM_INCLUDE_VARIANTS, "false")]
    return PRODUCTS.page(account, listing.PRODUCTS, args)
