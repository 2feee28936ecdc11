"""Omnisend list endpoints: paging style, limits, sort keys with their fixed directions, filters.

One row per list endpoint (omnisend.md §2, §3, §4). The mechanisms live in core.paging / core.filters.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from mock_server.core.filters import FilterSpec
from mock_server.core.paging import ListSpec
from mock_server.omnisend import constants as C
from mock_server.omnisend.backend import segments
from mock_server.omnisend.backend.contacts import email_of, email_status, phones_of


def _segment_filter(raw: str, context: Mapping[str, Any]) -> Callable[[dict[str, Any]], bool]:
    """``segmentID``: members of the segment now; an unknown segment gives an empty list (§6.6)."""
    return segments.member_predicate(context["brand"], raw)


CONTACT_FILTERS = (
    FilterSpec("email", "exact", getter=email_of),
    FilterSpec("phone", "contains", getter=phones_of),
    FilterSpec("status", "enum", getter=email_status, choices=C.CONTACT_STATUSES),
    FilterSpec("tag", "contains", getter=lambda r: r.get("tags") or []),
    FilterSpec("segmentID", "custom", builder=_segment_filter),
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
