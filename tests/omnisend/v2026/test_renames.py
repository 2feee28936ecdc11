"""The 2026 contact answer built member by member is the answer built whole and compacted (issue 14)."""

from __future__ import annotations

from typing import Any

import pytest

from mock_server.core.context import MockContext
from mock_server.omnisend.backend import Brand
from mock_server.omnisend.backend import contacts as rules
from mock_server.omnisend.v2026 import renames
from mock_server.omnisend.v2026.common import compact
from tests.conftest import BRAND_ID

Record = dict[str, Any]


def _whole(brand: Brand, record: Record) -> Record:
    """The answer as renames.contact built it before: every member, then compact over the whole."""
    identifiers = []
    for ident in record.get("identifiers", []):
        channels = {name: {"status": chan.get("status"), "statusChangedAt": chan.get("statusDate")}
                    for name, chan in ident.get("channels", {}).items()}
        identifiers.append({"id": ident["id"], "type": ident["type"], "channels": channels})
    out: Record = {"id": record["contactID"], "email": rules.email_of(record), "phone": rules.phones_of(record)}
    for name in renames.PLAIN:
        out[name] = record.get(name) or None
    out["tags"] = list(record.get("tags") or [])
    out["customProperties"] = record.get("customProperties") or {}
    out["identifiers"] = identifiers
    out["status"] = rules.email_status(record) or None
    out["statuses"] = [{"channel": s["channel"], "status": s["status"], "statusChangedAt": s.get("date")}
                       for s in record.get("statuses", [])]
    out["optIns"] = [{"channel": o["channel"], "optInAt": o.get("date")} for o in record.get("optIns", [])]
    out["consents"] = list(record.get("consents") or [])
    out["segments"] = rules.segments_of(brand, record)
    out["createdAt"] = record["createdAt"]
    out["updatedAt"] = rules.updated_at(record)
    return compact(out)  # type: ignore[no-any-return]


WHEN = "2024-01-02T00:00:00Z"
BASE: Record = {"contactID": "c1", "createdAt": "2024-01-01T00:00:00Z",
                "identifiers": [{"type": "email", "id": "a@example.com",
                                 "channels": {"email": {"status": "subscribed", "statusDate": WHEN}}}],
                "statuses": [{"channel": "email", "status": "subscribed", "date": "2024-01-02T00:00:00Z"}],
                "optIns": [{"channel": "email", "date": "2024-01-02T00:00:00Z"}]}


@pytest.mark.parametrize("changes", [
    {},
    {"firstName": "Ann", "lastName": "", "birthdate": "1990-01-01", "tags": ["vip", None, {"a": None}],
     "customProperties": {"loyaltyPoints": 120, "nested": {"x": None, "y": [None, {"z": None}]}},
     "consents": [{"source": "form", "ip": None, "channel": "email"}], "updatedAt": "2024-02-01T00:00:00Z"},
    {"identifiers": [{"type": "email", "id": "a@example.com", "channels": {"email": {"status": "subscribed"}}},
                     {"type": "phone", "id": "+15550100", "channels": {"sms": {"status": None, "statusDate": None}}}],
     "statuses": [{"channel": "email", "status": "subscribed"}, {"channel": "sms", "status": None, "date": 5}],
     "optIns": [{"channel": "sms"}, {"channel": "email", "date": {"when": None}}]},
    {"identifiers": [{"type": "phone", "id": "+15550101", "channels": {}}], "statuses": [], "optIns": [],
     "tags": [], "customProperties": None, "consents": None, "gender": "f", "country": None},
    {"identifiers": [], "city": ["odd", None], "state": {"odd": None}},
])
def test_contact_answer_is_the_compacted_whole(mock: MockContext, changes: Record) -> None:
    tenant = mock.tenant("omnisend", BRAND_ID)
    assert tenant is not None
    brand = Brand(mock, tenant)
    record = {**BASE, **changes}
    answer = renames.contact(brand, record)
    expected = _whole(brand, record)
    assert answer == expected
    assert list(answer) == list(expected)  # the same key order, member by member
    assert repr(answer) == repr(expected)
