"""The fixture loader's shortcut for new plain listings (ometria/fixtures.py ``_create_plain``) leaves an
account exactly as the general push path does: every stored listing and profile byte for byte, the
profile sequence, the outbox, every other tenant."""

from __future__ import annotations

import json
import shutil
from collections import OrderedDict
from pathlib import Path
from typing import Any

import pytest

from mock_server.core import fixtures
from mock_server.core.fixtures import default_fixtures_dir
from mock_server.ometria import fixtures as ometria_fixtures
from tests.fixture_paths import seed_both_ways, state

COLLECTIONS = ("default", "newsletter", "default", "loyalty", "optin:sms", "double_optin:sms")


def _listing(i: int) -> dict[str, Any]:
    record: dict[str, Any] = {
        "@type": "contact", "@collection": COLLECTIONS[i % 3], "id": f"fast-c{i}",
        "email": f"Fast{i}@Example.com", "firstname": f"F{i}", "lastname": f"L{i}", "country_id": "GB",
        "marketing_optin": ("EXPLICITLY_OPTEDIN", "NOT_SPECIFIED", "EXPLICITLY_OPTEDOUT")[i % 3],
        "timestamp_acquired": "2025-03-01T10:00:00+00:00", "properties": {"tier": "gold", "gone": None},
    }
    if i % 4 == 1:
        record["customer_id"] = f"fast-cust-{i}"
    if i % 5 == 2:
        del record["@type"]
    if i % 6 == 3:
        del record["@collection"]
    if i % 7 == 4:
        record["phone_number"] = f"+4477{i:08d}"
    if i % 8 == 5:
        record["middlename"] = None  # null: not stored
    if i % 9 == 6:
        record["nickname"] = "undeclared"  # stored as sent
    if i % 10 == 7:
        del record["email"]
        record["customer_id"] = f"fast-cust-{i}"
    if i % 11 == 8:  # an existing listing updated: the general path
        record["id"] = f"fast-c{i - 8}"
        record["@collection"] = COLLECTIONS[(i - 8) % 3]
        record.pop("@type", None)
    if i % 13 == 9:  # the email of an earlier listing (any case): joins its profile
        record["email"] = f"FAST{i - 9}@example.COM"
    if i % 17 == 10:  # the customer_id of an earlier listing: joins its profile
        record["customer_id"] = f"fast-cust-{i - 9}"
    if i % 19 == 11:  # an existing fixture customer's email
        record["email"] = "customer1@staging.example.com"
    if i % 23 == 12:  # not plain: the schema and the general path
        record["channels"] = {"sms": {"allow_marketing": True}}
    if i % 29 == 13:  # a control key: the general path
        record["@force_optin"] = True
    if i % 31 == 14:  # collections with effects: the general path
        record["@collection"] = COLLECTIONS[3 + i % 3]
    if i % 37 == 15:
        record["store_ids"] = ["s1"]
    return record


def _folder(tmp_path: Path) -> Path:
    target = tmp_path / "fixtures"
    shutil.copytree(default_fixtures_dir(), target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    for account in ("staging", "live"):
        contacts = target / "ometria" / account / "contacts.json"
        seeded = json.loads(contacts.read_text(encoding="utf-8"))
        contacts.write_text(json.dumps(seeded + [_listing(i) for i in range(300)]), encoding="utf-8")
    return target


@pytest.mark.parametrize("batch", [2, ometria_fixtures._PlainBatch.SIZE])
def test_fast_and_general_paths_seed_the_same_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    batch: int) -> None:
    monkeypatch.setattr(ometria_fixtures._PlainBatch, "SIZE", batch)  # stored every two listings, or seldom
    folder = _folder(tmp_path)
    quick, general, taken = seed_both_ways(folder, ometria_fixtures, monkeypatch)
    assert 300 < sum(taken) < len(taken) - 100  # most generated listings took the shortcut, not all
    assert quick.keys() == general.keys()
    for tenant, seeded in quick.items():
        assert seeded == general[tenant], tenant


def test_a_listing_without_identity_fails_the_load_as_before(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _folder(tmp_path)
    contacts = folder / "ometria" / "staging" / "contacts.json"
    seeded = json.loads(contacts.read_text(encoding="utf-8"))
    contacts.write_text(json.dumps([*seeded, {"id": "nobody", "firstname": "N"}]), encoding="utf-8")
    monkeypatch.setattr(fixtures, "_SEEDED", OrderedDict())
    with pytest.raises(fixtures.FixtureError) as caught:
        state(folder)
    assert caught.value.path == f"$[{len(seeded)}].email"
