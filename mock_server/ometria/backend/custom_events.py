"""Custom events: the account's event log and campaign triggers (ometria.md §5.4, §6.11).

No v2 endpoint reads events; the control plane shows the log through :func:`event_log`.
"""

from __future__ import annotations

from typing import Any

from mock_server.core import schema as S
from mock_server.core.store import Record, clone
from mock_server.ometria import constants as C
from mock_server.ometria.backend import META, Account, profiles, register_seeder, register_write_hook
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
            # The resolved profile, else the identity as sent (§6.11).
            "profile_id": stored[META].get("profile") or stored.get("profile_id"),
            "identity_email": stored.get("identity_email"), "timestamp": stored.get("timestamp"),
        })


def resolve_profile(account: Account, stored: Record) -> str | None:
    """§6.11: the profile of ``profile_id`` (an alias answers with its survivor), else the one owning
    ``identity_account_id`` (a listing's ``customer_id``), else ``identity_email``; None when none does."""
    if isinstance(stored.get("profile_id"), str):
        found = profiles.resolve(account, stored["profile_id"])
        if found is not None:
            return found
    for field, kind in (("identity_account_id", "customer_id"), ("identity_email", "email")):
        value = stored.get(field)
        if isinstance(value, str) and value:
            owners = profiles.find_owners(account, kind, value)
            if owners:
                return owners[0]
    return None


def _on_event_write(account: Account, resource: str, stored: Record) -> None:
    """Keep the resolved profile in the event's bookkeeping, as listings and orders do."""
    stored[META]["profile"] = resolve_profile(account, stored)


register_write_hook("custom_events", _on_event_write)

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
