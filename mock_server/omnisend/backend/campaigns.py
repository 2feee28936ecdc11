"""Campaigns (omnisend.md §3.8, §5.8, §6.9): fixture data, per-contact rows, delete, start."""

from __future__ import annotations

from typing import Any

from mock_server.core.collection import field_values
from mock_server.core.errors import NotFound, Unprocessable, ValidationFailed
from mock_server.core.store import Collection, CollectionSpec, clone
from mock_server.omnisend import constants as C
from mock_server.omnisend.backend import Brand, created_key, register_collection, register_seeder, segments
from mock_server.omnisend.backend import contacts as contact_rules

Record = dict[str, Any]
COLLECTION = "campaigns"
ROWS = "campaignContacts"
QUEUE = "campaignQueue"
PARTIAL_ORDER = ("campaignID", "name", "status", "type", "fromName", "subject", "url", "createdAt", "updatedAt",
                 "startDate", "endDate", *C.CAMPAIGN_COUNTERS, "allSubscribers", "segments")
FULL_EXTRA = ("abTestWinner", "abTest", "byDevices")
ROW_ORDER = ("email", "contactID", *C.CAMPAIGN_COUNTERS)


def _counter(name: str) -> Any:
    return lambda record: int(record.get(name) or 0)


register_collection(COLLECTION, CollectionSpec(sort_keys={"createdAt": created_key,
                                                          **{n: _counter(n) for n in C.CAMPAIGN_COUNTERS}},
                                               filters={n: field_values(n) for n in ("status", "type")}))
register_collection(ROWS, CollectionSpec())


def rows(brand: Brand, campaign_id: str) -> Collection:
    """The per-contact rows of one campaign."""
    return brand.col(f"{ROWS}:{campaign_id}")


def render(record: Record, *, full: bool = False) -> Record:
    """``campaign-partial`` (list) or ``campaign-full`` (GET); unset dates are omitted (mock decision)."""
    out: Record = {}
    for key in PARTIAL_ORDER:
        value = record.get(key)
        if key in C.CAMPAIGN_COUNTERS:
            out[key] = int(value or 0)
        elif key == "allSubscribers":
            out[key] = bool(value)
        elif key == "segments":
            out[key] = [{"segmentID": s} for s in value or []]
        elif value is not None:
            out[key] = clone(value)
    if full:
        for key in FULL_EXTRA:
            if record.get(key) is not None:
                out[key] = clone(record[key])
    return out


def render_row(brand: Brand, row: Record) -> Record:
    """``{email, contactID, sent, opened, clicked, bounced, complained, unsubscribed}``."""
    contact = brand.col("contacts").peek(row["contactID"])
    email = contact_rules.email_of(contact) if contact is not None else None
    out: Record = {"email": email or row.get("email") or "", "contactID": row["contactID"]}
    for key in C.CAMPAIGN_COUNTERS:
        out[key] = bool(row.get(key))
    return out


def find(brand: Brand, campaign_id: str) -> Record:
    """The stored campaign (read-only), or 404."""
    record = brand.col(COLLECTION).peek(campaign_id)
    if record is None:
        raise NotFound(C.ERR_CAMPAIGN_NOT_FOUND.format(id=campaign_id))
    return record


def get(brand: Brand, campaign_id: str) -> Record:
    """One campaign, full rendering."""
    return render(find(brand, campaign_id), full=True)


def delete(brand: Brand, campaign_id: str) -> None:
    """Remove a sent or draft campaign and its rows; 422 otherwise."""
    record = find(brand, campaign_id)
    if record["status"] not in C.CAMPAIGN_DELETABLE:
        raise Unprocessable(C.ERR_CAMPAIGN_DELETE)
    brand.col(COLLECTION).delete(campaign_id)
    brand.tenant.collections.pop(f"{ROWS}:{campaign_id}", None)


def contact_row(brand: Brand, campaign_id: str, contact_id: str) -> Record:
    """One campaign-contact row, or 404."""
    find(brand, campaign_id)
    row = rows(brand, campaign_id).peek(contact_id) if brand.tenant.find_collection(
        f"{ROWS}:{campaign_id}") is not None else None
    if row is None:
        raise NotFound(C.ERR_CAMPAIGN_CONTACT_NOT_FOUND.format(id=contact_id))
    return render_row(brand, row)


def start(brand: Brand, campaign_id: str) -> Record:
    """``actions/start``: draft or scheduled -> inProgress now; sent at once in sync mode, else on the
    next worker tick or drain (§6.9)."""
    record = brand.col(COLLECTION).get(campaign_id)
    if record is None:
        raise NotFound(C.ERR_CAMPAIGN_NOT_FOUND.format(id=campaign_id))
    if record["status"] not in C.CAMPAIGN_STARTABLE:
        raise Unprocessable(C.ERR_CAMPAIGN_START)
    now = brand.now()
    record.update({"status": "inProgress", "startDate": now, "updatedAt": now})
    record.pop("endDate", None)
    brand.col(COLLECTION).replace(campaign_id, record)
    brand.tenant.extra.setdefault(QUEUE, []).append(campaign_id)
    if brand.ctx.settings.omnisend_batch_mode == "sync":
        complete_started(brand)
    return {"campaignID": campaign_id}


def recipients(brand: Brand, record: Record) -> list[str]:
    """Subscribed contacts: all of them, or the members of the campaign's segments (creation order)."""
    wanted: set[str] | None = None
    if not record.get("allSubscribers"):
        wanted = {cid for seg in record.get("segments") or [] for cid in segments.members(brand, seg)}
    return [key for key, contact in brand.col("contacts").items()
            if contact_rules.email_status(contact) == "subscribed" and (wanted is None or key in wanted)]


def complete_started(brand: Brand) -> int:
    """Send every started campaign: one row per recipient, ``sent`` = count, status sent."""
    queue: list[str] = brand.tenant.extra.get(QUEUE, [])
    done = 0
    while queue:
        campaign_id = queue.pop(0)
        record = brand.col(COLLECTION).get(campaign_id)
        if record is None or record["status"] != "inProgress":
            continue
        brand.tenant.collections.pop(f"{ROWS}:{campaign_id}", None)
        table = rows(brand, campaign_id)
        sent_to = recipients(brand, record)
        for contact_id in sent_to:
            table.insert(contact_id, {"contactID": contact_id, "sent": True, "opened": False, "clicked": False,
                                      "bounced": False, "complained": False, "unsubscribed": False})
        now = brand.now()
        record.update({"status": "sent", "sent": len(sent_to), "endDate": now, "updatedAt": now})
        brand.col(COLLECTION).replace(campaign_id, record)
        brand.outbox({"kind": "campaign", "campaignID": campaign_id, "recipients": len(sent_to),
                      "triggeredAt": now})
        done += 1
    return done


def _seed(brand: Brand, record: Record) -> None:
    """A campaign as the API renders it, plus ``contacts``: its per-contact rows."""
    data = clone(record)
    problems: list[tuple[tuple[str | int, ...], str]] = []
    if not isinstance(data.get("campaignID"), str) or not data["campaignID"]:
        problems.append((("campaignID",), "field required but not found in Json"))
    if data.get("status") not in C.CAMPAIGN_STATUSES:
        problems.append((("status",), f"invalid value, allowed values: {', '.join(C.CAMPAIGN_STATUSES)}"))
    if data.get("type") not in C.CAMPAIGN_TYPES:
        problems.append((("type",), f"invalid value, allowed values: {', '.join(C.CAMPAIGN_TYPES)}"))
    for name in C.CAMPAIGN_COUNTERS:
        value = data.get(name, 0)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            problems.append(((name,), "must be an integer >= 0"))
    for index, segment in enumerate(data.get("segments") or []):
        segment_id = segment.get("segmentID") if isinstance(segment, dict) else segment
        if not isinstance(segment_id, str) or not segment_id:
            problems.append((("segments", index), "must be a segmentID or {\"segmentID\": ...}"))
    if problems:
        raise ValidationFailed(problems)
    if data["campaignID"] in brand.col(COLLECTION):
        raise ValidationFailed([(("campaignID",), f"duplicate campaignID {data['campaignID']!r}")])
    contact_rows = data.pop("contacts", None) or []
    data["segments"] = [s["segmentID"] if isinstance(s, dict) else s for s in data.get("segments") or []]
    data.setdefault("createdAt", brand.now())
    data.setdefault("updatedAt", data["createdAt"])
    brand.col(COLLECTION).insert(data["campaignID"], data)
    table = rows(brand, data["campaignID"])
    for index, row in enumerate(contact_rows):
        contact_id = row.get("contactID") if isinstance(row, dict) else None
        if contact_id is None and isinstance(row, dict) and isinstance(row.get("email"), str):
            contact_id = contact_rules.find_by_email(brand, row["email"])
        if not isinstance(contact_id, str) or contact_id in table or contact_id not in brand.col("contacts"):
            raise ValidationFailed([(("contacts", index, "contactID"), "unknown or duplicate contact")])
        table.insert(contact_id, {"contactID": contact_id, "email": row.get("email"),
                                  **{k: bool(row.get(k)) for k in C.CAMPAIGN_COUNTERS}})


register_seeder("campaigns", _seed, order=40)
