"""Strict marshmallow fields and error flattening shared by both vendors.

marshmallow does the walking (nested objects, lists, required keys); these fields make it as strict as
a JSON API is (no "5" for 5, no 1 for true) and word problems in one vocabulary, which each vendor then
renders (Omnisend shows the messages, Ometria collapses them to its two phrases).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import Any, TypeVar

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from mock_server.core.clock import parse_date, parse_datetime
from mock_server.core.errors import ValidationFailed

REQUIRED = "field required but not found in Json"
Path = tuple[str | int, ...]


def type_message(type_name: str) -> str:
    """Return the wrong-type message."""
    return f"invalid type, expected {type_name}"


def format_message(fmt: str) -> str:
    """Return the bad-format message."""
    return f"invalid format, expected {fmt}"


class BaseSchema(Schema):
    """Schema whose own errors use the shared vocabulary."""

    class Meta:
        # Omnisend ignores fields its contract does not know (omnisend.md §6.1); Ometria schemas that
        # store unknown fields set INCLUDE.
        unknown = EXCLUDE

    error_messages = {"type": "invalid type, expected object", "unknown": "unknown field"}


class _Strict(fields.Field):  # type: ignore[type-arg]
    """A field that accepts exactly one JSON type and words errors in the shared vocabulary."""

    type_name = "string"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.error_messages["required"] = REQUIRED
        self.error_messages["null"] = type_message(self.type_name)
        self.error_messages["invalid"] = type_message(self.type_name)

    def _accepts(self, value: Any) -> bool:
        raise NotImplementedError

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> Any:
        if not self._accepts(value):
            raise self.make_error("invalid")
        return value

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return value


class Str(_Strict):
    """A JSON string."""

    type_name = "string"

    def _accepts(self, value: Any) -> bool:
        return isinstance(value, str)


class Int(_Strict):
    """A JSON integer (not a boolean, not a fraction)."""

    type_name = "integer"

    def _accepts(self, value: Any) -> bool:
        return isinstance(value, int) and not isinstance(value, bool)


class Num(_Strict):
    """A JSON number (integer or decimal, not a boolean)."""

    type_name = "number"

    def _accepts(self, value: Any) -> bool:
        return isinstance(value, (int, float)) and not isinstance(value, bool)


class Bool(_Strict):
    """A JSON boolean."""

    type_name = "boolean"

    def _accepts(self, value: Any) -> bool:
        return isinstance(value, bool)


class Obj(_Strict):
    """Any JSON object, kept as sent."""

    type_name = "object"

    def _accepts(self, value: Any) -> bool:
        return isinstance(value, dict)


class Arr(_Strict):
    """Any JSON array, kept as sent."""

    type_name = "array"

    def _accepts(self, value: Any) -> bool:
        return isinstance(value, list)


class Any_(_Strict):
    """Any JSON value."""

    type_name = "value"

    def _accepts(self, value: Any) -> bool:
        return True


class _Formatted(Str):
    fmt = ""

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> Any:
        value = super()._deserialize(value, attr, data, **kwargs)
        if not self._valid(value):
            raise ValidationError(format_message(self.fmt))
        return value

    def _valid(self, value: str) -> bool:
        raise NotImplementedError


class DateTimeStr(_Formatted):
    """An RFC 3339 date-time, stored as the string sent."""

    fmt = "RFC 3339 date-time"

    def _valid(self, value: str) -> bool:
        return parse_datetime(value) is not None


class DateStr(_Formatted):
    """A ``YYYY-MM-DD`` date, stored as the string sent."""

    fmt = "YYYY-MM-DD"

    def _valid(self, value: str) -> bool:
        return parse_date(value) is not None


_EMAIL = re.compile(r"^[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+$")  # no control characters (NUL)
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$")


class EmailStr(_Formatted):
    """A string with one ``@`` and no whitespace."""

    fmt = "email"

    def _valid(self, value: str) -> bool:
        return bool(_EMAIL.match(value))


class UriStr(_Formatted):
    """An absolute URI."""

    fmt = "URI"

    def _valid(self, value: str) -> bool:
        return bool(_URI.match(value))


class List(fields.List):  # type: ignore[type-arg]
    """A JSON array of ``inner`` items."""

    def __init__(self, inner: fields.Field, **kwargs: Any) -> None:  # type: ignore[type-arg]
        super().__init__(inner, **kwargs)
        self.error_messages["required"] = REQUIRED
        self.error_messages["null"] = type_message("array")
        self.error_messages["invalid"] = type_message("array")


class Nested(fields.Nested):
    """A JSON object validated by ``schema``."""

    def __init__(self, schema: type[Schema] | Schema, **kwargs: Any) -> None:
        super().__init__(schema, **kwargs)
        self.error_messages["required"] = REQUIRED
        self.error_messages["null"] = type_message("object")
        self.error_messages["type"] = type_message("object")

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None,
                     partial: bool | Sequence[str] | AbstractSet[str] | None = None, **kwargs: Any) -> Any:
        if not isinstance(value, dict):
            raise ValidationError(type_message("object"))
        return super()._deserialize(value, attr, data, partial=partial, **kwargs)


class Map(fields.Dict):
    """A JSON object with typed values (and optionally validated keys)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.error_messages["required"] = REQUIRED
        self.error_messages["null"] = type_message("object")
        self.error_messages["invalid"] = type_message("object")

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> Any:
        # marshmallow reports {name: {"key": [...], "value": [...]}}; fold both under the entry's name so
        # that paths read customProperties.<name> (and a nested field called "value" keeps its step).
        try:
            return super()._deserialize(value, attr, data, **kwargs)  # type: ignore[no-untyped-call]
        except ValidationError as exc:
            messages = exc.messages
            if isinstance(messages, dict):
                folded: dict[Any, Any] = {}
                for name, parts in messages.items():
                    if isinstance(parts, dict) and set(parts) <= {"key", "value"}:
                        folded[name] = [*_as_list(parts.get("key")), *_as_list(parts.get("value"))]
                    else:
                        folded[name] = parts
                raise ValidationError(folded, valid_data=exc.valid_data) from exc
            raise


def _as_list(messages: Any) -> list[Any]:
    if messages is None:
        return []
    return messages if isinstance(messages, list) else [messages]


def one_of(choices: Sequence[str]) -> validate.OneOf:
    """Enum validator with the shared message."""
    return validate.OneOf(choices, error=f"invalid value, allowed values: {', '.join(choices)}")


def length(minimum: int | None = None, maximum: int | None = None, *, items: bool = False) -> validate.Length:
    """String length (or array size, ``items=True``) validator with the shared message."""
    if items and maximum is None:
        message = f"must contain at least {minimum} item{'s' if minimum != 1 else ''}"
    elif items:
        message = f"must contain between {minimum or 0} and {maximum} items"
    elif minimum is not None and minimum == maximum:
        message = f"length must be between {minimum} and {maximum}"
    else:
        message = f"length must be between {minimum or 0} and {maximum}"
    return validate.Length(min=minimum, max=maximum, error=message)


def at_least(minimum: int | float) -> validate.Range:
    """Number lower bound with the shared message."""
    return validate.Range(min=minimum, error=f"must be >= {minimum}")


def matches(pattern: str, message: str = "invalid value") -> validate.Regexp:
    """Regex validator."""
    return validate.Regexp(pattern, error=message)


def flatten(messages: Any, prefix: Path = ()) -> list[tuple[Path, str]]:
    """Flatten marshmallow's nested error messages into ``(path, message)`` pairs.

    Integer-like keys (list positions) become ints; ``_schema`` keys name the object itself.
    """
    out: list[tuple[Path, str]] = []
    if isinstance(messages, str):
        out.append((prefix, messages))
    elif isinstance(messages, list):
        for item in messages:
            out.extend(flatten(item, prefix))
    elif isinstance(messages, dict):
        for key, value in messages.items():
            if key == "_schema":
                out.extend(flatten(value, prefix))
                continue
            # ASCII digits only: "¹".isdigit() is true, but int("¹") fails (a custom-property name).
            digits = isinstance(key, str) and key.isascii() and key.isdigit()
            part: str | int = int(key) if isinstance(key, int) or digits else key
            out.extend(flatten(value, (*prefix, part)))
    return out


def sort_problems(problems: Sequence[tuple[Path, str]]) -> list[tuple[Path, str]]:
    """Sort by path (list positions numerically) and then by message."""
    def key(item: tuple[Path, str]) -> tuple[Any, ...]:
        path, message = item
        return (tuple((0, p, "") if isinstance(p, int) else (1, 0, p) for p in path), message)
    return sorted(problems, key=key)


SchemaT = TypeVar("SchemaT", bound=Schema)


@functools.cache
def shared(schema_class: type[SchemaT]) -> SchemaT:
    """The one instance of ``schema_class`` that seeding loads every fixture record with.

    Building a schema copies its declared fields (and, on its first load, builds its nested schemas): a
    cost each fixture record paid again, in every app. A loaded schema keeps no state between loads (the
    routes share module-level instances the same way).
    """
    return schema_class()


def load(schema: Schema, data: Any, *, partial: bool | Sequence[str] = False) -> dict[str, Any]:
    """Validate ``data`` with ``schema``; raise :class:`ValidationFailed` with sorted problems."""
    if not isinstance(data, dict):
        raise ValidationFailed([((), type_message("object"))])
    try:
        result: dict[str, Any] = schema.load(data, partial=partial)
    except ValidationError as exc:
        raise ValidationFailed(sort_problems(flatten(exc.messages))) from exc
    return result
