"""Ometria list endpoints: bare arrays, limit 1..250 (default 10), offset, id order or
``orderby=timestamp_update`` (ometria.md §2)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from mock_server.core.errors import InvalidParameters
from mock_server.core.filters import FilterSpec
from mock_server.core.paging import ListSpec
from mock_server.core.store import Record
from mock_server.ometria import constants as C


def bare_list(name: str, filters: Sequence[FilterSpec] = ()) -> ListSpec:
    """The one paging shape every Ometria list shares."""
    return ListSpec(name=name, style="offset", default_limit=C.DEFAULT_LIMIT, max_limit=C.MAX_LIMIT,
                    sort_keys={C.ORDER_UPDATED: False}, sort_param=C.ORDERBY_PARAM, filters=filters)


def is_parent_product(record: Record) -> bool:
    """A variant is a product with ``is_variant: true``; every other product is a parent (§3.2)."""
    return record.get("is_variant") is not True


def _include_variants(raw: str, context: Mapping[str, Any]) -> Callable[[Record], bool]:
    if raw == "true":
        return lambda record: True
    if raw == "false":
        return is_parent_product
    raise InvalidParameters(fields=[(C.PARAM_INCLUDE_VARIANTS, "invalid value, allowed values: true, false")])


CONTACTS = bare_list("contacts")
ORDERS = bare_list("orders")
# ``includeVariants`` absent means parents only: the backend then adds ``includeVariants=false``.
PRODUCTS = bare_list("products", filters=(
    # Absent ``is_active`` counts as active; listing-level ``is_active`` is ignored (mock decision).
    FilterSpec(C.PARAM_ACTIVE, "bool", getter=lambda record: record.get("is_active") is not False),
    FilterSpec(C.PARAM_INCLUDE_VARIANTS, "custom", builder=_include_variants),
))
