"""The hit log (tracking.md §6): every accepted tracking hit, per tenant, plus visitor links.

Hits live in the tenant's ``extra`` state, so ``POST /_mock/reset`` clears them with the tenant (the
visitor links go with them). A counter shared by all tenants numbers them (``trk-000001``) so the
listing can put every vendor's hits in one newest-first order.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterable
from typing import Any

from mock_server.core.context import MockContext
from mock_server.core.store import TenantState, clone
from mock_server.core.tenant import TenantView
from mock_server.redisstore.shared import SharedCounter
from mock_server.tracking import constants as C

Hit = dict[str, Any]
HITS = "trackingHits"
LINKS = "trackingVisitors"
COUNTER = "tracking_hits"  # the app extension holding the HitCounter
# Keys that say who the visitor is; a later identify fills them in on earlier hits of the visitor.
IDENTITY_KEYS = {C.OMNISEND: ("contactID", "email"), C.OMETRIA: ("email", "profileID")}


class HitCounter:
    """Numbers hits across tenants (one per app)."""

    def __init__(self, start: int = 1) -> None:
        self._lock = threading.Lock()
        self._count = itertools.count(start)

    def next(self) -> int:
        """Return the next sequence number."""
        with self._lock:
            return next(self._count)


def counter(ctx: MockContext) -> HitCounter | SharedCounter:
    """The app's hit counter, created on first use after the highest number already stored (hits kept by
    ``--state-dir`` survive a restart, and their ids must stay unique)."""
    found: HitCounter | SharedCounter | None = ctx.app.extensions.get(COUNTER)
    if found is None:
        stored = (hit.get("seq", 0) for tenant in ctx.store.tenants() for hit in list(tenant.extra.get(HITS, [])))
        start = max(stored, default=0) + 1
        if ctx.redis is not None:  # every process numbers hits from one counter
            found = ctx.app.extensions.setdefault(COUNTER, SharedCounter(ctx.redis, "tracking-hits", start))
        else:
            found = ctx.app.extensions.setdefault(COUNTER, HitCounter(start))
    return found


def record(view: TenantView, source: str, hit_type: str, status: str, fields: dict[str, Any]) -> Hit:
    """Append one hit (the caller holds the tenant's lock); identity keys come from the visitor link."""
    seq = counter(view.ctx).next()
    rest = dict(fields)
    hit: Hit = {"id": C.HIT_ID_FORMAT.format(seq), "vendor": view.vendor, "tenant": view.tenant_id,
                "source": source, "at": view.now(), "type": hit_type, "status": status,
                "visitorID": rest.pop("visitorID", None), "sessionID": rest.pop("sessionID", None)}
    link = visitor_link(view.tenant, hit["visitorID"])
    for key in IDENTITY_KEYS[view.vendor]:
        given = rest.pop(key, None)
        hit[key] = given if given is not None else link.get(key)
    hit.update(rest)
    hit["seq"] = seq
    view.tenant.extra.setdefault(HITS, []).append(hit)
    return hit


def visitor_link(tenant: TenantState, visitor: str | None) -> dict[str, Any]:
    """Who an earlier identify said the visitor is (empty when nobody)."""
    if not visitor:
        return {}
    found: dict[str, Any] = tenant.extra.get(LINKS, {}).get(visitor, {})
    return found


def link_visitor(tenant: TenantState, vendor: str, visitor: str | None, identity: dict[str, Any]) -> None:
    """Link a visitor to a contact / profile; the visitor's earlier hits gain the identity too (§3.4, §4.5)."""
    if not visitor:
        return
    tenant.extra.setdefault(LINKS, {})[visitor] = dict(identity)
    for hit in tenant.extra.get(HITS, []):
        if hit.get("visitorID") == visitor:
            for key in IDENTITY_KEYS[vendor]:
                if hit.get(key) is None:
                    hit[key] = identity.get(key)


def hits_of(tenants: Iterable[TenantState]) -> list[Hit]:
    """Copies of every hit of ``tenants``, newest first."""
    out: list[Hit] = []
    for tenant in tenants:
        with tenant.lock:
            out.extend(clone(tenant.extra.get(HITS, [])))
    out.sort(key=lambda hit: hit["seq"], reverse=True)
    return out


def select(hits: list[Hit], visitor: str | None, hit_type: str | None, source: str | None) -> list[Hit]:
    """The hits matching every given filter (exact matches)."""
    return [hit for hit in hits
            if (visitor is None or hit.get("visitorID") == visitor)
            and (hit_type is None or hit.get("type") == hit_type)
            and (source is None or hit.get("source") == source)]


def render(hit: Hit) -> Hit:
    """The listing shape (the internal sequence number dropped)."""
    return {key: value for key, value in hit.items() if key != "seq"}


def delete(tenants: Iterable[TenantState]) -> int:
    """Forget the hits of ``tenants`` (their visitor links stay); return how many there were."""
    deleted = 0
    for tenant in tenants:
        with tenant.lock:
            deleted += len(tenant.extra.get(HITS, []))
            tenant.extra[HITS] = []
    return deleted


def sessions(hits: list[Hit]) -> list[dict[str, Any]]:
    """Per session: page views, first and last hit, the visitor and who they are; newest ``lastAt`` first."""
    found: dict[tuple[str, str, str], dict[str, Any]] = {}
    for hit in sorted(hits, key=lambda h: h["seq"]):
        session = hit.get("sessionID")
        if not session:
            continue
        key = (hit["vendor"], hit["tenant"], session)
        entry = found.setdefault(key, {"vendor": hit["vendor"], "tenant": hit["tenant"], "sessionID": session,
                                       "visitorID": hit.get("visitorID"), "pageViews": 0,
                                       "firstAt": hit["at"], "lastAt": hit["at"], "seq": hit["seq"]})
        entry["lastAt"], entry["seq"] = hit["at"], hit["seq"]
        entry["visitorID"] = hit.get("visitorID") or entry["visitorID"]
        if hit.get("type") in C.PAGE_VIEW_TYPES:
            entry["pageViews"] += 1
        identity = "contactID" if hit["vendor"] == C.OMNISEND else "email"
        entry[identity] = hit.get(identity) or entry.get(identity)
    ordered = sorted(found.values(), key=lambda e: (e["lastAt"], e["seq"]), reverse=True)
    return [{k: v for k, v in entry.items() if k != "seq"} for entry in ordered]
