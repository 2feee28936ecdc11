"""Drain endpoints call the vendors' drain hooks."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_server.core.context import MockContext


@pytest.mark.parametrize("url, vendor", [("/_mock/ometria/queue/drain", "ometria"),
                                         ("/_mock/omnisend/batches/drain", "omnisend")])
def test_drain_calls_the_vendor_hook(client: FlaskClient, mock: MockContext, monkeypatch: pytest.MonkeyPatch,
                                     url: str, vendor: str) -> None:
    calls: list[Any] = []

    def fake(self: Any, ctx: MockContext, tenant_id: str | None = None) -> dict[str, Any]:
        calls.append(tenant_id)
        return {"processed": 3}

    # On the vendor's class, so every sandbox answering the client (two with --mock-processes 2) calls it.
    monkeypatch.setattr(type(mock.vendors[vendor]), "drain", fake)
    assert client.post(url).get_json() == {"vendor": vendor, "tenant": None, "drained": {"processed": 3}}
    tenant = mock.store.tenants(vendor)[0].tenant_id
    assert client.post(f"{url}?tenant={tenant}").get_json()["tenant"] == tenant
    assert calls == [None, tenant]


def test_drain_unknown_tenant_is_404(client: FlaskClient) -> None:
    response = client.post("/_mock/ometria/queue/drain?tenant=nope")
    assert (response.status_code, response.get_json()) == (404, {"error": "unknown ometria tenant 'nope'"})


def test_drain_is_post_only(client: FlaskClient) -> None:
    assert client.get("/_mock/ometria/queue/drain").status_code == 405
