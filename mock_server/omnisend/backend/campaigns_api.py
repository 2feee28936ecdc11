"""Campaigns of API 2026-03-15 (§5.10): drafts, validation, patch, delete, copy, UTM.

Sending, scheduling, cancelling and the A/B test life cycle are in ``campaign_sends``. These campaigns
are their own collection: the v3 campaign resource (omnisend.md §3.8) keeps its fixture rows and shape.
"""

from __future__ import annotations

import re
from typing import Any

from mock_server.core.clock import parse_datetime
from mock_server.core.collection import field_values
from mock_server.core.errors import NotFound, Unprocessable, ValidationFailed
from mock_server.core.store import CollectionSpec, clone
from mock_server.omnisend import marketing_constants as M
from mock_server.omnisend.backend import (
    Brand,
    created_key,
    email_content,
    register_collection,
    register_seeder,
    segments,
    updated_key,
)
from mock_server.omnisend.backend.problems import Conflict
from mock_server.omnisend.backend.seeding import fixture_identity

Record = dict[str, Any]
Problems = list[tuple[tuple[str | int, ...], str]]
COLLECTION = "apiCampaigns"
OUTPUT = ("id", "brandID", "name", "type", "channel", "status", "language", "audience", "content", "abTest",
          "boosterSettings", "sendingSettings", "createdAt", "updatedAt", "startedAt", "endedAt")
LANGUAGE = re.compile(r"^[a-z]{2}_[A-Z]{2}$")
EMAIL_TEXT = ("subject", "preheader", "senderName", "senderEmail", "replyToEmail")
DELETABLE = ("draft", "sent", "canceled", "error", "expired")


def _name_key(record: Record) -> str:
    return str(record.get("name") or "")


def parent_of(record: Record) -> object:
    """The campaign a booster follows up (the 2026 ``parentCampaignID`` filter)."""
    settings = record.get("boosterSettings")
    return settings.get("campaignID") if isinstance(settings, dict) else None


def _parents(record: Record) -> list[str]:
    parent = parent_of(record)
    return [parent] if isinstance(parent, str) else []


# The 2026 list filters status / channel / type / parentCampaignID read filter indexes (an exact string
# filter never matches another type, so only strings are indexed).
register_collection(COLLECTION, CollectionSpec(sort_keys={"createdAt": created_key, "updatedAt": updated_key,
                                                          "name": _name_key},
                                               filters={**{n: field_values(n) for n in ("status", "channel", "type")},
                                                        "parentCampaignID": _parents}))


def find(brand: Brand, campaign_id: str) -> Record:
    """The stored campaign (read-only), or 404."""
    record = brand.col(COLLECTION).peek(campaign_id)
    if record is None:
        raise NotFound(M.ERR_CAMPAIGN_NOT_FOUND)
    return record


def render(record: Record) -> Record:
    """The Campaign answer (internal bookkeeping left out, unset fields omitted, an undecided A/B test
    without ``result``)."""
    out = {key: clone(record[key]) for key in OUTPUT if record.get(key) is not None}
    if out.get("abTest") and out["abTest"].get("result") is None:
        out["abTest"].pop("result", None)
    return out


def get(brand: Brand, campaign_id: str) -> Record:
    """GET /campaigns/{id}."""
    return render(find(brand, campaign_id))


# -- validation ----------------------------------------------------------------------------------------
def _text(value: Any, limit: int = 250) -> bool:
    return isinstance(value, str) and 1 <= len(value) <= limit


def _email_problems(brand: Brand, email: Any, path: tuple[str, ...], *, create: bool) -> Problems:
    if not isinstance(email, dict):
        return [(path, "required")]
    out: Problems = []
    if create:
        if not isinstance(email.get("templateID"), str):
            out.append(((*path, "templateID"), "required"))
        elif email["templateID"] not in brand.col(email_content.TEMPLATES):
            out.append(((*path, "templateID"), "template not found"))
    elif "templateID" in email or "contentID" in email:
        out.append(((*path, "templateID"), "templateID and contentID cannot change"))
    for name in EMAIL_TEXT:
        if name in email and not (name == "replyToEmail" and email[name] == "") and not _text(email[name]):
            out.append(((*path, name), "must be 1-250 characters"))
    for name in ("senderEmail", "replyToEmail"):
        if email.get(name) and "@" not in str(email[name]):
            out.append(((*path, name), "invalid_format: must be a valid email address"))
    return out


def _sms_problems(sms: Any, path: tuple[str, ...], *, create: bool) -> Problems:
    if not isinstance(sms, dict):
        return [(path, "required")]
    out: Problems = []
    if (create or "message" in sms) and not _text(sms.get("message"), 1600):
        out.append(((*path, "message"), "required, at most 1600 characters"))
    compliance = sms.get("compliance")
    if (create or "compliance" in sms) and (not isinstance(compliance, dict) or not _text(
            compliance.get("stopKeywordText")) or not _text(compliance.get("unsubscribeLinkText"))):
        out.append(((*path, "compliance"), "stopKeywordText and unsubscribeLinkText are required (<= 250)"))
    return out


def _sending_problems(brand: Brand, given: Any) -> Problems:
    if not isinstance(given, dict):
        return [(("sendingSettings",), "invalid type, expected object")]
    out: Problems = []
    strategy = given.get("strategy", "immediate")
    if strategy not in M.STRATEGIES:
        return [(("sendingSettings", "strategy"), f"invalid value, allowed values: {', '.join(M.STRATEGIES)}")]
    at = given.get("scheduledAt")
    if strategy == "immediate":
        if at is not None:
            out.append((("sendingSettings", "scheduledAt"), "not allowed for the immediate strategy"))
    else:
        moment = parse_datetime(at) if isinstance(at, str) else None
        if moment is None:
            out.append((("sendingSettings", "scheduledAt"), "required, an RFC 3339 date-time"))
        elif strategy == "scheduled" and not brand.now_ts() < moment.timestamp() <= brand.now_ts() + 366 * 86400:
            out.append((("sendingSettings", "scheduledAt"), "must be in the future and within one year"))
    if (strategy == "personalized") != ("optimizeFor" in given):
        out.append((("sendingSettings", "optimizeFor"), "required if and only if the strategy is personalized"))
    return out


def _audience_problems(brand: Brand, audience: Any) -> Problems:
    if not isinstance(audience, dict):
        return [(("audience",), "invalid type, expected object")]
    out: Problems = []
    lists = {}
    for name in ("includedSegmentIDs", "excludedSegmentIDs"):
        ids = audience.get(name, [])
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            out.append((("audience", name), "invalid type, expected array of strings"))
            continue
        lists[name] = set(ids)
        if any(not segments.members_known(brand, i) for i in ids):
            out.append((("audience", name), "unknown segment id"))
    if lists.get("includedSegmentIDs", set()) & lists.get("excludedSegmentIDs", set()):
        out.append((("audience",), "included and excluded segments must not overlap"))
    return out


def _ab_problems(brand: Brand, ab: Any) -> Problems:
    if not isinstance(ab, dict):
        return [(("abTest",), "required for an abTest campaign")]
    out: Problems = []
    settings = ab.get("settings") or {}
    size = settings.get("testSizePercent")
    if not isinstance(size, int) or not 10 <= size <= 100:
        out.append((("abTest", "settings", "testSizePercent"), "required, 10-100"))
    elif size < 100:
        if settings.get("winningMetric") not in ("openRate", "clickRate"):
            out.append((("abTest", "settings", "winningMetric"), "required unless testSizePercent is 100"))
        decision = settings.get("decisionTime")
        if not isinstance(decision, dict) or not isinstance(decision.get("amount"), int) or decision["amount"] < 1 \
                or decision.get("unit") not in ("h", "d"):
            out.append((("abTest", "settings", "decisionTime"), "required unless testSizePercent is 100"))
    variants = ab.get("variants") or {}
    for side in ("a", "b"):
        email = ((variants.get(side) or {}).get("content") or {}).get("email")
        out.extend(_email_problems(brand, email, ("abTest", "variants", side, "content", "email"), create=True))
    return out


def _common_problems(brand: Brand, data: Record) -> Problems:
    """``language``, ``audience`` and ``sendingSettings``, when given (create and PATCH alike)."""
    out: Problems = []
    if "language" in data and not (isinstance(data["language"], str) and LANGUAGE.match(data["language"])):
        out.append((("language",), "invalid_format, expected xx_XX"))
    if "audience" in data:
        out.extend(_audience_problems(brand, data["audience"]))
    if "sendingSettings" in data:
        out.extend(_sending_problems(brand, data["sendingSettings"]))
    return out


def _check_create(brand: Brand, data: Record) -> None:
    problems: Problems = []
    kind, channel = data.get("type"), data.get("channel")
    if kind not in M.CAMPAIGN_TYPES:
        problems.append((("type",), f"required, one of: {', '.join(M.CAMPAIGN_TYPES)}"))
    if channel not in M.CAMPAIGN_CHANNELS:
        problems.append((("channel",), f"required, one of: {', '.join(M.CAMPAIGN_CHANNELS)}"))
    if kind in ("regular", "abTest") and not _text(data.get("name"), M.CAMPAIGN_NAME_MAX):
        problems.append((("name",), "required, at most 250 characters"))
    problems.extend(_common_problems(brand, data))
    if kind == "regular" and channel in ("email", "sms"):
        content = data.get("content")
        if not isinstance(content, dict) or not isinstance(content.get(channel), dict):
            problems.append((("content", channel), "required for a regular campaign"))
        elif channel == "email":
            problems.extend(_email_problems(brand, content["email"], ("content", "email"), create=True))
        else:
            problems.extend(_sms_problems(content["sms"], ("content", "sms"), create=True))
    if kind == "abTest":
        problems.extend(_ab_problems(brand, data.get("abTest")))
    if kind == "booster":
        booster = data.get("boosterSettings")
        if not isinstance(booster, dict) or not isinstance(booster.get("campaignID"), str) \
                or booster.get("sendTo") not in ("nonOpeners", "nonClickers"):
            problems.append((("boosterSettings",), "campaignID and sendTo (nonOpeners|nonClickers) are required"))
    if problems:
        raise ValidationFailed(problems)
    if channel == "push" or (kind == "abTest" and channel != "email"):
        raise Unprocessable(M.ERR_CAMPAIGN_CHANNEL)


def _booster_parent(brand: Brand, data: Record) -> Record:
    parent = brand.col(COLLECTION).peek(data["boosterSettings"]["campaignID"])
    if parent is None:
        raise NotFound(M.ERR_PARENT_NOT_FOUND)
    if parent["type"] != "regular" or parent["channel"] != "email" or parent["status"] not in ("draft", "sent"):
        raise Conflict(M.ERR_BOOSTER_PARENT)
    if any(c.get("boosterSettings", {}).get("campaignID") == parent["id"] for c in brand.col(COLLECTION).values()
           if c["type"] == "booster"):
        raise Conflict(M.ERR_BOOSTER_EXISTS)
    return parent


def _email_content(brand: Brand, email: Record) -> Record:
    stored = {k: email[k] for k in EMAIL_TEXT if email.get(k)}
    return {"contentID": email_content.copy_to_content(brand, email["templateID"]), **stored}


# -- operations ----------------------------------------------------------------------------------------
def create(brand: Brand, data: Record, *, campaign_id: str | None = None, created_at: str | None = None) -> Record:
    """POST /campaigns: a draft (201); boosters inherit their parent's content."""
    _check_create(brand, data)
    parent = _booster_parent(brand, data) if data["type"] == "booster" else None
    now = created_at or brand.now()
    record: Record = {"id": campaign_id or brand.new_id(), "brandID": brand.brand_id,
                      "name": data.get("name") or (f"Booster: {parent['name']}" if parent else ""),
                      "type": data["type"], "channel": data["channel"], "status": "draft",
                      "language": data.get("language") or M.DEFAULT_LANGUAGE,
                      "audience": {"includedSegmentIDs": list((data.get("audience") or {}).get("includedSegmentIDs")
                                                              or []),
                                   "excludedSegmentIDs": list((data.get("audience") or {}).get("excludedSegmentIDs")
                                                              or [])},
                      "sendingSettings": clone(data.get("sendingSettings") or {"strategy": "immediate"}),
                      "createdAt": now, "updatedAt": now, "utm": {}}
    record["sendingSettings"].setdefault("strategy", "immediate")
    if data["type"] == "regular":
        content = data["content"]
        record["content"] = ({"email": _email_content(brand, content["email"])} if data["channel"] == "email"
                             else {"sms": {"isLinkShorteningEnabled": True, **clone(content["sms"])}})
    elif data["type"] == "abTest":
        ab = clone(data["abTest"])
        for side in ("a", "b"):
            variant = ab["variants"][side]
            variant["id"] = brand.new_id()
            variant["content"]["email"] = _email_content(brand, variant["content"]["email"])
        ab["result"] = None
        record["abTest"] = ab
    else:
        assert parent is not None
        record["boosterSettings"] = clone(data["boosterSettings"])
        record["content"] = clone(parent.get("content"))
    brand.col(COLLECTION).insert(record["id"], record)
    return render(record)


def _draft(brand: Brand, campaign_id: str) -> Record:
    record: Record = clone(find(brand, campaign_id))
    if record["status"] != "draft":
        raise Conflict(M.ERR_CAMPAIGN_MODIFY)
    return record


def patch(brand: Brand, campaign_id: str, data: Record) -> Record:
    """PATCH /campaigns/{id}: drafts only; content fields merge, sendingSettings and abTest replace whole."""
    record = _draft(brand, campaign_id)
    problems: Problems = []
    if "name" in data and not _text(data["name"], M.CAMPAIGN_NAME_MAX):
        problems.append((("name",), "must be 1-250 characters"))
    problems.extend(_common_problems(brand, data))
    content = data.get("content")
    if isinstance(content, dict):
        if "email" in content:
            problems.extend(_email_problems(brand, content["email"], ("content", "email"), create=False))
        if "sms" in content:
            problems.extend(_sms_problems(content["sms"], ("content", "sms"), create=False))
    if "abTest" in data and record["type"] == "abTest":
        problems.extend(_ab_problems(brand, data["abTest"]))
    if problems:
        raise ValidationFailed(problems)
    for key in ("name", "language", "sendingSettings"):
        if key in data:
            record[key] = clone(data[key])
    if "audience" in data:
        record["audience"].update(clone(data["audience"]))
    for channel, fields in (content or {}).items():
        target = record.setdefault("content", {}).setdefault(channel, {})
        for key, value in fields.items():
            if value == "" and key == "replyToEmail":
                target.pop(key, None)
            else:
                target[key] = clone(value)
    if "abTest" in data and record["type"] == "abTest":
        ab = clone(data["abTest"])
        for side in ("a", "b"):
            ab["variants"][side]["id"] = record["abTest"]["variants"][side]["id"]
            ab["variants"][side]["content"]["email"] = _email_content(brand, ab["variants"][side]["content"]["email"])
        ab["result"] = None
        record["abTest"] = ab
    if "boosterSettings" in data and record["type"] == "booster":
        record["boosterSettings"].update({k: clone(v) for k, v in data["boosterSettings"].items()
                                          if k in ("delay", "sendTo")})
    record["updatedAt"] = brand.now()
    brand.col(COLLECTION).replace(campaign_id, record)
    return render(record)


def delete(brand: Brand, campaign_id: str) -> None:
    """DELETE /campaigns/{id}: 404 unknown (§7.2 q6 mock decision), 409 while it is going out."""
    record = find(brand, campaign_id)
    if record["status"] not in DELETABLE:
        raise Conflict(M.ERR_CAMPAIGN_DELETE)
    brand.col(COLLECTION).delete(campaign_id)


def copy(brand: Brand, campaign_id: str) -> Record:
    """POST /campaigns/{id}/copy: a draft with its own content copies, named "Copy of: <name>"."""
    source = find(brand, campaign_id)
    if source["type"] == "booster":
        raise Unprocessable(M.ERR_CAMPAIGN_CHANNEL)
    record: Record = clone(source)
    now = brand.now()
    emails = [record.get("content", {}).get("email")]
    emails += [v["content"]["email"] for v in (record.get("abTest") or {}).get("variants", {}).values()]
    for email in emails:
        if email and email.get("contentID") in brand.col(email_content.CONTENT):
            email["contentID"] = email_content.duplicate_content(brand, email["contentID"])
    for variant in (record.get("abTest") or {}).get("variants", {}).values():
        variant["id"] = brand.new_id()
    if record.get("abTest"):
        record["abTest"]["result"] = None
    for key in ("startedAt", "endedAt", "recipients", "decisionAt", "testGroup"):
        record.pop(key, None)
    record.update({"id": brand.new_id(), "name": f"Copy of: {source['name']}", "status": "draft",
                   "createdAt": now, "updatedAt": now})
    brand.col(COLLECTION).insert(record["id"], record)
    return render(record)


# -- UTM -----------------------------------------------------------------------------------------------
def _default_tags(record: Record, name: str | None = None) -> Record:
    return {"source": M.UTM_SOURCE, "medium": record["channel"], "campaign": name or record["name"]}


def utm(brand: Brand, campaign_id: str) -> Record:
    """GET /campaigns/{id}/utm: ``{tags}`` or, for A/B tests, ``{variants: {a: {id, tags}, b}}``."""
    record = find(brand, campaign_id)
    given = record.get("utm") or {}
    if record["type"] == "abTest":
        return {"variants": {side: {"id": v["id"], "tags": {k: (given.get(side) or {}).get(k) or d
                                                            for k, d in _default_tags(record).items()}}
                             for side, v in record["abTest"]["variants"].items()}}
    return {"tags": {k: (given.get("tags") or {}).get(k) or d for k, d in _default_tags(record).items()}}


def set_utm(brand: Brand, campaign_id: str, data: Record) -> Record:
    """PUT /campaigns/{id}/utm: exactly one of ``tags`` / ``variants``; drafts only; "" resets a tag."""
    record = _draft(brand, campaign_id)
    if ("tags" in data) == ("variants" in data):
        raise ValidationFailed([(("tags",), "exactly one of tags or variants is required")])
    groups = {"tags": data["tags"]} if "tags" in data else dict(data["variants"] or {})
    problems: Problems = []
    for name, tags in groups.items():
        tags = tags.get("tags", tags) if name != "tags" and isinstance(tags, dict) else tags
        if not isinstance(tags, dict) or any(not isinstance(v, str) or len(v) > M.UTM_MAX for v in tags.values()):
            problems.append(((name,), f"tag values are strings of at most {M.UTM_MAX} characters"))
        else:
            kept = {k: v for k, v in tags.items() if k in ("source", "medium", "campaign")}
            record.setdefault("utm", {})[name] = kept
    if problems:
        raise ValidationFailed(problems)
    record["updatedAt"] = brand.now()
    brand.col(COLLECTION).replace(campaign_id, record)
    return utm(brand, campaign_id)


def _seed(brand: Brand, record: Record) -> None:
    """A fixture campaign: the POST body plus ``id`` and ``createdAt`` (seeded as a draft)."""
    data, campaign_id, created_at = fixture_identity(brand, COLLECTION, record)
    create(brand, data, campaign_id=campaign_id, created_at=created_at)


register_seeder(COLLECTION, _seed, order=46)
