"""The per-account push queue: FIFO of accepted records, a cap, and the processing of what waits.

In ``sync`` mode records are processed before the 202 (the queue is then always empty). The ``async``
worker and the drain call process the same way, through :func:`process_waiting`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mock_server.core.context import MockContext
from mock_server.core.store import TenantState
from mock_server.ometria import constants as C
from mock_server.ometria.backend import Account
from mock_server.ometria.errors import error_message, error_path

# @type -> processor(account, record, request_id) returning field problems (empty = applied).
Processor = Callable[[Account, dict[str, Any]], list[tuple[tuple[str | int, ...], str]]]
PROCESSORS: dict[str, Processor] = {}


def register_processor(record_type: str, processor: Processor) -> None:
    """Install the processor of one record type."""
    PROCESSORS[record_type] = processor


def queue_cap(tenant: TenantState) -> int:
    """The account's queue cap (fixtures may override the 50,000 default)."""
    return int(tenant.config.get("queueCap", C.QUEUE_CAP))


def waiting(tenant: TenantState) -> list[dict[str, Any]]:
    """The account's queue (oldest first)."""
    queue: list[dict[str, Any]] = tenant.extra.setdefault("queue", [])
    return queue


def waiting_count(tenant: TenantState) -> int:
    """How many records wait (a read: never creates the queue)."""
    return len(tenant.extra.get("queue", ()))


def queue_headers(ctx: MockContext, tenant: TenantState) -> dict[str, str]:
    """``X-QueueSize-Limit`` / ``X-QueueSize-Remaining`` (after this request)."""
    cap = queue_cap(tenant)
    # Read without creating the queue: answering must not change state.
    return {C.H_QUEUE_LIMIT: str(cap), C.H_QUEUE_REMAINING: str(max(0, cap - waiting_count(tenant)))}


def log_error(account: Account, request_id: str, record_type: str | None, record_id: str | None,
              path: str, message: str) -> None:
    """Append one ``/push/_errors`` entry, keeping the newest 100."""
    errors: list[dict[str, Any]] = account.tenant.extra.setdefault("push_errors", [])
    errors.append({"request_id": request_id, "record_type": record_type, "record_id": record_id,
                   "timestamp": account.now(), "error_message": message, "error_path": path})
    del errors[:-C.MAX_PUSH_ERRORS]


def push_errors(account: Account) -> list[dict[str, Any]]:
    """The last 100 entries, newest first."""
    return list(reversed(account.tenant.extra.get("push_errors", [])))


def process_one(account: Account, item: dict[str, Any]) -> bool:
    """Validate and apply one queued record; log its field problems. Return whether it applied."""
    record = item["record"]
    processor = PROCESSORS.get(record["@type"])
    if processor is None:  # pragma: no cover - every accepted @type has a processor
        return False
    problems = processor(account, record)
    for path, message in _unique(problems) if problems else ():
        log_error(account, item["request_id"], record["@type"], record.get("id"), error_path(path),
                  error_message(message))
    return not problems


def _unique(problems: list[tuple[tuple[str | int, ...], str]]) -> list[tuple[tuple[str | int, ...], str]]:
    seen: set[tuple[str | int, ...]] = set()
    out = []
    for path, message in problems:
        if path not in seen:
            seen.add(path)
            out.append((path, message))
    return out


def process_waiting(account: Account, limit: int | None = None, *, due_before: float | None = None) -> int:
    """Process up to ``limit`` waiting records in push order (only those enqueued at or before
    ``due_before`` when given); return how many were processed."""
    queue = waiting(account.tenant)
    done = 0
    try:
        while done < len(queue) and (limit is None or done < limit):
            item = queue[done]
            if due_before is not None and item["enqueued"] > due_before:
                break
            done += 1
            process_one(account, item)
    finally:
        # One slice deletion instead of a pop(0) per record: draining 50,000 records stays linear.
        del queue[:done]
    return done


def is_paused(tenant: TenantState) -> bool:
    """Whether the account's queue is paused (nothing is processed until resumed or drained)."""
    return bool(tenant.extra.get("queue_paused"))


def set_paused(tenant: TenantState, paused: bool) -> None:
    """Pause or resume the account's queue (mock decision, §4.3: to fill it deterministically)."""
    tenant.extra["queue_paused"] = paused


def queue_status(tenant: TenantState) -> dict[str, Any]:
    """What the control plane shows about one account's queue."""
    cap = queue_cap(tenant)
    size = waiting_count(tenant)
    return {"tenant": tenant.tenant_id, "waiting": size, "cap": cap, "remaining": max(0, cap - size),
            "paused": is_paused(tenant)}
