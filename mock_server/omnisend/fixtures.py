"""Seeding a brand from its fixture document (tenant.json + one file per resource)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import RAISE

from mock_server.core import schema as S
from mock_server.core.clock import parse_datetime
from mock_server.core.context import MockContext
from mock_server.core.errors import ValidationFailed
from mock_server.core.fixtures import api_key_schema, load_tenant_config, seed_resources
from mock_server.core.store import TenantState
from mock_server.omnisend import constants as C
from mock_server.omnisend.backend import (
    COLLECTIONS,
    Brand,
    marketing,  # noqa: F401 - registers the 2026 marketing resources
    register_seeder,
    seeders,
)
from mock_server.omnisend.backend import contacts as contact_rules
from mock_server.omnisend.backend import segments as segment_rules
from mock_server.omnisend.v3.schemas.contacts import ContactCreateSchema, plain_create
from mock_server.omnisend.v2026.constants import RATE_GROUPS

SCOPE_PATTERN = r"^(" + "|".join(C.SCOPE_AREAS) + r")\.(read|write)$"


ApiKeySchema = api_key_schema(S.matches(SCOPE_PATTERN, "invalid scope"))


class RateLimitSchema(S.BaseSchema):
    """Per-brand override of the rate limit (§1.4)."""

    class Meta:
        unknown = RAISE

    limit = S.Int(validate=S.at_least(1))
    window = S.Num(validate=S.at_least(1))
    enabled = S.Bool()


class BrandSchema(S.BaseSchema):
    """``tenant.json`` of a brand (§1.3, §5.11)."""

    class Meta:
        unknown = RAISE

    brandID = S.Str(required=True, validate=S.matches(r"^[0-9a-f]{24}$", "must be 24 lowercase hex characters"))
    name = S.Str()
    website = S.Str()
    platform = S.Str()
    version = S.Str()
    currency = S.Str(validate=S.length(3, 3))
    timezone = S.Str()
    connected = S.Bool()
    createdAt = S.DateTimeStr()
    updatedAt = S.DateTimeStr()
    apiKeys = S.List(S.Nested(ApiKeySchema), required=True, validate=S.length(1, None, items=True))
    rateLimit = S.Nested(RateLimitSchema)
    # Version 2026-03-15 (/api): budgets per endpoint group, as /_mock/limits sets them.
    rateLimits = S.Map(keys=S.Str(validate=S.one_of(tuple(RATE_GROUPS))), values=S.Nested(RateLimitSchema))
    workflows = S.List(S.Str())
    segments = S.List(S.Obj())
    settings = S.Obj()


_contact_schema = ContactCreateSchema()
_created_at_schema = S.BaseSchema.from_dict({"createdAt": S.DateTimeStr()})()


def _seed_contact(brand: Brand, record: dict[str, Any]) -> None:
    """A contact: the API input plus fixture-only ``contactID`` and ``createdAt`` (creation time)."""
    data = dict(record)
    contact_id = data.pop("contactID", None)
    created_at = data.pop("createdAt", None)
    if contact_id is not None and (not isinstance(contact_id, str) or not contact_id):
        raise ValidationFailed([(("contactID",), "invalid type, expected string")])
    if contact_id is not None and contact_id in brand.col("contacts"):
        raise ValidationFailed([(("contactID",), f"duplicate contactID {contact_id!r}")])
    if created_at is not None and not (isinstance(created_at, str) and parse_datetime(created_at) is not None):
        S.load(_created_at_schema, {"createdAt": created_at})  # raises the schema's own error
    plain = plain_create(data)
    if plain and _create_plain(brand, data, contact_id, created_at):
        return
    loaded = data if plain else S.load(_contact_schema, data)
    if contact_rules.create(brand, loaded, contact_id=contact_id, created_at=created_at) is None:
        raise ValidationFailed([(("identifiers",), "every identifier already belongs to another contact")])


def _create_plain(brand: Brand, data: dict[str, Any], contact_id: str | None, created_at: str | None) -> bool:
    """``contacts.create`` of a plain contact (``plain_create``) with one email identifier nobody owns yet:
    the same stored record, built in one go; False (nothing done) for any other contact.

    Seeding a million contacts spent most of its time in the general create path (one function per
    identifier, channel and field). tests/omnisend/test_fixture_fast_path.py checks that a brand seeded
    here and one seeded through ``contacts.create`` hold the same state.
    """
    identifiers = data["identifiers"]
    if len(identifiers) != 1:
        return False
    email = identifiers[0]["id"]
    contacts = brand.col("contacts")
    if contacts.find("email", email):
        return False  # the general path warns and refuses
    status = identifiers[0]["channels"]["email"].get("status", "subscribed")
    record: dict[str, Any] = {"contactID": contact_id or brand.new_id(), "createdAt": created_at or brand.now()}
    now = brand.now()
    # The same objects where the general path shares one (the stored pickle refers back to them).
    record["identifiers"] = [{"type": identifiers[0]["type"], "id": email,
                              "channels": {"email": {"status": status, "statusDate": now}}}]
    record["statuses"] = [{"channel": "email", "status": status, "date": now}]
    record["optIns"] = [{"channel": "email", "date": now}] if status == "subscribed" else []
    for name in contact_rules.PLAIN_FIELDS:
        if name in data:
            record[name] = data[name]
    if "tags" in data:
        record["tags"] = list(data["tags"])
    record["updatedAt"] = brand.now()
    contacts.insert(record["contactID"], record)
    contact_rules.changed(brand, record, "")
    return True


register_seeder("contacts", _seed_contact, order=10)


def seed_brand(ctx: MockContext, document: Mapping[str, Any], origin: str) -> TenantState:
    """Validate ``tenant.json`` and every resource file, building a fresh brand."""
    config = load_tenant_config(BrandSchema(), document, origin,
                                lambda conf: segment_rules.validate_definitions(conf.get("segments")))
    state = TenantState(C.VENDOR, config["brandID"], config, ctx.ids.derive(f"omnisend:{config['brandID']}"),
                        COLLECTIONS)
    state.config.setdefault("workflows", list(C.DEFAULT_WORKFLOWS))
    seed_resources(document, origin, seeders(), Brand(ctx, state))
    return state
