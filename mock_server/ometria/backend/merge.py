"""Ometria's merge of a pushed record into a stored one (ometria.md §1.7, §6.1).

A present key replaces; nested objects merge recursively; arrays replace as a whole; JSON ``null``
deletes at any depth (inside the objects of a new array too); the string ``"null"`` and ``""`` are
stored as sent.
"""

from __future__ import annotations

from typing import Any

from mock_server.core.store import clone

CONTROL_KEYS = ("@type", "@merge", "@force_optin", "@add_to_lists", "@remove_from_lists")


def merge(stored: dict[str, Any], pushed: dict[str, Any]) -> dict[str, Any]:
    """Return ``stored`` with ``pushed`` merged in (neither argument is changed)."""
    out: dict[str, Any] = clone(stored)
    for key, value in pushed.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = drop_nulls(value)
    return out


def merge_owned(out: dict[str, Any], pushed: dict[str, Any]) -> dict[str, Any]:
    """:func:`merge` into ``out`` itself, a copy the caller owns (a record just decoded from the store):
    the same result, key order included, without copying ``out`` first. ``pushed`` is not changed."""
    for key, value in pushed.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            merge_owned(out[key], value)
        else:  # a plain value is its own copy (no call for it: every pushed field comes this way)
            out[key] = drop_nulls(value) if isinstance(value, (dict, list)) else value
    return out


def drop_nulls(value: Any) -> Any:
    """A copy of a new value with the ``null`` members of its objects removed, at any depth."""
    if isinstance(value, dict):
        return {k: drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [drop_nulls(v) for v in value]
    return value


def strip_control(record: dict[str, Any], *also: str) -> dict[str, Any]:
    """Return the record's stored fields: control keys (and ``also``) removed."""
    return {k: v for k, v in record.items() if k not in CONTROL_KEYS and k not in also}
