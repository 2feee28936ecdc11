"""Check Omnisend answers against Omnisend's own v3 OpenAPI definitions (openapi-core).

``check(response, "GET", "/contacts")`` validates one test-client response against the operation in
tests/contracts/omnisend-v3/<file>.json (the in-repository structural extract of Omnisend's published
definitions, written by scripts/extract_contracts.py) and returns the set of deviations found, each written
``"<json path>: <validator>"`` (``"paging.previous: type"``). Tests compare that set with the
deviations omnisend.md §8 lists for the operation, so a deviation is asserted, never silenced.
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

CONTRACTS = Path(__file__).resolve().parents[1] / "contracts" / "omnisend-v3"
# Which file defines which first path segment.
FILES = {"contacts": "contacts", "products": "products", "categories": "categories", "orders": "orders",
         "carts": "carts", "events": "events", "batches": "batches", "campaigns": "campaigns"}


@cache
def spec_for(name: str) -> OpenAPI:
    """Load one contract with its server pointed at the test client's host."""
    document = json.loads((CONTRACTS / f"{name}.json").read_text(encoding="utf-8"))
    document["servers"] = [{"url": "http://localhost/v3"}]
    return OpenAPI.from_dict(document)


def _errors(exc: BaseException) -> list[Any]:
    """Collect the jsonschema errors under an openapi-core exception."""
    found: list[Any] = []
    seen: set[int] = set()
    stack: list[BaseException | None] = [exc]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        schema_errors = getattr(current, "schema_errors", None)
        if schema_errors:
            found.extend(schema_errors)
        stack.extend([current.__cause__, current.__context__])
    return found


def _flatten(error: Any) -> list[Any]:
    """Expand composite (oneOf / anyOf / allOf) errors into their leaves."""
    if getattr(error, "context", None):
        return [leaf for sub in error.context for leaf in _flatten(sub)]
    return [error]


def _name(error: Any) -> str:
    path = ""
    for part in error.absolute_path:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return f"{path or '$'}: {error.validator}"


def _normalise(name: str) -> str:
    """Fold list positions so a deviation is named once per field: ``contacts[3].gender`` -> ``contacts[].gender``."""
    out, skip = [], False
    for ch in name:
        if ch == "[":
            out.append("[]")
            skip = True
        elif ch == "]":
            skip = False
        elif not skip:
            out.append(ch)
    return "".join(out)


def check(response: Any, method: str, path: str, *, query: str = "", contract: str | None = None) -> set[str]:
    """Validate ``response`` (a Flask test-client response) for ``method path``; return the deviations."""
    name = contract or FILES[path.strip("/").split("/")[0]]
    return deviations(spec_for(name), "http://localhost/v3", response, method, path, query=query,
                      content_type="application/json")


def deviations(spec: OpenAPI, base_url: str, response: Any, method: str, path: str, *, query: str = "",
               content_type: str) -> set[str]:
    """Validate one response against ``spec`` (served at ``base_url``); the deviations, named and folded."""
    environ = EnvironBuilder(method=method, base_url=base_url, path=path, query_string=query).get_environ()
    request = WerkzeugOpenAPIRequest(Request(environ))
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


# omnisend.md §8, per output shape: every deviation the real API (and so the mock) shows against the
# definitions. Tests assert that what a response shows is within these, and name the ones it must show.
PAGING_NULL_LINKS = {"paging.previous: type", "paging.next: type"}
CONTACT_OUTPUT = {
    "gender: enum", "gender: minLength",  # "" when unset (recorded)
    "birthdate: format",  # "" when unset (unset strings render as "", §5.1)
    "consents: type", "customProperties: type",  # null when unset (recorded)
    "countryCode: minLength",  # "" when unset
}


def within(found: set[str], *allowed: set[str], prefix: str = "") -> bool:
    """Whether every deviation found is a documented one (``prefix`` scopes item-level names)."""
    documented = set()
    for group in allowed:
        for name in group:
            documented.add(name if name.startswith("paging") or not prefix else f"{prefix}{name}")
    return found <= documented
# Batches (§3.7, §5.7, §6.8): OAS3 says `totalCount` >= 2 and knows no `stopped` status; the mock accepts
# 1..1000 items (vendor docs: "up to 1,000") and stops a batch at the error threshold (mock decision).
BATCH_OUTPUT = {"totalCount: minimum", "status: enum"}
# GET /campaigns (§8): the real API's array key is `campaign`; the contract's `campaigns` is then absent,
# which the validator cannot flag (the property is optional), so tests assert the key itself.
CAMPAIGN_LIST_KEY = "campaign"

# Catalog shapes (omnisend.md §8, §5.2-§5.5). Names are relative to one record; lists use ``prefix``.
PRODUCT_OUTPUT = {
    "tags: type", "categoryIDs: type",  # null when unset (OAS3 example / mock decision)
    "variants[].oldPrice: type",  # null when unset (mock decision)
}
ORDER_OUTPUT = {
    "tags: type", "products[].categoryIDs: type", "products[].tags: type",  # null when unset (recorded)
    "canceledDate: type",  # null when unset (recorded)
    "billingAddress.countryCode: minLength", "shippingAddress.countryCode: minLength",  # "" when unset
    "email: format",  # "" when the order has no email (unset strings render as "", §5.4)
}
# POST / PUT /orders answer: "email" is "" for a phone-only order (recorded key set, §7 #18).
ORDER_ANSWER = {"email: format"}
CART_OUTPUT = {
    "products[].oldPrice: type",  # null when unset (recorded)
    "email: format",  # "" when the cart's contact has no email
}
