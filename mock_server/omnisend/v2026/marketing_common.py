"""Glue the 2026 marketing routes share: raw JSON objects and the list filters of §3.3 that the core
filter kinds do not cover (repeatable OR values, case-insensitive ``nameContains``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import g

from mock_server.core.filters import FilterSpec
from mock_server.core.request import body, ctx, query_args, read_json_body
from mock_server.core.spans import OneOf
from mock_server.omnisend.v2026 import constants as C
from mock_server.omnisend.v2026.errors import Invalid

Record = dict[str, Any]
NAME_CONTAINS_MAX = 200  # C-campaigns, C-automations, C-emailtemplates, C-images: nameContains <= 200


def json_object(optional: bool = False) -> Record:
    """The request's JSON body, which must be an object (the backends validate its members).

    Routes whose body is optional (copy, enable) or whose content type is checked first (analytics) do
    not declare a body to the pipeline; their body is read here, within the same cap.
    """
    if "body" not in g:
        read_json_body(ctx().settings.body_cap, required=not optional)
    data = body()
    if data is None and optional:
        return {}
    if not isinstance(data, dict):
        raise Invalid([("body", C.CODE_TYPE, "invalid type, expected object")])
    return data


def _name_contains(raw: str, context: Mapping[str, Any]) -> Callable[[Record], bool]:
    if len(raw) > NAME_CONTAINS_MAX:
        raise Invalid([("nameContains", C.CODE_LENGTH, f"must be at most {NAME_CONTAINS_MAX} characters")])
    wanted = raw.lower()
    return lambda record: wanted in str(record.get("name") or "").lower()


NAME_CONTAINS = FilterSpec("nameContains", "custom", builder=_name_contains)


def any_of(name: str, choices: tuple[str, ...], field: str | None = None, index: str | None = None) -> FilterSpec:
    """A repeatable filter (``?status=a&status=b``) whose values are OR-ed (C-campaigns); with ``index``
    (the collection's filter index of the field's string values) a page reads the values' indexes."""

    def build(raw: str, context: Mapping[str, Any]) -> Callable[[Record], bool]:
        values = [v for k, v in query_args() if k == name]
        bad = [v for v in values if v not in choices]
        if bad:
            raise Invalid([(name, C.CODE_VALUE, f"invalid value, allowed values: {', '.join(choices)}")])
        return lambda record: record.get(field or name) in values

    def narrow(raw: str, context: Mapping[str, Any]) -> Any:
        return index, OneOf(tuple(v for k, v in query_args() if k == name))

    return FilterSpec(name, "custom", builder=build, narrower=narrow if index is not None else None)


def dates(prefix: str, field: str) -> tuple[FilterSpec, FilterSpec]:
    """``<prefix>From`` / ``<prefix>To`` bounds on a timestamp field; the collection must sort by it
    (sort key ``field``: the time as POSIX seconds), so the bounds read a range of that order."""
    return (FilterSpec(f"{prefix}From", "date_from", getter=lambda r: r.get(field), span=field),
            FilterSpec(f"{prefix}To", "date_to", getter=lambda r: r.get(field), span=field))
