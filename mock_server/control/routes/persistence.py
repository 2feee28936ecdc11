"""State kept across restarts (``--state-dir``): its status, and a sync or snapshot on demand."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from mock_server.control.common import ControlError
from mock_server.core.http import json_response
from mock_server.core.request import ctx

OFF = {"enabled": False, "reason": "the server was started without --state-dir: state lives in memory only"}


def _persistence() -> Any:
    found = ctx().persistence
    if found is None:
        raise ControlError("persistence is off: start the server with --state-dir DIR", status=409, extra=OFF)
    return found


def register(bp: Blueprint) -> None:
    """Attach the persistence routes."""

    @bp.get("/persistence")
    def persistence_status() -> Response:
        """Where state is kept, what was restored at start, when the log was last synced."""
        found = ctx().persistence
        return json_response(OFF if found is None else found.status())

    @bp.post("/persistence/sync")
    def persistence_sync() -> Response:
        """Write and fsync every change now (what the once-a-second sync does), then answer."""
        return json_response(_persistence().sync())

    @bp.post("/persistence/compact")
    def persistence_compact() -> Response:
        """Fold the change log into a new snapshot now."""
        found = _persistence()
        found.sync()
        if not found.compact():
            raise ControlError("the store stayed busy; try again", status=409)
        return json_response(found.status())
