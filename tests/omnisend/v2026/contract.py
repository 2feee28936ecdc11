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
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from tests.omnisend.contract import _errors, _flatten, _name, _normalise

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
    _json_for_any(document)
    return OpenAPI.from_dict(document)


def _json_for_any(node: Any) -> None:
    """Read ``*/*`` response content as JSON: a JSON answer is one of the "any" types the contract allows,
    and openapi-core would otherwise compare the schema with the raw text."""
    if isinstance(node, dict):
        content = node.get("content")
        if isinstance(content, dict) and "*/*" in content and "application/json" not in content:
            content["application/json"] = content.pop("*/*")
        for value in node.values():
            _json_for_any(value)
    elif isinstance(node, list):
        for value in node:
            _json_for_any(value)


def check(response: Any, method: str, path: str, *, query: str = "") -> set[str]:
    """Validate ``response`` for ``method path`` (path relative to /api); return the deviations."""
    spec = spec_for(FILES[path.strip("/").split("/")[0]])
    environ = EnvironBuilder(method=method, base_url=BASE, path=path, query_string=query).get_environ()
    request = WerkzeugOpenAPIRequest(Request(environ))
    content_type = response.headers.get("Content-Type") or "application/json"
    wrapped = WerkzeugOpenAPIResponse(Response(response.get_data(), status=response.status_code,
                                               content_type=content_type))
    try:
        spec.validate_response(request, wrapped)
    except Exception as exc:
        errors = [leaf for err in _errors(exc) for leaf in _flatten(err)]
        if not errors:
            raise
        return {_normalise(_name(err)) for err in errors}
    return set()
