"""Omnisend list endpoints: paging style, limits, sort keys with their fixed directions, filters.

One row per list endpoint (omnisend.md §2, §3, §4). The mechanisms live in core.paging / core.filters.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from mock_server.core.filters import FilterSpec
from mock_server.core.paging import ListSpec
from mock_server.omnisend import constants as C
from mock_server.omnisend.backend import carts as cart_rules
from mock_server.omnisend.backend import segment_index, segments
from mock_server.omnisend.backend.contacts import email_of, email_status, phones_of


def _segment_filter(raw: str, context: Mapping[str, Any]) -> Callable[[dict[str, Any]], bool]:
    """``segmentID``: members of the segment now; an unknown segment gives an empty list (§6.6)."""
    return segments.member_predicate(context["brand"], raw)


CONTACT_FILTERS = (
    FilterSpec("email", "exact", getter=email_of, index="email"),
    FilterSpec("phone", "contains", getter=phones_of, index="phone"),
    FilterSpec("status", "enum", getter=email_status, choices=C.CONTACT_STATUSES, index="status"),
    FilterSpec("tag", "contains", getter=lambda r: r.get("tags") or [], index="tag"),
    FilterSpec("segmentID", "custom", builder=_segment_filter, narrower=segment_index.narrower),
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


def _batch_list(version: str, endpoints: tuple[str, ...]) -> ListSpec:
    """Batches: offset paging, newest first, no sort parameter; ``endpoint`` required (§3.7)."""
    return ListSpec(
        name=f"batches:{version}",
        default_limit=C.DEFAULT_LIMIT,
        max_limit=C.MAX_LIMIT,
        default_order="createdAt",
        default_descending=True,
        filters=(
            FilterSpec("endpoint", "enum", choices=endpoints, required=True, index="endpoint"),
            FilterSpec("status", "enum", choices=C.BATCH_STATUSES, index="status"),
            FilterSpec("dateFrom", "date_from", getter=lambda r: r.get("createdAt"), span="createdAt"),
            FilterSpec("dateTo", "date_to", getter=lambda r: r.get("createdAt"), span="createdAt"),
        ),
    )


BATCHES = {"v3": _batch_list("v3", tuple(C.BATCH_METHODS_V3)), "v5": _batch_list("v5", tuple(C.BATCH_METHODS_V5))}

# Campaigns: offset paging, newest first; every sort key descending (§2.4).
CAMPAIGNS = ListSpec(
    name="campaigns",
    default_limit=C.DEFAULT_LIMIT,
    max_limit=C.MAX_LIMIT,
    sort_keys={name: True for name in C.CAMPAIGN_COUNTERS},
    default_order="createdAt",
    default_descending=True,
    filters=(
        FilterSpec("status", "enum", choices=C.CAMPAIGN_STATUSES, index="status"),
        FilterSpec("type", "enum", choices=C.CAMPAIGN_TYPES, index="type"),
    ),
)

# Campaign contacts: offset paging, internal id descending (no createdAt, §2.4), boolean filters.
CAMPAIGN_CONTACTS = ListSpec(
    name="campaign-contacts",
    default_limit=C.DEFAULT_LIMIT,
    max_limit=C.MAX_LIMIT,
    default_descending=True,
    filters=tuple(FilterSpec(name, "bool") for name in ("clicked", "opened", "unsubscribed", "bounced",
                                                         "complained")),
)


# -- catalog: products, categories, orders, carts (§2.4, §2.5, §3.2-§3.5, §4) ---------------------------------
# Offset paging, default newest first (createdAt DESC); every sort key has a fixed direction.
def _newest_first(name: str, sort_keys: dict[str, bool], filters: tuple[FilterSpec, ...] = ()) -> ListSpec:
    return ListSpec(name=name, sort_keys=sort_keys, filters=filters, default_order="createdAt",
                    default_descending=True, default_limit=C.DEFAULT_LIMIT, max_limit=C.MAX_LIMIT)


PRODUCTS = _newest_first("products", {"createdAt": True, "updatedAt": True},
                         (FilterSpec("vendor", "exact", index="vendor"), FilterSpec("type", "exact", index="type")))

# v5 products: sort and paging only (§4).
V5_PRODUCTS = _newest_first("v5-products", {"createdAt": True, "updatedAt": True})

# title ASC by code point (mock decision), createdAt / updatedAt DESC (OAS3 categories, §2.4).
CATEGORIES = _newest_first("categories", {"title": False, "createdAt": True, "updatedAt": True})

# dateFrom / dateTo compare updatedAt (OAS3 "Update date from/to", §3.4).
ORDERS = _newest_first(
    "orders",
    {"createdAt": True, "updatedAt": True, "orderSum": True},
    (
        FilterSpec("email", "exact", index="email"),
        FilterSpec("phone", "exact", index="phone"),
        FilterSpec("contactID", "exact", index="contactID"),
        FilterSpec("cartID", "exact", index="cartID"),
        FilterSpec("dateFrom", "date_from", getter=lambda r: r.get("updatedAt"), span="updatedAt"),
        FilterSpec("dateTo", "date_to", getter=lambda r: r.get("updatedAt"), span="updatedAt"),
        FilterSpec("paymentStatus", "enum", choices=C.PAYMENT_STATUSES, index="paymentStatus"),
        FilterSpec("fulfillmentStatus", "enum", choices=C.FULFILLMENT_STATUSES, index="fulfillmentStatus"),
    ),
)

# dateFrom / dateTo compare the creation date, updatedFrom / updatedTo updatedAt (OAS3 carts, §3.5).
CARTS = _newest_first(
    "carts",
    {"createdAt": True, "updatedAt": True, "cartSum": True},
    (
        FilterSpec("email", "exact", index="email"),
        FilterSpec("phone", "exact", index="phone"),
        FilterSpec("contactID", "exact", index="contactID"),
        FilterSpec("segmentID", "custom", builder=cart_rules.segment_filter,
                   narrower=segment_index.owned_by_members("carts", "contactID")),
        FilterSpec("dateFrom", "date_from", getter=lambda r: r.get("createdAt"), span="createdAt"),
        FilterSpec("dateTo", "date_to", getter=lambda r: r.get("createdAt"), span="createdAt"),
        FilterSpec("updatedFrom", "date_from", getter=lambda r: r.get("updatedAt"), span="updatedAt"),
        FilterSpec("updatedTo", "date_to", getter=lambda r: r.get("updatedAt"), span="updatedAt"),
    ),
)
