"""Batches v5 (omnisend.md §4, §6.8): the v3 views on the v5 path, with the v5 envelope schema."""

from __future__ import annotations

from flask import Blueprint

from mock_server.omnisend.v3.routes.batches import register_version


def register(bp: Blueprint) -> None:
    """Attach the v5 batch routes."""
    register_version(bp, "v5")
