"""Tracking: the hits of the browser stand-ins and headless tracking, newest first, beside the journal."""

from __future__ import annotations

from flask import Blueprint, Response, request

from mock_server.control.routes.tracking import VENDORS, listed
from mock_server.control.ui.render import compact, page, pretty
from mock_server.core.request import ctx
from mock_server.tracking.demo_shop import PREFIX as DEMO_SHOP

SHOWN = 200  # rows on the page; the JSON listing pages through everything
FILTERS = ("vendor", "tenant", "visitor", "type", "source")
SOURCES = ("snippet", "tag", "headless")


def register(bp: Blueprint) -> None:
    """Attach the tracking page."""

    @bp.get("/tracking")
    def tracking() -> Response:
        """Show the recorded tracking hits (same filters as ``GET /_mock/tracking``)."""
        found = listed(ctx())
        rows = [{"hit": hit, "who": hit.get("email") or hit.get("contactID") or hit.get("profileID") or "",
                 "data": compact(hit.get("data")), "json": pretty(hit)} for hit in found[:SHOWN]]
        chosen = {name: request.args.get(name, "") for name in FILTERS}
        return page("ui/tracking.html", title="Tracking", rows=rows, total=len(found), shown=min(SHOWN, len(found)),
                    vendors=VENDORS, sources=SOURCES, chosen=chosen, demo_shop=DEMO_SHOP + "/")
