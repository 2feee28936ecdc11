"""Timeline sources every vendor shares: the requests in the journal (and the records of a push) and the
outbox (workflows, emails, triggers)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, unquote

from flask import url_for

from mock_server.control.ui.emails import is_email, outbox_refs, recipient, subject
from mock_server.control.ui.timeline.core import EFFECTS, REQUESTS, Item, Subject, epoch_of, mentions, register_provider
from mock_server.core.context import MockContext
from mock_server.core.store import TenantState

PUSH_SUFFIX = "/push"  # Ometria's POST /v2/push: each record of the body is a separate entry


def record_href(tenant: TenantState, resource: str, key: str) -> str:
    """The dashboard page of one stored record."""
    return url_for("ui.record", tenant=f"{tenant.vendor}/{tenant.tenant_id}", resource=resource, key=key)


def touches(entry: dict[str, Any], needles: frozenset[str]) -> bool:
    """Whether a journalled request names the subject: a path segment, a query value or a body string."""
    segments = {unquote(part).lower() for part in str(entry.get("path", "")).split("/")}
    values = {value.lower() for _, value in parse_qsl(str(entry.get("query") or ""))}
    return bool(needles & (segments | values)) or mentions(entry.get("body"), needles)


def requests(mock: MockContext, tenant: TenantState, who: Subject) -> Iterator[Item]:
    """The tenant's journalled requests that name the subject, and the pushed records about it."""
    for entry in sorted(mock.journal.entries(), key=lambda e: int(e["id"])):
        if entry.get("vendor") != tenant.vendor or entry.get("tenant") != tenant.tenant_id:
            continue
        if not touches(entry, who.needles):
            continue
        target = entry["path"] + (f"?{entry['query']}" if entry.get("query") else "")
        href = url_for("ui.journal_entry", entry_id=entry["id"])
        yield Item(float(entry["epoch"]), "request", f"{entry['method']} {target}",
                   f"answered {entry.get('status') or 'nothing (dropped)'}", href, f"Request {entry['id']}")
        if str(entry["path"]).endswith(PUSH_SUFFIX):
            body = entry.get("body")
            for record in body if isinstance(body, list) else [body]:
                if isinstance(record, dict) and mentions(record, who.needles):
                    yield Item(float(entry["epoch"]), "push record",
                               f"{record.get('@type', 'record')} {record.get('id', '')}".strip(),
                               f"in request {entry['id']} ({entry.get('status')})", href, f"Request {entry['id']}")


OUTBOX_SOURCES = {"workflow": "workflow", "campaign_trigger": "automation", "transactional_email": "email"}


def outbox(mock: MockContext, tenant: TenantState, who: Subject) -> Iterator[Item]:
    """The tenant's outbox entries about the subject; an email opens in the preview."""
    for ref in outbox_refs(mock, tenant.vendor):
        if ref.tenant != tenant.tenant_id or not mentions(ref.entry, who.needles):
            continue
        entry = ref.entry
        kind = str(entry.get("kind") or "outbox")
        href = url_for("ui.outbox_entry", vendor=ref.vendor, tenant=ref.tenant, index=ref.index)
        when = epoch_of(entry.get("at"))
        if is_email(entry):
            title = f"{subject(entry)} to {recipient(entry)}"
            if kind == "workflow":
                title = f"Workflow '{entry.get('workflow')}' sent: {title}"
            yield Item(when, OUTBOX_SOURCES.get(kind, "email"), title, kind.replace("_", " "), href, "Preview")
        else:
            what = entry.get("event_type") or entry.get("workflow") or entry.get("status") or ""
            yield Item(when, OUTBOX_SOURCES.get(kind, "outbox"), f"{kind.replace('_', ' ')} {what}".strip(),
                       "", href, "Open")


register_provider("requests", requests, stage=REQUESTS)
register_provider("outbox", outbox, stage=EFFECTS)
