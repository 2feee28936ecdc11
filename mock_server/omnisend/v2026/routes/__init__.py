"""Omnisend 2026-03-15 routes: thin views, one module per resource (each with ``register(bp)``).

Each route is registered on its own resource path under /api (no catch-all), so other owners of
/api paths (the browser trackers' /api/track) keep theirs.
"""
