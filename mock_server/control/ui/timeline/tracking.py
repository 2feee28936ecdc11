"""Timeline source: the browser tracking hits of a contact or profile (the visitor's hits from before
an identify included, once it linked them), beside the requests they came with."""

from __future__ import annotations

from collections.abc import Iterator

from flask import url_for

from mock_server.control.ui.timeline.core import REQUESTS, Item, Subject, epoch_of, register_provider
from mock_server.core.context import MockContext
from mock_server.core.store import TenantState
from mock_server.tracking import hits as tracking_hits

# Keys of a hit that say who it is about (Omnisend: contact id, email; Ometria: email, profile id).
WHO = ("contactID", "email", "profileID")


def hits(mock: MockContext, tenant: TenantState, who: Subject) -> Iterator[Item]:
    """The tenant's tracking hits about the subject, each linking to the visitor's hits."""
    for hit in reversed(tracking_hits.hits_of([tenant])):
        if not any(isinstance(hit.get(k), str) and hit[k].lower() in who.needles for k in WHO):
            continue
        href = url_for("ui.tracking", vendor=tenant.vendor, tenant=tenant.tenant_id, visitor=hit.get("visitorID"))
        detail = f"{hit['status']}" + (f" on {hit['url']}" if hit.get("url") else "")
        yield Item(epoch_of(hit.get("at")), "tracking", f"{hit['source'].capitalize()} hit {hit['type']}", detail,
                   href, "Visitor's hits")


register_provider("tracking", hits, stage=REQUESTS)
