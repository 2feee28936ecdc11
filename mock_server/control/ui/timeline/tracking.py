"""Tracking hits on the timeline: what the browser trackers reported about the contact (page views,
identifies, events), once a hit names it (an identify links the visitor, and its earlier hits follow)."""

from __future__ import annotations

from collections.abc import Iterator

from flask import url_for

from mock_server.control.common import jsonable
from mock_server.control.ui.timeline.core import Item, Subject, epoch_of, mentions, register_provider
from mock_server.core.context import MockContext
from mock_server.core.store import TenantState
from mock_server.tracking.hits import HITS


def hits(mock: MockContext, tenant: TenantState, who: Subject) -> Iterator[Item]:
    """The tenant's tracking hits that name the contact (contactID, email or profile id)."""
    with tenant.lock:
        found = [jsonable(hit) for hit in tenant.extra.get(HITS, [])]
    for hit in found:
        if mentions({k: hit.get(k) for k in ("contactID", "email", "profileID")}, who.needles):
            title = " ".join(str(hit[k]) for k in ("type", "eventName", "event") if hit.get(k))
            yield Item(epoch_of(hit.get("at")), "tracking", title or "hit",
                       f"{hit.get('source', '')} hit {hit.get('id', '')}, {hit.get('status', '')}".strip(", "),
                       url_for("ui.tracking", vendor=tenant.vendor, tenant=tenant.tenant_id,
                               visitor=hit.get("visitorID") or None), "Visitor's hits")


register_provider("tracking hits", hits)
