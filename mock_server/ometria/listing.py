"""Ometria list endpoints: bare arrays, limit 1..250 (default 10), offset, id order or
``orderby=timestamp_update`` (ometria.md §2)."""

from __future__ import annotations

from mock_server.core.paging import ListSpec
from mock_server.ometria import constants as C


def bare_list(name: str) -> ListSpec:
    """The one paging shape every Ometria list shares."""
    return ListSpec(name=name, style="offset", default_limit=C.DEFAULT_LIMIT, max_limit=C.MAX_LIMIT,
                    sort_keys={C.ORDER_UPDATED: False}, sort_param=C.ORDERBY_PARAM)


CONTACTS = bare_list("contacts")
