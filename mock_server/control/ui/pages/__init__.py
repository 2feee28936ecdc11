"""Dashboard pages: one module per page, each with ``register(bp)`` (auto-discovered)."""
