"""Shared helpers of the tracking tests: building hits as the stand-ins send them, reading the listing."""

from __future__ import annotations

import base64
import json
from typing import Any

from flask.testing import FlaskClient

from tests.conftest import BRAND_ID

IDENTIFY = "/REST/inShop/v1/identifyContact"
PAGE_VIEW = "/REST/webTracking/v1/event"
EVENT = "/REST/webTracking/v2/event"
TAG_HASH = "5f3c9a1e7b2d4c60"  # the staging account's fixture tagHash


def beacon_data(hit: dict[str, Any]) -> str:
    """The ``data`` parameter of an Ometria tag beacon (base64 of the JSON hit)."""
    return base64.b64encode(json.dumps(hit).encode("utf-8")).decode("ascii")


def tag_hit(client: FlaskClient, hit_type: str, d: dict[str, Any] | None = None, *, cid: str = "cid-1",
            account: str = "staging", **extra: Any) -> Any:
    """Send one Ometria tag beacon (GET)."""
    hit = {"type": hit_type, "channel": "page", "d": d or {}, "cid": cid, "sid": "sid-1", **extra}
    return client.get(f"/track/v3/{account}/event.gif", query_string={"data": beacon_data(hit), "rnd": "abc123"})


def snippet_event(client: FlaskClient, name: str, *, json_body: bool = False, **fields: Any) -> Any:
    """Send one Omnisend v2 event as the stand-in does (text/plain beacon) or as a server would (JSON)."""
    body = {"brandID": BRAND_ID, "eventName": name, "origin": "api", "visitorID": "visitor-1",
            "sessionID": "session-1", **fields}
    return client.post(EVENT, data=json.dumps(body),
                       content_type="application/json" if json_body else "text/plain;charset=UTF-8")


def identify(client: FlaskClient, **args: str) -> Any:
    """Call identifyContact for the demo brand."""
    return client.get(IDENTIFY, query_string={"brandID": BRAND_ID, "responseType": "json", **args})


def listing(client: FlaskClient, **filters: str) -> list[dict[str, Any]]:
    """Every hit the listing shows for ``filters``."""
    answer = client.get("/_mock/tracking", query_string={"limit": "500", **filters})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    items: list[dict[str, Any]] = answer.get_json()["items"]
    return items
