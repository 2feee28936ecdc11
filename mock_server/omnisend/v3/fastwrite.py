"""The write lane's ``POST /v3/contacts`` (mock_server.fastwrite): a plain contact, the view's backend call."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from mock_server.core.ratelimit import Decision, LimitRule
from mock_server.core.schema import EmailStr
from mock_server.core.store import TenantState
from mock_server.fastwrite import Answer, Lane, Write, keys_in_order, valid_datetime
from mock_server.omnisend import constants as C
from mock_server.omnisend.backend import Brand, contacts
from mock_server.omnisend.v3.schemas.contacts import ContactCreateSchema
from mock_server.omnisend.vendor import rate_rule

_EMAIL = EmailStr()
_STRINGS = ("firstName", "lastName", "country", "state", "city", "address", "postalCode")


def _order(names: Iterable[str]) -> dict[str, int]:
    return {name: i for i, name in enumerate(names)}


@dataclass(frozen=True)
class PlainContact:
    """A strict subset of a contact schema's input that the schema loads unchanged, key order included:
    plain string fields and email identifiers whose email channel has at most a known status and
    date-times. Conservative: False only means "ask the schema" (tests/test_fastwrite.py checks the two
    agree).

    ``fields``, ``identifier`` and ``channel`` give the schema's declaration order (a schema loads its
    fields in that order: a body in that order loads unchanged); ``*_required`` what must be present.
    """

    fields: dict[str, int]
    identifier: dict[str, int]
    channel: dict[str, int]
    identifier_required: frozenset[str]
    channel_required: frozenset[str]
    statuses: tuple[str, ...]

    def __call__(self, body: Any) -> bool:
        """Whether ``body`` is such a contact (at least one identifier)."""
        if not isinstance(body, dict) or not keys_in_order(body, self.fields):
            return False
        for key, value in body.items():
            if key in _STRINGS:
                if not isinstance(value, str):
                    return False
            elif key != "identifiers":
                return False
        identifiers = body.get("identifiers")
        return isinstance(identifiers, list) and bool(identifiers) and all(map(self._identifier, identifiers))

    def _identifier(self, ident: Any) -> bool:
        if not isinstance(ident, dict) or not keys_in_order(ident, self.identifier) \
                or not self.identifier_required <= ident.keys():
            return False
        if ident["type"] != "email" or not isinstance(ident["id"], str) or not _EMAIL._valid(ident["id"]):
            return False
        channels = ident.get("channels", {})
        if not isinstance(channels, dict) or channels.keys() - {"email"}:
            return False
        if "email" not in channels:  # v3 requires the channel of the identifier's type
            return "channels" not in self.identifier_required
        channel = channels["email"]
        if not isinstance(channel, dict) or not keys_in_order(channel, self.channel) \
                or not self.channel_required <= channel.keys():
            return False
        if "status" in channel and channel["status"] not in self.statuses:
            return False
        return all(valid_datetime(value) for key, value in channel.items() if key != "status")


plain_contact = PlainContact(
    _order(ContactCreateSchema().fields), _order(("type", "id", "channels")), _order(("status", "statusDate")),
    frozenset({"type", "id", "channels"}), frozenset(), C.CONTACT_STATUSES)


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
