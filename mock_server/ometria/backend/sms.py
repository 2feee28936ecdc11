"""The special SMS collections of contact records (ometria.md §5.1, §6.2)."""

from __future__ import annotations

from typing import Any

from mock_server.ometria import constants as C
from mock_server.ometria.backend import META, Account

# The collections :func:`collection_effects` acts on (a write elsewhere skips the call).
SMS_COLLECTIONS = frozenset((C.COLLECTION_SMS_OPTIN, C.COLLECTION_SMS_DOUBLE_OPTIN))


def collection_effects(account: Account, collection: str, stored: dict[str, Any]) -> None:
    """Apply what writing a listing into ``optin:sms`` / ``double_optin:sms`` means.

    ``optin:sms`` starts the SMS double opt-in: one outbox entry per write (the mock sends nothing).
    ``double_optin:sms`` marks a legacy double opt-in: ``channels.sms.allow_marketing`` becomes true,
    with no outbox entry (mock decision).
    """
    if collection == C.COLLECTION_SMS_OPTIN:
        account.outbox({"kind": C.OUTBOX_SMS_DOUBLE_OPTIN, "account": account.account_id,
                        "phone_number": stored.get("phone_number"), "contact_id": stored[META]["id"]})
    elif collection == C.COLLECTION_SMS_DOUBLE_OPTIN:
        channels = stored.get("channels")
        if not isinstance(channels, dict):
            channels = stored["channels"] = {}
        sms = channels.get("sms")
        if not isinstance(sms, dict):
            sms = channels["sms"] = {}
        sms["allow_marketing"] = True
