"""Check 2026-03-15 answers against Omnisend's own definitions for the version (openapi-core).

``check(response, "GET", "/contacts")`` validates one test-client response against the operation in
tests/contracts/omnisend-2026-03-15/<file>.json (the in-repository structural extract) and returns the
deviations found, each ``"<json path>: <validator>"``. The mock documents no deviation for these
resources, so tests assert the set is empty.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from openapi_core import OpenAPI

from tests.omnisend.contract import deviations

CONTRACTS = Path(__file__).resolve().parents[2] / "contracts" / "omnisend-2026-03-15"
BASE = "http://localhost/api"
# Which file defines which first path segment.
FILES = {"contacts": "contacts", "events": "events", "event-metadata": "event-metadata", "products": "products",
         "product-categories": "productcategories", "brands": "brands", "batches": "batches",
         "segments": "segments", "automations": "automations", "campaigns": "campaigns",
         "email-templates": "emailtemplates", "email-content": "emailtemplates",
         "email-universal-layouts": "emailtemplates", "images": "images", "analytics": "analytics"}


@cache
def spec_for(name: str) -> OpenAPI:
    """Load one contract with its server pointed at the test client's host."""
    document = json.loads((CONTRACTS / f"{name}.json").read_text(encoding="utf-8"))
    document["servers"] = [{"url": BASE}]
    return OpenAPI.from_dict(_json_for_any(document))


def _json_for_any(node: Any) -> Any:
    """Read a ``*/*`` response as ``application/json`` (which it admits, and which the mock sends):
    openapi-core does not parse bodies of a wildcard media type, so it could not check their schema."""
    if isinstance(node, dict):
        return {("application/json" if k == "*/*" else k): _json_for_any(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_json_for_any(v) for v in node]
    return node


def check(response: Any, method: str, path: str, *, query: str = "") -> set[str]:
    """Validate ``response`` for ``method path`` (path relative to /api); return the deviations."""
    spec = spec_for(FILES[path.strip("/").split("/")[0]])
    return deviations(spec, BASE, response, method, path, query=query,
                      content_type=response.headers.get("Content-Type") or "application/json")
