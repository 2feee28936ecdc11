"""The automation ``sendWebhook`` action: a real HTTP POST, its outcome recorded, never raised.

The vendor demands an https callback; the sandbox also takes plain http to a loopback address (mock
decision) so a developer can point a flow at a receiver on their own machine.
"""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

from mock_server.omnisend import marketing_constants as M

LOOPBACK_NAMES = ("localhost",)


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine (localhost, 127.0.0.0/8, ::1)."""
    if host.lower() in LOOPBACK_NAMES or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def url_problem(url: Any) -> str | None:
    """Why ``url`` cannot be a callback (None when it can)."""
    if not isinstance(url, str) or not url:
        return "required"
    if len(url) > M.WEBHOOK_URL_MAX:
        return f"must be at most {M.WEBHOOK_URL_MAX} characters"
    parts = urlsplit(url)
    if not parts.hostname:
        return "invalid_format: must be an absolute URL"
    if parts.scheme == "https" or (parts.scheme == "http" and is_loopback(parts.hostname)):
        return None
    return "invalid_format: must be an https URL (plain http only to a loopback address)"


def deliver(url: str, body: str, headers: list[dict[str, str]], *, send: bool) -> dict[str, Any]:
    """POST ``body`` to ``url``; return what happened: ``{delivered, status | error}``.

    With ``send`` False (``--no-webhooks``) nothing leaves the process and the entry says so.
    """
    if not send:
        return {"delivered": False, "skipped": "webhooks disabled (--no-webhooks)"}
    # Imported on the first delivery: importing requests (and urllib3) cost every start of the app about a
    # tenth of a second, a good share of the fixed cost of loading fixtures, and most apps never send one.
    import requests
    sent = {"Content-Type": M.WEBHOOK_CONTENT_TYPE, "User-Agent": M.WEBHOOK_USER_AGENT}
    sent.update({h["key"]: h["value"] for h in headers})
    try:
        answer = requests.post(url, data=body.encode("utf-8"), headers=sent, timeout=M.WEBHOOK_TIMEOUT,
                               allow_redirects=False)
    except requests.RequestException as exc:
        return {"delivered": False, "error": f"{type(exc).__name__}: {exc}"}
    return {"delivered": 200 <= answer.status_code < 300, "status": answer.status_code}
