"""Outbox: what the vendors would have sent or started (workflows, emails, deletions, batches, campaigns)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Response, request, url_for

from mock_server.control.common import not_found, require_tenant
from mock_server.control.routes.outbox import selected_tenants
from mock_server.control.ui import emails
from mock_server.control.ui.render import HTML, compact, page, pretty
from mock_server.core.request import ctx

# kind -> (heading, columns as (label, field)). The kinds are the vendors' outbox entries; an unknown
# kind (a teammate's new side effect) still shows, with its whole entry.
KINDS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "workflow": ("Workflows triggered", (("Workflow", "workflow"), ("Email", "email"), ("Order", "orderID"),
                                         ("Contact", "contactID"))),
    "transactional_email": ("Transactional emails", (("Subject", "subject"), ("Recipient", "to"),
                                                     ("Data", "data"), ("Template", "template_id"))),
    "data_deletion": ("Deletions", (("Request", "id"), ("Summary", "summary"))),
    "batch": ("Batch results", (("Batch", "batchID"), ("Status", "status"), ("Items", "totalCount"),
                                ("Errors", "errorsCount"))),
    "campaign": ("Campaign starts", (("Campaign", "campaignID"), ("Recipients", "recipients"))),
    "campaign_trigger": ("Campaign triggers", (("Event type", "event_type"), ("Event", "event_id"),
                                               ("Profile", "profile_id"), ("Email", "identity_email"))),
    "sms_double_optin": ("SMS double opt-ins", (("Phone", "phone_number"), ("Contact", "contact_id"))),
}


@dataclass
class Entry:
    """One side effect: when, whose, the kind's columns, and the whole entry."""

    at: str
    vendor: str
    tenant: str
    cells: list[str]
    json: str
    href: str  # the entry's own page (an email's preview)
    email: bool


@dataclass
class Section:
    """All entries of one kind, newest first."""

    kind: str
    heading: str
    columns: list[str]
    entries: list[Entry] = field(default_factory=list)


def tenant_of(entry: dict[str, Any]) -> str:
    """The entry's tenant (Ometria entries name their ``account``)."""
    return str(entry.get("tenant") or entry.get("account") or entry.get("brandID") or "")


def sections(refs: list[emails.Ref]) -> list[Section]:
    """Group entries by kind: known kinds in :data:`KINDS` order, unknown ones after, newest first."""
    out: dict[str, Section] = {}
    for kind, (heading, columns) in KINDS.items():
        out[kind] = Section(kind, heading, [label for label, _ in columns])
    # Oldest first by mock time (stable: a tenant's own order within an instant), then shown newest first.
    for ref in reversed(sorted(refs, key=lambda r: str(r.entry.get("at", "")))):
        entry = ref.entry
        kind = str(entry.get("kind") or "other")
        if kind not in out:
            out[kind] = Section(kind, kind.replace("_", " ").capitalize(), [])
        fields = KINDS.get(kind, ("", ()))[1]
        href = url_for("ui.outbox_entry", vendor=ref.vendor, tenant=ref.tenant, index=ref.index)
        out[kind].entries.append(Entry(str(entry.get("at") or ""), str(entry.get("vendor") or ref.vendor),
                                       tenant_of(entry) or ref.tenant,
                                       [compact(entry.get(name)) for _, name in fields], pretty(entry), href,
                                       emails.is_email(entry)))
    return list(out.values())


def entry_at(vendor: str, tenant: str, index: int) -> dict[str, Any]:
    """One outbox entry by its place (404 when the tenant or the entry is unknown)."""
    require_tenant(ctx(), vendor, tenant)
    for ref in emails.outbox_refs(ctx(), vendor):
        if ref.tenant == tenant and ref.index == index:
            return ref.entry
    raise not_found(f"no outbox entry {index} of {vendor} tenant {tenant!r}")


def register(bp: Blueprint) -> None:
    """Attach the outbox page."""

    @bp.get("/outbox")
    def outbox() -> Response:
        """Show the side effects of every tenant, grouped by kind, newest first."""
        mock = ctx()
        vendor = request.args.get("vendor") or None
        kind = request.args.get("kind") or None
        chosen = {(t.vendor, t.tenant_id) for t in selected_tenants(mock, vendor, None)}
        refs = [r for r in emails.outbox_refs(mock, vendor)
                if (r.vendor, r.tenant) in chosen and (kind is None or r.entry.get("kind") == kind)]
        return page("ui/outbox.html", title="Outbox", sections=sections(refs), total=len(refs),
                    vendors=sorted(mock.vendors), vendor=vendor or "", kinds=list(KINDS), kind=kind or "")

    @bp.get("/outbox/<vendor>/<tenant>/<int:index>")
    def outbox_entry(vendor: str, tenant: str, index: int) -> Response:
        """Show one outbox entry; an email as its rendered HTML in a sandboxed frame, subject and recipient."""
        entry = entry_at(vendor, tenant, index)
        is_email = emails.is_email(entry)
        html, drawn = emails.html_of(entry) if is_email else ("", False)
        return page("ui/outbox_entry.html", title=emails.subject(entry) if is_email else "Outbox entry",
                    entry=entry, vendor=vendor, tenant=tenant, index=index, is_email=is_email, html=html,
                    drawn=drawn, subject=emails.subject(entry), recipient=emails.recipient(entry),
                    sender=emails.sender(entry), json=pretty(entry))

    @bp.get("/outbox/<vendor>/<tenant>/<int:index>/html")
    def outbox_entry_html(vendor: str, tenant: str, index: int) -> Response:
        """Return an email's HTML alone, under a CSP that lets nothing load or run."""
        entry = entry_at(vendor, tenant, index)
        if not emails.is_email(entry):
            raise not_found(f"outbox entry {index} of {vendor} tenant {tenant!r} is not an email")
        answer = Response(emails.html_of(entry)[0], content_type=HTML)
        answer.headers.update({"Content-Security-Policy": emails.EMAIL_CSP, "X-Content-Type-Options": "nosniff",
                               "Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})
        return answer
