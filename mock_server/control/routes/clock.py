"""The mock clock: read it, freeze it (at a time), advance it, resume it, set it."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response

from mock_server.control.common import bad_request, json_body, load
from mock_server.control.routes.system import clock_state
from mock_server.control.schemas import ClockSchema
from mock_server.core.clock import Clock, ClockRangeError, parse_datetime
from mock_server.core.http import json_response
from mock_server.core.request import ctx

_clock = ClockSchema()
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_SHORT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")
_ISO = re.compile(r"^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$",
                  re.IGNORECASE)


def parse_duration(text: str) -> float | None:
    """Parse ``90``, ``90s``, ``5m``, ``2h``, ``1d``, ``250ms`` or ISO 8601 ``P1DT2H3M4.5S`` into seconds."""
    short = _SHORT.match(text)
    if short:
        return float(short.group(1)) * _UNITS[short.group(2) or "s"]
    iso = _ISO.match(text.strip())
    if iso and text.strip().upper() not in ("P", "PT"):
        days, hours, minutes, seconds = (float(g) if g else 0.0 for g in iso.groups())
        return days * 86400 + hours * 3600 + minutes * 60 + seconds
    return None


def apply(data: dict[str, Any]) -> None:
    """Carry out one clock action on the app's clock (400 on a bad time or duration)."""
    try:
        _apply(ctx().clock, data)
    except ClockRangeError as exc:
        name = "at" if data["action"] in ("freeze", "set") else ("by" if data.get("by") is not None else "seconds")
        raise bad_request("invalid request body", [(name, str(exc))]) from exc


def _apply(clock: Clock, data: dict[str, Any]) -> None:
    action = data["action"]
    at = None
    if data.get("at") is not None:
        at = parse_datetime(data["at"])
        if at is None:
            raise bad_request("invalid request body", [("at", "must be an RFC 3339 date-time")])
    if action == "freeze":
        clock.freeze(at)
    elif action == "resume":
        clock.resume()
    elif action == "set":
        if at is None:
            raise bad_request("invalid request body", [("at", "required to set the clock")])
        clock.set(at)
    else:
        seconds = data.get("seconds")
        if data.get("by") is not None:
            seconds = parse_duration(data["by"])
            if seconds is None:
                raise bad_request("invalid request body", [("by", "must be a duration like 90s, 5m or PT1M")])
        if seconds is None:
            raise bad_request("invalid request body", [("seconds", "seconds or by is required to advance")])
        clock.advance(seconds)


def register(bp: Blueprint) -> None:
    """Attach the clock routes."""

    @bp.get("/clock")
    def clock() -> Response:
        """Read the mock clock."""
        return json_response(clock_state(ctx()))

    @bp.post("/clock")
    def clock_action() -> Response:
        """Freeze (optionally at ``at``), advance (``seconds`` or ``by``), resume, or set (``at``) the clock."""
        apply(load(_clock, json_body()))
        return json_response(clock_state(ctx()))
