"""Batches v3 and v5 (omnisend.md §3.7, §4, §5.7, §6.8): envelope rules, lifecycle, items, retention.

Items are executed by an *executor* the caller passes in (``batch_runner`` re-enters the app with an
internal request per item), so this module stays free of HTTP and of the resource modules.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from mock_server.core.clock import sort_time
from mock_server.core.collection import field_values
from mock_server.core.errors import NotFound, ValidationFailed
from mock_server.core.schema import REQUIRED, type_message
from mock_server.core.store import Collection, CollectionSpec, clone
from mock_server.omnisend import constants as C
from mock_server.omnisend.backend import Brand, created_key, custom_events, register_collection

Record = dict[str, Any]
# (batch record, item) -> (status code, JSON body) of the single request the item stands for.
Executor = Callable[[Record, Record], tuple[int, Any]]

register_collection("batches", CollectionSpec(sort_keys={"createdAt": created_key},
                                              filters={n: field_values(n) for n in ("endpoint", "status")}))
OUTPUT_ORDER = ("batchID", "method", "endpoint", "eventID", "origin", "status", "createdAt", "startedAt",
                "endedAt", "totalCount", "finishedCount", "errorsCount")
QUEUE = "batchQueue"
ITEMS = "batchItems"


VERSIONS = ("v3", "v5", "v2026")
_METHODS = {"v3": C.BATCH_METHODS_V3, "v5": C.BATCH_METHODS_V5, "v2026": C.BATCH_METHODS_V2026}


def methods_for(version: str) -> dict[str, tuple[str, ...]]:
    """The allowed method x endpoint table of an API version."""
    return _METHODS[version]


def collection(brand: Brand, version: str) -> Collection:
    """The batches of one API version (each version lists its own batches, mock decision)."""
    return brand.col(f"batches:{version}")


def visible(brand: Brand, record: Record) -> bool:
    """Whether the batch is still retained (7 days of mock clock after createdAt)."""
    created = sort_time(record.get("createdAt"))
    return created is not None and brand.ctx.clock.time() < created + C.BATCH_RETENTION_SECONDS


def render(record: Record) -> Record:
    """The batch as the API shows it; unset ``startedAt`` / ``endedAt`` / ``eventID`` are omitted."""
    return {key: clone(record[key]) for key in OUTPUT_ORDER if record.get(key) is not None}


def _items(brand: Brand, batch_id: str) -> list[Record]:
    items: list[Record] = brand.tenant.extra.setdefault(ITEMS, {}).setdefault(batch_id, [])
    return items


def render_item(item: Record) -> Record:
    """``{itemID, request, responseCode, response, status}`` (code and response once processed)."""
    out = {"itemID": item["itemID"], "request": clone(item["request"])}
    if "responseCode" in item:
        out["responseCode"] = item["responseCode"]
        out["response"] = clone(item["response"])
    out["status"] = item["status"]
    return out


# -- create ------------------------------------------------------------------------------------------
def validate_method(version: str, data: Record) -> None:
    """The method x endpoint table and the v3 ``eventID`` requirement (400 with fields)."""
    problems: list[tuple[tuple[str | int, ...], str]] = []
    allowed = methods_for(version).get(data["endpoint"], ())
    if data["method"] not in allowed:
        problems.append((("method",), f"invalid value, allowed values: {', '.join(allowed)}"))
    if version == "v3" and data["endpoint"] == "events" and not data.get("eventID"):
        problems.append((("eventID",), REQUIRED))
    if problems:
        raise ValidationFailed(problems)


def create(brand: Brand, version: str, data: Record, api_key: str) -> Record:
    """Accept a batch (items are not validated now); return ``{"batchID", "totalCount"}``."""
    validate_method(version, data)
    event_id = data.get("eventID") if data["endpoint"] == "events" and version == "v3" else None
    if event_id is not None and not custom_events.exists(brand, event_id):
        raise NotFound(C.ERR_EVENT_NOT_FOUND.format(id=event_id))
    purge_expired(brand)
    batch_id = brand.new_id()
    record: Record = {"batchID": batch_id, "version": version, "method": data["method"],
                      "endpoint": data["endpoint"], "eventID": event_id,
                      "origin": data.get("origin") if version != "v3" else None, "status": "pending",
                      "createdAt": brand.now(), "totalCount": len(data["items"]), "finishedCount": 0,
                      "errorsCount": 0, "apiKey": api_key}
    collection(brand, version).insert(batch_id, record)
    brand.tenant.extra.setdefault(ITEMS, {})[batch_id] = [
        {"itemID": str(i), "request": clone(item), "status": C.ITEM_PENDING}
        for i, item in enumerate(data["items"], start=1)]
    brand.tenant.extra.setdefault(QUEUE, []).append([version, batch_id])
    return {"batchID": batch_id, "totalCount": record["totalCount"]}


def purge_expired(brand: Brand) -> None:
    """Forget batches past retention (done on writes; reads just stop showing them)."""
    for version in VERSIONS:
        col = collection(brand, version)
        for key in [k for k, r in col.items() if not visible(brand, r)]:
            col.delete(key)
            brand.tenant.extra.get(ITEMS, {}).pop(key, None)
    queue = brand.tenant.extra.get(QUEUE, [])
    queue[:] = [entry for entry in queue if entry[1] in collection(brand, entry[0])]


# -- read --------------------------------------------------------------------------------------------
def find(brand: Brand, version: str, batch_id: str) -> Record:
    """The stored batch (read-only), or 404 (also once past retention)."""
    record = collection(brand, version).peek(batch_id)
    if record is None or not visible(brand, record):
        raise NotFound(C.ERR_BATCH_NOT_FOUND.format(id=batch_id))
    return record


def with_items(brand: Brand, record: Record) -> Record:
    """The batch plus ``errors[]`` (responseCode >= 400) and ``responses[]`` (the others), by itemID."""
    out = render(record)
    items = _items(brand, record["batchID"])
    out["errors"] = [render_item(i) for i in items if i.get("responseCode", 0) >= 400]
    out["responses"] = [render_item(i) for i in items if i.get("responseCode", 0) < 400]
    return out


def one_item(brand: Brand, record: Record, item_id: str) -> Record:
    """One item with the batch's batchID, method, endpoint (and eventID)."""
    items = _items(brand, record["batchID"])
    item = next((i for i in items if i["itemID"] == item_id), None)
    if item is None:
        raise NotFound(C.ERR_ITEM_NOT_FOUND.format(id=item_id))
    head = {k: record[k] for k in ("batchID", "method", "endpoint", "eventID") if record.get(k) is not None}
    return {**head, **render_item(item)}


# -- execute -----------------------------------------------------------------------------------------
# (version, endpoint) -> (single-request path, body key naming the resource for PUT / PATCH).
_PATHS: dict[tuple[str, str], tuple[str, str | None]] = {
    ("v3", "contacts"): ("/v3/contacts", None),
    ("v3", "orders"): ("/v3/orders", "orderID"),
    ("v3", "products"): ("/v3/products", "productID"),
    ("v3", "categories"): ("/v3/categories", "categoryID"),
    ("v5", "contacts"): ("/v5/contacts", None),
    ("v5", "products"): ("/v5/products", "id"),
    ("v5", "categories"): ("/v5/product-categories", "categoryID"),
    ("v2026", "contacts"): ("/api/contacts", None),
    ("v2026", "products"): ("/api/products", "id"),
    ("v2026", "categories"): ("/api/product-categories", "categoryID"),
}
# 2026 has no PUT on categories (PATCH keeps omitted fields) and upserts contacts with POST: a PUT batch
# item runs as that request (mock decision, omnisend-2026.md §5.7).
_METHOD_AS = {("v2026", "categories", "PUT"): "PATCH", ("v2026", "contacts", "PUT"): "POST"}
_EVENTS_PATH = {"v5": "/v5/events", "v2026": "/api/events"}


def target(record: Record, item: Record) -> tuple[str, str]:
    """The method and path of the single request an item stands for (§6.8).

    Raises ValidationFailed when a PUT / PATCH item lacks the id its path needs (mock decision: the item
    gets the vendor's 400 for that missing field).
    """
    version, endpoint, method = record["version"], record["endpoint"], record["method"]
    method = _METHOD_AS.get((version, endpoint, method)) or method
    if endpoint == "events":
        if version == "v3":
            return "POST", f"/v3/events/{quote(record['eventID'], safe='')}"
        return "POST", _EVENTS_PATH[version]
    base, id_key = _PATHS[(version, endpoint)]
    if method == "POST" or id_key is None:
        return method, base
    request = item["request"]
    value = request.get(id_key)
    if value is None and id_key == "categoryID":
        value = request.get("categoryId")  # the alias the WordPress plugin sends (§4)
    if value is None:
        raise ValidationFailed([((id_key,), REQUIRED)])
    if not isinstance(value, str) or not value:
        raise ValidationFailed([((id_key,), type_message("string"))])
    return method, f"{base}/{quote(value, safe='')}"


def pending(brand: Brand) -> list[tuple[str, str]]:
    """(version, batchID) of the batches waiting or running, oldest first."""
    return [(v, b) for v, b in brand.tenant.extra.get(QUEUE, [])]


def process(brand: Brand, version: str, batch_id: str, executor: Executor, limit: int | None = None) -> int:
    """Run up to ``limit`` items of one batch in itemID order; return how many ran."""
    col = collection(brand, version)
    record = col.get(batch_id)
    if record is None or record["status"] in ("finished", "stopped"):
        _dequeue(brand, batch_id)
        return 0
    items = _items(brand, batch_id)
    if record["status"] == "pending":
        record["status"] = "inProgress"
        record["startedAt"] = brand.now()
    done = 0
    threshold = brand.ctx.settings.omnisend_batch_stop_threshold
    while record["finishedCount"] < record["totalCount"] and (limit is None or done < limit):
        item = items[record["finishedCount"]]
        code, body = executor(record, item)
        item.update({"responseCode": code, "response": body, "status": C.ITEM_FINISHED})
        record["finishedCount"] += 1
        done += 1
        if code >= 400:
            record["errorsCount"] += 1
            if record["errorsCount"] >= threshold:
                record["status"] = "stopped"
                for rest in items[record["finishedCount"]:]:
                    rest["status"] = C.ITEM_STOPPED
                break
    if record["status"] == "stopped" or record["finishedCount"] >= record["totalCount"]:
        if record["status"] != "stopped":
            record["status"] = "finished"
        record["endedAt"] = brand.now()
        _dequeue(brand, batch_id)
        brand.outbox({"kind": "batch", "batchID": batch_id, "status": record["status"],
                      "totalCount": record["totalCount"], "errorsCount": record["errorsCount"]})
    col.replace(batch_id, record)
    return done


def _dequeue(brand: Brand, batch_id: str) -> None:
    queue = brand.tenant.extra.get(QUEUE, [])
    queue[:] = [entry for entry in queue if entry[1] != batch_id]


def endpoint_area(endpoint: str) -> str:
    """The scope area a batch endpoint needs (§1.3)."""
    return C.BATCH_ENDPOINT_AREA[endpoint]
