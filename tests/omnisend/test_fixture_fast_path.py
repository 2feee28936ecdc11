"""The fixture loader's shortcut for plain contacts (omnisend/fixtures.py ``_create_plain``) leaves a brand
exactly as the general create path does: every stored record byte for byte, the id generator, the brand's
extra state (automation runs, segment members, outbox)."""

from __future__ import annotations

import json
import shutil
from collections import OrderedDict
from pathlib import Path
from typing import Any

import pytest

from mock_server.core import fixtures
from mock_server.core.fixtures import default_fixtures_dir
from mock_server.omnisend import fixtures as omnisend_fixtures
from tests.fixture_paths import seed_both_ways, state


def _contact(i: int) -> dict[str, Any]:
    record: dict[str, Any] = {
        "contactID": f"{i:024x}", "createdAt": f"2024-03-{1 + i % 28:02d}T10:{i % 60:02d}:00Z",
        "identifiers": [{"type": "email", "id": f"fast{i}@example.com",
                         "channels": {"email": {"status": ("subscribed", "unsubscribed", "nonSubscribed")[i % 3]}}}],
        "firstName": f"F{i}", "lastName": f"L{i}", "city": "Vilnius", "tags": ["bench", f"t{i % 4}", "bench"],
    }
    if i % 5 == 1:
        del record["contactID"]  # a new id from the brand's generator
    if i % 7 == 2:
        del record["createdAt"]  # created now
    if i % 11 == 3:
        record["identifiers"][0]["channels"]["email"] = {}  # no status: subscribed
    if i % 13 == 4:
        del record["tags"]
    if i % 17 == 5:  # not plain: the schema and the general path
        record["customProperties"] = {"points": i}
    if i % 19 == 6:  # two identifiers: the general path
        record["identifiers"].append({"type": "phone", "id": f"+3706{i:07d}",
                                      "channels": {"sms": {"status": "subscribed"}}})
    return record


def _folder(tmp_path: Path) -> Path:
    target = tmp_path / "fixtures"
    shutil.copytree(default_fixtures_dir(), target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    contacts = target / "omnisend" / "demo" / "contacts.json"
    seeded = json.loads(contacts.read_text(encoding="utf-8"))
    contacts.write_text(json.dumps(seeded + [_contact(i) for i in range(300)]), encoding="utf-8")
    return target


# Batches of new plain contacts stored every two contacts, as loads store them, and seldom (one batch for the
# file: a duplicate meets its twin still in the batch).
BATCHES = [2, omnisend_fixtures._PlainBatch.SIZE, 10_000]


@pytest.mark.parametrize("batch", BATCHES)
def test_fast_and_general_paths_seed_the_same_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    batch: int) -> None:
    monkeypatch.setattr(omnisend_fixtures._PlainBatch, "SIZE", batch)
    folder = _folder(tmp_path)
    quick, general, taken = seed_both_ways(folder, omnisend_fixtures, monkeypatch)
    assert 200 < sum(taken) < 300  # most generated contacts took the shortcut, not all
    assert quick.keys() == general.keys()
    for tenant, snap in quick.items():
        assert snap == general[tenant], tenant


@pytest.mark.parametrize("batch", BATCHES)
def test_a_duplicate_email_fails_the_load_as_before(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    batch: int) -> None:
    monkeypatch.setattr(omnisend_fixtures._PlainBatch, "SIZE", batch)
    folder = _folder(tmp_path)
    contacts = folder / "omnisend" / "demo" / "contacts.json"
    seeded = json.loads(contacts.read_text(encoding="utf-8"))
    twin = _contact(0)
    twin["contactID"] = "f" * 24
    contacts.write_text(json.dumps([*seeded, twin]), encoding="utf-8")
    monkeypatch.setattr(fixtures, "_SEEDED", OrderedDict())
    with pytest.raises(fixtures.FixtureError) as caught:
        state(folder)
    assert caught.value.path == f"$[{len(seeded)}].identifiers"
    assert "already belongs" in caught.value.reason


@pytest.mark.parametrize("batch", BATCHES)
@pytest.mark.parametrize(("change", "path"), [
    ({"contactID": 5}, "contactID"), ({"contactID": ""}, "contactID"), ({"contactID": "f" * 24}, "contactID"),
    ({"createdAt": "yesterday"}, "createdAt"), ({"createdAt": 5}, "createdAt"),
])
def test_a_bad_fixture_field_fails_the_load_as_on_the_general_path(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: dict[str, Any], path: str, batch: int) -> None:
    monkeypatch.setattr(omnisend_fixtures._PlainBatch, "SIZE", batch)
    folder = _folder(tmp_path)
    contacts = folder / "omnisend" / "demo" / "contacts.json"
    seeded = json.loads(contacts.read_text(encoding="utf-8"))
    twin, bad = _contact(1000), {**_contact(1001), **change}  # plain: the shortcut's own checks see them first
    twin["contactID"] = "f" * 24
    contacts.write_text(json.dumps([*seeded, twin, bad]), encoding="utf-8")
    problems = []
    for shortcut in (omnisend_fixtures._create_plain, lambda *args: False):
        monkeypatch.setattr(omnisend_fixtures, "_create_plain", shortcut)
        monkeypatch.setattr(fixtures, "_SEEDED", OrderedDict())
        with pytest.raises(fixtures.FixtureError) as caught:
            state(folder)
        problems.append(caught.value.as_dict())
    assert problems[0] == problems[1]
    assert problems[0]["path"] == f"$[{len(seeded) + 1}].{path}"
