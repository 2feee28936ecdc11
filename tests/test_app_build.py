"""The app factory's cheaper start: what it defers answers exactly as before once it is needed."""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import Map, Rule

from mock_server.app import LazyBuildRule

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
