"""The write lane's 2026 ``POST /api/contacts`` (mock_server.fastwrite): a plain contact with one email
identifier, upserted by the view's own function."""

from __future__ import annotations

from typing import Any

from mock_server.core.ratelimit import Decision, LimitRule
from mock_server.core.store import TenantState
from mock_server.fastwrite import Answer, Lane, Write
from mock_server.omnisend import constants as VC
from mock_server.omnisend.backend import Brand
from mock_server.omnisend.v3.fastwrite import PlainContact
from mock_server.omnisend.v2026 import constants as C
from mock_server.omnisend.v2026 import renames
from mock_server.omnisend.v2026.policy import rules_for
from mock_server.omnisend.v2026.routes.contacts import upsert
from mock_server.omnisend.v2026.schemas.contacts import V2026ContactRequestSchema

plain_contact = PlainContact(
    {name: i for i, name in enumerate(V2026ContactRequestSchema().fields)},
    {"type": 0, "id": 1, "channels": 2}, {"status": 0, "statusChangedAt": 1, "statusDate": 2},
    frozenset({"type", "id"}), frozenset({"status"}), C.CONTACT_STATUSES)
_SCHEMES = {C.API_KEY_SCHEME.lower(), C.BEARER_SCHEME.lower()}


class UpsertLane(Lane):
    """POST: update the contact owning the email (200), else create it (201); no rate-limit headers."""

    vendor_name = VC.VENDOR
    scope = "contacts.write"

    def eligible(self, environ: dict[str, Any]) -> bool:
        """The version this lane serves, named exactly (other values: the pipeline resolves or refuses)."""
        return bool(environ.get("HTTP_OMNISEND_VERSION") == C.VERSION)

    def credential(self, vendor: Any, environ: dict[str, Any]) -> str | None:
        """The token of ``Authorization: Bearer|Omnisend-API-Key <token>`` (policy.credential)."""
        scheme, _, token = str(environ.get("HTTP_AUTHORIZATION", "")).strip().partition(" ")
        token = token.strip()
        return token if token and scheme.lower() in _SCHEMES else None

    def accepts(self, body: Any) -> bool:
        """A plain contact with exactly one (email) identifier: it cannot be refused as taken."""
        return plain_contact(body) and len(body["identifiers"]) == 1

    def rate_rule(self, tenant: TenantState) -> LimitRule | None:
        """Unused: :meth:`count` counts every window of the group."""
        return None

    def count(self, write: Write, environ: dict[str, Any]) -> tuple[bool, Decision | None]:
        """Every window of the default group, or nothing when one is full (policy.count_request)."""
        refused = write.ctx.limiter.hit_all((VC.VENDOR, write.tenant.tenant_id),
                                            rules_for(write.tenant, C.RATE_DEFAULT))
        return refused is None, None  # refused: nothing counted, the pipeline refuses it the same way

    def run(self, write: Write, prepared: Any, request_id: str) -> Answer:
        """The view's upsert and rendering."""
        b = Brand(write.ctx, write.tenant)
        record, status = upsert(b, write.body, write.warn)
        return Answer(renames.contact(b, record), status)

    def api_version(self, path: str) -> str | None:
        """The version served."""
        return C.VERSION



