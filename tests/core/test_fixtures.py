"""Fixture folders: validated whole (file, JSON path, reason) before anything is swapped in."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from mock_server.app import create_app
from mock_server.core import fixtures
from mock_server.core.context import Settings
from mock_server.core.fixtures import FixtureError, default_fixtures_dir


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "fx"
    shutil.copytree(default_fixtures_dir(), target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return target


def write(path: Path, value: Any) -> None:
    path.write_text(json.dumps(value), encoding="utf-8")


def error_of(folder: Path) -> FixtureError:
    with pytest.raises(FixtureError) as exc:
        create_app(Settings(fixtures=folder))
    return exc.value


def test_default_fixtures_load_both_vendors() -> None:
    app = create_app(Settings())
    tenants = {(t.vendor, t.tenant_id) for t in app.extensions["mock"].store.tenants()}
    assert tenants >= {("omnisend", "64a1f0c2e4b0a1b2c3d4e5f6"), ("ometria", "staging"), ("ometria", "live")}


def test_broken_json_names_file_and_line(folder: Path) -> None:
    (folder / "ometria" / "live" / "contacts.json").write_text('[{"id": }]', encoding="utf-8")
    err = error_of(folder)
    assert err.file.endswith("ometria/live/contacts.json") and err.path == "$"
    assert err.reason.startswith("invalid JSON at line 1 column 9")


def test_bad_record_names_its_json_path(folder: Path) -> None:
    contacts = json.loads((folder / "omnisend" / "demo" / "contacts.json").read_text())
    contacts[3]["identifiers"][0]["channels"]["email"]["status"] = "maybe"
    write(folder / "omnisend" / "demo" / "contacts.json", contacts)
    err = error_of(folder)
    assert err.file.endswith("omnisend/demo/contacts.json")
    assert (err.path, err.reason) == ("$[3].identifiers[0].channels.email.status",
                                      "invalid value, allowed values: subscribed, unsubscribed, nonSubscribed")


def test_bad_tenant_settings(folder: Path) -> None:
    tenant = json.loads((folder / "omnisend" / "demo" / "tenant.json").read_text())
    tenant["brandID"] = "XYZ"
    write(folder / "omnisend" / "demo" / "tenant.json", tenant)
    err = error_of(folder)
    assert (err.file.endswith("omnisend/demo/tenant.json"), err.path, err.reason) == (
        True, "$.brandID", "must be 24 lowercase hex characters")


def test_unknown_keys_and_resources_are_refused(folder: Path) -> None:
    write(folder / "ometria" / "live" / "widgets.json", [])
    assert "unknown resource 'widgets'" in error_of(folder).reason


def test_duplicate_keys_across_tenants_are_refused(folder: Path) -> None:
    tenant = json.loads((folder / "ometria" / "live" / "tenant.json").read_text())
    tenant["apiKeys"] = [{"key": "ometria-staging-key"}]
    write(folder / "ometria" / "live" / "tenant.json", tenant)
    assert "is also used by" in error_of(folder).reason


def test_duplicate_identifiers_are_refused(folder: Path) -> None:
    contacts = json.loads((folder / "omnisend" / "demo" / "contacts.json").read_text())
    contacts[1]["identifiers"] = contacts[0]["identifiers"][:1]
    write(folder / "omnisend" / "demo" / "contacts.json", contacts)
    err = error_of(folder)
    assert (err.path, err.reason) == ("$[1].identifiers", "every identifier already belongs to another contact")


def test_a_bad_reload_leaves_the_running_state_untouched(folder: Path) -> None:
    app = create_app(Settings(fixtures=folder))
    ctx = app.extensions["mock"]
    before = [(t.vendor, t.tenant_id, {n: len(c) for n, c in t.collections.items()}) for t in ctx.store.tenants()]
    keys_before = ctx.keyring.lookup("ometria", "ometria-live-key")
    write(folder / "ometria" / "live" / "contacts.json", [{"@type": "contact", "id": "x y"}])
    with pytest.raises(FixtureError):
        fixtures.load_folder(ctx, folder)
    after = [(t.vendor, t.tenant_id, {n: len(c) for n, c in t.collections.items()}) for t in ctx.store.tenants()]
    assert after == before and ctx.keyring.lookup("ometria", "ometria-live-key") == keys_before


def test_missing_tenant_file(folder: Path) -> None:
    (folder / "ometria" / "live" / "tenant.json").unlink()
    err = error_of(folder)
    assert err.file.endswith("ometria/live") and err.reason == "tenant.json is missing"


def test_cached_seeding_gives_exactly_what_seeding_gives() -> None:
    settings = Settings(seed=1234, freeze_clock=True)
    create_app(settings)  # fills the cache for (default folder, seed, frozen start)
    cached = create_app(Settings(seed=1234, freeze_clock=True)).extensions["mock"]
    fresh = create_app(Settings(seed=1234, freeze_clock=True)).extensions["mock"]
    fresh_tenants = fixtures.build_tenants(fresh, fixtures.read_folder(default_fixtures_dir()))  # no cache
    assert [(t.vendor, t.tenant_id, t.snapshot()) for t in cached.store.tenants()] == [
        (t.vendor, t.tenant_id, t.snapshot()) for t in fresh_tenants]
    # a cached app owns its records: changing one app never reaches another
    brand = cached.store.tenants("omnisend")[0]
    brand.collection("contacts").delete("65b2a0c1d2e3f4a5b6c7d000")
    again = create_app(Settings(seed=1234, freeze_clock=True)).extensions["mock"]
    assert "65b2a0c1d2e3f4a5b6c7d000" in again.store.tenants("omnisend")[0].collection("contacts")


def test_unseeded_or_running_clocks_are_not_cached() -> None:
    before = len(fixtures._SEEDED)
    create_app(Settings())
    create_app(Settings(seed=5))
    assert len(fixtures._SEEDED) == before
