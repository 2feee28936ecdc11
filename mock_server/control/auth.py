"""The admin token of the control plane: required when the server listens beyond loopback."""

from __future__ import annotations

import hmac
import ipaddress
import secrets

from flask import request

from mock_server.control.common import ControlError
from mock_server.core.context import Settings

TOKEN_HEADER = "X-Mock-Admin-Token"
# Answered without a token even when one is required (liveness probes); details need the token.
OPEN_PATHS = frozenset({"/_mock/health"})


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an address or name a server binds to) only reaches this machine."""
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def new_token() -> str:
    """Return a fresh random admin token."""
    return secrets.token_urlsafe(24)


def presented_token() -> str | None:
    """Return the token the request carries (``Authorization: Bearer`` or ``X-Mock-Admin-Token``)."""
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    return request.headers.get(TOKEN_HEADER)


def authorised(settings: Settings) -> bool:
    """Whether the request may use the control plane."""
    if not settings.require_admin_token:
        return True
    given = presented_token()
    expected = settings.admin_token or ""
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


def check(settings: Settings) -> None:
    """Raise 401 unless the request may use the control plane."""
    if authorised(settings) or request.path in OPEN_PATHS:
        return
    raise ControlError("admin token required: send 'Authorization: Bearer <token>' or "
                       f"'{TOKEN_HEADER}: <token>'", status=401, headers={"WWW-Authenticate": "Bearer"})
