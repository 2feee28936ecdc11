"""A dropped connection, through a real server: the client sees a connection error, no answer."""

from __future__ import annotations

import pytest
import requests
from flask.testing import FlaskClient

from mock_server.middleware import ConnectionDropped
from mock_server.server import RunningServer
from tests.conftest import OMNISEND, STAGING


def test_drop_closes_the_connection_without_an_answer(live: RunningServer, http: requests.Session) -> None:
    http.post(f"{live.url}/_mock/faults", json={"path": "/v3/orders", "drop": True, "count": 1}).raise_for_status()
    with pytest.raises(requests.ConnectionError):
        http.get(f"{live.url}/v3/orders", headers=OMNISEND, timeout=5)
    # The server is fine afterwards and the rule is spent.
    assert http.get(f"{live.url}/v3/contacts", headers=OMNISEND, timeout=5).status_code == 200
    dropped = http.get(f"{live.url}/_mock/journal?status=dropped", timeout=5).json()["items"]
    assert [(e["path"], e["status"], e["dropped"], e["fault"]) for e in dropped] == [
        ("/v3/orders", None, True, "f1")]


def test_drop_on_ometria_with_latency(live: RunningServer, http: requests.Session) -> None:
    http.post(f"{live.url}/_mock/faults", json={"vendor": "ometria", "drop": True, "latency": 0.01}
              ).raise_for_status()
    with pytest.raises(requests.ConnectionError):
        http.post(f"{live.url}/v2/push", headers=STAGING, json=[], timeout=5)


def test_drop_in_the_test_client_raises(client: FlaskClient) -> None:
    client.post("/_mock/faults", json={"drop": True})
    with pytest.raises(ConnectionDropped):
        client.get("/v3/contacts", headers=OMNISEND)
