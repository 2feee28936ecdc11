"""Seeding a fixture folder through a vendor's fast path and through the general path, for the tests that
hold the two equal (tests/omnisend/test_fixture_fast_path.py, tests/ometria/test_fixture_fast_path.py)."""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from mock_server.app import create_app
from mock_server.core import fixtures
from mock_server.core.context import Settings


def state(folder: Path) -> dict[Any, Any]:
    """Every tenant's snapshot and the next id its generator gives, after seeding ``folder``."""
    app = create_app(Settings(fixtures=folder, seed=1234, freeze_clock=True, start_workers=False))
    return {(t.vendor, t.tenant_id): (t.snapshot(), t.ids.uuid4())
            for t in app.extensions["mock"].store.tenants()}


def seed_both_ways(folder: Path, vendor_fixtures: ModuleType,
                   monkeypatch: pytest.MonkeyPatch) -> tuple[dict[Any, Any], dict[Any, Any], list[bool]]:
    """``(fast, general, taken)``: the state seeded with the vendor's ``_create_plain`` shortcut, the state
    seeded with it refusing every record, and whether the shortcut took each record it was offered."""
    taken: list[bool] = []
    shortcut = vendor_fixtures._create_plain

    def counting(*args: Any) -> bool:
        taken.append(shortcut(*args))
        return taken[-1]

    monkeypatch.setattr(fixtures, "_SEEDED", OrderedDict())  # no cached seeding: both really load
    monkeypatch.setattr(vendor_fixtures, "_create_plain", counting)
    fast = state(folder)
    monkeypatch.setattr(fixtures, "_SEEDED", OrderedDict())
    monkeypatch.setattr(vendor_fixtures, "_create_plain", lambda *args: False)
    general = state(folder)
    return fast, general, taken
