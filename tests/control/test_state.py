"""Stored state, paged."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from mock_server.core.context import MockContext
from tests.conftest import BRAND_ID


def test_vendors_and_tenants(client: FlaskClient) -> None:
    expected = {"vendors": {"omnisend": [BRAND_ID], "ometria": ["live", "staging"]}}  # fixture folder order
    assert client.get("/_mock/state").get_json() == expected
    assert client.get("/_mock/state/omnisend").get_json() == {"vendor": "omnisend", "tenants": [BRAND_ID]}


def test_resource_listing(client: FlaskClient) -> None:
    body = client.get(f"/_mock/state/omnisend/{BRAND_ID}").get_json()
    names = {r["name"]: r for r in body["resources"]}
    assert names["contacts"]["kind"] == "collection" and names["contacts"]["count"] > 2
    assert names["config"] == {"name": "config", "kind": "config", "count": 1}


def test_collection_pages(client: FlaskClient, mock: MockContext) -> None:
    brand = mock.tenant("omnisend", BRAND_ID)
    assert brand is not None
    keys = brand.collection("contacts").keys()
    first = client.get(f"/_mock/state/omnisend/{BRAND_ID}/contacts?limit=2").get_json()
    assert (first["total"], first["limit"], first["offset"]) == (len(keys), 2, 0)
    assert [i["key"] for i in first["items"]] == keys[:2]
    assert first["items"][0]["record"]["contactID"] == keys[0]
    second = client.get(f"/_mock/state/omnisend/{BRAND_ID}/contacts?limit=2&offset=2").get_json()
    assert [i["key"] for i in second["items"]] == keys[2:4]


def test_default_page_is_bounded(client: FlaskClient, mock: MockContext) -> None:
    brand = mock.tenant("omnisend", BRAND_ID)
    assert brand is not None
    with brand.lock:  # as the sandbox writes: on a shared store the release stores the records
        for i in range(60):
            brand.collection("contacts").insert(f"k{i}", {"contactID": f"k{i}"})
    body = client.get(f"/_mock/state/omnisend/{BRAND_ID}/contacts").get_json()
    assert len(body["items"]) == 50 and body["total"] > 60


def test_extra_state_and_config(client: FlaskClient, mock: MockContext) -> None:
    brand = mock.tenant("omnisend", BRAND_ID)
    assert brand is not None
    with brand.lock:  # as the sandbox writes: on a shared store the release stores the change
        brand.extra["outbox"] = [{"kind": "a"}, {"kind": "b"}, {"kind": "c"}]
        brand.extra["counters"] = {"x": 1, "y": (2, 3)}
        brand.extra["flag"] = True
    base = f"/_mock/state/omnisend/{BRAND_ID}"
    assert client.get(f"{base}/outbox?offset=1&limit=1").get_json()["items"] == [{"kind": "b"}]
    assert client.get(f"{base}/counters").get_json()["items"] == [{"key": "x", "value": 1},
                                                                  {"key": "y", "value": [2, 3]}]
    assert client.get(f"{base}/flag").get_json()["value"] is True
    assert client.get(f"{base}/config").get_json()["value"]["brandID"] == BRAND_ID


@pytest.mark.parametrize("url, status, message", [
    ("/_mock/state/mailchimp", 404, "unknown vendor 'mailchimp' (expected one of ometria, omnisend)"),
    ("/_mock/state/ometria/nope", 404, "unknown ometria tenant 'nope'"),
    ("/_mock/state/ometria/nope/contacts", 404, "unknown ometria tenant 'nope'"),
    ("/_mock/state/ometria/staging/widgets", 404, "unknown resource 'widgets' of ometria tenant 'staging'"),
    (f"/_mock/state/omnisend/{BRAND_ID}/contacts?limit=501", 400, "limit must be between 1 and 500"),
    (f"/_mock/state/omnisend/{BRAND_ID}/contacts?offset=x", 400, "offset must be an integer"),
])
def test_errors(client: FlaskClient, url: str, status: int, message: str) -> None:
    response = client.get(url)
    assert (response.status_code, response.get_json()["error"]) == (status, message)
