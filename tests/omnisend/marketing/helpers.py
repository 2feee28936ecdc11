"""Shared helpers of the marketing backend tests: the demo brand, contacts and events made in the test."""

from __future__ import annotations

from typing import Any

from mock_server.core.context import MockContext
from mock_server.omnisend.backend import Brand
from mock_server.omnisend.backend import contacts as contact_rules
from mock_server.omnisend.backend.events import accept_v5_event
from tests.conftest import BRAND_ID


def brand_of(mock: MockContext) -> Brand:
    """The demo brand."""
    tenant = mock.tenant("omnisend", BRAND_ID)
    assert tenant is not None
    return Brand(mock, tenant)


def empty_brand(mock: MockContext) -> Brand:
    """The demo brand without its seeded contacts, events and marketing records."""
    brand = brand_of(mock)
    for name in ("contacts", "eventLog", "apiSegments", "automations", "automationRuns", "apiCampaigns", "images",
                 "imageFiles", "emailTemplates", "emailContent", "emailLayouts", "forms"):
        brand.tenant.collections[name] = brand.tenant.empty_collection(name)
    brand.config["segments"] = []
    brand.tenant.extra["outbox"] = []
    return brand


def contact(brand: Brand, email: str, status: str = "subscribed", **fields: Any) -> str:
    """Create a contact with an email identifier; return its id."""
    record = contact_rules.create(brand, {"identifiers": [{"type": "email", "id": email,
                                                            "channels": {"email": {"status": status}}}], **fields})
    assert record is not None
    return str(record["contactID"])


def event(brand: Brand, email: str, name: str, properties: dict[str, Any] | None = None,
          event_time: str | None = None) -> dict[str, Any]:
    """Send one v5 event through the same path as POST /v5/events."""
    data: dict[str, Any] = {"eventName": name, "origin": "api", "contact": {"email": email},
                            "properties": properties or {}}
    if event_time:
        data["eventTime"] = event_time
    entry = accept_v5_event(brand, data, lambda path, message: None)
    assert entry is not None
    return entry


def outbox(brand: Brand, kind: str | None = None) -> list[dict[str, Any]]:
    """The brand's outbox entries (of one kind)."""
    entries: list[dict[str, Any]] = brand.tenant.extra.get("outbox", [])
    return [e for e in entries if kind is None or e.get("kind") == kind]
