"""The write lane's ``POST /v3/contacts`` (mock_server.fastwrite): a plain contact, the view's backend call."""

from __future__ import annotations

from typing import Any

from mock_server.core.ratelimit import Decision, LimitRule
from mock_server.core.schema import EmailStr
from mock_server.core.store import TenantState
from mock_server.fastwrite import Answer, Lane, Write, keys_in_order, valid_datetime
from mock_server.omnisend import constants as C
from mock_server.omnisend.backend import Brand, contacts
from mock_server.omnisend.v3.schemas.contacts import ContactCreateSchema
from mock_server.omnisend.vendor import rate_rule

# Declaration order of the schema's fields (a body in this order loads unchanged).
_ORDER = {name: i for i, name in enumerate(ContactCreateSchema().fields)}
_IDENTIFIER_ORDER = {"type": 0, "id": 1, "channels": 2}
_CHANNEL_ORDER = {"status": 0, "statusDate": 1}
_STRINGS = frozenset({"firstName", "lastName", "country", "state", "city", "address", "postalCode"})
_EMAIL = EmailStr()


def plain_contact(body: Any) -> bool:
    """Whether ContactCreateSchema accepts ``body`` and loads it unchanged, key order included: plain
    string fields and email identifiers whose channel has at most a known status and a date-time.

    Conservative: False only means "ask the schema" (tests/test_fastwrite.py checks the two agree).
    """
    if not isinstance(body, dict) or not keys_in_order(body, _ORDER):
        return False
    for key, value in body.items():
        if key in _STRINGS:
            if not isinstance(value, str):
                return False
        elif key != "identifiers":
            return False
    identifiers = body.get("identifiers")
    if not isinstance(identifiers, list) or not identifiers:
        return False
    for ident in identifiers:
        if not isinstance(ident, dict) or len(ident) != 3 or not keys_in_order(ident, _IDENTIFIER_ORDER):
            return False
        if ident["type"] != "email" or not isinstance(ident["id"], str) or not _EMAIL._valid(ident["id"]):
            return False
        channels = ident["channels"]
        if not isinstance(channels, dict) or channels.keys() != {"email"}:
            return False
        channel = channels["email"]
        if not isinstance(channel, dict) or not keys_in_order(channel, _CHANNEL_ORDER):
            return False
        if "status" in channel and channel["status"] not in C.CONTACT_STATUSES:
            return False
        if "statusDate" in channel and not valid_datetime(channel["statusDate"]):
            return False
    return True


class ContactLane(Lane):
    """v3 POST: a known email answers the stored contact, else the contact is created (the view's call)."""

    vendor_name = C.VENDOR
    scope = "contacts.write"

    def accepts(self, body: Any) -> bool:
        """A plain contact."""
        return plain_contact(body)

    def rate_rule(self, tenant: TenantState) -> LimitRule | None:
        """The brand's one window."""
        return rate_rule(tenant)

    def run(self, write: Write, prepared: Any, request_id: str) -> Answer:
        """``contacts.post_v3``, as the view calls it."""
        return Answer(contacts.post_v3(Brand(write.ctx, write.tenant), write.body, write.warn))

    def decorate(self, write: Write, decision: Decision | None) -> list[tuple[str, str]]:
        """The three rate-limit headers (Omnisend.after_request)."""
        return [] if decision is None else write.vendor.rate_headers(decision)

    def api_version(self, path: str) -> str | None:
        """``v3``."""
        return "v3"
