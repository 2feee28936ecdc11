"""Batches v3 (omnisend.md §3.7, §6.8), also registered on the v5 path. Scope follows the endpoint (§1.3)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, g
from marshmallow import Schema

from mock_server.core.errors import InvalidParameters
from mock_server.core.http import json_response
from mock_server.core.paging import parse_list_query, run_list
from mock_server.core.request import body, ctx, query_args, route
from mock_server.omnisend import batch_runner
from mock_server.omnisend.backend import batches
from mock_server.omnisend.v3 import listing
from mock_server.omnisend.v3.routes.common import brand, load_body, paging
from mock_server.omnisend.v3.schemas.batches import BatchV3Schema
from mock_server.omnisend.v5.schemas.batches import BatchV5Schema
from mock_server.omnisend.vendor import require_scope

_SCHEMAS: dict[str, Schema] = {"v3": BatchV3Schema(), "v5": BatchV5Schema()}


def _create(version: str) -> Response:
    raw = body()
    endpoints = batches.methods_for(version)
    if isinstance(raw, dict) and isinstance(raw.get("endpoint"), str) and raw["endpoint"] in endpoints:
        # The scope depends on the body; checked before validation, as scope precedes it (§1.5).
        require_scope(batches.endpoint_area(raw["endpoint"]), True)
    data = load_body(_SCHEMAS[version])
    b = brand()
    result = batches.create(b, version, data, g.api_key.key)
    if ctx().settings.omnisend_batch_mode == "sync":
        batch_runner.run_batch(ctx(), b, version, result["batchID"])
    return json_response(result)


def _list(version: str) -> Response:
    args = query_args()
    endpoint = dict(args).get("endpoint")
    endpoints = batches.methods_for(version)
    if endpoint is None:
        raise InvalidParameters(fields=[("endpoint", "query parameter required")])
    if endpoint not in endpoints:
        raise InvalidParameters(fields=[("endpoint", f"invalid value, allowed values: {', '.join(endpoints)}")])
    require_scope(batches.endpoint_area(endpoint), False)
    mock, b, spec = ctx(), brand(), listing.BATCHES[version]
    query = parse_list_query(spec, args, mock.codec, {"brand": b})
    chosen = query.predicate

    def retained(record: dict[str, Any]) -> bool:
        return batches.visible(b, record) and (chosen is None or chosen(record))

    query.predicate = retained
    result = run_list(spec, batches.collection(b, version), query, mock.codec)
    items = [batches.render(r) for r in result.items]
    return json_response({"batches": items, "paging": paging(result, f"/{version}/batches")})


def _batch(version: str, batch_id: str) -> dict[str, Any]:
    record = batches.find(brand(), version, batch_id)
    require_scope(batches.endpoint_area(record["endpoint"]), False)
    return record


def register(bp: Blueprint) -> None:
    """Attach the v3 batch routes."""
    register_version(bp, "v3")


def register_version(bp: Blueprint, version: str) -> None:
    prefix = f"/{version}/batches"

    @route(body=True)
    def create() -> Response:
        return _create(version)

    @route()
    def list_batches() -> Response:
        return _list(version)

    @route()
    def get_batch(batch_id: str) -> Response:
        return json_response(batches.render(_batch(version, batch_id)))

    @route()
    def batch_items(batch_id: str) -> Response:
        return json_response(batches.with_items(brand(), _batch(version, batch_id)))

    @route()
    def batch_item(batch_id: str, item_id: str) -> Response:
        return json_response(batches.one_item(brand(), _batch(version, batch_id), item_id))

    bp.add_url_rule(prefix, f"{version}_create_batch", create, methods=["POST"])
    bp.add_url_rule(prefix, f"{version}_list_batches", list_batches, methods=["GET"])
    bp.add_url_rule(f"{prefix}/<batch_id>", f"{version}_get_batch", get_batch, methods=["GET"])
    bp.add_url_rule(f"{prefix}/<batch_id>/items", f"{version}_batch_items", batch_items, methods=["GET"])
    bp.add_url_rule(f"{prefix}/<batch_id>/items/<item_id>", f"{version}_batch_item", batch_item,
                    methods=["GET"])
