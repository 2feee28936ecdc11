"""Merge profiles (ometria.md §3.8, §6.10): current and legacy forms, applied before the 200."""

from __future__ import annotations

from typing import Any

from mock_server.core import schema as S
from mock_server.core.errors import MockError, NotFound, ValidationFailed
from mock_server.core.store import Record
from mock_server.ometria import constants as C
from mock_server.ometria.backend import META, Account, contact_collection
from mock_server.ometria.backend import contacts as contact_rules
from mock_server.ometria.backend import profiles as P
from mock_server.ometria.backend.transactional import load_object
from mock_server.ometria.schemas.messaging import IdentifierSchema, LegacyMergeProfileSchema, MergeProfileSchema

_current = MergeProfileSchema()
_legacy = LegacyMergeProfileSchema()
_identifier = IdentifierSchema()
# Legacy keys, named in the 404 text like the current form's types (mock decision).
LEGACY_EMAIL = "email"
LEGACY_PROFILE = "profile_id"
_LOOKUP = {"customer_id": "customer_id", "email_address": "email", "phone_number": "phone"}


class TooManyListings(MockError):
    """More than 50 listings would take part in the merge."""

    status = 400

    def __init__(self) -> None:
        super().__init__(C.ERR_MERGE_TOO_MANY_LISTINGS)


def _not_found(kind: str, value: str) -> NotFound:
    return NotFound(C.ERR_MERGE_PROFILE_NOT_FOUND.format(type=kind, value=value))


def _resolve(account: Account, kind: str, value: str) -> str:
    if kind == "profile_hash":
        live = P.resolve(account, value)
    else:
        owners = P.find_owners(account, _LOOKUP[kind], value)
        live = owners[0] if owners else None
    if live is None:
        raise _not_found(kind, value)
    return live


def _load_current(body: Any) -> dict[str, Any]:
    """Validate the current form: the envelope, then each identifier (all problems together)."""
    data = load_object(_current, body)
    problems: list[tuple[tuple[str | int, ...], str]] = []
    try:
        data["survivor"] = S.load(_identifier, data["survivor"])
    except ValidationFailed as exc:
        problems.extend((("survivor", *path), message) for path, message in exc.problems)
    targets = data["customers_to_merge"]
    if not 1 <= len(targets) <= C.MERGE_MAX_IDENTIFIERS:
        problems.append((("customers_to_merge",), C.MSG_INVALID))
    else:
        for index, target in enumerate(targets):
            try:
                targets[index] = S.load(_identifier, target)
            except ValidationFailed as exc:
                problems.extend((("customers_to_merge", index, *path), message) for path, message in exc.problems)
    if problems:
        raise ValidationFailed(S.sort_problems(problems))
    return data


def _plan(account: Account, body: Any) -> tuple[str, list[str]]:
    """Validate and resolve: return (survivor id, ids to merge into it)."""
    if isinstance(body, dict) and ("survivor" in body or "customers_to_merge" in body or "email" not in body):
        data = _load_current(body)
        targets = data["customers_to_merge"]
        survivor = _resolve(account, data["survivor"]["type"], data["survivor"]["value"])
        merged = [_resolve(account, t["type"], t["value"]) for t in targets]
    else:
        data = load_object(_legacy, body)
        owners = P.find_owners(account, "email", data["email"])
        if not owners:
            raise _not_found(LEGACY_EMAIL, data["email"])
        survivor = owners[0]  # without profile_id: the oldest profile with that email
        if data.get("profile_id") is not None:
            live = P.resolve(account, data["profile_id"])
            if live is None:
                raise _not_found(LEGACY_PROFILE, data["profile_id"])
            survivor = live
        merged = owners
    unique: list[str] = []
    for pid in merged:
        if pid != survivor and pid not in unique:  # an identifier of the survivor itself is ignored
            unique.append(pid)
    return survivor, unique


def _listings(account: Account, profile_id: str) -> list[Record]:
    profile = account.col(P.PROFILES).peek(profile_id)
    return P.listings_of(account, profile) if profile is not None else []


def merge_profiles(account: Account, body: Any, request_id: str) -> dict[str, Any]:
    """``POST /merge-profile``: fold the profiles into the survivor, delete the merged listings; the
    answer's ``request_id`` is the HTTP request's own id (``X-Mock-Request-Id``)."""
    survivor, merged = _plan(account, body)
    survivor_listings = _listings(account, survivor)
    merged_listings = [listing for pid in merged for listing in _listings(account, pid)]
    if len(survivor_listings) + len(merged_listings) > C.MERGE_MAX_LISTINGS:
        raise TooManyListings()
    if not merged:
        return {"status": "OK", "request_id": request_id}
    fills: dict[str, Any] = {}
    if survivor_listings:
        representative = max(survivor_listings, key=lambda r: P.recency_key(account, r))
        # Survivor wins; among the merged listings the newest fills first.
        for listing in sorted(merged_listings, key=lambda r: P.recency_key(account, r), reverse=True):
            for name, value in listing.items():
                if name != META and representative.get(name) is None and name not in fills:
                    fills[name] = value
            meta = listing[META]
            account.col(contact_collection(meta["collection"])).delete(meta["id"])  # vendor: deleted
    P.merge_into(account, survivor, merged)
    profile = account.col(P.PROFILES).get(survivor)
    assert profile is not None
    profile["listings"] = [[c, i] for c, i in profile["listings"]
                           if (found := account.tenant.find_collection(contact_collection(c))) is not None
                           and i in found]
    account.col(P.PROFILES).replace(survivor, profile)
    if survivor_listings and fills:
        meta = representative[META]
        contact_rules.apply(account, {"@collection": meta["collection"], "id": meta["id"], **fills})
    P.refresh(account, survivor)
    return {"status": "OK", "request_id": request_id}
