"""Event metadata (omnisend-2026 §5.3): brand-custom event schemas and the event catalogue a brand sees.

A custom event is identified by ``name`` + ``origin``. The catalogue a query returns is the global
lexicon (the recommended events and the events Omnisend itself generates), the brand's declared custom
events, and the names the brand's event log shows, with their origins.
"""

from __future__ import annotations

from typing import Any

from mock_server.core.errors import MockError, NotFound
from mock_server.core.store import CollectionSpec, clone
from mock_server.omnisend import constants as C
from mock_server.omnisend.backend import Brand, register_collection
from mock_server.omnisend.backend.events import LOG

Record = dict[str, Any]
COLLECTION = "eventMetadata"
register_collection(COLLECTION, CollectionSpec())

# Events Omnisend generates itself (seen in the segment and automation docs, §5.2), origin "omnisend".
GENERATED_EVENTS = ("opened message", "clicked message", "marked message as spam", "viewed page",
                    "entered segment", "subscribed to marketing")
GENERATED_ORIGIN = "omnisend"
# Recommended events are sent by stores; their lexicon origin when the log shows none (mock decision).
RECOMMENDED_ORIGIN = "api"


class MetadataConflict(MockError):
    """The event exists, collides with the lexicon, or a property's type would change (409)."""

    status = 409
    kind = "conflict"


def _key(name: str, origin: str) -> str:
    return f"{origin}\u0000{name}"


def lexicon_names() -> tuple[str, ...]:
    """Every name of the global lexicon."""
    return (*C.RECOMMENDED_EVENTS, *GENERATED_EVENTS)


def _explicit(nodes: Record) -> Record:
    """Mark every node of a written property tree ``explicitlyDefined``."""
    out: Record = {}
    for name, node in nodes.items():
        item = {k: clone(v) for k, v in node.items() if k != "properties"}
        item["explicitlyDefined"] = True
        if node.get("properties"):
            item["properties"] = _explicit(node["properties"])
        out[name] = item
    return out


def _merge(stored: Record, given: Record, path: str) -> Record:
    """Merge ``given`` nodes into ``stored``; a defined property keeps its type (409 otherwise)."""
    out: Record = clone(stored)
    for name, node in given.items():
        here = f"{path}{name}"
        current = out.get(name)
        if current is None:
            out[name] = _explicit({name: node})[name]
            continue
        if current.get("explicitlyDefined") and current.get("type") != node["type"]:
            raise MetadataConflict(C.ERR_METADATA_TYPE.format(name=here, type=current.get("type")))
        for key in ("type", "displayName", "description", "group"):
            if key in node:
                current[key] = node[key]
        current["explicitlyDefined"] = True
        if node.get("properties"):
            current["properties"] = _merge(current.get("properties") or {}, node["properties"], f"{here}.")
    return out


def render(record: Record, *, properties: bool = True) -> Record:
    """The ``EventItem`` shape."""
    out: Record = {"name": record["name"], "displayName": record.get("displayName") or record["name"],
                   "origins": list(record["origins"]), "explicitlyDefined": record["explicitlyDefined"]}
    if properties:
        out["properties"] = clone(record.get("properties") or {})
    return out


def create(brand: Brand, data: Record) -> Record:
    """Declare a custom event; 409 when it exists or its name belongs to the lexicon."""
    name, origin = data["name"], data["origin"]
    col = brand.col(COLLECTION)
    if name in lexicon_names() or _key(name, origin) in col:
        raise MetadataConflict(C.ERR_METADATA_EXISTS.format(name=name, origin=origin))
    record = {"name": name, "origin": origin, "origins": [origin], "displayName": data["displayName"],
              "explicitlyDefined": True, "properties": _explicit(data.get("properties") or {}),
              "createdAt": brand.now(), "updatedAt": brand.now()}
    col.insert(_key(name, origin), record)
    return render(record)


def update(brand: Brand, data: Record) -> Record:
    """Merge into an existing custom event: only supplied fields apply, nothing is deleted."""
    name, origin = data["name"], data["origin"]
    col = brand.col(COLLECTION)
    stored = col.get(_key(name, origin))
    if stored is None:
        raise NotFound(C.ERR_METADATA_NOT_FOUND.format(name=name, origin=origin))
    stored["properties"] = _merge(stored.get("properties") or {}, data.get("properties") or {}, "")
    if "displayName" in data:
        stored["displayName"] = data["displayName"]
    stored["updatedAt"] = brand.now()
    col.replace(_key(name, origin), stored)
    return render(stored)


def _logged_origins(brand: Brand) -> dict[str, list[str]]:
    """Event name -> the origins the brand's event log shows for it, first seen first."""
    seen: dict[str, dict[str, None]] = {}
    for entry in brand.col(LOG).values():
        name, origin = entry.get("eventName"), entry.get("origin")
        if isinstance(name, str) and isinstance(origin, str) and origin:
            seen.setdefault(name, {})[origin] = None
    return {name: list(origins) for name, origins in seen.items()}


def query(brand: Brand, data: Record) -> list[Record]:
    """The catalogue for one category (the same set for every category, mock decision), filtered."""
    logged = _logged_origins(brand)
    items: list[Record] = []
    for name in lexicon_names():
        default = GENERATED_ORIGIN if name in GENERATED_EVENTS else RECOMMENDED_ORIGIN
        items.append({"name": name, "displayName": name, "origins": logged.pop(name, None) or [default],
                      "explicitlyDefined": False, "properties": {}, "custom": False})
    for record in brand.col(COLLECTION).values():
        items.append({**record, "custom": True})
        logged.pop(record["name"], None)
    for name, seen in logged.items():
        items.append({"name": name, "displayName": name, "origins": seen, "explicitlyDefined": False,
                      "properties": {}, "custom": True})
    names, origins = data.get("events"), data.get("origins")
    out = []
    for item in items:
        if data.get("excludeCustomEvents") and item["custom"]:
            continue
        if names and item["name"] not in names:
            continue
        if origins and not set(origins) & set(item["origins"]):
            continue
        out.append(render(item, properties=bool(data.get("includeProperties"))))
    return out
