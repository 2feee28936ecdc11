"""What Ometria tag beacons and headless hits do to an account (tracking.md §4.4, §4.5, §5).

Hits are recorded per visitor; only ``identify`` writes account data: it links the visitor to a contact
listing (created in the ``website`` collection through the same record rules as a pushed contact when no
listing has the email), whose profile the Data API then finds.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from mock_server.core.context import MockContext
from mock_server.core.errors import MockError
from mock_server.core.store import Record, TenantState
from mock_server.ometria.backend import META, Account
from mock_server.ometria.backend import profiles as profile_rules
from mock_server.ometria.backend.records import CONTACTS, rest_post
from mock_server.tracking import constants as C
from mock_server.tracking import hits
from mock_server.tracking.surface import malformed

Hit = dict[str, Any]
# The context fields of a tag hit that the listing keeps beside ``d`` (§4.4).
CONTEXT_KEYS = ("channel", "uiid", "rurl", "site", "npv", "nses", "cnew", "snew", "ts")


def resolve_account(ctx: MockContext, tag: str) -> TenantState | None:
    """The account named by its id or by its fixture ``tagHash`` (mock decision, §1)."""
    found = ctx.tenant(C.OMETRIA, tag)
    if found is not None:
        return found
    return next((t for t in ctx.store.tenants(C.OMETRIA) if t.config.get("tagHash") == tag), None)


# -- tag beacons (§4.4) -------------------------------------------------------------------------------
def decode_beacon(data: str | None) -> dict[str, Any]:
    """The hit inside ``data`` (base64 of UTF-8 JSON); 400 naming the problem (nothing stored)."""
    if not data:
        raise malformed(C.ERR_MALFORMED_HIT, [("data", "required")])
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise malformed(C.ERR_MALFORMED_HIT, [("data", "not base64")]) from exc
    try:
        hit = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise malformed(C.ERR_MALFORMED_HIT, [("data", "not JSON")]) from exc
    if not isinstance(hit, dict):
        raise malformed(C.ERR_MALFORMED_HIT, [("data", "not a JSON object")])
    problems = [(name, "must be a non-empty string") for name in ("type", "cid")
                if not isinstance(hit.get(name), str) or not hit[name]]
    if problems:
        raise malformed(C.ERR_MALFORMED_HIT, problems)
    return hit


def is_identity(value: Any) -> bool:
    """An email (``\\S+@\\S+\\.\\S+``) or an ``omid:`` id, as the tag's ``identify`` accepts."""
    return isinstance(value, str) and (value.startswith(C.OMID_PREFIX) or bool(C.OMETRIA_EMAIL_RE.search(value)))


def tag_hit(account: Account, hit: dict[str, Any]) -> Hit:
    """Record one tag hit; ``identify`` links the visitor; listed custom types reach the outbox (§4.5)."""
    cid, hit_type = hit["cid"], hit["type"]
    data: dict[str, Any] = hit["d"] if isinstance(hit.get("d"), dict) else {}
    if hit_type == C.OMETRIA_IDENTIFY and is_identity(data.get("uiid")):
        identify(account, cid, data["uiid"], data.get("profile"))
    recorded = hits.record(account, C.TAG, hit_type, C.RECORDED, {
        "visitorID": cid, "sessionID": hit.get("sid") if isinstance(hit.get("sid"), str) else None,
        "email": None, "profileID": None, "url": hit.get("url") if isinstance(hit.get("url"), str) else None,
        "data": data, "context": {key: hit[key] for key in CONTEXT_KEYS if key in hit}})
    if hit.get("channel") == C.CUSTOM_CHANNEL and hit_type in (account.config.get("customEventTriggers") or []):
        account.outbox({"kind": C.TRIGGER_KIND, "account": account.account_id, "event_type": hit_type,
                        "cid": cid, "email": recorded.get("email")})
    return recorded


def identify(account: Account, cid: str, identity: str, profile: Any) -> None:
    """Link visitor ``cid`` to the listing of ``identity`` (created when missing) or an ``omid:`` profile."""
    if identity.startswith(C.OMID_PREFIX):
        profile_id = profile_rules.resolve(account, identity[len(C.OMID_PREFIX):])
        if profile_id is not None:
            hits.link_visitor(account.tenant, C.OMETRIA, cid, {"email": None, "profileID": profile_id})
        return  # an unknown omid: recorded unlinked
    listing = find_listing(account, identity) or create_listing(account, identity, profile)
    if listing is None:
        return
    profile_id = listing[META].get("profile")
    live = profile_rules.resolve(account, profile_id) if profile_id else None
    hits.link_visitor(account.tenant, C.OMETRIA, cid, {"email": identity, "profileID": live or profile_id})


def find_listing(account: Account, email: str) -> Record | None:
    """A contact listing of any collection with this email (any case)."""
    lowered = email.lower()
    for collection in account.contact_collections().values():
        for record in collection.values():
            if isinstance(record.get("email"), str) and record["email"].lower() == lowered:
                return record
    return None


def create_listing(account: Account, email: str, profile: Any) -> Record | None:
    """A ``website`` listing for an email the account does not know, through the REST record rules."""
    record: dict[str, Any] = {"email": email, "marketing_optin": C.IDENTIFY_OPTIN,
                              "timestamp_acquired": account.now()}
    if isinstance(profile, dict):
        record.update((k, profile[k]) for k in C.PROFILE_NAME_FIELDS if isinstance(profile.get(k), str))
    try:
        rest_post(account, CONTACTS, record, {"id": email.lower(), "@collection": C.IDENTIFY_COLLECTION})
    except MockError:
        return None  # the Data API would refuse this email: the visitor stays unlinked
    return find_listing(account, email)


# -- headless tracking (§5) ---------------------------------------------------------------------------
def _nonempty(value: Any) -> bool:
    return isinstance(value, str) and bool(value)


def check_headless(body: Any) -> dict[str, Any]:
    """The §5 validation, in its order; 400 listing every problem (with ``request_id`` echoed)."""
    if not isinstance(body, dict):
        raise malformed(C.ERR_MALFORMED_REQUEST, [("body", "must be a JSON object")])
    problems: list[tuple[str, str]] = []
    scope, action, data = body.get("scope"), body.get("action"), body.get("data")
    if scope not in C.HEADLESS_ACTIONS:
        problems.append(("scope", f"must be one of {', '.join(C.HEADLESS_ACTIONS)}"))
    else:
        allowed = C.HEADLESS_ACTIONS[scope]
        if allowed is None and not _nonempty(action):
            problems.append(("action", "must be a non-empty string"))
        elif allowed is not None and action not in allowed:
            problems.append(("action", f"must be one of {', '.join(allowed)} for scope {scope}"))
    if not isinstance(data, dict):
        problems.append(("data", "must be an object"))
    elif scope == "basket":
        if not _nonempty(data.get("product_id")):
            problems.append(("data.product_id", "must be a non-empty string"))
        quantity = data.get("quantity")
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
            problems.append(("data.quantity", "must be a positive integer"))
    elif scope == "order":
        if not _nonempty(data.get("order_id")):
            problems.append(("data.order_id", "must be a non-empty string"))
        total = data.get("order_total")
        if "order_total" in data and (not isinstance(total, (int, float)) or isinstance(total, bool)):
            problems.append(("data.order_total", "must be a number"))
    user: dict[str, Any] = body["user"] if isinstance(body.get("user"), dict) else {}
    for name in ("uid", "sid"):
        if not _nonempty(user.get(name)):
            problems.append((f"user.{name}", "must be a non-empty string"))
    if "context" in body and not isinstance(body["context"], dict):
        problems.append(("context", "must be an object"))
    request_id = body.get("request_id")
    echo = _echo(request_id)
    if "request_id" in body and request_id is not None and echo is None:
        problems.append(("request_id", "must be a string or a number"))
    if problems:
        raise malformed(C.ERR_MALFORMED_REQUEST, problems, **({"request_id": echo} if echo is not None else {}))
    return body


def _echo(value: Any) -> Any:
    return value if isinstance(value, (str, int, float)) and not isinstance(value, bool) else None


def headless_hit(account: Account, body: dict[str, Any]) -> dict[str, Any]:
    """Record a validated headless hit; return the vendor's answer (§5)."""
    context = body.get("context") or {}
    hits.record(account, C.HEADLESS, f"{body['scope']}:{body['action']}", C.RECORDED, {
        "visitorID": body["user"]["uid"], "sessionID": body["user"]["sid"], "email": None, "profileID": None,
        "url": context.get("page_url") if isinstance(context.get("page_url"), str) else None,
        "data": {"data": body["data"], "context": context}})
    return {"status": "ok", "request_id": _echo(body.get("request_id"))}
