"""Profiles (ometria.md §3.5, §6.3-6.5, §7.1): clusters built at write time, fields derived on read.

A profile is stored as its membership only, in the collection ``profiles`` keyed by its stable id::

    {"listings": [[collection, id], ...], "orders": [order id, ...], "aliases": [merged ids],
     "customer_ids": [...], "emails": [lower-cased], "phones": [...],   # the keys it owns now
     "_meta": {"id", "seq", "created", "updated"}}                     # updated = last data change

Every listing (and every attached order) keeps its profile id in its own META under ``profile``.
Everything a client reads (names, opt-in, stats, dates) is computed from the members on each read.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Container, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from mock_server.core.clock import iso_ms, parse_date, parse_datetime, sort_time
from mock_server.core.errors import InvalidParameters, NotFound
from mock_server.core.filters import FilterSpec
from mock_server.core.paging import ListSpec, QueryArgs, parse_list_query, run_list
from mock_server.core.spans import Span
from mock_server.core.store import Collection, CollectionSpec, Record, clone
from mock_server.ometria import constants as C
from mock_server.ometria.backend import (
    META,
    Account,
    contact_collection,
    register_collection,
    register_write_hook,
    updated_at,
)
from mock_server.ometria.listing import bare_list

PROFILES = "profiles"
ORDERS = "orders"
STATE = "profiles"  # tenant.extra key: {"seq": profile creation sequence, "writes": write sequence}


def listing_key(collection: str, listing_id: str) -> str:
    """One string per listing (ids never contain whitespace, so a newline separates safely)."""
    return f"{collection}\n{listing_id}"


register_collection(PROFILES, CollectionSpec(
    sort_keys={C.ORDER_UPDATED: updated_at},
    lookups={
        "customer_id": lambda r: r["customer_ids"],
        "email": lambda r: r["emails"],
        "phone": lambda r: r["phones"],
        "alias": lambda r: r["aliases"],
        "listing": lambda r: [listing_key(c, i) for c, i in r["listings"]],
        "order": lambda r: r["orders"],
    },
))


# -- state helpers ------------------------------------------------------------------------------
def _state(account: Account) -> dict[str, int]:
    state: dict[str, int] = account.tenant.extra.setdefault(STATE, {"seq": 0, "writes": 0})
    return state


def next_write(account: Account) -> int:
    """A per-account write sequence (orders writes that happen within one clock tick)."""
    state = _state(account)
    state["writes"] += 1
    return state["writes"]


def fresh_profile(account: Account, taken: Container[str] = (), now: float | None = None) -> Record:
    """An empty profile with a fresh stable id (deterministic from account + sequence), not stored yet;
    ``taken``: ids of profiles about to be stored (the fixture loader stores new profiles in batches);
    ``now``: the mock time it is made at (default: the clock, read now)."""
    col = account.col(PROFILES)
    state = _state(account)
    while True:
        seq = state["seq"] = state["seq"] + 1
        digest = hashlib.sha256(f"{account.tenant.tenant_id}:{seq}".encode()).hexdigest()
        pid = f"{int(digest[:8], 16) % 10000:04d}-{digest[8:14]}-{digest[14:20]}"
        if pid not in col and pid not in taken and not col.owned("alias", pid):
            break
    if now is None:
        now = account.ctx.clock.time()  # account.now_ts(), a call less
    return {"listings": [], "orders": [], "aliases": [], "customer_ids": [], "emails": [], "phones": [],
            META: {"id": pid, "seq": seq, "created": now, "updated": now}}


def _new_profile(account: Account) -> str:
    """Create and store an empty profile; return its id."""
    profile = fresh_profile(account)
    pid: str = profile[META]["id"]
    account.col(PROFILES).insert(pid, profile)
    return pid


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _customer(order: Record) -> dict[str, Any]:
    customer = order.get("customer")
    return customer if isinstance(customer, dict) else {}


def _ordered_unique(values: Iterable[str]) -> list[str]:
    out: list[str] = []
    for value in values:
        if value not in out:
            out.append(value)
    return out


def resolve(account: Account, profile_id: str) -> str | None:
    """Return the live id of ``profile_id`` (an alias answers with its survivor), or None."""
    col = account.tenant.find_collection(PROFILES)
    if col is None:
        return None
    if profile_id in col:
        return profile_id
    found = col.find("alias", profile_id)
    return found[0] if found else None


def find_owners(account: Account, kind: str, value: str) -> list[str]:
    """Profiles owning a ``customer_id`` / ``email`` (any case) / ``phone``, oldest first."""
    col = account.tenant.find_collection(PROFILES)
    if col is None:
        return []
    return col.find(kind, value.lower() if kind == "email" else value)


def listings_of(account: Account, profile: Record, pending: Mapping[str, Record] | None = None
                ) -> list[Record]:
    """The stored listings of a profile (``pending`` overrides listings being written now)."""
    out = []
    for collection, listing_id in profile["listings"]:
        key = listing_key(collection, listing_id)
        if pending and key in pending:
            out.append(pending[key])
            continue
        found = account.tenant.find_collection(contact_collection(collection))
        record = found.peek(listing_id) if found is not None else None
        if record is not None:
            out.append(record)
    return out


def orders_of(account: Account, profile: Record, pending: Mapping[str, Record] | None = None) -> list[Record]:
    """The stored orders attached to a profile (``pending`` overrides orders being written now)."""
    found = account.tenant.find_collection(ORDERS)
    out = []
    for order_id in profile["orders"]:
        if pending and order_id in pending:
            out.append(pending[order_id])
            continue
        record = found.peek(order_id) if found is not None else None
        if record is not None:
            out.append(record)
    return out


def profile_keys(listings: Iterable[Record], orders: Iterable[Record]) -> tuple[list[str], list[str], list[str]]:
    """The ``customer_ids``, ``emails`` (lower-cased) and ``phones`` a profile owns: the non-empty string
    values of its listings, then of its orders' customers, each once, in first-seen order.

    ``_text`` and ``_ordered_unique`` inline (this runs on every contact push);
    tests/ometria/test_profile_keys.py checks it against them."""
    values = [(r.get("customer_id"), r.get("email"), r.get("phone_number")) for r in listings]
    values += [(c.get("id"), c.get("email"), None) for c in map(_customer, orders)]
    customer_ids: list[str] = []
    emails: list[str] = []
    phones: list[str] = []
    for cid, email, phone in values:
        if isinstance(cid, str) and cid and cid not in customer_ids:
            customer_ids.append(cid)
        if isinstance(email, str) and email and (email := email.lower()) not in emails:
            emails.append(email)
        if isinstance(phone, str) and phone and phone not in phones:
            phones.append(phone)
    return customer_ids, emails, phones


def refresh(account: Account, profile_id: str, *, listings: Mapping[str, Record] | None = None,
            orders: Mapping[str, Record] | None = None, touch: bool = True,
            profile: Record | None = None, col: Collection | None = None) -> None:
    """Recompute the keys a profile owns from its current members; ``touch`` marks a data change.

    ``profile``: the caller's copy of the profile with changes not stored yet, or a new profile not
    stored at all (stored here, in one write). ``col``: the account's profile collection, when at hand.
    """
    if col is None:
        col = account.col(PROFILES)
    if profile is None:
        profile = col.get(profile_id)
    if profile is None:  # pragma: no cover - callers pass live ids
        return
    profile["customer_ids"], profile["emails"], profile["phones"] = profile_keys(
        listings_of(account, profile, listings), orders_of(account, profile, orders) if profile["orders"] else ())
    if touch:
        profile[META]["updated"] = account.now_ts()
    col.upsert(profile_id, profile)


def merge_into(account: Account, survivor: str, others: Iterable[str]) -> Record | None:
    """Fold ``others`` into ``survivor``: members move, their ids become aliases (clusters never split).
    Return a copy of the survivor as stored now."""
    col = account.col(PROFILES)
    target = col.get(survivor)
    if target is None:  # pragma: no cover - callers pass live ids
        return None
    merging = False
    for other in others:
        if other == survivor or other not in col:
            continue
        merging = True
        merged = col.delete(other)
        for collection, listing_id in merged["listings"]:
            if [collection, listing_id] not in target["listings"]:
                target["listings"].append([collection, listing_id])
            found = account.tenant.find_collection(contact_collection(collection))
            stored = found.peek(listing_id) if found is not None else None
            if found is not None and stored is not None:
                stored[META]["profile"] = survivor
                found.replace(listing_id, stored)  # peek gives a copy: write it back
        orders = account.tenant.find_collection(ORDERS)
        for order_id in merged["orders"]:
            if order_id not in target["orders"]:
                target["orders"].append(order_id)
            stored = orders.peek(order_id) if orders is not None else None
            if orders is not None and stored is not None and isinstance(stored.get(META), dict):
                stored[META]["profile"] = survivor
                orders.replace(order_id, stored)
        target["aliases"] = _ordered_unique([*target["aliases"], other, *merged["aliases"]])
    if merging:  # nothing to fold in: the survivor stays as it is stored
        col.replace(survivor, target)  # stores an encoding: ``target`` stays the caller's copy
    return target


# -- write hooks (§6.3, §6.4) -----------------------------------------------------------------------
def on_contact_write(account: Account, resource: str, record: Record) -> None:
    """Cluster a listing being written: join or create a profile; several found merge into the oldest."""
    meta = record[META]
    key = listing_key(meta["collection"], meta["id"])
    col = account.col(PROFILES)
    candidates = {*col.find("listing", key)}
    # ``_text`` inline (every contact push): a non-empty string, else nothing to look up.
    if isinstance(cid := record.get("customer_id"), str) and cid:
        candidates.update(col.find("customer_id", cid))
    if isinstance(email := record.get("email"), str) and email:
        candidates.update(col.find("email", email.lower()))
    # One profile found (an update of a clustered listing, the common write) needs no sort.
    found = [*candidates] if len(candidates) < 2 else sorted(candidates, key=lambda pid: col.iid(pid) or 0)
    if found:
        survivor = found[0]
        # One profile found (an update of a clustered listing, the common write): nothing to fold in.
        profile = merge_into(account, survivor, found[1:]) if len(found) > 1 else col.get(survivor)
        assert profile is not None
    else:  # a new profile, stored once below (by refresh) with its first listing and keys
        profile = fresh_profile(account)
        survivor = profile[META]["id"]
    if [meta["collection"], meta["id"]] not in profile["listings"]:
        profile["listings"].append([meta["collection"], meta["id"]])  # stored by refresh below
    meta["profile"] = survivor
    control = meta.get("control") or {}
    if control.get(C.FORCE_OPTIN_KEY) is True:
        # §6.5: the latest forced write wins; the listing's current opt-in is the forced value.
        meta["forced"] = next_write(account)
    refresh(account, survivor, listings={key: record}, profile=profile, col=col)
    # Static list membership changes ride on the same write (§6.7); a write without list operations has
    # none to apply (and skips the import, which runs Python's import machinery on every call).
    if control.get(C.ADD_TO_LISTS_KEY) or control.get(C.REMOVE_FROM_LISTS_KEY):
        from mock_server.ometria.backend import lists

        lists.apply_list_operations(account, survivor, record, control)


def _resolve_customer(account: Account, customer: Mapping[str, Any]) -> str | None:
    """§6.4: the profile owning ``customer.id``, else ``customer.email``."""
    if (cid := _text(customer.get("id"))) is not None:
        owners = find_owners(account, "customer_id", cid)
        if owners:
            return owners[0]
    if (email := _text(customer.get("email"))) is not None:
        owners = find_owners(account, "email", email)
        if len(owners) > 1:
            # Vendor: with several records of that email, the order goes to the one without a customer_id.
            for pid in owners:
                profile = account.col(PROFILES).peek(pid)
                listings = listings_of(account, profile) if profile is not None else []
                if any(str(listing.get("email", "")).lower() == email.lower()
                       and _text(listing.get("customer_id")) is None for listing in listings):
                    return pid
        if owners:
            return owners[0]
    return None


def _on_order_write(account: Account, resource: str, record: Record) -> None:
    """Attach an order to its customer's profile (creating an order-only profile when none exists)."""
    meta = record.get(META)
    if not isinstance(meta, dict) or not isinstance(meta.get("id"), str):
        return
    order_id = meta["id"]
    col = account.col(PROFILES)
    attached = col.find("order", order_id)
    if attached:
        pid = attached[0]  # an attached order stays with its profile
    else:
        customer = _customer(record)
        found = _resolve_customer(account, customer)
        if found is None:
            if _text(customer.get("id")) is None and _text(customer.get("email")) is None:
                return  # only names: not associated with any profile (vendor)
            found = _new_profile(account)
        pid = found
        profile = col.get(pid)
        assert profile is not None
        profile["orders"].append(order_id)
        col.replace(pid, profile)
    meta["profile"] = pid
    refresh(account, pid, orders={order_id: record})


register_write_hook("contacts", on_contact_write)
register_write_hook("orders", _on_order_write)


# -- derived fields (§6.3 table, §6.5, §7.1) ---------------------------------------------------------
def _iso(ts: float) -> str:
    return iso_ms(datetime.fromtimestamp(ts, UTC))


def recency_key(account: Account, listing: Record) -> tuple[float, int, str]:
    """Order listings by last write (ties: higher internal id) to find the representative one."""
    meta = listing[META]
    col = account.tenant.find_collection(contact_collection(meta["collection"]))
    iid = (col.iid(meta["id"]) if col is not None else None) or 0
    return (float(meta["updated"]), iid, meta["collection"])


def _age_key(account: Account, listing: Record) -> tuple[float, int, str]:
    meta = listing[META]
    col = account.tenant.find_collection(contact_collection(meta["collection"]))
    iid = (col.iid(meta["id"]) if col is not None else None) or 0
    return (float(meta["created"]), iid, meta["collection"])


def _is_valid(order: Record) -> bool:
    return order.get("is_valid") is not False


def _number(value: Any) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0


def marketing_optin(account: Account, listings: list[Record]) -> str | None:
    """§6.5: the latest forced write wins; else an opt-out wins; else an opt-in; else NOT_SPECIFIED."""
    if not listings:
        return None
    forced = [r for r in listings if r[META].get("forced") and isinstance(r.get("marketing_optin"), str)]
    if forced:
        latest = max(forced, key=lambda r: int(r[META]["forced"]))
        return str(latest["marketing_optin"])
    values = {r.get("marketing_optin") for r in listings}
    if C.OPTOUT in values:
        return C.OPTOUT
    if C.OPTIN in values:
        return C.OPTIN
    return C.OPTIN_NOT_SPECIFIED


def _extreme_time(values: Iterable[Any], latest: bool) -> Any:
    dated = [(t, v) for v in values if (t := sort_time(v)) is not None]
    if not dated:
        return None
    return (max if latest else min)(dated, key=lambda pair: pair[0])[1]


def derive(account: Account, profile: Record) -> Record:
    """Every profile field except ``lists`` (which needs list rules), in the vendor's key order."""
    listings = listings_of(account, profile)
    newest = sorted(listings, key=lambda r: recency_key(account, r), reverse=True)
    oldest = sorted(listings, key=lambda r: _age_key(account, r))
    orders = orders_of(account, profile)
    valid = [o for o in orders if _is_valid(o)]
    customers = [o["customer"] for o in sorted(orders, key=updated_at_safe, reverse=True)
                 if isinstance(o.get("customer"), dict)]

    def pick(name: str) -> Any:
        for listing in newest:
            if listing.get(name) is not None:
                return clone(listing[name])
        return None

    def from_customers(name: str) -> Any:
        # Order-only profile (mock decision): its customer fields come from the newest order.
        if listings:
            return None
        for customer in customers:
            if customer.get(name) is not None:
                return clone(customer[name])
        return None

    named = next((r for r in newest if r.get("firstname") is not None or r.get("lastname") is not None), None)
    if named is not None:
        first, middle, last = named.get("firstname"), named.get("middlename"), named.get("lastname")
    else:
        first, middle, last = from_customers("firstname"), None, from_customers("lastname")
    name = " ".join(str(p) for p in (first, last) if p) or None
    identities = _ordered_unique(
        [str(r["email"]).lower() for r in oldest if _text(r.get("email"))]
        + [str(c["email"]).lower() for c in reversed(customers) if _text(c.get("email"))])
    properties: dict[str, Any] = {}
    for listing in oldest:
        if isinstance(listing.get("properties"), dict):
            properties.update(clone(listing["properties"]))
    revenue = round(sum(_number(o.get("grand_total")) for o in valid), 2)
    items = sum(int(li["quantity"]) for o in valid for li in (o.get("lineitems") or [])
                if isinstance(li, dict) and isinstance(li.get("quantity"), int))
    acquired = _extreme_time((r.get("timestamp_acquired") for r in listings), latest=False)
    if acquired is None and oldest:
        acquired = _iso(float(oldest[0][META]["created"]))
    return {
        "@type": "profile",
        "id": profile[META]["id"],
        "customer_id": pick("customer_id") if listings else from_customers("id"),
        "email": pick("email") if listings else from_customers("email"),
        "firstname": first,
        "middlename": middle,
        "lastname": last,
        "name": name,
        "prefix": pick("prefix"),
        "suffix": pick("suffix"),
        "gender": pick("gender"),
        "date_of_birth": pick("date_of_birth"),
        "country": pick("country_id"),
        "marketing_optin": marketing_optin(account, listings),
        "dates": {
            "acquired": acquired,
            "first_purchase": _extreme_time((o.get("timestamp") for o in valid), latest=False),
            "first_seen": _iso(float(oldest[0][META]["created"])) if oldest else None,
            "last_purchase": _extreme_time((o.get("timestamp") for o in valid), latest=True),
            "last_seen": _iso(float(newest[0][META]["updated"])) if newest else None,
        },
        "identities": [{"id": email, "type": "email"} for email in identities],
        "properties": properties,
        "seen": False,
        "stats": {
            "aov": round(revenue / len(valid), 2) if valid else 0,
            "orders": len(valid),
            "orders_attempted": len(orders),
            "revenue": revenue,
            "total_items": items,
            "visits": 0,
        },
        "tags": [],
        "lists": [],
    }


def updated_at_safe(record: Record) -> float:
    """A record's last write time (0 when it carries no META)."""
    meta = record.get(META)
    return float(meta.get("updated", 0)) if isinstance(meta, dict) else 0.0


def render(account: Account, profile: Record) -> Record:
    """The GET shape of one profile (§7.1)."""
    from mock_server.ometria.backend import lists

    view = derive(account, profile)
    view["lists"] = lists.lists_of(account, profile[META]["id"], view)
    return view


def all_views(account: Account) -> list[Record]:
    """Every live profile's derived fields (without lists), oldest profile first."""
    col = account.tenant.find_collection(PROFILES)
    return [] if col is None else [derive(account, p) for p in col.values()]


# -- reads (§3.5) -----------------------------------------------------------------------------------
def _since_bound(raw: str) -> float:
    bound = parse_date(raw) or parse_datetime(raw)
    if bound is None:
        raise InvalidParameters(fields=[(C.PROFILE_UPDATE_SINCE_PARAM, "invalid format")])
    return bound.timestamp()


def _update_since(raw: str, context: Mapping[str, Any]) -> Any:
    limit = _since_bound(raw)
    return lambda record: updated_at(record) >= limit


# ``updateSince`` compares the ``orderby=timestamp_update`` sort value: a range of that order (core.spans).
LIST_SPEC: ListSpec = dataclasses.replace(bare_list(PROFILES), filters=(
    FilterSpec(C.PROFILE_UPDATE_SINCE_PARAM, "custom", builder=_update_since,
               narrower=lambda raw, context: (C.ORDER_UPDATED, Span(low=_since_bound(raw)))),))


def list_profiles(account: Account, args: QueryArgs) -> list[Record]:
    """``GET /profiles``: a page of profiles, or ``[profile]`` for ``email=`` (404 when none)."""
    query = parse_list_query(LIST_SPEC, args, account.ctx.codec)
    email = next((value for key, value in args if key == C.PROFILE_EMAIL_PARAM), None)
    col = account.col(PROFILES)
    if email is not None:
        owners = find_owners(account, "email", email)
        if not owners:
            raise NotFound(C.ERR_PROFILE_EMAIL_NOT_FOUND)
        profile = col.peek(owners[0])
        assert profile is not None
        return [render(account, profile)]
    result = run_list(LIST_SPEC, col, query, account.ctx.codec)
    return [render(account, profile) for profile in result.items]


def get_profile(account: Account, profile_id: str) -> Record:
    """``GET /profiles/{id}``: an alias answers with the surviving profile."""
    live = resolve(account, profile_id)
    profile = account.col(PROFILES).peek(live) if live is not None else None
    if profile is None:
        raise NotFound(C.ERR_PROFILE_NOT_FOUND)
    return render(account, profile)
