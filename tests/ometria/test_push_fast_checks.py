"""The push path's shortcuts answer exactly what the checks they replace answer: ``is_id`` (no whitespace,
by ``str.split``) and ``fits`` (the 60k record limit, by an upper bound before encoding)."""

from __future__ import annotations

import copy
import sys
from typing import Any

import pytest

from mock_server.core.limits import record_fits
from mock_server.ometria import constants as C
from mock_server.ometria.backend.merge import merge, merge_owned
from mock_server.ometria.backend.push import fits
from mock_server.ometria.schemas import is_id


def _is_id_by_characters(value: Any) -> bool:
    """The definition: a non-empty string none of whose characters is whitespace."""
    return isinstance(value, str) and bool(value) and not any(ch.isspace() for ch in value)


def test_is_id_agrees_on_every_code_point() -> None:
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        for value in (ch, f"a{ch}", f"{ch}b", f"a{ch}b"):
            assert is_id(value) == _is_id_by_characters(value), (hex(code), value)


@pytest.mark.parametrize("value", ["", " ", "bench-push", "a b", "a\u00a0b", "a\u2028", "\x1cx", "x\x85",
                                   None, 5, ["a"], b"ab"])
def test_is_id_agrees_on_other_values(value: Any) -> None:
    assert is_id(value) == _is_id_by_characters(value)


def _records() -> list[Any]:
    limit = C.MAX_RECORD_BYTES
    out: list[Any] = [
        {"@type": "contact", "id": "bench-push", "email": "push@bench.example.org", "firstname": "Push"},
        {}, {"id": "x", "a": None, "b": True, "c": False}, {"id": "x", "n": 1}, {"id": "x", "f": 1e5},
        {"id": "x", "nested": {"a": "b" * limit}}, ["not", "an", "object"], "text", None, 5,
    ]
    # Around the limit, with characters of every encoded width: 1-byte, escaped, 2-, 3- and 4-byte.
    for ch in ("a", '"', "\\", "\n", "\x01", "é", "€", "\U0001f600"):
        for size in range(limit // 6 - 40, limit // 6 + 40, 7):
            out.append({"@type": "contact", "id": "x", "v": ch * size})
        for size in (limit // 4 - 20, limit // 4 - 3, limit // 4 + 5, limit - 20, limit - 12, limit - 10, limit):
            out.append({"@type": "contact", "id": "x", "v": ch * size})
            out.append({"@type": "contact", "id": "x", ch * 3: "a" * size, "t": None})
    return out


def test_fits_agrees_with_record_fits() -> None:
    records = _records()
    answers = {fits(record) for record in records}
    assert answers == {True, False}  # both sides of the limit are covered
    for record in records:
        assert fits(record) == record_fits(record, C.MAX_RECORD_BYTES)


@pytest.mark.parametrize(("stored", "pushed"), [
    ({}, {"a": 1}),
    ({"a": 1, "b": {"c": 2, "d": [1, {"e": None}]}}, {"b": {"c": None, "f": {"g": None, "h": 1}}, "a": None}),
    ({"x": {"y": {"z": 1}}, "k": "v"}, {"x": {"y": {"w": [{"n": None, "m": 2}]}}, "k": "", "new": "null"}),
    ({"b": 1, "a": 2}, {"a": 3, "c": None, "b": {"d": None}}),
])
def test_merge_owned_is_merge_in_place(stored: dict[str, Any], pushed: dict[str, Any]) -> None:
    expected = merge(stored, pushed)
    pushed_before = repr(pushed)
    own = merge_owned(copy.deepcopy(stored), pushed)
    assert own == expected
    assert repr(own) == repr(expected)  # key order too
    assert repr(pushed) == pushed_before
