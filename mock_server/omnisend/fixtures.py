"""Seeding a brand from its fixture document (tenant.json + one file per resource)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import RAISE

from mock_server.core import schema as S
from mock_server.core.clock import parse_datetime, sort_time_of
from mock_server.core.context import MockContext
from mock_server.core.errors import ValidationFailed
from mock_server.core.fixtures import api_key_schema, load_tenant_config, seed_resources
from mock_server.core.store import TenantState
from mock_server.omnisend import constants as C
from mock_server.omnisend.backend import (
    COLLECTIONS,
    Brand,
    automation_runs,
    automations,
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
    if _create_plain(brand, record):
        return
    if isinstance(brand, _SeedingBrand):
        brand.plain.flush(brand)  # the general path sees every contact before this one
    data = dict(record)
    contact_id = data.pop("contactID", None)
    created_at = data.pop("createdAt", None)
    if contact_id is not None and (not isinstance(contact_id, str) or not contact_id):
        raise ValidationFailed([(("contactID",), "invalid type, expected string")])
    if contact_id is not None and contact_id in brand.col("contacts"):
        raise ValidationFailed([(("contactID",), f"duplicate contactID {contact_id!r}")])
    if created_at is not None and not (isinstance(created_at, str) and parse_datetime(created_at) is not None):
        S.load(_created_at_schema, {"createdAt": created_at})  # raises the schema's own error
    loaded = data if plain_create(data) else S.load(_contact_schema, data)
    if contact_rules.create(brand, loaded, contact_id=contact_id, created_at=created_at) is None:
        raise ValidationFailed([(("identifiers",), "every identifier already belongs to another contact")])


# The fixture-only keys of a contact record (checked by the seeder itself).
_FIXTURE_KEYS = frozenset({"contactID", "createdAt"})
_PLAIN_FIELDS = contact_rules.PLAIN_FIELDS


class _PlainBatch:
    """New plain contacts :func:`_create_plain` built, not stored yet: stored together
    (``Collection.insert_many``, in the order they came, then the contact change hooks of each, in that
    order) when the batch is full, before any record takes the general path, and at the end of the file
    (:meth:`_SeedingBrand.finish_seeding`). Until then the batch answers for them: a record naming a
    ``contactID`` or an email it holds flushes it and takes the general path (which refuses it), as it
    would with each stored at once.

    Only while the brand has no automation: the change hooks then only note that the brand has none to
    enter (``automation_runs.on_contact``), the same state run after the batch as after each contact. A
    fixture seeds contacts before automations (seeder order), so a load always batches.
    """

    SIZE = 128  # contacts held at most

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.records: list[dict[str, Any]] = []
        self.ids: set[str] = set()  # the keys above
        self.emails: set[str] = set()  # their emails
        self.now: str | None = None  # the clock reading the batch's contacts are stamped with

    def flush(self, brand: Brand) -> None:
        """Store what the batch holds and empty it."""
        if self.keys:
            records = self.records
            brand.col("contacts").insert_many(self.keys, records)
            self.__init__()  # type: ignore[misc]
            if contact_rules.change_hooks() == (automation_runs.on_contact,):
                # In a brand without automations (the batch's condition) it only notes that there are none
                # (state no record changes): once for the batch leaves what once per contact leaves.
                records = records[-1:]
            for stored in records:
                contact_rules.changed(brand, stored, "")


class _SeedingBrand(Brand):
    """The brand a fixture is seeded through: holds the batch of new plain contacts."""

    def __init__(self, ctx: MockContext, tenant: TenantState) -> None:
        super().__init__(ctx, tenant)
        self.plain = _PlainBatch()

    def finish_seeding(self, resource: str) -> None:
        """Called after each resource file (``core.fixtures.seed_resources``): store the batch."""
        self.plain.flush(self)


def _apart(stamp: str) -> str:
    """An equal string that is another object (a stamp ends with ``Z``)."""
    return stamp[:-1] + "Z"


def _create_plain(brand: Brand, record: Any) -> bool:
    """Seed a fixture contact the way :func:`_seed_contact`'s general path (``contacts.create``) does when it
    is plain (``plain_create``), valid, new, and has one email identifier nobody owns yet: the same stored
    record, built in one go; False (nothing done) for any other contact, which the general path then takes.

    Seeding a million contacts spent most of its time in the general create path (one function per
    identifier, channel and field), then in this one's own calls (a copy of the record, a check per key, the
    clock read three times): it reads the fixture record as it is. tests/omnisend/test_fixture_fast_path.py
    checks that a brand seeded here and one seeded through ``contacts.create`` hold the same state.
    """
    if type(record) is not dict or not plain_create(record, _FIXTURE_KEYS):
        return False
    contacts = brand.col("contacts")
    batch = brand.plain if isinstance(brand, _SeedingBrand) else None
    if batch is not None and not batch.keys and len(brand.tenant.find_collection(automations.COLLECTION) or ()):
        batch = None  # the change hooks enter automations: each contact stored and announced at once
    contact_id = record.get("contactID")
    if contact_id is not None and (type(contact_id) is not str or not contact_id or contact_id in contacts):
        return False  # the general path raises
    created_at = record.get("createdAt")
    if created_at is not None:
        parsed = parse_datetime(created_at) if type(created_at) is str else None
        if parsed is None:
            return False
        sort_time_of(created_at, parsed)  # the createdAt index asks next
    identifiers = record["identifiers"]
    if len(identifiers) != 1:
        return False
    identifier = identifiers[0]
    email = identifier["id"]
    if batch is not None and batch.keys and (email in batch.emails or contact_id in batch.ids):
        batch.flush(brand)  # a contact of this batch: stored, the general path finds it
        return False
    if contacts.owned("email", email):
        return False  # the general path warns and refuses
    status = identifier["channels"]["email"].get("status", "subscribed")
    # One clock reading for a batch of contacts (mock decision): the general path reads it at each stamp,
    # the same time while the clock is frozen, a few microseconds apart while it runs (a batch of 128 is
    # seeded within a few milliseconds). Its creation and update stamps are strings of their own there (the
    # pickle stores each apart, where it refers back to a string met before): so here.
    if batch is None:
        now = brand.now()
    else:
        now = batch.now or brand.now()
        batch.now = now
    if created_at is None:
        created_at = _apart(now)
    # The same objects where the general path shares one (the stored pickle refers back to them).
    stored: dict[str, Any] = {
        "contactID": contact_id or brand.new_id(), "createdAt": created_at,
        "identifiers": [{"type": identifier["type"], "id": email,
                         "channels": {"email": {"status": status, "statusDate": now}}}],
        "statuses": [{"channel": "email", "status": status, "date": now}],
        "optIns": [{"channel": "email", "date": now}] if status == "subscribed" else []}
    for name in _PLAIN_FIELDS:
        if name in record:
            stored[name] = record[name]
    if "tags" in record:
        stored["tags"] = list(record["tags"])
    stored["updatedAt"] = _apart(now)
    if batch is None:
        contacts.insert(stored["contactID"], stored)
        contact_rules.changed(brand, stored, "")
        return True
    batch.keys.append(stored["contactID"])
    batch.records.append(stored)
    batch.ids.add(stored["contactID"])
    batch.emails.add(email)
    if len(batch.keys) >= batch.SIZE:
        batch.flush(brand)
    return True


register_seeder("contacts", _seed_contact, order=10)


def seed_brand(ctx: MockContext, document: Mapping[str, Any], origin: str) -> TenantState:
    """Validate ``tenant.json`` and every resource file, building a fresh brand."""
    config = load_tenant_config(BrandSchema(), document, origin,
                                lambda conf: segment_rules.validate_definitions(conf.get("segments")))
    state = TenantState(C.VENDOR, config["brandID"], config, ctx.ids.derive(f"omnisend:{config['brandID']}"),
                        COLLECTIONS)
    state.config.setdefault("workflows", list(C.DEFAULT_WORKFLOWS))
    seed_resources(document, origin, seeders(), _SeedingBrand(ctx, state))
    return state
