"""Hypothesis strategies for requests to the sandbox, built per vendor.

The sandbox's own OpenAPI document lists every route but describes only the control plane's bodies, so
requests are built here instead: routes come from the app's URL map (a new route is fuzzed without
touching this file), bodies are valid seeds (the fixture records, which are the vendors' POST bodies)
put through a few hostile mutations, and query strings mix every list parameter the vendors know with
hostile values.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from flask import Flask
from hypothesis import strategies as st

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
PREFIXES = {"omnisend": ("/v3", "/v5"), "ometria": ("/v2",)}

LONG = "x" * 5000
# Values that broke, or could break, a parser somewhere: the classes of issue 16 and their neighbours.
HOSTILE_SCALARS: list[Any] = [
    None, True, False, 0, -1, 1.5, 2**31, 2**53 + 1, 2**63 - 1, 2**63, 2**64, -(2**63) - 1, 10**300,
    1.7976931348623157e308, -1.7976931348623157e308, 5e-324, "", " ", "\u0000", "a\u0000b@example.com", "¹", "٣",
    LONG, "9" * 30, "2024-13-45", "2024-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
    "\ud7ff\ue000", "emoji 😀", "<script>", "../..", "%2F", "null", "NaN", "Infinity", "1e400",
    [], {}, [None], {"": None},
]
HOSTILE_QUERY = ["0", "1", "-1", "250", "251", "1000", str(2**63 - 1), str(2**63), str(2**64), "9" * 40, "1e3",
                 "1.5", "abc", "", "true", "false", "null", "2024-01-01", "2024-01-01T00:00:00Z", "9999-12-31",
                 "¹", "\u0000", "a" * 300, "%2F", "asc", "desc", "-createdAt", "createdAt", "subscribed",
                 "contacts", "products", "orders", "events", "categories", "carts", "default", "vip"]
QUERY_NAMES = ["limit", "offset", "after", "before", "sort", "email", "phone", "status", "segmentID", "tag",
               "tags", "updatedAt", "createdAt", "updatedFrom", "updatedTo", "dateFrom", "dateTo", "date_from",
               "date_to", "endpoint", "type", "contactID", "cartID", "paymentStatus", "fulfillmentStatus",
               "customer_id", "collection", "is_active", "vendor", "id", "ids", "fields", "profile_id"]
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


def fixture_records() -> dict[str, list[Any]]:
    """Every fixture record by vendor: the seeds that mutations start from."""
    found: dict[str, list[Any]] = {"omnisend": [], "ometria": []}
    for vendor in found:
        for path in sorted((FIXTURES / vendor).rglob("*.json")):
            value = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(value, list):
                found[vendor].extend(value[:3])
            elif isinstance(value, dict):
                found[vendor].append(value)
    return found


SEEDS = fixture_records()
OMETRIA_TYPES = ["contact", "order", "product", "custom_event"]


def json_values(max_leaves: int = 8) -> st.SearchStrategy[Any]:
    """Arbitrary JSON, hostile scalars included."""
    scalars = (st.sampled_from(HOSTILE_SCALARS) | st.none() | st.booleans()
               | st.integers(min_value=-(2**70), max_value=2**70)
               | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12))
    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                        | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=max_leaves)


@st.composite
def mutated(draw: st.DrawFn, seed: Any) -> Any:
    """``seed`` with 0-3 hostile changes: a leaf replaced, a key dropped or added, a node re-typed."""
    value = json.loads(json.dumps(seed))
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        value = _mutate_once(draw, value)
    return value


def _mutate_once(draw: st.DrawFn, value: Any) -> Any:
    path: list[Any] = []
    node = value
    while isinstance(node, (dict, list)) and node and draw(st.booleans()):
        key = draw(st.sampled_from(sorted(node) if isinstance(node, dict) else list(range(len(node)))))
        path.append(key)
        node = node[key]
    action = draw(st.sampled_from(["replace", "drop", "add", "json"]))
    if not path:
        if action == "add" and isinstance(value, dict):
            value[draw(st.text(max_size=10))] = draw(json_values())
            return value
        return draw(st.sampled_from(HOSTILE_SCALARS)) if action == "replace" else value
    parent = value
    for key in path[:-1]:
        parent = parent[key]
    last = path[-1]
    if action == "replace":
        parent[last] = draw(st.sampled_from(HOSTILE_SCALARS))
    elif action == "drop":
        del parent[last]
    elif action == "add" and isinstance(parent, dict):
        parent[draw(st.sampled_from(["¹", "", "x" * 200, "id", "@type", "email", "status"]) | st.text(max_size=6))] = \
            draw(json_values(4))
    else:
        parent[last] = draw(json_values(4))
    return value


def omnisend_bodies() -> st.SearchStrategy[Any]:
    """v3 / v5 bodies: mutated fixture records (POST bodies), batches, events, arbitrary JSON."""
    batch = st.fixed_dictionaries({
        "method": st.sampled_from(["POST", "PUT", "PATCH", "DELETE", "GET", ""]) | json_values(2),
        "endpoint": st.sampled_from(["contacts", "products", "orders", "events", "categories"]) | json_values(3),
        "items": st.lists(st.sampled_from(SEEDS["omnisend"]).flatmap(mutated), max_size=3) | json_values(3),
    })
    event = st.fixed_dictionaries({
        "eventName": st.sampled_from(["paid for order", "placed order", "custom"]) | json_values(2),
        "origin": st.sampled_from(["api", "x"]), "eventVersion": st.sampled_from(["v2", "", "v9"]),
        "contact": st.fixed_dictionaries({"email": st.sampled_from(["anna.petraite@example.com", "a\u0000@x.com"])
                                          | json_values(2)}),
        "properties": json_values(6)})
    return st.one_of(st.sampled_from(SEEDS["omnisend"]).flatmap(mutated), batch.flatmap(mutated),
                     event.flatmap(mutated), json_values())


def ometria_bodies() -> st.SearchStrategy[Any]:
    """Push arrays (records of one @type, mutated), single records, arbitrary JSON."""
    record = st.tuples(st.sampled_from(OMETRIA_TYPES), st.sampled_from(SEEDS["ometria"])).map(
        lambda pair: {"@type": pair[0], **pair[1]} if isinstance(pair[1], dict) else pair[1]).flatmap(mutated)
    return st.one_of(st.lists(record, min_size=0, max_size=4), record, json_values())


@dataclass(frozen=True)
class Route:
    """One method and URL rule of the app."""

    method: str
    rule: str


def routes(app: Flask, prefixes: tuple[str, ...]) -> list[Route]:
    """Every (method, rule) under ``prefixes``, from the URL map."""
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(prefixes):
            for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
                found.add(Route(method, rule.rule))
    return sorted(found, key=lambda r: (r.rule, r.method))


@st.composite
def urls(draw: st.DrawFn, route: Route, known_ids: list[str]) -> str:
    """A URL for ``route``: path parameters from known ids or hostile text, a hostile query string."""
    path = route.rule
    while "<" in path:
        start, end = path.index("<"), path.index(">")
        value = draw(st.sampled_from(known_ids) | st.sampled_from(["0", "-1", "¹", "%2F", "a" * 300, " x", "null"])
                     | st.text(min_size=1, max_size=12))
        path = path[:start] + quote(value, safe="") + path[end + 1:]
    query = draw(st.lists(st.tuples(st.sampled_from(QUERY_NAMES) | st.text(max_size=6),
                                    st.sampled_from(HOSTILE_QUERY) | st.text(max_size=10)), max_size=4))
    return path + ("?" + urlencode(query) if query else "")


def raw_bodies(json_strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[bytes]:
    """Mostly JSON, sometimes bytes that are not: torn JSON, bad UTF-8, numbers out of range, deep nesting."""
    broken = st.sampled_from([b"", b"{", b"[1,", b"\xff\xfe", b'{"a": 1e400}', b"[NaN]", b'{"a": -Infinity}',
                              b"[" * 5000 + b"]" * 5000, b'"\\ud800"', b"1" * 5000, b"null", b"\x00"])
    return st.one_of(json_strategy.map(lambda v: json.dumps(v).encode("utf-8")), broken, st.binary(max_size=40))
