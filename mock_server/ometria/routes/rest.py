"""Glue shared by the REST record views (products, contacts, orders) and push: POST one record,
copy backend remarks into X-Mock-Warnings."""

from __future__ import annotations

from flask import Response

from mock_server.core.http import json_response
from mock_server.core.request import body, warn
from mock_server.ometria.backend import Account
from mock_server.ometria.backend.records import RecordKind, rest_post
from mock_server.ometria.routes.common import account


def emit_warnings(acc: Account) -> None:
    """Hand the remarks the backend made while serving this request to X-Mock-Warnings."""
    for path, message in acc.warnings:
        warn(path, message)


def post_record(kind: RecordKind, **identity: str) -> Response:
    """``POST /<resource>/{id}``: 201 with the stored record when new, 200 when merged (mock decision)."""
    acc = account()
    stored, created = rest_post(acc, kind, body(), identity)
    emit_warnings(acc)
    return json_response(stored, 201 if created else 200)
