"""Seeding an account from its fixture document (tenant.json + one file per resource)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import RAISE

from mock_server.core import schema as S
from mock_server.core.context import MockContext
from mock_server.core.fixtures import api_key_schema, load_tenant_config, seed_resources
from mock_server.core.store import TenantState
from mock_server.ometria import constants as C
from mock_server.ometria.backend import (
    COLLECTIONS,
    Account,
    custom_events,
    orders,
    products,
    register_seeder,
    seeders,
)
from mock_server.ometria.backend import contacts as contact_rules
from mock_server.ometria.backend.records import CONTACTS, seed_record
from mock_server.ometria.schemas import Id

ApiKeySchema = api_key_schema(S.one_of(C.SCOPES))


class GroupLimitSchema(S.BaseSchema):
    """Override of one rate-limit group (§1.4)."""

    class Meta:
        unknown = RAISE

    limit = S.Int(validate=S.at_least(1))
    window = S.Num(validate=S.at_least(0.001))
    bucket = S.Str()
    enabled = S.Bool()


class RateLimitsSchema(S.BaseSchema):
    """``rateLimits``: one entry per group."""

    class Meta:
        unknown = RAISE

    data = S.Nested(GroupLimitSchema)
    push = S.Nested(GroupLimitSchema)
    transactional = S.Nested(GroupLimitSchema)
    gdpr = S.Nested(GroupLimitSchema)
    merge = S.Nested(GroupLimitSchema)


class AccountSchema(S.BaseSchema):
    """``tenant.json`` of an account."""

    class Meta:
        unknown = RAISE

    id = Id(required=True, allow_none=False)
    name = S.Str()
    environment = S.Str()
    apiKeys = S.List(S.Nested(ApiKeySchema), required=True, validate=S.length(1, None, items=True))
    rateLimits = S.Nested(RateLimitsSchema)
    queueCap = S.Int(validate=S.at_least(0))
    sender = S.Obj()
    customEventTriggers = S.List(S.Str())
    settings = S.Obj()
    # Optional hash naming the account in tag URLs, like the vendor's 16-hex tag hashes (tracking.md §1).
    tagHash = S.Str(validate=S.matches(r"^[0-9a-f]{16}$"))


def _seed_contact(account: Account, record: dict[str, Any]) -> None:
    """A contact listing, exactly as it would be pushed (``@type`` optional)."""
    seed_record(CONTACTS, account, record)


register_seeder("contacts", _seed_contact, order=10)
# Importing a resource module registers its seeder and its push processor.
RESOURCE_MODULES = (contact_rules, custom_events, orders, products)


def seed_account(ctx: MockContext, document: Mapping[str, Any], origin: str) -> TenantState:
    """Validate ``tenant.json`` and every resource file, building a fresh account."""
    config = load_tenant_config(AccountSchema(), document, origin)
    state = TenantState(C.VENDOR, config["id"], config, ctx.ids.derive(f"ometria:{config['id']}"), COLLECTIONS)
    seed_resources(document, origin, seeders(), Account(ctx, state))
    return state
