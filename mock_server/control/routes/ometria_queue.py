"""Control plane for the Ometria push queue (ometria.md §4.3): status, pause, resume (drain: drain.py).

``?tenant=<account>`` narrows every call to one account; without it they act on every account.
"""

from __future__ import annotations

from flask import Blueprint, Response, request

from mock_server.core.errors import MockError
from mock_server.core.http import json_response
from mock_server.core.request import ctx
from mock_server.core.store import TenantState
from mock_server.ometria import constants as C
from mock_server.ometria.backend.queue import queue_status, set_paused


def _accounts() -> list[TenantState]:
    tenant_id = request.args.get("tenant")
    found = [t for t in ctx().store.tenants(C.VENDOR) if tenant_id is None or t.tenant_id == tenant_id]
    if tenant_id is not None and not found:
        raise MockError(f"unknown tenant {tenant_id!r}", status=404)
    return found


def _statuses(accounts: list[TenantState]) -> Response:
    out = []
    for tenant in accounts:
        with tenant.lock:
            out.append(queue_status(tenant))
    return json_response({"mode": ctx().settings.ometria_queue_mode, "queues": out})


def _set_paused(paused: bool) -> Response:
    accounts = _accounts()
    for tenant in accounts:
        with tenant.lock:
            set_paused(tenant, paused)
    return _statuses(accounts)


def register(bp: Blueprint) -> None:
    """Attach the queue status, pause and resume routes."""

    @bp.get("/ometria/queue")
    def ometria_queue_status() -> Response:
        """Waiting records, cap, remaining room and pause flag per account."""
        return _statuses(_accounts())

    @bp.post("/ometria/queue/pause")
    def ometria_queue_pause() -> Response:
        """Stop processing (sync pushes then queue their records too) until resumed or drained."""
        return _set_paused(True)

    @bp.post("/ometria/queue/resume")
    def ometria_queue_resume() -> Response:
        """Let the worker (or the next sync push) process the queue again."""
        return _set_paused(False)
