"""Ometria record schemas (marshmallow): push records and REST POST bodies share them."""

from __future__ import annotations

from typing import Any

from marshmallow import INCLUDE, ValidationError

from mock_server.core import schema as S


def is_id(value: Any) -> bool:
    """Seed 002: ids are non-empty strings without any (Unicode) whitespace."""
    # str.split() cuts at exactly the characters str.isspace() calls whitespace: a non-empty string without
    # any splits into itself alone (in C, where a per-character loop in Python cost several microseconds
    # a push; tests/ometria/test_push_fast_checks.py checks every code point).
    return isinstance(value, str) and value.split() == [value]


def _check_id(value: Any) -> None:
    if not is_id(value):
        raise ValidationError("not a valid value")


def Id(**kwargs: Any) -> S.Str:
    """A string id field (no whitespace, not empty); ``null`` allowed (deletes)."""
    kwargs.setdefault("allow_none", True)
    return S.Str(validate=_check_id, **kwargs)


class RecordSchema(S.BaseSchema):
    """Base of every Ometria record: unknown fields are stored as sent (§5)."""

    class Meta:
        unknown = INCLUDE
