"""Reset (all, one vendor, one tenant) and loading fixtures at runtime (all or nothing)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_server.core.context import MockContext
from tests.conftest import BRAND_ID, LIVE, OMNISEND, STAGING

NEW_CONTACT = {"identifiers": [{"type": "email", "id": "z@example.com",
                                "channels": {"email": {"status": "subscribed"}}}]}


def contact_count(client: FlaskClient) -> int:
    body = client.get(f"/_mock/state/omnisend/{BRAND_ID}").get_json()
    return int(next(r["count"] for r in body["resources"] if r["name"] == "contacts"))


def test_full_reset_restores_data_and_clears_journal_faults_and_clock(client: FlaskClient) -> None:
    before = contact_count(client)
    client.post("/v3/contacts", json=NEW_CONTACT, headers=OMNISEND)
    client.post("/_mock/faults", json={"status": 500, "path": "/v9/*"})
    client.post("/_mock/clock", json={"action": "advance", "by": "1d"})
    assert contact_count(client) == before + 1
    body = client.post("/_mock/reset").get_json()
    assert body["full"] is True
    assert {"vendor": "omnisend", "tenant": BRAND_ID} in body["reset"]
    assert contact_count(client) == before
    assert client.get("/_mock/journal/count").get_json() == {"count": 0}
    assert client.get("/_mock/faults").get_json() == {"faults": []}
    assert client.get("/_mock/clock").get_json()["now"] == "2026-01-01T00:00:00.000Z"


def test_reset_of_one_tenant_keeps_the_rest(client: FlaskClient, mock: MockContext) -> None:
    client.post("/v3/contacts", json=NEW_CONTACT, headers=OMNISEND)
    client.post("/_mock/faults", json={"status": 500, "path": "/v9/*"})
    body = client.post("/_mock/reset?vendor=ometria&tenant=staging").get_json()
    assert body == {"reset": [{"vendor": "ometria", "tenant": "staging"}], "full": False}
    assert len(client.get("/_mock/faults").get_json()["faults"]) == 1
    assert client.post("/_mock/reset?vendor=omnisend").get_json()["reset"] == [
        {"vendor": "omnisend", "tenant": BRAND_ID}]


def test_reset_clears_rate_windows_of_the_tenant(client: FlaskClient) -> None:
    client.put("/_mock/limits/ometria/live", json={"rateLimits": {"data": {"limit": 1}}})
    assert client.get("/v2/contacts", headers=LIVE).status_code == 200
    client.post("/_mock/reset?tenant=live")
    assert client.get("/v2/contacts", headers=LIVE).status_code == 200


@pytest.mark.parametrize("query, message", [
    ("?vendor=mailchimp", "unknown vendor 'mailchimp' (expected one of ometria, omnisend)"),
    ("?vendor=ometria&tenant=nope", "unknown ometria tenant 'nope'"),
    ("?tenant=nope", "unknown tenant 'nope'")])
def test_reset_unknown_is_404(client: FlaskClient, query: str, message: str) -> None:
    response = client.post(f"/_mock/reset{query}")
    assert (response.status_code, response.get_json()) == (404, {"error": message})


def document() -> dict[str, Any]:
    return {"omnisend": [{"tenant": {"brandID": "aaaaaaaaaaaaaaaaaaaaaaaa", "name": "Posted brand",
                                     "apiKeys": [{"key": "posted-key"}]}}],
            "ometria": [{"tenant": {"id": "posted", "apiKeys": [{"key": "posted-ometria-key"}]}}]}


# A fixture reload is refused with a Redis store (mock decision; tests/redisstore checks the refusal).
@pytest.mark.memory_store
def test_posted_document_replaces_the_data_set(client: FlaskClient) -> None:
    response = client.post("/_mock/fixtures", json=document())
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"loaded": [{"vendor": "omnisend", "tenant": "aaaaaaaaaaaaaaaaaaaaaaaa"},
                                              {"vendor": "ometria", "tenant": "posted"}]}
    assert client.get("/v3/contacts", headers={"X-API-KEY": "posted-key"}).status_code == 200
    assert client.get("/v3/contacts", headers=OMNISEND).status_code == 401
    assert client.get("/v2/contacts", headers={"X-Ometria-Auth": "posted-ometria-key"}).status_code == 200
    # The loaded data set is the new reset seed.
    client.post("/_mock/reset")
    assert client.get("/v3/contacts", headers={"X-API-KEY": "posted-key"}).status_code == 200


def test_bad_document_changes_nothing(client: FlaskClient) -> None:
    bad = document()
    bad["ometria"].append({"tenant": {"id": "other", "apiKeys": [{"key": "posted-ometria-key"}]}})
    response = client.post("/_mock/fixtures", json=bad)
    assert response.status_code == 400
    body = response.get_json()
    assert body["file"] == "<posted>$.ometria[1]"
    assert body["path"] == "$.tenant.apiKeys"
    assert "also used by" in body["reason"]
    assert body["error"].startswith("fixture error: ")
    assert client.get("/v3/contacts", headers=OMNISEND).status_code == 200
    assert client.get("/v2/contacts", headers=STAGING).status_code == 200


@pytest.mark.parametrize("posted, file, path", [
    ([], "<posted>", "$"),
    ({"omnisend": {}}, "<posted>", "$.omnisend"),
    ({"mailchimp": []}, "mailchimp", "$"),
    ({"omnisend": []}, "<posted>", "$"),  # no tenants at all: refused rather than emptying the server
])
def test_document_shape_errors(client: FlaskClient, posted: Any, file: str, path: str) -> None:
    body = client.post("/_mock/fixtures", json=posted).get_json()
    assert (body["file"], body["path"]) == (file, path)


# A fixture reload is refused with a Redis store (mock decision; tests/redisstore checks the refusal).
@pytest.mark.memory_store
def test_folder_path(client: FlaskClient, tmp_path: Path) -> None:
    brand = tmp_path / "omnisend" / "mine"
    brand.mkdir(parents=True)
    (brand / "tenant.json").write_text(json.dumps(document()["omnisend"][0]["tenant"]))
    response = client.post("/_mock/fixtures", json={"path": str(tmp_path)})
    assert response.status_code == 200
    assert response.get_json()["loaded"] == [{"vendor": "omnisend", "tenant": "aaaaaaaaaaaaaaaaaaaaaaaa"}]


def test_folder_errors_name_the_file(client: FlaskClient, tmp_path: Path) -> None:
    brand = tmp_path / "omnisend" / "mine"
    brand.mkdir(parents=True)
    (brand / "tenant.json").write_text("{oops")
    body = client.post("/_mock/fixtures", json={"path": str(tmp_path)}).get_json()
    assert body["file"] == str(brand / "tenant.json")
    assert body["reason"].startswith("invalid JSON at line 1")
    missing = client.post("/_mock/fixtures", json={"path": str(tmp_path / "nope")}).get_json()
    assert (missing["path"], missing["reason"]) == ("$", "not a folder")


@pytest.mark.parametrize("data", [b"{", b""])
def test_fixtures_need_json(client: FlaskClient, data: bytes) -> None:
    assert client.post("/_mock/fixtures", data=data).status_code == 400
