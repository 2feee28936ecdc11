"""Whether a brand may send (§2.2, §5.9, §5.10): payment (402), email sending disabled, verified sender
domains and suppressed test recipients (409), for campaign sends and the campaign and automation-block test emails.

The reference names these answers but not what drives them; the sandbox reads them from the brand's
``tenant.json`` ``settings`` (mock decision):

- ``sendingPaid`` (default true): false means the plan does not pay for sending, so every send and test
  email answers 402.
- ``emailSendingEnabled`` (default true): false means the brand's email sending is disabled, so an email
  send and both test emails answer 409.
- ``verifiedSenderDomains`` (default absent: every domain counts as verified): a ``senderEmail`` on any
  other domain makes a send or test email answer 409. An omitted ``senderEmail`` uses the brand's own
  sender, which is verified.
- Suppressed recipients are the brand's contacts whose email status is ``unsubscribed``: a test email
  skips them, and answers 409 when every recipient is suppressed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mock_server.omnisend.backend import Brand
from mock_server.omnisend.backend import contacts as contact_rules
from mock_server.omnisend.backend.problems import Conflict, PaymentRequired

SUPPRESSED_STATUS = "unsubscribed"


def _settings(brand: Brand) -> dict[str, Any]:
    settings = brand.config.get("settings")
    return settings if isinstance(settings, dict) else {}


def check_paid(brand: Brand, message: str) -> None:
    """402 with ``message`` unless the brand's plan pays for sending."""
    if _settings(brand).get("sendingPaid", True) is False:
        raise PaymentRequired(message)


def sender_verified(brand: Brand, sender_email: Any) -> bool:
    """Whether ``sender_email`` is on one of the brand's verified domains (always, without the setting)."""
    domains = _settings(brand).get("verifiedSenderDomains")
    if not isinstance(domains, list) or not isinstance(sender_email, str) or not sender_email:
        return True
    domain = sender_email.rpartition("@")[2].lower()
    return domain in {str(d).lower() for d in domains}


def check_email_sending(brand: Brand, sender_emails: Iterable[Any], message: str) -> None:
    """409 with ``message`` when the brand's email sending is disabled or a sender's domain is unverified."""
    if _settings(brand).get("emailSendingEnabled", True) is False \
            or not all(sender_verified(brand, sender) for sender in sender_emails):
        raise Conflict(message)


def deliverable(brand: Brand, addresses: list[str], message: str) -> list[str]:
    """The test recipients that are not suppressed, in order; 409 with ``message`` when none is left."""
    kept = []
    for address in addresses:
        found = contact_rules.find_by_email(brand, address)
        contact = brand.col("contacts").peek(found) if found else None
        if contact is None or contact_rules.email_status(contact) != SUPPRESSED_STATUS:
            kept.append(address)
    if not kept:
        raise Conflict(message)
    return kept
