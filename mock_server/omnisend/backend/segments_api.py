"""Segments of API 2026-03-15 (§5.8): create, read, replace, delete, statistics; membership computed live.

These segments sit beside the fixture rule segments of omnisend.md §6.6 (``segments.py``); both are
listed in a contact's ``segments`` and both serve the v3 ``segmentID`` filter and campaign audiences.
"""

from __future__ import annotations

from typing import Any

from mock_server.core.errors import NotFound, ValidationFailed
from mock_server.core.store import CollectionSpec, clone
from mock_server.omnisend import marketing_constants as M
from mock_server.omnisend.backend import Brand, created_key, register_collection, register_seeder, updated_key
from mock_server.omnisend.backend import segment_filters as rules
from mock_server.omnisend.backend.problems import Conflict
from mock_server.omnisend.backend.seeding import fixture_identity

Record = dict[str, Any]
COLLECTION = "apiSegments"
OUTPUT = ("segmentID", "name", "conditionGroups", "status", "isStarred", "createdAt", "updatedAt", "archivedAt")


def _name_key(record: Record) -> str:
    # Case-sensitive lexicographic order (C-segments sort=name).
    return str(record.get("name") or "")


register_collection(COLLECTION, CollectionSpec(sort_keys={"createdAt": created_key, "updatedAt": updated_key,
                                                          "name": _name_key}))


def _build_seconds(brand: Brand) -> float:
    settings = brand.config.get("settings") or {}
    return float(settings.get("segmentBuildSeconds", M.SEGMENT_BUILD_SECONDS))


def status(brand: Brand, record: Record) -> str:
    """``building`` until the build time after the last write has passed on the mock clock, then ``ready``."""
    if record.get("archivedAt"):
        return "archived"
    built = float(record.get("builtAt") or 0)
    return "building" if brand.now_ts() < built else "ready"


def render(brand: Brand, record: Record) -> Record:
    """The Segment answer."""
    out = {key: clone(record.get(key)) for key in OUTPUT}
    out["status"] = status(brand, record)
    out["isStarred"] = bool(record.get("isStarred"))
    return out


def _check(data: Record) -> None:
    problems: list[tuple[tuple[str | int, ...], str]] = []
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append((("name",), "required"))
    elif len(name) > M.SEGMENT_NAME_MAX:
        problems.append((("name",), f"must be at most {M.SEGMENT_NAME_MAX} characters"))
    if "conditionGroups" not in data:
        problems.append((("conditionGroups",), "required"))
    else:
        problems.extend(rules.validate(data["conditionGroups"]))
    if problems:
        raise ValidationFailed(problems)


def find(brand: Brand, segment_id: str) -> Record:
    """The stored segment (read-only), or 404."""
    record = brand.col(COLLECTION).peek(segment_id)
    if record is None:
        raise NotFound(M.ERR_SEGMENT_NOT_FOUND.format(id=segment_id))
    return record


def create(brand: Brand, data: Record, *, segment_id: str | None = None, created_at: str | None = None) -> Record:
    """POST /segments: validate, store, answer the Segment (``building`` while the build time runs)."""
    _check(data)
    now = brand.now()
    record: Record = {"segmentID": segment_id or brand.new_id(), "name": data["name"],
                      "conditionGroups": clone(data["conditionGroups"]), "isStarred": bool(data.get("isStarred")),
                      "createdAt": created_at or now, "updatedAt": created_at or now, "archivedAt": None,
                      "builtAt": brand.now_ts() + _build_seconds(brand)}
    brand.col(COLLECTION).insert(record["segmentID"], record)
    return render(brand, record)


def get(brand: Brand, segment_id: str) -> Record:
    """GET /segments/{id}."""
    return render(brand, find(brand, segment_id))


def replace(brand: Brand, segment_id: str, data: Record) -> Record:
    """PUT /segments/{id}: 404, 409 while building, then replace name and rules."""
    record = clone(find(brand, segment_id))
    if status(brand, record) == "building":
        raise Conflict(M.ERR_SEGMENT_BUILDING_UPDATE)
    _check(data)
    record.update({"name": data["name"], "conditionGroups": clone(data["conditionGroups"]),
                   "updatedAt": brand.now(), "builtAt": brand.now_ts() + _build_seconds(brand)})
    if "isStarred" in data:
        record["isStarred"] = bool(data["isStarred"])
    brand.col(COLLECTION).replace(segment_id, record)
    return render(brand, record)


def delete(brand: Brand, segment_id: str) -> None:
    """DELETE /segments/{id}: 409 while building; 404 for an unknown id (§7.2 q6, mock decision)."""
    record = find(brand, segment_id)
    if status(brand, record) == "building":
        raise Conflict(M.ERR_SEGMENT_BUILDING_DELETE)
    brand.col(COLLECTION).delete(segment_id)


def members(brand: Brand, segment_id: str) -> list[str]:
    """The contactIDs matching the segment now, in contact creation order."""
    record = find(brand, segment_id)
    groups = record["conditionGroups"]
    return [key for key, contact in brand.col("contacts").items() if rules.matches(brand, contact, groups)]


def statistics(brand: Brand, segment_id: str) -> Record:
    """GET /segments/{id}/statistics: ``{"contactsCount"}``, the live membership count."""
    return {"contactsCount": len(members(brand, segment_id))}


def segments_of(brand: Brand, contact: Record) -> list[str]:
    """The ids of the API segments a stored contact belongs to, in creation order."""
    col = brand.col(COLLECTION)
    if not len(col):  # most brands: every contact answer asks
        return []
    return [key for key, seg in col.items() if rules.matches(brand, contact, seg["conditionGroups"])]


def _seed(brand: Brand, record: Record) -> None:
    """A fixture segment: the POST body plus ``segmentID`` and ``createdAt``; seeded ready."""
    data, segment_id, created_at = fixture_identity(brand, COLLECTION, record, "segmentID")
    create(brand, data, segment_id=segment_id, created_at=created_at)
    stored = brand.col(COLLECTION).get(segment_id or "") if segment_id else None
    if stored is not None:
        stored["builtAt"] = 0
        brand.col(COLLECTION).replace(segment_id or "", stored)


register_seeder(COLLECTION, _seed, order=35)
