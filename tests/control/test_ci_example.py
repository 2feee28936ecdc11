"""Using the sandbox in CI: a small client of both APIs, tested with the ``mock_server`` fixture.

This file is the example in README.md, section "Using it in your CI", character for character (test_docs checks it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests


class CustomerSync:
    """Send a new customer to Omnisend (a contact) and to Ometria (a pushed contact record).

    On 429 it waits ``Retry-After`` seconds through ``sleep`` and tries again, so a test can pass a
    ``sleep`` that moves the sandbox's clock instead of waiting.
    """

    def __init__(self, base_url: str, omnisend_key: str, ometria_key: str,
                 sleep: Callable[[float], Any], attempts: int = 3) -> None:
        self.base_url = base_url
        self.omnisend = {"X-API-KEY": omnisend_key}
        self.ometria = {"X-Ometria-Auth": ometria_key}
        self.sleep = sleep
        self.attempts = attempts
        self.http = requests.Session()

    def _send(self, path: str, headers: dict[str, str], body: Any) -> requests.Response:
        response = self.http.post(self.base_url + path, headers=headers, json=body, timeout=10)
        for _ in range(self.attempts - 1):
            if response.status_code != 429:
                break
            self.sleep(float(response.headers.get("Retry-After", "1")))
            response = self.http.post(self.base_url + path, headers=headers, json=body, timeout=10)
        return response

    def sync(self, email: str, first_name: str) -> str:
        """Create the Omnisend contact (welcome email on), push it to Ometria; return the contact id."""
        created = self._send("/v3/contacts", self.omnisend, {
            "identifiers": [{"type": "email", "id": email, "channels": {"email": {"status": "subscribed"}}}],
            "firstName": first_name, "sendWelcomeEmail": True})
        created.raise_for_status()
        contact_id: str = created.json()["contactID"]
        pushed = self._send("/v2/push", self.ometria, [
            {"@type": "contact", "id": contact_id, "email": email, "firstname": first_name}])
        if pushed.status_code != 202:
            raise RuntimeError(f"Ometria refused the push: {pushed.status_code} {pushed.text}")
        return contact_id


def test_sync_backs_off_on_429_without_waiting(mock_server: Any) -> None:
    # Freeze time, and make Omnisend answer the first contact POST with a 429 (Retry-After: 30).
    mock_server.freeze_clock("2026-02-01T09:00:00Z")
    mock_server.add_fault("/v3/contacts", 429, method="POST", count=1, headers={"Retry-After": "30"})
    sync = CustomerSync(mock_server.url, mock_server.omnisend_key, mock_server.ometria_staging_key,
                        sleep=mock_server.advance_clock)  # backing off moves the mock clock: no real wait

    contact_id = sync.sync("ana@example.com", "Ana")

    # What the integration sent: a refused POST, the retry, then one push.
    calls = mock_server.assert_called("POST", "/v3/contacts", times=2)
    assert [call["status"] for call in calls] == [429, 200]
    assert calls[1]["body"]["identifiers"][0]["id"] == "ana@example.com"
    assert calls[1]["headers"]["X-Api-Key"] == "omni***"  # keys are masked in the journal
    mock_server.assert_called("POST", "/v2/push", times=1, status=202)

    # The back-off waited exactly Retry-After, on the frozen mock clock.
    assert mock_server.clock()["now"] == "2026-02-01T09:00:30.000Z"
    assert calls[1]["time"] == "2026-02-01T09:00:30.000Z"

    # What it triggered, and what is stored.
    [welcome] = mock_server.outbox(vendor="omnisend", kind="workflow")
    assert (welcome["workflow"], welcome["contactID"]) == ("welcome", contact_id)
    assert welcome["triggeredAt"] == "2026-02-01T09:00:30.000Z"
    stored = requests.get(f"{mock_server.url}/v2/contacts/default/{contact_id}",
                          headers=mock_server.ometria_headers(), timeout=10)
    assert stored.json()["email"] == "ana@example.com"


def test_sync_gives_up_after_three_real_429s(mock_server: Any) -> None:
    # The brand's real limiter this time: one request per minute, already used up.
    mock_server.freeze_clock("2026-02-01T09:00:00Z")
    mock_server.set_limits("omnisend", "64a1f0c2e4b0a1b2c3d4e5f6", rateLimit={"limit": 1})
    requests.get(f"{mock_server.url}/v3/contacts", headers=mock_server.omnisend_headers, timeout=10)
    waits: list[float] = []
    sync = CustomerSync(mock_server.url, mock_server.omnisend_key, mock_server.ometria_staging_key,
                        sleep=waits.append)  # a sleep that does not move the clock: the window stays full

    with pytest.raises(requests.HTTPError) as failure:
        sync.sync("bo@example.com", "Bo")

    assert failure.value.response.status_code == 429
    assert waits == [60.0, 60.0]  # two back-offs between three attempts
    mock_server.assert_called("POST", "/v3/contacts", times=3, status="429")
    mock_server.assert_not_called("POST", "/v2/push")
