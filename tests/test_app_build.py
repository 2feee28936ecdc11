"""The app factory's cheaper start: what it defers answers exactly as before once it is needed."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from flask import Flask
from werkzeug.routing import Map, Rule

from mock_server.app import LazyBuildRule

# Imported on the first request that needs them, not by create_app.
DEFERRED = {"apispec", "mock_server.control.openapi", "zoneinfo", "mock_server.control.ui.timeline",
            "mock_server.control.ui.stats", "mock_server.control.ui.charts", "mock_server.control.ui.usage"}

SAMPLES = {"IntegerConverter": 7, "FloatConverter": 1.5, "PathConverter": "a/b c",
           "UUIDConverter": "6f1c2b7e-8d3a-4c7e-9a0b-1c2d3e4f5a6b"}


def _values(rule: Rule) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, converter in rule._converters.items():
        values[name] = SAMPLES.get(type(converter).__name__, f"x y/{name}")
    return values


def test_url_rules_build_what_werkzeugs_own_rules_build(app: Flask) -> None:
    rules = list(app.url_map.iter_rules())
    assert rules and all(isinstance(rule, LazyBuildRule) for rule in rules)
    plain = Map([Rule(r.rule, endpoint=r.endpoint, methods=r.methods, defaults=r.defaults) for r in rules],
                strict_slashes=False, converters=dict(app.url_map.converters))
    ours, theirs = app.url_map.bind("sandbox.test"), plain.bind("sandbox.test")
    for rule in rules:
        values = _values(rule)
        for extra in ({}, {"page": 2, "q": "a b"}):  # the second needs the builder that appends unknowns
            for method in sorted(rule.methods or {"GET"}):
                expected = theirs.build(rule.endpoint, {**values, **extra}, method=method, force_external=True)
                assert ours.build(rule.endpoint, {**values, **extra}, method=method, force_external=True) == expected


def test_a_builder_is_compiled_once_then_werkzeugs_own(app: Flask) -> None:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == "ui.journal_entry")
    stub = rule._build
    assert rule.build({"entry_id": 1}, append_unknown=False) == ("", "/_mock/ui/journal/1")
    assert rule._build is not stub and rule._build.__name__ != stub.__name__
    assert rule.build({"entry_id": 2}, append_unknown=False) == ("", "/_mock/ui/journal/2")


def test_building_an_app_leaves_what_only_a_request_needs_unimported() -> None:
    probe = ("import sys; from mock_server.app import create_app; from mock_server.core.context import Settings; "
             "create_app(Settings(start_workers=False)); "
             f"print(sorted(m for m in {sorted(DEFERRED)!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_seeding_shares_one_schema_per_class_without_state_between_loads() -> None:
    from mock_server.core import schema as S
    from mock_server.core.errors import ValidationFailed
    from mock_server.omnisend.v3.schemas.carts import CartCreateSchema

    assert S.shared(CartCreateSchema) is S.shared(CartCreateSchema)
    good = {"cartID": "c2", "currency": "EUR", "cartSum": 100, "email": "a@example.com", "products": []}
    bad = {**good, "cartSum": "x"}
    first = S.load(S.shared(CartCreateSchema), good)
    with pytest.raises(ValidationFailed) as shared_error:
        S.load(S.shared(CartCreateSchema), bad)
    with pytest.raises(ValidationFailed) as fresh_error:
        S.load(CartCreateSchema(), bad)
    assert shared_error.value.problems == fresh_error.value.problems
    first["cartID"] = "changed"
    assert S.load(S.shared(CartCreateSchema), good) == S.load(CartCreateSchema(), good)
