"""Omnisend list endpoints: paging style, limits, sort keys with their fixed directions, filters.

One row per list endpoint (omnisend.md §2, §3, §4). The mechanisms live in core.paging / core.filters.
"""

from __future__ import annotations

from mock_server.core.filters import FilterSpec
from mock_server.core.paging import ListSpec
from mock_server.omnisend import constants as C
from mock_server.omnisend.backend import carts as cart_rules
from mock_server.omnisend.backend.contacts import email_of, email_status, phones_of

CONTACT_FILTERS = (
    FilterSpec("email", "exact", getter=email_of),
    FilterSpec("phone", "contains", getter=phones_of),
    FilterSpec("status", "enum", getter=email_status, choices=C.CONTACT_STATUSES),
    FilterSpec("tag", "contains", getter=lambda r: r.get("tags") or []),
)

# Contacts: cursor paging, newest first, no sort parameter (§2.3, §2.4).
CONTACTS = ListSpec(
    name="contacts",
    style="cursor",
    default_limit=C.DEFAULT_LIMIT,
    max_limit=C.MAX_LIMIT,
    default_order="createdAt",
    default_descending=True,
    filters=CONTACT_FILTERS,
)


# -- catalog: products, categories, orders, carts (§2.4, §2.5, §3.2-§3.5, §4) ---------------------------------
# Offset paging, default newest first (createdAt DESC); every sort key has a fixed direction.
def _newest_first(name: str, sort_keys: dict[str, bool], filters: tuple[FilterSpec, ...] = ()) -> ListSpec:
    return ListSpec(name=name, sort_keys=sort_keys, filters=filters, default_order="createdAt",
                    default_descending=True, default_limit=C.DEFAULT_LIMIT, max_limit=C.MAX_LIMIT)


PRODUCTS = _newest_first("products", {"createdAt": True, "updatedAt": True},
                         (FilterSpec("vendor", "exact"), FilterSpec("type", "exact")))

# v5 products: sort and paging only (§4).
V5_PRODUCTS = _newest_first("v5-products", {"createdAt": True, "updatedAt": True})

# title ASC by code point (mock decision), createdAt / updatedAt DESC (OAS3 categories, §2.4).
CATEGORIES = _newest_first("categories", {"title": False, "createdAt": True, "updatedAt": True})

# dateFrom / dateTo compare updatedAt (OAS3 "Update date from/to", §3.4).
ORDERS = _newest_first(
    "orders",
    {"createdAt": True, "updatedAt": True, "orderSum": True},
    (
        FilterSpec("email", "exact"),
        FilterSpec("phone", "exact"),
        FilterSpec("contactID", "exact"),
        FilterSpec("cartID", "exact"),
        FilterSpec("dateFrom", "date_from", getter=lambda r: r.get("updatedAt")),
        FilterSpec("dateTo", "date_to", getter=lambda r: r.get("updatedAt")),
        FilterSpec("paymentStatus", "enum", choices=C.PAYMENT_STATUSES),
        FilterSpec("fulfillmentStatus", "enum", choices=C.FULFILLMENT_STATUSES),
    ),
)

# dateFrom / dateTo compare the creation date, updatedFrom / updatedTo updatedAt (OAS3 carts, §3.5).
CARTS = _newest_first(
    "carts",
    {"createdAt": True, "updatedAt": True, "cartSum": True},
    (
        FilterSpec("email", "exact"),
        FilterSpec("phone", "exact"),
        FilterSpec("contactID", "exact"),
        FilterSpec("segmentID", "custom", builder=cart_rules.segment_filter),
        FilterSpec("dateFrom", "date_from", getter=lambda r: r.get("createdAt")),
        FilterSpec("dateTo", "date_to", getter=lambda r: r.get("createdAt")),
        FilterSpec("updatedFrom", "date_from", getter=lambda r: r.get("updatedAt")),
        FilterSpec("updatedTo", "date_to", getter=lambda r: r.get("updatedAt")),
    ),
)
