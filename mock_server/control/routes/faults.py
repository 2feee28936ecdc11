"""Fault rules: list, add, delete one, delete all."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from mock_server.control.common import bad_request, json_body, load, not_found
from mock_server.control.schemas import FaultRuleSchema
from mock_server.core.context import MockContext
from mock_server.core.faults import FaultRule
from mock_server.core.http import json_response
from mock_server.core.request import ctx

_rule = FaultRuleSchema()


def rule_spec(data: dict[str, Any]) -> dict[str, Any]:
    """Turn a validated rule body into :class:`FaultRule` keyword arguments."""
    method = data.get("method")
    latency = data.get("latency")
    if latency is not None:
        pair = latency if isinstance(latency, list) else [latency, latency]
        latency = (float(pair[0]), float(pair[-1]))
    return {"vendor": data.get("vendor"), "tenant": data.get("tenant"),
            "methods": tuple(method if isinstance(method, list) else [method] if method else []),
            "path": data["path"], "probability": data["probability"], "seed": data.get("seed"),
            "after": data["after"], "count": data.get("count"), "status": data.get("status"),
            "message": data.get("message"), "body": data.get("body"), "has_body": "body" in data,
            "headers": dict(data.get("headers") or {}), "latency": latency, "drop": data["drop"]}


def add_rule(mock: MockContext, data: dict[str, Any]) -> FaultRule:
    """Create a rule from a validated body (400 for an unknown vendor or an impossible rule)."""
    if data.get("vendor") is not None and data["vendor"] not in mock.vendors:
        raise bad_request("invalid request body", [("vendor", f"unknown vendor {data['vendor']!r}")])
    try:
        return mock.faults.add(**rule_spec(data))
    except ValueError as exc:
        raise bad_request("invalid request body", [("_schema", str(exc))]) from exc


def remove_rule(mock: MockContext, rule_id: str) -> None:
    """Delete one rule (404 when there is none by that id)."""
    if not mock.faults.remove(rule_id):
        raise not_found(f"unknown fault rule {rule_id!r}")


def register(bp: Blueprint) -> None:
    """Attach the fault routes."""

    @bp.get("/faults")
    def faults() -> Response:
        """List the fault rules with their counters."""
        return json_response({"faults": [r.as_dict() for r in ctx().faults.rules()]})

    @bp.post("/faults")
    def add_fault() -> Response:
        """Add a fault rule (see the FaultRule schema)."""
        rule = add_rule(ctx(), load(_rule, json_body()))
        return json_response(rule.as_dict(), 201)

    @bp.delete("/faults")
    def clear_faults() -> Response:
        """Delete every fault rule."""
        return json_response({"deleted": ctx().faults.clear()})

    @bp.delete("/faults/<rule_id>")
    def delete_fault(rule_id: str) -> Response:
        """Delete one fault rule."""
        remove_rule(ctx(), rule_id)
        return json_response({"deleted": 1})
