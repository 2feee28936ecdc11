"""The tracking hosts' routes (tracking.md §1): the two stand-in scripts, their beacons, headless tracking.

Views are glue: name the tenant (404 when unknown), apply the fault rules, then call one backend
function under the tenant's lock.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from flask import Blueprint, Response, request

from mock_server.core import faults
from mock_server.core.errors import InvalidJson
from mock_server.core.http import empty_response, json_response
from mock_server.core.limits import parse_json, read_body
from mock_server.core.request import ctx
from mock_server.core.store import TenantState
from mock_server.ometria.backend import Account
from mock_server.omnisend.backend import Brand
from mock_server.tracking import constants as C
from mock_server.tracking import ometria as ometria_hits
from mock_server.tracking import omnisend as omnisend_hits
from mock_server.tracking.surface import headless_preflight, malformed, unknown

STATIC = Path(__file__).resolve().parent / "static"
JSON_TYPE = "application/json"


def script(name: str, status: int = 200, text: str | None = None) -> Response:
    """A stand-in script (read at each request: no build step, always current)."""
    body = text if text is not None else (STATIC / name).read_text(encoding="utf-8")
    response = Response(body.encode("utf-8"), status=status, content_type=C.CT_JS)
    response.headers["Cache-Control"] = C.SCRIPT_CACHE
    return response


def pixel() -> Response:
    """The answer of a GET beacon: a transparent 1x1 GIF (§2)."""
    response = Response(C.PIXEL_GIF, status=200, content_type=C.CT_GIF)
    response.headers["Cache-Control"] = C.SCRIPT_CACHE
    return response


def raw_body() -> bytes:
    """The request body within the sandbox's body cap (413 beyond)."""
    return read_body(request.stream, request.content_length, ctx().settings.body_cap)


def json_body(message: str) -> Any:
    """The body as JSON whatever its Content-Type (beacons send text/plain, §2); 400 when it is not."""
    try:
        return parse_json(raw_body())
    except InvalidJson as exc:
        raise malformed(message, [("body", "not valid JSON")]) from exc


def brand_of(brand_id: Any) -> Brand:
    """The brand a hit names (400 without one, 404 when unknown); fault rules apply from here on."""
    if not isinstance(brand_id, str) or not brand_id.strip():
        raise malformed(C.ERR_MALFORMED_HIT, [("brandID", "required")])
    mock = ctx()
    tenant = mock.tenant(C.OMNISEND, brand_id.strip())
    if tenant is None:
        raise unknown(C.ERR_UNKNOWN_BRAND.format(id=brand_id))
    faults.authenticated(mock, C.OMNISEND, tenant.tenant_id)
    return Brand(mock, tenant)


def account_of(tag: str | None) -> Account:
    """The account a hit names by id or ``tagHash`` (404 when unknown)."""
    mock = ctx()
    tenant: TenantState | None = ometria_hits.resolve_account(mock, tag) if tag else None
    if tenant is None:
        raise unknown(C.ERR_UNKNOWN_ACCOUNT.format(id=tag))
    faults.authenticated(mock, C.OMETRIA, tenant.tenant_id)
    return Account(mock, tenant)


def build_blueprint() -> Blueprint:
    """Return the blueprint of both tracking hosts."""
    bp = Blueprint("tracking", __name__)

    @bp.get(C.LAUNCHER_PATH)
    def omnisend_launcher() -> Response:
        """Serve the Omnisend snippet stand-in (one file for every brand)."""
        return script(C.LAUNCHER_FILE)

    @bp.get(C.IDENTIFY_PATH)
    def omnisend_identify_contact() -> Response:
        """Identify a visitor: match or create the brand's contact, answer its id."""
        brand = brand_of(request.args.get("brandID"))
        omnisend_hits.check_identify(request.args)
        with brand.tenant.lock:
            hit = omnisend_hits.identify_contact(brand, request.args)
        return json_response({"data": {"contactID": hit["contactID"]}})

    @bp.get(C.PAGEVIEW_PATH)
    def omnisend_page_view() -> Response:
        """Record a page view beacon."""
        omnisend_hits.check_page_view(request.args)
        brand = brand_of(request.args.get("brandID"))
        with brand.tenant.lock:
            omnisend_hits.page_view(brand, request.args)
        return pixel()

    @bp.post(C.EVENT_PATH)
    def omnisend_event() -> Response:
        """Apply a tracked event: through ``/v5/events`` when the contact is known."""
        body = omnisend_hits.check_event(json_body(C.ERR_MALFORMED_HIT))
        brand = brand_of(body["brandID"])
        beacon = request.mimetype != JSON_TYPE
        with brand.tenant.lock:
            omnisend_hits.track_event(brand, body, beacon=beacon)
        return empty_response(204)

    @bp.get(C.TAG_PATH)
    def ometria_tag(tag: str) -> Response:
        """Serve the Ometria tag stand-in for one account (a JavaScript 404 for an unknown one)."""
        if ometria_hits.resolve_account(ctx(), tag) is None:
            return script(C.TAG_FILE, 404, C.UNKNOWN_TAG_SCRIPT)
        account_of(tag)
        return script(C.TAG_FILE)

    @bp.route(C.BEACON_PATH, methods=["GET", "POST"])
    def ometria_beacon(tag: str) -> Response:
        """Record one tag hit (GET image beacon, or POST for a long hit)."""
        account = account_of(tag)
        if request.method == "POST":
            form = parse_qs(raw_body().decode("utf-8", "replace"))
            data: str | None = form["data"][0] if form.get("data") else None
        else:
            data = request.args.get("data")
        hit = ometria_hits.decode_beacon(data)
        with account.tenant.lock:
            ometria_hits.tag_hit(account, hit)
        return pixel() if request.method == "GET" else empty_response(204)

    @bp.route(C.HEADLESS_PATH, methods=["POST", "OPTIONS"])
    def ometria_headless_track() -> Response:
        """Ometria headless tracking: validate, record, answer ``{"status": "ok", "request_id"}``."""
        if request.method == "OPTIONS":
            return headless_preflight()
        name = request.headers.get(C.ACCOUNT_HEADER) or request.args.get(C.ACCOUNT_QUERY)
        if not name:
            raise malformed(C.ERR_ACCOUNT_REQUIRED, [])
        account = account_of(name)
        body = ometria_hits.check_headless(json_body(C.ERR_MALFORMED_REQUEST))
        with account.tenant.lock:
            answer = ometria_hits.headless_hit(account, body)
        return json_response(answer)

    return bp
