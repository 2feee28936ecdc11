"""The write lane's ``POST /v2/push`` (mock_server.fastwrite): the view's admit and enqueue calls."""

from __future__ import annotations

from typing import Any

from mock_server.core.ratelimit import LimitRule
from mock_server.core.store import TenantState
from mock_server.fastwrite import Answer, Lane, Write
from mock_server.ometria import constants as C
from mock_server.ometria.backend import Account, queue
from mock_server.ometria.backend.push import admit, enqueue
from mock_server.ometria.vendor import rate_rule


class PushLane(Lane):
    """A push the queue admits: queued (and in sync mode processed) as the view does it."""

    vendor_name = C.VENDOR
    scope = "push"

    def accepts(self, body: Any) -> bool:
        """An array (admit decides the rest, changing nothing when it refuses)."""
        return isinstance(body, list)

    def rate_rule(self, tenant: TenantState) -> LimitRule | None:
        """The ``push`` group's rule."""
        return rate_rule(tenant, "push")

    def prepare(self, write: Write) -> Any:
        """Checks 5-11 (raise when the push is refused as a whole)."""
        account = Account(write.ctx, write.tenant)
        return account, admit(account, write.body, write.ctx.settings.ometria_queue_rate)

    def run(self, write: Write, prepared: Any, request_id: str) -> Answer:
        """Queue the admitted records; 202 with the queue's headers."""
        account, admitted = prepared
        answer = enqueue(account, admitted, request_id, mode=write.ctx.settings.ometria_queue_mode)
        for path, message in account.warnings:
            write.warn(path, message)
        return Answer(answer, 202, queue.queue_headers(write.ctx, write.tenant))
