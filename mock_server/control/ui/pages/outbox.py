"""Outbox: what the vendors would have sent or started (workflows, emails, deletions, batches, campaigns)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Response, request

from mock_server.control.routes.outbox import collect
from mock_server.control.ui.render import compact, page, pretty
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
    # Omnisend marketing (2026 automations and campaigns): one entry per step a flow or campaign carried out.
    "email": ("Emails", (("To", "to"), ("Subject", "subject"), ("From", "source"), ("Campaign", "campaignID"),
                         ("Automation", "automationID"), ("Skipped", "skipped"))),
    "sms": ("SMS", (("To", "to"), ("Message", "message"), ("From", "source"), ("Skipped", "skipped"))),
    "webhook": ("Webhooks", (("URL", "url"), ("Status", "status"), ("Delivered", "delivered"),
                             ("Error", "error"), ("Contact", "email"))),
    "automation": ("Automation runs", (("Automation", "automationID"), ("Step", "step"), ("Contact", "email"),
                                       ("Reason", "reason"))),
    "wait": ("Automation waits", (("Automation", "automationID"), ("Until", "until"), ("Contact", "email"))),
    "tag": ("Automation tags", (("Action", "action"), ("Tag", "tag"), ("Contact", "email"))),
    "split": ("Automation splits", (("Automation", "automationID"), ("Branch", "branch"), ("Contact", "email"))),
}


@dataclass
class Entry:
    """One side effect: when, whose, the kind's columns, and the whole entry."""

    at: str
    vendor: str
    tenant: str
    cells: list[str]
    json: str


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


def sections(entries: list[dict[str, Any]]) -> list[Section]:
    """Group entries by kind: known kinds in :data:`KINDS` order, unknown ones after, newest first."""
    out: dict[str, Section] = {}
    for kind, (heading, columns) in KINDS.items():
        out[kind] = Section(kind, heading, [label for label, _ in columns])
    for entry in reversed(entries):
        kind = str(entry.get("kind") or "other")
        if kind not in out:
            out[kind] = Section(kind, kind.replace("_", " ").capitalize(), [])
        fields = KINDS.get(kind, ("", ()))[1]
        out[kind].entries.append(Entry(str(entry.get("at") or ""), str(entry.get("vendor") or ""),
                                       tenant_of(entry), [compact(entry.get(name)) for _, name in fields],
                                       pretty(entry)))
    return list(out.values())


def register(bp: Blueprint) -> None:
    """Attach the outbox page."""

    @bp.get("/outbox")
    def outbox() -> Response:
        """Show the side effects of every tenant, grouped by kind, newest first."""
        mock = ctx()
        vendor = request.args.get("vendor") or None
        kind = request.args.get("kind") or None
        entries = collect(mock, vendor, None, kind)
        return page("ui/outbox.html", title="Outbox", sections=sections(entries), total=len(entries),
                    vendors=sorted(mock.vendors), vendor=vendor or "", kinds=list(KINDS), kind=kind or "")
