"""Omnisend v3 routes: thin views, one module per resource (each with ``register(bp)``)."""
