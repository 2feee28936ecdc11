"""The shortcut for plain contact listings agrees with ContactRecordSchema: whatever ``plain_listing``
accepts, the schema accepts too (so skipping it changes no answer), and it leaves the rest to the schema."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from mock_server.core import schema as S
from mock_server.core.errors import ValidationFailed
from mock_server.core.fixtures import default_fixtures_dir
from mock_server.ometria.schemas.contact import ContactRecordSchema, plain_listing

BASE: dict[str, Any] = {"id": "c-1", "email": "a@example.com", "firstname": "A", "lastname": "B",
                        "marketing_optin": "EXPLICITLY_OPTEDIN", "country_id": "GB", "customer_id": "cu-1",
                        "phone_number": "+447700900123", "gender": "f", "timezone": "Europe/London"}

CHANGES: list[tuple[str, Any]] = [
    ("id", None), ("id", ""), ("id", "a b"), ("id", 5), ("email", None), ("email", "no-at-sign"), ("email", 5),
    ("email", "a b@example.com"), ("firstname", 5), ("firstname", None), ("firstname", ""), ("lastname", []),
    ("marketing_optin", "YES"), ("marketing_optin", None), ("marketing_optin", True), ("gender", "x"),
    ("gender", "m"), ("customer_id", "a\tb"), ("customer_id", ""), ("customer_id", 7), ("customer_id", None),
    ("phone_number", "07700900123"), ("phone_number", "+447700900123\n"), ("phone_number", 447700900123),
    ("phone_number", None), ("country_id", 44), ("timezone", {}), ("prefix", "Dr"), ("middlename", "Q"),
    ("date_of_birth", "2000-01-01"), ("date_of_birth", "yesterday"), ("store_ids", ["s1"]),
    ("store_ids", [""]), ("timestamp_acquired", "2024-01-01T00:00:00Z"), ("timestamp_subscribed", "nope"),
    ("properties", {"a": 1}), ("properties", []), ("channels", {"sms": {"allow_marketing": True}}),
    ("channels", {"sms": {"allow_marketing": "yes"}}), ("unknown_field", {"anything": [1, None]}),
    ("timestamp_unsubscribed", None),
]


def _variants() -> list[dict[str, Any]]:
    out = [copy.deepcopy(BASE)]
    for key, value in CHANGES:
        out.append({**copy.deepcopy(BASE), key: value})
    without_id = copy.deepcopy(BASE)
    del without_id["id"]
    out.append(without_id)
    for folder in sorted((default_fixtures_dir() / "ometria").iterdir()):
        listings = folder / "contacts.json"
        if listings.is_file():
            for listing in json.loads(listings.read_text(encoding="utf-8")):
                out.append({k: v for k, v in listing.items() if not k.startswith("@")})
    return out


def _schema_accepts(fields: dict[str, Any]) -> bool:
    try:
        S.load(ContactRecordSchema(), copy.deepcopy(fields))
    except ValidationFailed:
        return False
    return True


@pytest.mark.parametrize("fields", _variants())
def test_what_the_shortcut_accepts_the_schema_accepts(fields: dict[str, Any]) -> None:
    if plain_listing(fields):
        assert _schema_accepts(fields)


def test_the_shortcut_takes_plain_listings_and_leaves_the_rest_to_the_schema() -> None:
    variants = _variants()
    taken = [fields for fields in variants if plain_listing(fields)]
    assert BASE in taken
    assert len(taken) > len(variants) // 2
    # A generated benchmark listing (bench/fixtureset.py) takes it.
    assert plain_listing({"id": "bench-c7", "email": "user7@bench.example.org", "firstname": "First7",
                          "lastname": "Last7", "marketing_optin": "NOT_SPECIFIED", "country_id": "GB"})
    for key, value in [("id", ""), ("email", "no-at-sign"), ("phone_number", "07700900123"),
                       ("date_of_birth", "2000-13-01"), ("timestamp_subscribed", "nope"), ("properties", []),
                       ("gender", "x"), ("store_ids", ["s1"]), ("channels", {})]:
        assert not plain_listing({**BASE, key: value})
        if key not in ("store_ids", "channels"):
            assert not _schema_accepts({**BASE, key: value})
