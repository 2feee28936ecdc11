"""Seeding an account from its fixture document (tenant.json + one file per resource)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import RAISE

from mock_server.core import schema as S
from mock_server.core.context import MockContext
from mock_server.core.fixtures import api_key_schema, load_tenant_config, seed_resources
from mock_server.core.store import Record, TenantState
from mock_server.ometria import constants as C
from mock_server.ometria.backend import (
    COLLECTIONS,
    META,
    WRITE_HOOKS,
    Account,
    contact_collection,
    custom_events,
    orders,
    products,
    profiles,
    register_seeder,
    seeders,
)
from mock_server.ometria.backend import contacts as contact_rules
from mock_server.ometria.backend.merge import drop_nulls
from mock_server.ometria.backend.records import CONTACTS, seed_record
from mock_server.ometria.schemas import Id, is_id
from mock_server.ometria.schemas.contact import plain_listing

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
    if not _create_plain(account, record):
        _flush(account)  # the general path sees every listing before this one
        seed_record(CONTACTS, account, record)


class _PlainBatch:
    """New plain listings :func:`_create_plain` took and their new profiles, not stored yet: stored together
    (``Collection.insert_many``, in the order they came) when the batch is full, before any record takes the
    general path, and at the end of the file (:meth:`_SeedingAccount.finish_seeding`).

    Until then the batch answers for them: a record naming a listing, ``customer_id`` or email it holds
    flushes it and takes the general path (it joins that profile), as it would with each stored at once.
    """

    SIZE = 128  # records held at most

    def __init__(self) -> None:
        self.listings: dict[str, tuple[list[str], list[Record]]] = {}  # store collection -> keys, listings
        self.pids: list[str] = []
        self.profiles: list[Record] = []
        self.taken: set[str] = set()  # the profile ids above
        self.identities: set[str] = set()  # their listing keys, "\x00" + customer_id, "\x01" + email
        self.now: float | None = None  # the clock reading the batch's listings and profiles are stamped with

    def flush(self, account: Account) -> None:
        """Store what the batch holds and empty it."""
        if self.pids:
            account.col(profiles.PROFILES).insert_many(self.pids, self.profiles)
            for name, (keys, listings) in self.listings.items():
                account.col(name).insert_many(keys, listings)
            self.__init__()  # type: ignore[misc]


class _SeedingAccount(Account):
    """The account a fixture is seeded through: holds the batch of new plain listings."""

    def __init__(self, ctx: MockContext, tenant: TenantState) -> None:
        super().__init__(ctx, tenant)
        self.plain = _PlainBatch()

    def finish_seeding(self, resource: str) -> None:
        """Called after each resource file (``core.fixtures.seed_resources``): store the batch."""
        self.plain.flush(self)


def _flush(account: Account) -> None:
    if isinstance(account, _SeedingAccount):
        account.plain.flush(account)


# Collections whose listings have effects beyond the listing and its profile (sms.collection_effects).
_EFFECT_COLLECTIONS = frozenset((C.COLLECTION_SMS_OPTIN, C.COLLECTION_SMS_DOUBLE_OPTIN))


def _create_plain(account: Account, record: Any) -> bool:
    """The push of a new plain listing (``plain_listing``, no control key but ``@type`` / ``@collection``)
    whose identity (listing, ``customer_id``, email) no profile holds yet: the same stored listing and new
    profile the general path writes (``contacts.apply`` and the profile write hook), built in one go;
    False (nothing done) for any other record.

    Seeding an account spent most of its time in the general path (validation, two reads of the listing,
    the write hook's merge and refresh steps). tests/ometria/test_fixture_fast_path.py checks that an
    account seeded here and one seeded through ``contacts.process`` hold the same state.
    """
    if not isinstance(record, dict) or record.get("@type", "contact") != "contact":
        return False
    if WRITE_HOOKS.get("contacts") != [profiles.on_contact_write]:
        return False  # another rule watches listing writes: let it see this one
    collection = record.get("@collection", C.DEFAULT_COLLECTION)
    if (collection != C.DEFAULT_COLLECTION and not is_id(collection)) or collection in _EFFECT_COLLECTIONS:
        return False
    fields: dict[str, Any] = {k: v for k, v in record.items() if k[:1] != "@"}
    if len(fields) + ("@type" in record) + ("@collection" in record) != len(record):
        return False  # a control key
    if not plain_listing(fields):  # also: a valid id
        return False
    listing_id = fields.pop("id")
    listings_name = contact_collection(collection)
    # Created on first use (account.col): a lookup per record. "is None", not "or": a collection's truth is
    # its length (a call).
    stored_in = account.tenant.collections
    listings = stored_in.get(listings_name)
    if listings is None:
        listings = account.col(listings_name)
    if listing_id in listings:
        return False
    # Plain: each of these is null or a non-empty string (what the write hook's _text keeps).
    email, cid, phone = fields.get("email"), fields.get("customer_id"), fields.get("phone_number")
    if cid is None and email is None and phone is None:
        return False  # the general path refuses it
    people = stored_in.get(profiles.PROFILES)
    if people is None:
        people = account.col(profiles.PROFILES)
    key = profiles.listing_key(collection, listing_id)
    lowered = None if email is None else email.lower()
    batch = account.plain if isinstance(account, _SeedingAccount) else _PlainBatch()
    held = batch.identities
    if key in held or (cid is not None and "\x00" + cid in held) or (
            lowered is not None and "\x01" + lowered in held):
        batch.flush(account)  # a listing of this batch: stored, the general path finds it
        return False
    if (people.owned("listing", key) or (cid is not None and people.owned("customer_id", cid))
            or (lowered is not None and people.owned("email", lowered))):
        return False  # joins (or merges) a profile: the general path
    # What contacts._apply stores, and the profile the write hook creates for it (same calls, same order).
    # One clock reading for a batch of listings and their new profiles (mock decision; README, Mock
    # decisions): the general path reads it for the listing, then again for its profile, microseconds apart
    # with a running clock, identical with a frozen one (a batch of 128 is seeded within milliseconds).
    now = batch.now
    if now is None:
        now = batch.now = account.ctx.clock.time()  # account.now_ts()
    # merge_owned({}, fields): a new key per field, nulls dropped (at any depth of objects and arrays).
    stored: dict[str, Any] = {k: v if isinstance(v, str) else drop_nulls(v) for k, v in fields.items() if v is not None}
    profile = profiles.fresh_profile(account, batch.taken, now)
    meta = profile[META]
    pid = meta["id"]
    stored[META] = {"created": now, "updated": now, "id": listing_id, "collection": collection, "profile": pid}
    profile["listings"].append([collection, listing_id])
    profile["customer_ids"] = [] if cid is None else [cid]
    profile["emails"] = [] if lowered is None else [lowered]
    profile["phones"] = [] if phone is None else [phone]  # updated: when fresh_profile made it (mock time)
    batch.pids.append(pid)
    batch.profiles.append(profile)
    batch.taken.add(pid)
    held.add(key)
    if cid is not None:
        held.add("\x00" + cid)
    if lowered is not None:
        held.add("\x01" + lowered)
    pending = batch.listings.get(listings_name)
    if pending is None:
        pending = batch.listings[listings_name] = ([], [])
    pending[0].append(listing_id)
    pending[1].append(stored)
    if len(batch.pids) >= batch.SIZE or batch is not getattr(account, "plain", None):
        batch.flush(account)
    return True


register_seeder("contacts", _seed_contact, order=10)
# Importing a resource module registers its seeder and its push processor.
RESOURCE_MODULES = (contact_rules, custom_events, orders, products)


def seed_account(ctx: MockContext, document: Mapping[str, Any], origin: str) -> TenantState:
    """Validate ``tenant.json`` and every resource file, building a fresh account."""
    config = load_tenant_config(S.shared(AccountSchema), document, origin)
    state = TenantState(C.VENDOR, config["id"], config, ctx.ids.derive(f"ometria:{config['id']}"), COLLECTIONS)
    seed_resources(document, origin, seeders(), _SeedingAccount(ctx, state))
    return state
