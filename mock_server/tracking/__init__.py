"""Browser tracking (tracking.md): stand-ins for Omnisend's snippet and Ometria's tag, Ometria headless
tracking, the hit log the control plane lists, and the demo shop that uses both snippets.

``surface`` (the hosts: no key, public CORS, the tracking error body), ``routes`` (scripts, beacons,
``/api/track``), ``omnisend`` / ``ometria`` (what a hit does to a tenant, through the vendors' own
backends), ``hits`` (the log), ``demo_shop`` (pages), ``static/`` (the two stand-in scripts).
"""

from __future__ import annotations

from flask import Flask

from mock_server.core.context import MockContext


def install(app: Flask, ctx: MockContext) -> None:
    """Claim the tracking paths and register the tracking and demo-shop blueprints."""
    from mock_server.tracking import demo_shop, routes, surface

    ctx.surfaces.extend(surface.hosts())
    app.register_blueprint(routes.build_blueprint())
    app.register_blueprint(demo_shop.build_blueprint())
