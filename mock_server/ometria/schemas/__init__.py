"""Ometria record schemas (marshmallow): push records and REST POST bodies share them."""

from __future__ import annotations

import re
from typing import Any

from marshmallow import INCLUDE, ValidationError

from mock_server.core import schema as S

# ``\s`` of a str pattern is exactly ``str.isspace`` (both are CPython's Py_UNICODE_ISSPACE; a test
# checks every code point): one C scan instead of a Python step per character.
_SPACE = re.compile(r"\s")


def is_id(value: Any) -> bool:
    """Seed 002: ids are non-empty strings without any (Unicode) whitespace."""
    return isinstance(value, str) and bool(value) and _SPACE.search(value) is None


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
