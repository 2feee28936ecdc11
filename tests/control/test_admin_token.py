"""The admin token: required off loopback (simulated through settings), open on loopback."""

from __future__ import annotations

import argparse
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mock_server.app import create_app
from mock_server.cli import banner, build_parser, settings_from
from mock_server.control.auth import is_loopback
from mock_server.core.context import Settings
from tests.conftest import OMNISEND

TOKEN = "s3cret-admin-token"


@pytest.fixture
def guarded() -> Iterator[FlaskClient]:
    app: Flask = create_app(Settings(seed=1, freeze_clock=True, require_admin_token=True, admin_token=TOKEN))
    yield app.test_client()


def test_control_plane_refuses_without_token(guarded: FlaskClient) -> None:
    response = guarded.get("/_mock/journal")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.get_json() == {"error": "admin token required: send 'Authorization: Bearer <token>' or "
                                             "'X-Mock-Admin-Token: <token>'"}
    assert guarded.post("/_mock/reset").status_code == 401
    assert guarded.get("/_mock/journal", headers={"Authorization": "Bearer wrong"}).status_code == 401


@pytest.mark.parametrize("headers", [{"Authorization": f"Bearer {TOKEN}"}, {"Authorization": f"bearer {TOKEN}"},
                                     {"X-Mock-Admin-Token": TOKEN}])
def test_token_in_either_header(guarded: FlaskClient, headers: dict[str, str]) -> None:
    assert guarded.get("/_mock/journal", headers=headers).status_code == 200


def test_health_answers_liveness_only_without_token(guarded: FlaskClient) -> None:
    assert set(guarded.get("/_mock/health").get_json()) == {"status", "version"}
    full = guarded.get("/_mock/health", headers={"X-Mock-Admin-Token": TOKEN}).get_json()
    assert "tenants" in full and "clock" in full


def test_vendor_apis_do_not_need_the_token(guarded: FlaskClient) -> None:
    assert guarded.get("/v3/contacts", headers=OMNISEND).status_code == 200


def test_loopback_is_open_by_default(client: FlaskClient) -> None:
    assert client.get("/_mock/journal").status_code == 200
    assert "tenants" in client.get("/_mock/health").get_json()


def test_required_token_is_generated_when_missing() -> None:
    settings = Settings(seed=1, require_admin_token=True)
    create_app(settings)
    assert settings.admin_token and len(settings.admin_token) >= 24


@pytest.mark.parametrize("host, loopback", [
    ("127.0.0.1", True), ("127.0.0.2", True), ("::1", True), ("[::1]", True), ("localhost", True),
    ("0.0.0.0", False), ("::", False), ("192.168.1.5", False), ("example.com", False)])
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def parse(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(["serve", *argv])


def test_cli_requires_and_generates_a_token_off_loopback() -> None:
    settings = settings_from(parse("--host", "0.0.0.0"))
    assert settings.require_admin_token is True
    assert settings.admin_token
    assert f"Authorization: Bearer {settings.admin_token}" in banner("http://0.0.0.0:8080", settings.admin_token)


def test_cli_uses_the_given_token_even_on_loopback() -> None:
    settings = settings_from(parse("--admin-token", "mine"))
    assert (settings.require_admin_token, settings.admin_token) == (True, "mine")


def test_cli_loopback_is_open() -> None:
    settings = settings_from(parse())
    assert (settings.require_admin_token, settings.admin_token) == (False, None)
    assert "Admin token" not in banner("http://127.0.0.1:8080")


def test_cli_cors_and_journal_options() -> None:
    settings = settings_from(parse("--cors-origin", "https://app.example.com", "--cors-origin", "http://x:3000",
                                   "--journal-size", "50", "--journal-body-limit", "100"))
    assert settings.cors_origins[-2:] == ["https://app.example.com", "http://x:3000"]
    assert "http://localhost:*" in settings.cors_origins
    assert (settings.journal_size, settings.journal_body_limit) == (50, 100)
