"""Transactional email (ometria.md §3.8, §6.8): validate, check PDF attachments, write the outbox."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from mock_server.core import schema as S
from mock_server.core.errors import MockError, ValidationFailed
from mock_server.ometria import constants as C
from mock_server.ometria.backend import Account
from mock_server.ometria.backend import profiles as P
from mock_server.ometria.backend.contacts import Problems
from mock_server.ometria.schemas.messaging import TransactionalEmailSchema

_schema = TransactionalEmailSchema()


class BodyNotObject(MockError):
    """A REST POST body that is not a JSON object (§1.5)."""

    status = 400

    def __init__(self) -> None:
        super().__init__(C.ERR_NOT_OBJECT)


def load_object(schema: Any, body: Any) -> dict[str, Any]:
    """Validate a REST POST body: an object (else 400 ``body must be a JSON object``), then its fields."""
    if not isinstance(body, dict):
        raise BodyNotObject()
    return S.load(schema, body)


def pdf_bytes(content: str) -> int | None:
    """The decoded size of a base64 PDF, or None when it is not base64 or not a PDF."""
    try:
        data = base64.b64decode(content, validate=True)
    except (binascii.Error, ValueError):
        return None
    return len(data) if data.startswith(C.PDF_MAGIC) else None


def _recipient(account: Account, data: dict[str, Any], problems: Problems) -> dict[str, Any] | None:
    to = data.get("to")
    if to is not None and to.get("email") is not None:
        return {"email": to["email"], "name": to.get("name")}
    # to.email may be left out when profile_id names a profile with an email (mock decision).
    live = P.resolve(account, data["profile_id"]) if data.get("profile_id") else None
    profile = account.col(P.PROFILES).peek(live) if live is not None else None
    view = P.derive(account, profile) if profile is not None else None
    if view is not None and view["email"] is not None:
        return {"email": view["email"], "name": (to or {}).get("name") or view["name"]}
    problems.append((("to",) if to is None else ("to", "email"), S.REQUIRED))
    return None


def send(account: Account, body: Any, request_id: str) -> dict[str, Any]:
    """``POST /transactional-email/send``: one outbox entry; 200 ``{"status": "OK", "request_id"}``.

    ``request_id`` is the HTTP request's own id (``X-Mock-Request-Id``), so header, journal, body and
    outbox entry name one request.
    """
    data = load_object(_schema, body)
    problems: Problems = []
    to = _recipient(account, data, problems)
    if data.get("template_id") is None and data.get("html") is None:
        problems.append((("template_id",), S.REQUIRED))
    attachments = []
    for index, item in enumerate(data.get("attachments") or []):
        size = pdf_bytes(item["content"])
        if size is None:
            # Vendor: if one attachment is not a valid PDF, the whole call fails.
            problems.append((("attachments", index), C.MSG_INVALID))
        attachments.append({"filename": item["filename"], "bytes": size})
    if problems:
        raise ValidationFailed(S.sort_problems(problems))
    sender = data.get("from_") or account.tenant.config.get("sender")
    html = data.get("html")
    account.outbox({
        "kind": C.OUTBOX_TRANSACTIONAL, "account": account.account_id, "request_id": request_id, "to": to,
        "from": sender, "reply_to": data.get("reply_to"), "subject": data.get("subject"),
        "template_id": data.get("template_id"),
        "html_bytes": len(html.encode("utf-8")) if html is not None else None,
        "data": data.get("data"), "stream": data.get("stream"), "transactional": data.get("transactional"),
        "sandbox": data.get("sandbox") is True, "attachments": attachments, "sent_at": account.now(),
    })
    return {"status": "OK", "request_id": request_id}
