"""Validation of automation bodies (§5.9): trigger, audience, blocks, settings, exit conditions.

Every problem is collected (the API reports all at once); paths use the request's names and a block's
``temporaryID`` or ``id`` where the vendor names the block in its messages.
"""

from __future__ import annotations

from typing import Any

from mock_server.omnisend import marketing_constants as M
from mock_server.omnisend.backend import webhooks

Record = dict[str, Any]
Problems = list[tuple[tuple[str | int, ...], str]]
SEND_ACTIONS = ("sendEmail", "sendSms", "sendPush")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _text(value: Any, limit: int) -> bool:
    return isinstance(value, str) and 0 < len(value) <= limit


def event_filter(item: Any, path: tuple[str, ...]) -> Problems:
    """One trigger / exit / split event filter ``{field, operator, value?}``."""
    if not isinstance(item, dict):
        return [(path, "invalid type, expected object")]
    out: Problems = []
    if not isinstance(item.get("field"), str) or not item["field"]:
        out.append(((*path, "field"), "required"))
    op = item.get("operator")
    if op not in M.FILTER_OPERATORS:
        out.append(((*path, "operator"), f"invalid value, allowed values: {', '.join(M.FILTER_OPERATORS)}"))
    elif op in ("exists", "notExists"):
        if "value" in item:
            out.append(((*path, "value"), "must be omitted for exists / notExists"))
    elif "value" not in item:
        out.append(((*path, "value"), "required"))
    elif op in M.NUMERIC_OPERATORS and not _is_number(item["value"]):
        out.append(((*path, "value"), "type-mismatch: a number is required for a numeric operator"))
    elif op in ("in", "notIn") and not isinstance(item["value"], list):
        out.append(((*path, "value"), "type-mismatch: an array is required"))
    return out


def filter_group(group: Any, path: tuple[str, ...], check: Any = event_filter) -> Problems:
    """``{logicalOperator, filters[] (>=1)}``."""
    if not isinstance(group, dict):
        return [(path, "invalid type, expected object")]
    out: Problems = []
    if group.get("logicalOperator") not in ("and", "or"):
        out.append(((*path, "logicalOperator"), "required, one of: and, or"))
    filters = group.get("filters")
    if not isinstance(filters, list) or not filters:
        out.append(((*path, "filters"), "required, at least one filter"))
    else:
        for item in filters:
            out.extend(check(item, (*path, "filters")))
    return out


def audience_filter(item: Any, path: tuple[str, ...]) -> Problems:
    """``{field, operator, value: non-empty string}`` from the audience table."""
    if not isinstance(item, dict):
        return [(path, "invalid type, expected object")]
    out: Problems = []
    if item.get("field") not in M.AUDIENCE_FIELDS:
        out.append(((*path, "field"), f"invalid value, allowed values: {', '.join(M.AUDIENCE_FIELDS)}"))
    if item.get("operator") not in ("eq", "neq", "gt", "lt", "contains", "notContains"):
        out.append(((*path, "operator"), "invalid value"))
    if not isinstance(item.get("value"), str) or not item["value"]:
        out.append(((*path, "value"), "required, a non-empty string"))
    return out


def trigger(data: Any, *, patch: bool = False) -> Problems:
    """The ``trigger`` object (whole on create; on PATCH each given sub-field)."""
    if not isinstance(data, dict):
        return [(("trigger",), "invalid type, expected object")]
    out: Problems = []
    if "condition" in data or not patch:
        cond = data.get("condition")
        if not isinstance(cond, dict) or not isinstance(cond.get("event"), str) or not cond["event"]:
            out.append((("trigger", "condition", "event"), "required"))
        else:
            for group in cond.get("filterGroups") or []:
                out.extend(filter_group(group, ("trigger", "condition", "filterGroups")))
    if data.get("audienceFilterGroup") is not None:
        out.extend(filter_group(data["audienceFilterGroup"], ("trigger", "audienceFilterGroup"), audience_filter))
    inactivity = data.get("inactivitySettings")
    if inactivity is not None:
        duration = inactivity.get("duration") if isinstance(inactivity, dict) else None
        if not isinstance(duration, dict) or not _is_number(duration.get("amount")) or duration["amount"] <= 0 \
                or duration.get("units") not in ("m", "h", "d", "w"):
            out.append((("trigger", "inactivitySettings", "duration"), "amount > 0 and units m|h|d|w required"))
    return out


def exit_conditions(items: Any) -> Problems:
    """``exitConditions[]``: events other than the built-ins."""
    if items is None:
        return []
    if not isinstance(items, list):
        return [(("exitConditions",), "invalid type, expected array")]
    out: Problems = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("event"), str) or not item["event"]:
            out.append((("exitConditions", "event"), "required"))
        elif item["event"] in M.BUILT_IN_TRIGGERS:
            out.append((("exitConditions", "event"), "built-in events cannot be exit conditions"))
        elif item.get("filterGroup") is not None:
            out.extend(filter_group(item["filterGroup"], ("exitConditions", "filterGroup")))
    return out


def settings(data: Any, *, own_id: str | None, known_ids: set[str], patch: bool = False) -> Problems:
    """``settings``: thresholds (both keys, never null), frequency and overlap limiters."""
    if not isinstance(data, dict):
        return [(("settings",), "invalid type, expected object")]
    out: Problems = []
    if "sendingThresholds" in data:
        given = data["sendingThresholds"]
        if given is None:
            out.append((("settings", "sendingThresholds"), "must not be null"))
        elif not isinstance(given, dict) or given.get("email") not in M.THRESHOLDS \
                or given.get("sms") not in M.THRESHOLDS:
            out.append((("settings", "sendingThresholds"), "email and sms are required: subscribed|nonSubscribed|all"))
    limiter = data.get("frequencyLimiter")
    if limiter is not None:
        mode = limiter.get("mode") if isinstance(limiter, dict) else None
        if mode not in M.LIMITER_MODES:
            out.append((("settings", "frequencyLimiter", "mode"), "required, one of: once, interval"))
        elif mode == "interval" and not _duration_ok(limiter.get("duration")):
            out.append((("settings", "frequencyLimiter", "duration"), "required for interval: amount >= 1, "
                                                                      "units h|d|w within 8760 h / 365 d / 52 w"))
        elif mode == "once" and "duration" in limiter:
            out.append((("settings", "frequencyLimiter", "duration"), "not allowed for once"))
    overlap = data.get("overlapLimiter")
    if overlap is not None:
        out.extend(_overlap(overlap, own_id, known_ids))
    return out


def _duration_ok(duration: Any) -> bool:
    caps = {"h": 8760, "d": 365, "w": 52}
    return isinstance(duration, dict) and duration.get("units") in caps and isinstance(duration.get("amount"), int) \
        and 1 <= duration["amount"] <= caps[duration["units"]]


def _overlap(overlap: Any, own_id: str | None, known_ids: set[str]) -> Problems:
    base = ("settings", "overlapLimiter")
    if not isinstance(overlap, dict) or overlap.get("mode") not in M.OVERLAP_MODES:
        return [((*base, "mode"), "required, one of: currentlyIn, recentlyIn")]
    out: Problems = []
    ids = overlap.get("automationIDs")
    if not isinstance(ids, list) or not ids:
        out.append(((*base, "automationIDs"), "required, non-empty"))
    else:
        if own_id is not None and own_id in ids:
            out.append(((*base, "automationIDs"), "an automation cannot reference itself"))
        if any(i not in known_ids for i in ids if i != own_id):
            out.append(((*base, "automationIDs"), "unknown automation id"))
    days = overlap.get("withinDays")
    if overlap["mode"] == "recentlyIn" and not (isinstance(days, int) and 1 <= days <= 7):
        out.append(((*base, "withinDays"), "required for recentlyIn, 1-7"))
    if overlap["mode"] == "currentlyIn" and "withinDays" in overlap:
        out.append(((*base, "withinDays"), "not allowed for currentlyIn"))
    return out


def blocks(items: Any, *, new: bool, template_exists: Any, path: tuple[str, ...] = ("blocks",)) -> Problems:
    """A block list of a create (``new``: every block carries a ``temporaryID``) or a PUT /blocks."""
    if not isinstance(items, list) or not items:
        return [(path, "required, at least one block")]
    out: Problems = []
    seen: set[str] = set()
    _walk(items, path, out, seen, new=new, template_exists=template_exists, nested=False, followed=False)
    return out


def _walk(items: list[Any], path: tuple[str, ...], out: Problems, seen: set[str], *, new: bool,
          template_exists: Any, nested: bool, followed: bool) -> None:
    for index, block in enumerate(items):
        if not isinstance(block, dict):
            out.append((path, "invalid type, expected object"))
            continue
        ident = block.get("id") if not new and "id" in block else block.get("temporaryID")
        if not isinstance(ident, str) or not ident or len(ident) > M.TEMPORARY_ID_MAX:
            out.append(((*path, "temporaryID"), f"required, at most {M.TEMPORARY_ID_MAX} characters"))
        elif ident in seen:
            out.append(((*path, "temporaryID"), f"duplicate id {ident!r}"))
        else:
            seen.add(ident)
        kind = block.get("type")
        if kind not in M.BLOCK_TYPES:
            out.append(((*path, "type"), f"invalid value, allowed values: {', '.join(M.BLOCK_TYPES)}"))
            continue
        others = [t for t in M.BLOCK_TYPES if t != kind and block.get(t) is not None]
        if not isinstance(block.get(kind), dict) or others:
            out.append(((*path, kind), f"exactly the {kind} object must be filled"))
            continue
        last = index == len(items) - 1
        if kind == "delay":
            out.extend(_delay(block["delay"], path))
            if last and not (nested and followed):
                out.append(((*path, "delay"), "a delay cannot end a sequence"))
        elif kind == "action":
            is_new = new or "temporaryID" in block
            out.extend(_action(block["action"], (*path, "action"), is_new=is_new, template_exists=template_exists))
        else:
            branches = ("trueBlocks", "falseBlocks") if kind == "split" else ("aBlocks", "bBlocks")
            body = block[kind]
            if kind == "split":
                out.extend(filter_group(body.get("filterGroup"), (*path, "split", "filterGroup"), _split_filter))
            else:
                pct = body.get("aBlocksPercentage")
                if not isinstance(pct, int) or isinstance(pct, bool) or not 0 <= pct <= 100:
                    out.append(((*path, "abTesting", "aBlocksPercentage"), "required, 0-100"))
            if not any(body.get(b) for b in branches):
                out.append(((*path, kind), "at least one branch must hold blocks"))
            for branch in branches:
                if body.get(branch):
                    _walk(body[branch], (*path, kind, branch), out, seen, new=new, template_exists=template_exists,
                          nested=True, followed=not last or followed)


def _split_filter(item: Any, path: tuple[str, ...]) -> Problems:
    if isinstance(item, dict) and item.get("type") == "message":
        if item.get("field") != "blockID" or item.get("operator") not in M.MESSAGE_OPERATORS:
            return [(path, "a message filter needs field blockID and a message operator")]
        return []
    if isinstance(item, dict) and item.get("type") == "contact":
        return audience_filter(item, path)
    return event_filter(item, path)


def _delay(delay: Record, path: tuple[str, ...]) -> Problems:
    mode = delay.get("mode")
    if mode not in M.DELAY_MODES:
        return [((*path, "delay", "mode"), f"invalid value, allowed values: {', '.join(M.DELAY_MODES)}")]
    if mode == "duration":
        duration = delay.get("duration")
        if not isinstance(duration, dict) or not isinstance(duration.get("amount"), int) or duration["amount"] < 1 \
                or duration.get("units") not in M.DELAY_UNITS:
            return [((*path, "delay", "duration"), "required for duration mode: amount >= 1, units m|h|d|w|M")]
    if mode == "specificTime":
        time = delay.get("time")
        if not isinstance(time, str) or len(time) != 5 or time[2] != ":":
            return [((*path, "delay", "time"), "required for specificTime mode, HH:MM")]
    return []


def _action(action: Record, path: tuple[str, ...], *, is_new: bool, template_exists: Any) -> Problems:
    kind = action.get("type")
    if kind not in M.ACTION_TYPES:
        return [((*path, "type"), f"invalid value, allowed values: {', '.join(M.ACTION_TYPES)}")]
    config = action.get(kind)
    flat = [k for k in action if k not in ("type", kind)]
    if not isinstance(config, dict) or flat:
        return [((*path, kind), f"the action's settings must be nested under {kind!r}")]
    where = (*path, kind)
    if kind == "sendEmail":
        return _send_email(config, where, is_new=is_new, template_exists=template_exists)
    if kind == "sendSms":
        return [] if _text(config.get("message"), 1600) and isinstance(config.get("compliance"), dict) else \
            [((*where, "message"), "message (<= 1600) and compliance are required")]
    if kind == "sendPush":
        missing = [n for n, cap in (("title", 250), ("body", 250), ("clickUrl", 2000)) if not _text(config.get(n), cap)]
        return [((*where, n), "required") for n in missing]
    if kind == "sendWebhook":
        return _webhook(config, where)
    return [] if _text(config.get("value"), 250) else [((*where, "value"), "required, at most 250 characters")]


def _send_email(config: Record, where: tuple[str, ...], *, is_new: bool, template_exists: Any) -> Problems:
    out: Problems = []
    for name in ("subject", "preheader", "senderName"):
        if not _text(config.get(name), 250):
            out.append(((*where, name), "required, at most 250 characters"))
    language = config.get("language")
    if not isinstance(language, str) or len(language) != 5 or language[2] != "_":
        out.append(((*where, "language"), "invalid_format, expected xx_XX"))
    if is_new:
        if not isinstance(config.get("templateID"), str):
            out.append(((*where, "templateID"), "required"))
        elif not template_exists(config["templateID"]):
            out.append(((*where, "templateID"), "template not found"))
    elif "templateID" in config:
        out.append(((*where, "templateID"), "not allowed for an existing block"))
    return out


def _webhook(config: Record, where: tuple[str, ...]) -> Problems:
    out: Problems = []
    problem = webhooks.url_problem(config.get("callbackUrl"))
    if problem:
        out.append(((*where, "callbackUrl"), problem))
    body = config.get("body")
    if not isinstance(body, str) or len(body) > M.WEBHOOK_BODY_MAX:
        out.append(((*where, "body"), f"required, a JSON template string of at most {M.WEBHOOK_BODY_MAX} characters"))
    for header in config.get("headers") or []:
        if not isinstance(header, dict) or not _text(header.get("key"), 256) \
                or not isinstance(header.get("value"), str) or len(header["value"]) > 10000:
            out.append(((*where, "headers"), "each header needs key (<= 256) and value (<= 10000)"))
    return out
