"""v3 custom events (omnisend.md §3.6, §5.6, §6.5): definitions, type inference, triggers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mock_server.core.errors import NotFound, ValidationFailed
from mock_server.core.schema import sort_problems, type_message
from mock_server.core.store import CollectionSpec, clone
from mock_server.omnisend import constants as C
from mock_server.omnisend.backend import Brand, created_key, register_collection, register_seeder
from mock_server.omnisend.backend.events import log_event, notify, upsert_contact

Record = dict[str, Any]
Warn = Callable[[str, str], None]
COLLECTION = "customEvents"
OUTPUT_ORDER = ("eventID", "name", "systemName", "enabled", "createdAt", "updatedAt", "launchedAt", "fields")

register_collection(COLLECTION, CollectionSpec(sort_keys={"createdAt": created_key},
                                               lookups={"systemName": lambda r: [r["systemName"]]}))


def infer_type(value: Any) -> str:
    """The vendor's inference: string, boolean, integer (no fractional part: 10, 10.0) or float."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, str):
        return "string"
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return "integer"
    return "float"


def render(record: Record) -> Record:
    """The definition as the API shows it (``launchedAt`` omitted when never launched)."""
    out = {key: clone(record[key]) for key in OUTPUT_ORDER if record.get(key) is not None}
    out.setdefault("fields", [])
    return out


def list_events(brand: Brand) -> list[Record]:
    """Every definition, newest first (bare array, no paging)."""
    return [render(r) for _, r in brand.col(COLLECTION).walk("createdAt", True)]


def get_event(brand: Brand, event_id: str) -> Record:
    """One definition, or 404."""
    record = brand.col(COLLECTION).peek(event_id)
    if record is None:
        raise NotFound(C.ERR_EVENT_NOT_FOUND.format(id=event_id))
    return render(record)


def exists(brand: Brand, event_id: str) -> bool:
    """Whether a definition with this id exists."""
    return event_id in brand.col(COLLECTION)


def _type_problems(definition: Record, values: Record) -> list[tuple[tuple[str | int, ...], str]]:
    types = {f["systemName"]: f["type"] for f in definition.get("fields", [])}
    problems: list[tuple[tuple[str | int, ...], str]] = []
    for name, value in values.items():
        expected = types.get(name)
        if expected is not None and infer_type(value) != expected:
            problems.append((("fields", name), type_message(expected)))
    return problems


def trigger_by_name(brand: Brand, data: Record, warn: Warn) -> None:
    """POST /events: create or extend the definition named by ``systemName``, then trigger it."""
    col = brand.col(COLLECTION)
    values: Record = data.get("fields") or {}
    found = col.find("systemName", data["systemName"])
    now = brand.now()
    if found:
        definition = col.get(found[0])
        assert definition is not None
        problems = _type_problems(definition, values)
        if problems:
            raise ValidationFailed(problems)
        known = {f["systemName"] for f in definition["fields"]}
        added = [_field(name, value) for name, value in values.items() if name not in known]
        if added:
            definition["fields"].extend(added)
            definition["updatedAt"] = now
            col.replace(definition["eventID"], definition)
    else:
        definition = {"eventID": brand.new_id(), "name": data.get("name") or data["systemName"],
                      "systemName": data["systemName"], "enabled": True, "createdAt": now, "updatedAt": now,
                      "launchedAt": now, "fields": [_field(name, value) for name, value in values.items()]}
        col.insert(definition["eventID"], definition)
    _fire(brand, definition, data, values, warn)


def trigger_by_id(brand: Brand, event_id: str, data: Record, warn: Warn) -> None:
    """POST /events/{eventID}: required fields present, types match, unknown fields ignored."""
    definition = brand.col(COLLECTION).peek(event_id)
    if definition is None:
        raise NotFound(C.ERR_EVENT_NOT_FOUND.format(id=event_id))
    values: Record = data.get("fields") or {}
    problems: list[tuple[tuple[str | int, ...], str]] = [
        (("fields", f["systemName"]), "field required but not found in Json")
                for f in definition.get("fields", []) if f.get("required") and f["systemName"] not in values]
    problems += _type_problems(definition, values)
    if problems:
        raise ValidationFailed(sort_problems(problems))
    known = {f["systemName"] for f in definition.get("fields", [])}
    kept = {}
    for name, value in values.items():
        if name in known:
            kept[name] = value
        else:
            warn(f"fields.{name}", C.WARN_FIELD_NOT_DEFINED)
    _fire(brand, definition, data, kept, warn)


def _field(name: str, value: Any) -> Record:
    return {"name": name, "systemName": name, "type": infer_type(value), "required": False}


def _fire(brand: Brand, definition: Record, data: Record, values: Record, warn: Warn) -> None:
    """Upsert the contact by email, then phone, and log the trigger under the event's name."""
    contact_id = upsert_contact(brand, data.get("email") or None, data.get("phone") or None, None, {}, warn)
    entry = log_event(brand, {"eventID": brand.new_uuid(), "eventName": definition["name"], "eventVersion": None,
                              "origin": "api", "eventTime": brand.now(), "contactID": contact_id,
                              "properties": clone(values), "source": "v3", "customEventID": definition["eventID"],
                              "systemName": definition["systemName"], "warnings": []})
    notify(brand, entry)


def _seed(brand: Brand, record: Record) -> None:
    """A definition as the API renders it (``eventID`` and timestamps optional)."""
    data = clone(record)
    for name in ("name", "systemName"):
        if not isinstance(data.get(name), str) or not data[name]:
            raise ValidationFailed([((name,), "field required but not found in Json")])
    fields = data.get("fields") or []
    for index, item in enumerate(fields):
        if not isinstance(item, dict) or item.get("type") not in C.EVENT_FIELD_TYPES \
                or not isinstance(item.get("systemName"), str):
            raise ValidationFailed([(("fields", index), "needs systemName and a type of "
                                     + ", ".join(C.EVENT_FIELD_TYPES))])
        item.setdefault("name", item["systemName"])
        item.setdefault("required", False)
    now = brand.now()
    definition = {"eventID": data.get("eventID") or brand.new_id(), "name": data["name"],
                  "systemName": data["systemName"], "enabled": bool(data.get("enabled", True)),
                  "createdAt": data.get("createdAt") or now, "updatedAt": data.get("updatedAt") or now,
                  "launchedAt": data.get("launchedAt"), "fields": fields}
    col = brand.col(COLLECTION)
    if definition["eventID"] in col or col.find("systemName", definition["systemName"]):
        raise ValidationFailed([(("eventID",), "duplicate eventID or systemName")])
    col.insert(definition["eventID"], definition)


register_seeder("events", _seed, order=20)
