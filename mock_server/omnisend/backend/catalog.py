"""Helpers shared by the catalog resources (products, categories, orders, carts): ids, PUT/PATCH rules."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from mock_server.omnisend import constants as C

Record = dict[str, Any]
Warn = Callable[[str, str], None]


def no_warn(path: str, message: str) -> None:
    """A warning sink that drops everything (fixtures, backend tests)."""
    return None


def check_body_id(data: Record, names: Iterable[str], path_id: str, warn: Warn) -> None:
    """The path names the resource: a differing body ID is ignored and reported (§6.1)."""
    for name in names:
        value = data.get(name)
        if value is not None and value != path_id:
            warn(name, C.ID_DIFFERS)


def apply_patch(record: Record, data: Record, names: Iterable[str]) -> None:
    """Copy the given keys; JSON ``null`` clears the field (§6.1)."""
    for name in names:
        if name not in data:
            continue
        if data[name] is None:
            record.pop(name, None)
        else:
            record[name] = data[name]


def text(record: Record, name: str) -> str:
    """A string field as the vendor renders it: ``""`` when unset."""
    value = record.get(name)
    return value if isinstance(value, str) else ""


def number(record: Record, name: str) -> int:
    """An integer field as the vendor renders it: ``0`` when unset."""
    value = record.get(name)
    return value if isinstance(value, int) else 0
