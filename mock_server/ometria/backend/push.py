"""``POST /push``: request-level checks, the per-record envelope, the queue (ometria.md §4)."""

from __future__ import annotations

import math
from typing import Any

from mock_server.core.errors import MockError
from mock_server.core.limits import record_fits
from mock_server.ometria import constants as C
from mock_server.ometria.backend import Account
from mock_server.ometria.backend.queue import (
    is_paused,
    log_error,
    process_one,
    process_waiting,
    queue_cap,
    waiting,
    waiting_count,
)
from mock_server.ometria.schemas import is_id


class PushRejected(MockError):
    """A push refused as a whole (nothing queued, nothing logged)."""

    status = 400


class QueueFull(MockError):
    """Check 11: the queue has no room for the accepted records."""

    status = 429


def _envelope(record: Any) -> tuple[str, str] | None:
    """Check 10 for one element: None when accepted, else ``(error_path, error_message)``."""
    if not isinstance(record, dict):
        return ("root", C.MSG_INVALID)
    if "@type" not in record:
        return ("root > @type", C.MSG_REQUIRED)
    if record["@type"] not in C.RECORD_TYPES:
        return ("root > @type", C.MSG_INVALID)
    if "id" not in record:
        return ("root > id", C.MSG_REQUIRED)
    if not is_id(record["id"]):
        return ("root > id", C.MSG_INVALID)
    return None


def fits(record: Any) -> bool:
    """``record_fits(record, MAX_RECORD_BYTES)``, without encoding the common record (an object of strings):
    an upper bound of its compact JSON size under the limit proves it fits. Every character of a key or a
    string value takes at most 6 bytes (a ``\\u`` escape; UTF-8 takes at most 4), plus its quotes, the
    colon and the comma; anything else (numbers, nested values) or a bound over the limit encodes as before."""
    if isinstance(record, dict):
        bound = 2  # the braces
        for key, value in record.items():
            if isinstance(value, str):
                bound += 6 * (len(key) + len(value)) + 6
            elif value is None or value is True or value is False:
                bound += 6 * len(key) + 9
            else:
                break
        else:
            if bound <= C.MAX_RECORD_BYTES:
                return True
    return record_fits(record, C.MAX_RECORD_BYTES)


def push(account: Account, body: Any, request_id: str, *, mode: str, rate: float) -> dict[str, Any]:
    """Run checks 5-11 and queue (and in sync mode process) the accepted records."""
    return enqueue(account, admit(account, body, rate), request_id, mode=mode)


Admitted = tuple[list[dict[str, Any]], list[tuple[Any, tuple[str, str]]]]


def admit(account: Account, body: Any, rate: float) -> Admitted:
    """Checks 5-11: the records accepted and those rejected with their error; raise (changing nothing)
    when the push is refused as a whole."""
    if not isinstance(body, list):
        raise PushRejected(C.ERR_PUSH_NOT_ARRAY)
    if not body:
        raise PushRejected(C.ERR_PUSH_EMPTY)
    if len(body) > C.MAX_PUSH_RECORDS:
        raise PushRejected(C.ERR_PUSH_TOO_MANY)
    for record in body:
        if not fits(record):
            raise PushRejected(C.ERR_RECORD_TOO_LARGE)
    if len(body) > 1:  # one record has one type
        types = {r["@type"] for r in body if isinstance(r, dict) and r.get("@type") in C.RECORD_TYPES}
        if len(types) > 1:
            raise PushRejected(C.ERR_PUSH_MIXED)
    accepted: list[dict[str, Any]] = []
    rejected: list[tuple[Any, tuple[str, str]]] = []
    for record in body:
        problem = _envelope(record)
        if problem is None:
            accepted.append(record)
        else:
            rejected.append((record, problem))
    excess = waiting_count(account.tenant) + len(accepted) - queue_cap(account.tenant)
    if excess > 0:
        retry = max(1, math.ceil(excess / rate)) if rate > 0 else 1
        raise QueueFull(C.ERR_QUEUE_FULL, headers={"Retry-After": str(retry)})
    return accepted, rejected


def enqueue(account: Account, admitted: Admitted, request_id: str, *, mode: str) -> dict[str, Any]:
    """Log the rejected records, queue (and in sync mode process) the accepted ones; the push's answer."""
    accepted, rejected = admitted
    for record, (path, message) in rejected:
        record_type = record.get("@type") if isinstance(record, dict) and isinstance(record.get("@type"), str) \
            else None
        record_id = record.get("id") if isinstance(record, dict) and isinstance(record.get("id"), str) else None
        log_error(account, request_id, record_type, record_id, path, message)
    queue = waiting(account.tenant)  # created first, as the queued path creates it (the extra's key order)
    if mode == "sync" and len(accepted) == 1 and not queue and not is_paused(account.tenant):
        # One record processed at once in an empty queue: queuing it first and taking it off again leaves
        # the same queue, and nothing else reads the queue in between (the tenant lock is held; the
        # processors never read it, the queue headers are read afterwards). A record that fails is off
        # the queue either way (process_waiting removes what it took up, raising or not).
        process_one(account, {"request_id": request_id, "record": accepted[0]})
    else:
        now = account.now_ts()
        queue.extend({"request_id": request_id, "record": record, "enqueued": now} for record in accepted)
        if mode == "sync" and not is_paused(account.tenant):
            process_waiting(account)
    return {"status": "OK", "request_id": request_id, "accepted": len(accepted), "rejected": len(rejected)}
