"""Rendering helpers shared by the dashboard pages."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, render_template, url_for

HTML = "text/html; charset=utf-8"


def page(template: str, status: int = 200, **model: Any) -> Response:
    """Render a dashboard page (HTML, never cached: it shows live state)."""
    answer = Response(render_template(template, **model), status=status, content_type=HTML)
    answer.headers["Cache-Control"] = "no-store"
    return answer


def see_other(endpoint: str, **params: Any) -> Response:
    """Redirect after a POST (303, so a reload does not send the form again)."""
    return Response(status=303, headers={"Location": url_for(endpoint, **params)})


def pretty(value: Any) -> str:
    """Indented JSON for people (text bodies stay as they are)."""
    if isinstance(value, str):
        return value
    return json.dumps(value, indent=2, ensure_ascii=False)


def compact(value: Any, limit: int = 120) -> str:
    """One short line for a table cell: scalars as text, the rest as compact JSON, cut at ``limit``."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    return text if len(text) <= limit else text[:limit - 1] + "…"
