"""Outbox entries that are emails: which ones, their subject and recipient, and their HTML.

An entry is an email when it carries ``html`` (rendered HTML, which a teammate adds to outbox emails), is
of an email kind (Ometria's transactional emails), or is a workflow with a recipient (Omnisend's
order-confirmation and welcome workflows each send one email). Without ``html`` the sandbox draws a
plain page from what the entry holds (mock decision: the vendors' templates are not emulated, so the
preview shows the subject, sender, recipient and the template data instead of the designed email).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from flask import render_template

from mock_server.control.common import jsonable
from mock_server.control.ui.render import compact
from mock_server.core.context import MockContext

HTML_FIELD = "html"
EMAIL_KINDS = frozenset({"transactional_email", "email"})
# What the fallback page lists under the headers, when the entry has it (label, field).
FALLBACK_FIELDS = (("Workflow", "workflow"), ("Template", "template_id"), ("Order", "orderID"),
                   ("Contact", "contactID"), ("Event", "eventID"), ("Stream", "stream"))
# Content security of the email alone: nothing loads or runs, inline styles and data: images only.
EMAIL_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"


@dataclass(frozen=True)
class Ref:
    """Where an outbox entry lives: its tenant and its position in that tenant's outbox."""

    vendor: str
    tenant: str
    index: int
    entry: dict[str, Any]


def outbox_refs(mock: MockContext, vendor: str | None = None) -> Iterator[Ref]:
    """Every outbox entry with its place, tenant by tenant (JSON-ready copies)."""
    for tenant in sorted(mock.store.tenants(vendor), key=lambda t: (t.vendor, t.tenant_id)):
        with tenant.lock:
            entries = [jsonable(e) for e in tenant.extra.get("outbox", [])]
        for index, entry in enumerate(entries):
            yield Ref(tenant.vendor, tenant.tenant_id, index, entry)


def is_email(entry: dict[str, Any]) -> bool:
    """Whether the entry stands for an email someone would receive."""
    if HTML_FIELD in entry or entry.get("kind") in EMAIL_KINDS:
        return True
    return entry.get("kind") == "workflow" and bool(entry.get("email"))


def address(value: Any) -> str:
    """``Name <email>`` or ``email`` from an address object or a plain string."""
    if isinstance(value, dict):
        email = str(value.get("email") or "")
        name = value.get("name")
        return f"{name} <{email}>" if name else email
    return "" if value is None else str(value)


def recipient(entry: dict[str, Any]) -> str:
    """Who the email goes to."""
    return address(entry.get("to") or entry.get("email") or entry.get("identity_email"))


def subject(entry: dict[str, Any]) -> str:
    """The subject line (a workflow's email is named after its workflow)."""
    if entry.get("subject"):
        return str(entry["subject"])
    if entry.get("workflow"):
        return f"{str(entry['workflow']).capitalize()} email"
    return str(entry.get("kind") or "Email").replace("_", " ").capitalize()


def sender(entry: dict[str, Any]) -> str:
    """Who sends it (empty when the entry does not say)."""
    return address(entry.get("from"))


def html_of(entry: dict[str, Any]) -> tuple[str, bool]:
    """The email's HTML and whether the sandbox drew it (True) or the entry carried it (False)."""
    given = entry.get(HTML_FIELD)
    if isinstance(given, str) and given:
        return given, False
    facts = [(label, compact(entry[name])) for label, name in FALLBACK_FIELDS if entry.get(name) not in (None, "")]
    data = entry.get("data")
    rows = [(str(k), compact(v)) for k, v in data.items()] if isinstance(data, dict) else []
    text = entry.get("text") or entry.get("body")
    return render_template("ui/email_fallback.html", subject=subject(entry), sender=sender(entry),
                           recipient=recipient(entry), facts=facts, data=rows, text=text,
                           sent_at=entry.get("sent_at") or entry.get("at")), True
