"""The fixture loader's shortcut for plain contacts agrees with ContactCreateSchema: whatever
``plain_create`` accepts, the schema accepts and loads unchanged."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from mock_server.core import schema as S
from mock_server.core.errors import ValidationFailed
from mock_server.core.fixtures import default_fixtures_dir
from mock_server.omnisend.v3.schemas.contacts import ContactCreateSchema, plain_create

BASE: dict[str, Any] = {
    "identifiers": [{"type": "email", "id": "a@example.com", "channels": {"email": {"status": "subscribed"}}}],
    "firstName": "A", "lastName": "B", "tags": ["x", "y z"],
}


def _variants() -> list[Any]:
    out: list[Any] = [copy.deepcopy(BASE)]
    changes: list[tuple[tuple[Any, ...], Any]] = [
        (("firstName",), 5), (("firstName",), None), (("tags",), ["ok", "bad!"]), (("tags",), "x"),
        (("tags",), ["t"] * 101), (("tags",), ["t\n"]), (("tags",), []), (("gender",), "f"), (("gender",), "x"),
        (("countryCode",), "LTU"), (("birthdate",), "2000-01-01"), (("unknown",), 1), (("identifiers",), []),
        (("identifiers", 0, "type"), "phone"), (("identifiers", 0, "id"), "no-at-sign"),
        (("identifiers", 0, "id"), "a b@example.com"), (("identifiers", 0, "channels"), {}),
        (("identifiers", 0, "channels", "email", "status"), "maybe"),
        (("identifiers", 0, "channels", "email", "status"), None), (("identifiers", 0, "channels", "email"), {}),
        (("identifiers", 0, "channels", "email"), {"other": "subscribed"}),
        (("identifiers", 0, "channels", "email"), {"status": "subscribed", "other": 1}),
        (("identifiers", 0, "channels", "email", "statusDate"), "2024-01-01T00:00:00Z"),
        (("identifiers", 0, "channels", "sms"), {"status": "subscribed"}),
        (("identifiers", 0, "consent"), {"source": "x"}), (("customProperties",), {"a": 1}),
    ]
    for path, value in changes:
        variant = copy.deepcopy(BASE)
        target = variant
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
        out.append(variant)
    for contact in json.loads((default_fixtures_dir() / "omnisend" / "demo" / "contacts.json").read_text()):
        contact.pop("contactID", None)
        contact.pop("createdAt", None)
        out.append(contact)
    return out


@pytest.mark.parametrize("data", _variants())
def test_plain_contacts_load_unchanged_through_the_schema(data: Any) -> None:
    if not plain_create(data):
        return  # the loader asks the schema, as before
    assert S.load(ContactCreateSchema(), copy.deepcopy(data)) == data


def test_the_shortcut_takes_plain_contacts_and_leaves_the_rest_to_the_schema() -> None:
    assert plain_create(copy.deepcopy(BASE))
    refused = copy.deepcopy(BASE)
    refused["identifiers"][0]["id"] = "no-at-sign"
    assert not plain_create(refused)
    with pytest.raises(ValidationFailed):
        S.load(ContactCreateSchema(), refused)


def test_the_fixture_keys_are_left_to_the_seeder() -> None:
    seeded = {**copy.deepcopy(BASE), "contactID": "a" * 24, "createdAt": "2024-01-01T00:00:00Z"}
    assert not plain_create(seeded)  # the API has no such fields
    assert plain_create(seeded, frozenset({"contactID", "createdAt"}))
    assert not plain_create({**seeded, "other": 1}, frozenset({"contactID", "createdAt"}))
