"""The dashboard's side of the admin-token rule.

The rule is the control plane's (``control/auth.py``): open on loopback, a token otherwise. A browser
cannot send a header when following a link, so the dashboard also takes ``?token=`` once: the answer
sets the token as an HttpOnly cookie and redirects to the same page without it (the token does not stay
in the address bar or the history). Forms carry the token in a hidden field, and a POST needs that field
(or the header): a cookie alone would let another site's page submit a form with the cookie attached.
"""

from __future__ import annotations

import hmac
from urllib.parse import urlencode

from flask import Response, render_template, request

from mock_server.control import auth
from mock_server.core.context import Settings

COOKIE = "mock_admin_token"
QUERY = "token"
FORM_FIELD = "token"
COOKIE_PATH = "/_mock/ui"


def _same(given: str | None, expected: str | None) -> bool:
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


def form_token(settings: Settings) -> str | None:
    """The token forms must carry (None when the plane is open)."""
    return settings.admin_token if settings.require_admin_token else None


def check(settings: Settings) -> Response | None:
    """Return the answer that stops the request (401 page, cookie-setting redirect), or None to go on."""
    if not settings.require_admin_token or auth.authorised(settings):
        return None
    expected = settings.admin_token
    if request.method == "GET" and QUERY in request.args:
        if not _same(request.args.get(QUERY), expected):
            return refused("The token in the address is not the admin token.")
        rest = [(k, v) for k, v in request.args.items(multi=True) if k != QUERY]
        target = request.path + (f"?{urlencode(rest)}" if rest else "")
        answer = Response(status=303, headers={"Location": target})
        answer.set_cookie(COOKIE, expected or "", httponly=True, samesite="Strict", path=COOKIE_PATH)
        return answer
    if request.method == "POST":
        if _same(request.form.get(FORM_FIELD), expected):
            return None
        return refused("This form was sent without the admin token.")
    if _same(request.cookies.get(COOKIE), expected):
        return None
    return refused(None)


def refused(reason: str | None) -> Response:
    """The 401 page: what is missing and how to pass the token."""
    body = render_template("ui/unauthorised.html", reason=reason, header=auth.TOKEN_HEADER, path=request.path)
    answer = Response(body, status=401, content_type="text/html; charset=utf-8")
    answer.headers["WWW-Authenticate"] = "Bearer"
    return answer
