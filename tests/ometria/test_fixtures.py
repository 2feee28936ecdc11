"""Seeded Ometria records (products, orders, custom events) and fixture errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from mock_server.core.fixtures import FixtureError
from tests.conftest import LIVE, STAGING
from tests.ometria.helpers import fixture_copy, make_app


def test_accounts_are_seeded_with_different_records(client: FlaskClient) -> None:
    staging = client.get("/v2/products?includeVariants=true&limit=250", headers=STAGING).get_json()
    live = client.get("/v2/products?includeVariants=true&limit=250", headers=LIVE).get_json()
    assert {p["id"] for p in staging}.isdisjoint({p["id"] for p in live})
    assert any(p.get("is_variant") for p in staging) and any(p.get("listings") for p in live)
    staging_orders = client.get("/v2/orders", headers=STAGING).get_json()
    live_orders = client.get("/v2/orders", headers=LIVE).get_json()
    assert len(staging_orders) == 4 and len(live_orders) == 2
    assert {c["collection"] for c in client.get("/v2/contacts", headers=LIVE).get_json()} == {"default", "newsletter"}


def test_reset_restores_seeded_records(client: FlaskClient) -> None:
    client.post("/v2/push", json=[{"@type": "product", "id": "stg-tee", "title": "changed"}], headers=STAGING)
    client.post("/_mock/reset")
    assert client.get("/v2/products/stg-tee", headers=STAGING).get_json()["title"] == "Logo tee"


@pytest.mark.parametrize(("file", "records", "path", "reason"), [
    ("products", [{"id": "p1", "price": "x"}], "$[0].price", "invalid type, expected number"),
    ("orders", [{"@type": "order", "id": "o1"}], "$[0].timestamp", "field required but not found in Json"),
    ("custom_events", [{"@type": "product", "id": "e1"}], "$[0].@type", "must be custom_event"),
])
def test_bad_fixture_record_names_file_and_path(tmp_path: Path, file: str, records: list[object], path: str,
                                                reason: str) -> None:
    folder = fixture_copy(tmp_path)
    (folder / "ometria" / "live" / f"{file}.json").write_text(json.dumps(records), encoding="utf-8")
    with pytest.raises(FixtureError) as caught:
        make_app(folder)
    assert caught.value.file.endswith(f"live/{file}.json")
    assert (caught.value.path, caught.value.reason) == (path, reason)
