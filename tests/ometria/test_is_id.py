"""Ometria ids (seed 002): non-empty strings without any Unicode whitespace; ``is_id`` scans with one
regular expression, which must agree with ``str.isspace`` on every code point."""

from __future__ import annotations

import sys

from mock_server.ometria.schemas import is_id


def test_every_whitespace_code_point_is_refused_and_every_other_is_accepted() -> None:
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        assert is_id(f"a{char}b") is (not char.isspace()), hex(code)


def test_empty_and_non_strings_are_not_ids() -> None:
    assert not is_id("")
    assert not is_id(None)
    assert not is_id(5)
    assert is_id("live-c1")
