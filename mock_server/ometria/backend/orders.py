"""Orders (ometria.md §3.4, §5.2). Linking orders to profiles (§6.4) is a write hook of the profiles
module."""

from __future__ import annotations

from mock_server.core.store import Record
from mock_server.ometria import constants as C
from mock_server.ometria import listing
from mock_server.ometria.backend import Account, register_seeder
from mock_server.ometria.backend.records import KeyedResource
from mock_server.ometria.schemas.order import OrderRecordSchema

# ``timestamp`` is required on create (mock decision, §5.2).
ORDERS = KeyedResource("order", "orders", OrderRecordSchema(), C.ERR_ORDER_NOT_FOUND, ("timestamp",))
# After contacts (order 10) and products (20): orders attach to profiles built from contacts.
register_seeder("orders", ORDERS.seed, order=30)


def list_orders(account: Account, args: list[tuple[str, str]]) -> list[Record]:
    """``GET /orders``."""
    return ORDERS.page(account, listing.ORDERS, args)
