"""Automations (§5.9): create (disabled), read, patch, delete, blocks, copy, enable/disable, UTM, test email.

What a flow does once enabled lives in ``automation_runs``; this module owns the definitions.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mock_server.core.errors import NotFound, Unprocessable, ValidationFailed
from mock_server.core.store import CollectionSpec, clone
from mock_server.omnisend import marketing_constants as M
from mock_server.omnisend.backend import (
    Brand,
    created_key,
    email_content,
    register_collection,
    register_seeder,
    updated_key,
)
from mock_server.omnisend.backend import automation_checks as checks
from mock_server.omnisend.backend.problems import Conflict
from mock_server.omnisend.backend.seeding import fixture_identity

Record = dict[str, Any]
COLLECTION = "automations"
DEFAULT_THRESHOLDS = {"email": "subscribed", "sms": "subscribed"}
OUTPUT = ("id", "brandID", "name", "isEnabled", "trigger", "blocks", "exitConditions", "settings", "createdAt",
          "updatedAt", "enabledAt", "disabledAt")




def _enabled(record: Record) -> list[str]:
    return ["true" if record.get("isEnabled") else "false"]


# The 2026 ``isEnabled`` filter reads a filter index keyed by its query value ("true" / "false").
register_collection(COLLECTION, CollectionSpec(sort_keys={"createdAt": created_key, "updatedAt": updated_key},
                                               filters={"isEnabled": _enabled}))


def walk(blocks: list[Record]) -> Iterator[Record]:
    """Every block of a tree, depth first, in order."""
    for block in blocks:
        yield block
        body = block.get(block["type"]) or {}
        for branch in ("trueBlocks", "falseBlocks", "aBlocks", "bBlocks"):
            yield from walk(body.get(branch) or [])


def find(brand: Brand, automation_id: str) -> Record:
    """The stored automation (read-only), or 404."""
    record = brand.col(COLLECTION).peek(automation_id)
    if record is None:
        raise NotFound(M.ERR_AUTOMATION_NOT_FOUND)
    return record


def render(brand: Brand, record: Record) -> Record:
    """The Automation answer (``origin`` resolved, thresholds always shown, templateID -> contentID)."""
    out = {key: clone(record.get(key)) for key in OUTPUT if record.get(key) is not None or key in (
        "exitConditions", "isEnabled")}
    out["exitConditions"] = out.get("exitConditions") or []
    condition = out["trigger"]["condition"]
    if "origin" not in condition and condition["event"] not in M.BUILT_IN_TRIGGERS:
        origin = resolved_origin(brand, condition["event"])
        if origin:
            condition["origin"] = origin
    return out


def resolved_origin(brand: Brand, event: str) -> str | None:
    """The single origin the brand's event log knows ``event`` under (None when none or several)."""
    origins = {e.get("origin") for e in brand.col("eventLog").values() if e.get("eventName") == event}
    return str(origins.pop()) if len(origins) == 1 else None


def _template_exists(brand: Brand) -> Any:
    return lambda template_id: template_id in brand.col(email_content.TEMPLATES)


def _known(brand: Brand) -> set[str]:
    return set(brand.col(COLLECTION).keys())


def _store_blocks(brand: Brand, items: list[Record], existing: dict[str, Record]) -> list[Record]:
    """Turn request blocks into stored ones: server ids, templateID copied into owned content."""
    out = []
    for item in items:
        block = clone(item)
        if "temporaryID" in block:
            block.pop("temporaryID")
            block["id"] = brand.new_id()
            old = None
        else:
            old = existing[block["id"]]
        kind = block["type"]
        if kind == "action":
            action = block["action"]
            if action["type"] == "sendEmail":
                config = action["sendEmail"]
                if old is None:
                    config["contentID"] = email_content.copy_to_content(brand, config.pop("templateID"))
                else:
                    config["contentID"] = old["action"]["sendEmail"]["contentID"]
                config.setdefault("isSkipAllowed", True)
            elif action["type"] in ("addTag", "removeTag"):
                action[action["type"]]["value"] = action[action["type"]]["value"].lower()
            elif action["type"] in ("sendSms", "sendPush"):
                action[action["type"]].setdefault("isSkipAllowed", True)
        body = block.get(kind) or {}
        for branch in ("trueBlocks", "falseBlocks", "aBlocks", "bBlocks"):
            if body.get(branch):
                body[branch] = _store_blocks(brand, body[branch], existing)
        out.append(block)
    return out


def _settings(given: Record | None) -> Record:
    settings: Record = clone(given or {})
    settings["sendingThresholds"] = settings.get("sendingThresholds") or dict(DEFAULT_THRESHOLDS)
    limiter = settings.get("frequencyLimiter")
    if isinstance(limiter, dict) and limiter.get("mode") == "interval":
        limiter["duration"] = _normalise(limiter["duration"])
    return settings


def _normalise(duration: Record) -> Record:
    """7d -> 1w, 48h -> 2d: the response shows the largest whole unit (§5.9)."""
    hours = duration["amount"] * {"h": 1, "d": 24, "w": 168}[duration["units"]]
    for units, size in (("w", 168), ("d", 24)):
        if hours % size == 0:
            return {"amount": hours // size, "units": units}
    return {"amount": hours, "units": "h"}


def create(brand: Brand, data: Record, *, automation_id: str | None = None, created_at: str | None = None,
           enabled: bool = False) -> Record:
    """POST /automations: 201, always disabled."""
    problems: checks.Problems = []
    if not isinstance(data.get("name"), str) or not data["name"].strip():
        problems.append((("name",), "required"))
    problems.extend(checks.trigger(data.get("trigger")) if "trigger" in data else [(("trigger",), "required")])
    problems.extend(checks.blocks(data.get("blocks"), new=True, template_exists=_template_exists(brand)))
    problems.extend(checks.exit_conditions(data.get("exitConditions")))
    if data.get("settings") is not None:
        problems.extend(checks.settings(data["settings"], own_id=None, known_ids=_known(brand)))
    if problems:
        raise ValidationFailed(problems)
    now = created_at or brand.now()
    record: Record = {"id": automation_id or brand.new_id(), "brandID": brand.brand_id, "name": data["name"],
                      "isEnabled": enabled, "trigger": clone(data["trigger"]),
                      "blocks": _store_blocks(brand, data["blocks"], {}),
                      "exitConditions": clone(data.get("exitConditions") or []),
                      "settings": _settings(data.get("settings")), "createdAt": now, "updatedAt": now,
                      "enabledAt": now if enabled else None, "disabledAt": None, "utm": {}, "enrolled": False}
    brand.col(COLLECTION).insert(record["id"], record)
    return render(brand, record)


def get(brand: Brand, automation_id: str) -> Record:
    """GET /automations/{id}."""
    return render(brand, find(brand, automation_id))


def _editable(brand: Brand, automation_id: str) -> Record:
    record: Record = clone(find(brand, automation_id))
    if record["isEnabled"]:
        raise Conflict(M.ERR_AUTOMATION_ENABLED)
    return record


def patch(brand: Brand, automation_id: str, data: Record) -> Record:
    """PATCH /automations/{id}: partial update of a disabled automation (§5.9 PATCH semantics)."""
    record = _editable(brand, automation_id)
    problems: checks.Problems = []
    if "name" in data and (not isinstance(data["name"], str) or not data["name"].strip()):
        problems.append((("name",), "required"))
    if "trigger" in data:
        given = data["trigger"]
        if isinstance(given, dict) and "condition" in given and given["condition"] is None:
            problems.append((("trigger", "condition"), "must not be null"))
        else:
            problems.extend(checks.trigger(given, patch=True))
    if "exitConditions" in data:
        problems.extend(checks.exit_conditions(data["exitConditions"]))
    if "settings" in data:
        problems.extend(checks.settings(data["settings"], own_id=automation_id, known_ids=_known(brand), patch=True))
    if "blocks" in data:
        problems.extend(_patch_blocks_problems(record, data["blocks"]))
    if problems:
        raise ValidationFailed(problems)
    if "name" in data:
        record["name"] = data["name"]
    for key, value in (data.get("trigger") or {}).items():
        if value is None:
            record["trigger"].pop(key, None)
        else:
            record["trigger"][key] = clone(value)
    if "exitConditions" in data:
        record["exitConditions"] = clone(data["exitConditions"] or [])
    for key, value in (data.get("settings") or {}).items():
        record["settings"][key] = clone(value)
    record["settings"] = _settings(record["settings"])
    if "blocks" in data:
        _apply_block_patch(record, data["blocks"])
    record["updatedAt"] = brand.now()
    brand.col(COLLECTION).replace(automation_id, record)
    return render(brand, record)


def _patch_blocks_problems(record: Record, items: Any) -> checks.Problems:
    if not isinstance(items, list) or not items:
        return [(("blocks",), "at least one block; blocks cannot be added or removed with PATCH")]
    stored = {b["id"]: b for b in walk(record["blocks"])}
    out: checks.Problems = []
    for item in items:
        if not isinstance(item, dict) or item.get("id") not in stored:
            out.append((("blocks", "id"), "required, the id of a stored block"))
        elif item.get("type") != stored[item["id"]]["type"]:
            out.append((("blocks", "type"), "must match the stored block"))
        elif item["type"] == "action" and isinstance(item.get("action"), dict) and \
                item["action"].get("type") not in (None, stored[item["id"]]["action"]["type"]):
            out.append((("blocks", "action", "type"), "the action type cannot change"))
    return out


def _apply_block_patch(record: Record, items: list[Record]) -> None:
    stored = {b["id"]: b for b in walk(record["blocks"])}
    for item in items:
        block = stored[item["id"]]
        kind = block["type"]
        given = item.get(kind) or {}
        if kind == "delay":
            block["delay"] = clone(given)
        elif kind == "split" and "filterGroup" in given:
            block["split"]["filterGroup"] = clone(given["filterGroup"])
        elif kind == "abTesting" and "aBlocksPercentage" in given:
            block["abTesting"]["aBlocksPercentage"] = given["aBlocksPercentage"]
        elif kind == "action":
            action_type = block["action"]["type"]
            config = block["action"][action_type]
            for key, value in (given.get(action_type) or {}).items():
                if value is None or (value in ("", []) and key in ("replyToEmail", "headers")):
                    config.pop(key, None)
                else:
                    config[key] = clone(value)


def delete(brand: Brand, automation_id: str) -> None:
    """DELETE /automations/{id}: idempotent, 204 even when absent (documented)."""
    if automation_id in brand.col(COLLECTION):
        brand.col(COLLECTION).delete(automation_id)


def replace_blocks(brand: Brand, automation_id: str, data: Record) -> Record:
    """PUT /automations/{id}/blocks: ``id`` items update, ``temporaryID`` items create, the rest go."""
    record = _editable(brand, automation_id)
    items: Any = data.get("blocks")
    stored = {b["id"]: b for b in walk(record["blocks"])}
    problems = checks.blocks(items, new=False, template_exists=_template_exists(brand))
    for item in items if isinstance(items, list) else []:
        for block in walk([item]) if isinstance(item, dict) and item.get("type") in M.BLOCK_TYPES else []:
            if "id" in block and block["id"] not in stored:
                problems.append((("blocks", "id"), f"unknown block id {block['id']!r}"))
    if problems:
        raise ValidationFailed(problems)
    record["blocks"] = _store_blocks(brand, items, stored)
    record["updatedAt"] = brand.now()
    brand.col(COLLECTION).replace(automation_id, record)
    return render(brand, record)


def copy(brand: Brand, automation_id: str, data: Record | None) -> Record:
    """POST /automations/{id}/copy: a disabled copy named "Copy of: <name>" unless a name is given."""
    source = find(brand, automation_id)
    name = (data or {}).get("name") or f"Copy of: {source['name']}"
    record = clone(source)
    now = brand.now()
    for block in walk(record["blocks"]):
        block["id"] = brand.new_id()
        if block["type"] == "action" and block["action"]["type"] == "sendEmail":
            config = block["action"]["sendEmail"]
            config["contentID"] = email_content.duplicate_content(brand, config["contentID"])
    record.update({"id": brand.new_id(), "name": name, "isEnabled": False, "createdAt": now, "updatedAt": now,
                   "enabledAt": None, "disabledAt": None, "utm": {}, "enrolled": False})
    brand.col(COLLECTION).insert(record["id"], record)
    return render(brand, record)


def set_enabled(brand: Brand, automation_id: str, enabled: bool) -> Record:
    """Flip ``isEnabled`` (the checks and enrolment are the engine's); return the stored record."""
    record: Record = clone(find(brand, automation_id))
    if record["isEnabled"] != enabled:
        now = brand.now()
        record.update({"isEnabled": enabled, "updatedAt": now, ("enabledAt" if enabled else "disabledAt"): now})
        brand.col(COLLECTION).replace(automation_id, record)
    return record


def mark_enrolled(brand: Brand, automation_id: str) -> None:
    """Remember that ``enrollExisting`` ran (a segment trigger enrols only on the first enable)."""
    record = clone(find(brand, automation_id))
    record["enrolled"] = True
    brand.col(COLLECTION).replace(automation_id, record)


# -- UTM -----------------------------------------------------------------------------------------------
def _send_blocks(record: Record) -> list[Record]:
    return [b for b in walk(record["blocks"]) if b["type"] == "action" and b["action"]["type"] in checks.SEND_ACTIONS]


def _tags(record: Record, block: Record) -> Record:
    medium = {"sendEmail": "email", "sendSms": "sms", "sendPush": "push"}[block["action"]["type"]]
    defaults = {"source": M.UTM_SOURCE, "medium": medium,
                "campaign": f"automation: {record['name']} ({record['id']})"}
    given = record.get("utm", {}).get(block["id"], {})
    return {key: given.get(key) or defaults[key] for key in ("source", "medium", "campaign")}


def utm(brand: Brand, automation_id: str) -> Record:
    """GET /automations/{id}/utm: the tags of every send block."""
    record = find(brand, automation_id)
    return {"blocks": [{"blockID": b["id"], "tags": _tags(record, b)} for b in _send_blocks(record)]}


def _send_block(record: Record, block_id: str) -> Record:
    found = next((b for b in _send_blocks(record) if b["id"] == block_id), None)
    if found is None:
        raise NotFound(M.ERR_BLOCK_NOT_FOUND)
    return found


def block_utm(brand: Brand, automation_id: str, block_id: str) -> Record:
    """GET /automations/{id}/blocks/{blockID}/utm."""
    try:
        record = find(brand, automation_id)
    except NotFound:
        raise NotFound(M.ERR_BLOCK_NOT_FOUND) from None
    return {"tags": _tags(record, _send_block(record, block_id))}


def set_block_utm(brand: Brand, automation_id: str, block_id: str, data: Record) -> Record:
    """PUT /automations/{id}/blocks/{blockID}/utm: all three tags replaced together; "" = default."""
    try:
        record: Record = clone(find(brand, automation_id))
    except NotFound:
        raise NotFound(M.ERR_BLOCK_NOT_FOUND) from None
    block = _send_block(record, block_id)
    tags: Any = data.get("tags")
    problems: checks.Problems = []
    if not isinstance(tags, dict):
        problems.append((("tags",), "required"))
    else:
        for key in ("source", "medium", "campaign"):
            if not isinstance(tags.get(key), str) or len(tags[key]) > M.UTM_MAX:
                problems.append((("tags", key), f"required, at most {M.UTM_MAX} characters"))
    if problems:
        raise ValidationFailed(problems)
    record.setdefault("utm", {})[block_id] = {k: tags[k] for k in ("source", "medium", "campaign")}
    brand.col(COLLECTION).replace(automation_id, record)
    return {"tags": _tags(record, block)}


def email_block(brand: Brand, automation_id: str, block_id: str) -> Record:
    """The sendEmail config of a block for a test email; 404 unknown, 422 not an email with content."""
    record = find(brand, automation_id)
    block = next((b for b in walk(record["blocks"]) if b["id"] == block_id), None)
    if block is None:
        raise NotFound(M.ERR_BLOCK_NOT_FOUND)
    if block["type"] != "action" or block["action"]["type"] != "sendEmail" \
            or block["action"]["sendEmail"].get("contentID") not in brand.col(email_content.CONTENT):
        raise Unprocessable(M.ERR_TEST_EMAIL_BLOCK)
    config: Record = block["action"]["sendEmail"]
    return config


def _seed(brand: Brand, record: Record) -> None:
    """A fixture automation: the POST body plus ``id``, ``createdAt`` and ``isEnabled``."""
    data, automation_id, created_at = fixture_identity(brand, COLLECTION, record)
    enabled = bool(data.pop("isEnabled", False))
    create(brand, data, automation_id=automation_id, created_at=created_at, enabled=enabled)


register_seeder(COLLECTION, _seed, order=45)
