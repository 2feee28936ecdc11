"""Custom events: the account's event log and campaign triggers (ometria.md §5.4, §6.11).

No v2 endpoint reads events; the control plane shows the log through :func:`event_log`.
"""

from __future__ import annotations

from typing import Any

from mock_server.core import schema as S
from mock_server.core.store import Record, clone
from mock_server.ometria import constants as C
from mock_server.ometria.backend import META, Account, register_seeder
from mock_server.ometria.backend.records import KeyedResource, Problems
from mock_server.ometria.schemas.custom_event import CustomEventRecordSchema

IDENTITY_FIELDS = ("identity_email", "identity_account_id", "profile_id")


class CustomEvents(KeyedResource):
    """The ``custom_event`` record type, stored in the collection ``custom_events``."""

    def check(self, account: Account, record: dict[str, Any], creating: bool) -> Problems:
        """On create: ``event_type`` and at least one identity (mock decision) are required."""
        problems = super().check(account, record, creating)
        if creating and not any(record.get(name) is not None for name in IDENTITY_FIELDS):
            problems.append(((IDENTITY_FIELDS[0],), S.REQUIRED))
        return problems

    def prepare(self, account: Account, fields: dict[str, Any], meta: dict[str, Any], creating: bool) -> None:
        """Truncate a long ``event_type`` (with a warning kept on the event); default the timestamp."""
        event_type = fields.get("event_type")
        if isinstance(event_type, str) and len(event_type) > C.EVENT_TYPE_MAX:
            fields["event_type"] = event_type[:C.EVENT_TYPE_MAX]
            message = C.WARN_EVENT_TYPE_TRUNCATED.format(id=meta["id"])
            account.warn("root > event_type", message)
            # Queued records have no response to carry X-Mock-Warnings: the event keeps the remark.
            meta["warnings"] = [f"root > event_type: {message}"]
        if creating and fields.get("timestamp") is None:
            fields["timestamp"] = account.now()

    def after_write(self, account: Account, stored: Record, created: bool) -> None:
        """A configured campaign-trigger event type appends an outbox entry (§6.11)."""
        triggers = account.tenant.config.get("customEventTriggers") or ()
        if stored.get("event_type") not in triggers:
            return
        account.outbox({
            "kind": C.OUTBOX_CAMPAIGN_TRIGGER, "account": account.account_id,
            "event_type": stored.get("event_type"), "event_id": stored[META]["id"],
            # The profiles module's write hook may resolve the profile into the bookkeeping.
            "profile_id": stored[META].get("profile_id") or stored.get("profile_id"),
            "identity_email": stored.get("identity_email"), "timestamp": stored.get("timestamp"),
        })


EVENTS = CustomEvents("custom_event", "custom_events", CustomEventRecordSchema(), "", ("event_type",))
register_seeder("custom_events", EVENTS.seed, order=40)


def event_log(account: Account) -> list[Record]:
    """Every stored event, oldest first, with the remarks of its last write under ``@warnings``."""
    found = account.tenant.find_collection(EVENTS.collection)
    if found is None:
        return []
    out = []
    for stored in found.values():
        copy = clone(stored)
        item = EVENTS.render(copy)
        warnings = copy[META].get("warnings")
        if warnings:
            item["@warnings"] = warnings
        out.append(item)
    return out
