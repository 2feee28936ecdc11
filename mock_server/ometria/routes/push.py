"""``POST /push`` and ``GET /push/_errors`` (ometria.md §3.1, §4)."""

from __future__ import annotations

from flask import Blueprint, Response, g

from mock_server.core.http import json_response
from mock_server.core.request import body, ctx, route
from mock_server.ometria.backend import queue
from mock_server.ometria.backend.push import push
from mock_server.ometria.routes.common import account
from mock_server.ometria.routes.rest import emit_warnings


def register(bp: Blueprint) -> None:
    """Attach the push routes."""

    @bp.post("/push")
    @route(scope="push", group="push", body=True)
    def push_records() -> Response:
        mock = ctx()
        acc = account()
        answer = push(acc, body(), g.push_request_id, mode=mock.settings.ometria_queue_mode,
                      rate=mock.settings.ometria_queue_rate)
        emit_warnings(acc)
        return json_response(answer, 202, headers=queue.queue_headers(mock, acc.tenant))

    @bp.get("/push/_errors")
    @route(scope="read", group="data")
    def push_errors() -> Response:
        return json_response(queue.push_errors(account()))
