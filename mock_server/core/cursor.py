"""Opaque, tamper-evident cursor tokens (base64url JSON + truncated HMAC-SHA256)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from typing import Any

_SIG_BYTES = 12


class InvalidCursor(ValueError):
    """The token is malformed, tampered with, or belongs to another query."""


class CursorCodec:
    """Encode and check cursor payloads with a per-server secret."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _sign(self, body: bytes) -> bytes:
        return hmac.new(self._secret, body, hashlib.sha256).digest()[:_SIG_BYTES]

    def encode(self, payload: dict[str, Any]) -> str:
        """Return the token for ``payload`` (a JSON-serialisable dict)."""
        body = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
        raw = self._sign(body) + body
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")

    def decode(self, token: str, fingerprint: str) -> dict[str, Any]:
        """Return the payload of ``token``; raise :class:`InvalidCursor` unless it is genuine and was
        made for a query with the same ``fingerprint``."""
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        except (binascii.Error, ValueError) as exc:
            raise InvalidCursor(token) from exc
        sig, body = raw[:_SIG_BYTES], raw[_SIG_BYTES:]
        if len(sig) < _SIG_BYTES or not hmac.compare_digest(sig, self._sign(body)):
            raise InvalidCursor(token)
        try:
            payload = json.loads(body)
        except ValueError as exc:
            raise InvalidCursor(token) from exc
        if not isinstance(payload, dict) or payload.get("f") != fingerprint:
            raise InvalidCursor(token)
        return payload


def fingerprint(*parts: object) -> str:
    """Return a short stable digest of a query's identity (endpoint, sort, filters)."""
    text = json.dumps(parts, separators=(",", ":"), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
