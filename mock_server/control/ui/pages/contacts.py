"""Contacts: find an Omnisend contact or an Ometria profile by email or id, then follow it on one page."""

from __future__ import annotations

from flask import Blueprint, Response, request, url_for

from mock_server.control.common import not_found, require_tenant
from mock_server.control.ui.pages.records import tenant_choices
from mock_server.control.ui.render import page
from mock_server.core.request import ctx


def register(bp: Blueprint) -> None:
    """Attach the contact search and the contact timeline."""

    @bp.get("/contacts")
    def contacts() -> Response:
        """Search contacts and profiles by email or id (every tenant, or one); one match opens its timeline."""
        from mock_server.control.ui import timeline  # its sources are imported by the first page that needs them

        mock = ctx()
        query = request.args.get("q", "").strip()
        chosen = request.args.get("tenant", "")
        vendor, _, tenant_id = chosen.partition("/")
        if chosen:
            require_tenant(mock, vendor, tenant_id)
        found = [s for s in timeline.find(mock, query, vendor or None) if not tenant_id or s.tenant_id == tenant_id]
        if len(found) == 1:
            one = found[0]
            return Response(status=303, headers={"Location": url_for(
                "ui.contacts_timeline", vendor=one.vendor, tenant=one.tenant_id, key=one.key)})
        return page("ui/contacts.html", title="Contacts", query=query, tenants=tenant_choices(mock), tenant=chosen,
                    found=found)

    @bp.get("/contacts/<vendor>/<tenant>/<key>")
    def contacts_timeline(vendor: str, tenant: str, key: str) -> Response:
        """Show everything that happened to one contact or profile, in time order."""
        from mock_server.control.ui import timeline

        mock = ctx()
        state = require_tenant(mock, vendor, tenant)
        subject = next((s for s in timeline.find(mock, key, vendor) if s.tenant_id == tenant and s.key == key), None)
        if subject is None:
            raise not_found(f"no contact or profile {key!r} in {vendor} tenant {tenant!r}")
        items = timeline.build(mock, state, subject)
        return page("ui/timeline.html", title=f"Timeline of {subject.label}", subject=subject, items=items)
