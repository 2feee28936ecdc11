"""Batches, 2026-03-15 (omnisend-2026.md §5.7): 1..100 items run as the single 2026 requests they stand for,
on the mock clock (sync mode: before the answer; async: the batch worker or ``/_mock/omnisend/batches/
drain``). Scopes follow the batch's endpoint (mock decision, §1.4)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, g

from mock_server.core.errors import NotFound
from mock_server.core.filters import FilterSpec
from mock_server.core.http import json_response
from mock_server.core.request import ctx, query_args
from mock_server.omnisend import batch_runner
from mock_server.omnisend import constants as VC
from mock_server.omnisend.backend import batches
from mock_server.omnisend.v2026 import constants as C
from mock_server.omnisend.v2026.common import OffsetList, brand, load_body, read_offset_page
from mock_server.omnisend.v2026.errors import Problem, problem
from mock_server.omnisend.v2026.policy import operation, require_scope
from mock_server.omnisend.v2026.schemas.events import V2026BatchSchema

VERSION = "v2026"
_batch = V2026BatchSchema()
BATCHES = OffsetList(name="api2026:batches", sorts={}, filters=(
    FilterSpec("endpoint", "enum", choices=C.BATCH_ENDPOINTS, required=True, index="endpoint"),
    FilterSpec("status", "enum", choices=VC.BATCH_STATUSES, index="status"),
    FilterSpec("dateFrom", "date_from", getter=lambda r: r.get("createdAt"), span="createdAt"),
    FilterSpec("dateTo", "date_to", getter=lambda r: r.get("createdAt"), span="createdAt")))


def _scope(endpoint: str, write: bool) -> str:
    return f"{batches.endpoint_area(endpoint)}.{'write' if write else 'read'}"


def _item_headers(key: str) -> dict[str, str]:
    return {C.AUTH_HEADER: f"{C.API_KEY_SCHEME} {key}", C.VERSION_HEADER: C.VERSION}


def _item_problem(exc: Any) -> tuple[int, Any]:
    return exc.status, problem(exc)


batch_runner.register_generation(VERSION, _item_headers, _item_problem)


def _find(batch_id: str) -> dict[str, Any]:
    b = brand()
    try:
        record = batches.find(b, VERSION, batch_id)
    except NotFound:
        raise Problem(404, C.DETAIL_BATCH_NOT_FOUND.format(id=batch_id)) from None
    require_scope(_scope(record["endpoint"], False))
    return record


def register(bp: Blueprint) -> None:
    """Attach the 2026 batch routes."""

    @bp.post("/api/batches")
    @operation(None, body=V2026BatchSchema)
    def api_create_batch() -> Response:
        """Accept a batch of 1..100 items (201 ``{batchID, totalCount}``)."""
        data = load_body(_batch)
        require_scope(_scope(data["endpoint"], True))
        b = brand()
        result = batches.create(b, VERSION, data, g.api_key.key)
        if ctx().settings.omnisend_batch_mode == "sync":
            batch_runner.run_batch(ctx(), b, VERSION, result["batchID"])
        return json_response(result, 201)

    @bp.get("/api/batches")
    @operation(None, query=BATCHES.parameters)
    def api_list_batches() -> Response:
        """List the brand's 2026 batches of one endpoint (offset paging)."""
        endpoint = dict(query_args()).get("endpoint")
        if endpoint in C.BATCH_ENDPOINTS:
            require_scope(_scope(endpoint, False))
        b = brand()
        result, paging = read_offset_page(BATCHES, batches.collection(b, VERSION), "/api/batches",
                                          keep=lambda record: batches.visible(b, record))  # 7-day retention
        items = [batches.render(r) for r in result.items]
        return json_response({"batches": items, "paging": paging})

    @bp.get("/api/batches/<batch_id>")
    @operation(None)
    def api_get_batch(batch_id: str) -> Response:
        """Read one batch."""
        return json_response(batches.render(_find(batch_id)))

    @bp.get("/api/batches/<batch_id>/items")
    @operation(None)
    def api_batch_items(batch_id: str) -> Response:
        """Read one batch with its items' answers (``errors[]``, ``responses[]``)."""
        return json_response(batches.with_items(brand(), _find(batch_id)))
