"""GET /v5/automations and GET /v5/campaigns: the 2026 objects in v5's envelope and offset paging."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.conftest import OMNISEND, OMNISEND_READONLY_KEY
from tests.omnisend.v2026.helpers import call


def test_v5_automations_are_the_api_objects(client: FlaskClient) -> None:
    body = client.get("/v5/automations", headers=OMNISEND).get_json()
    assert body["automations"] == call(client, "GET", "/automations").get_json()["automations"]
    assert body["paging"] == {"previous": None, "next": None, "offset": 0, "limit": 100}
    enabled = client.get("/v5/automations?isEnabled=true", headers=OMNISEND).get_json()
    assert [a["name"] for a in enabled["automations"]] == ["Abandoned cart"]


def test_v5_campaigns_follow_writes_through_api(client: FlaskClient) -> None:
    created = call(client, "POST", "/campaigns", json={"type": "regular", "channel": "email", "name": "From 2026",
                                                        "content": {"email": {"templateID": "6700a0000000000000000003",
                                                                              "subject": "Hi"}}}).get_json()
    body = client.get("/v5/campaigns?limit=1", headers=OMNISEND).get_json()
    assert body["campaigns"] == [created]
    assert body["paging"]["next"] == "http://localhost/v5/campaigns?limit=1&offset=1"
    assert client.get("/v5/campaigns", headers={"X-API-KEY": OMNISEND_READONLY_KEY}).status_code == 200
    bad = client.get("/v5/campaigns?status=flying", headers=OMNISEND)
    assert bad.status_code == 400 and "error" in bad.get_json()
