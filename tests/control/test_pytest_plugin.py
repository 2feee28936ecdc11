"""The pytest plugin, used the way a user's suite uses it (an inner pytest run through pytester)."""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest

pytest_plugins = ["pytester"]

USER_TESTS = '''
import requests

BRAND = "64a1f0c2e4b0a1b2c3d4e5f6"


def test_third_order_call_fails_in_omnisend_envelope(mock_server):
    mock_server.add_fault("/v3/orders", 503, after=2, count=1)
    answers = [requests.get(mock_server.url + "/v3/orders", headers=mock_server.omnisend_headers, timeout=5)
               for _ in range(3)]
    assert answers[2].status_code == 503
    assert answers[2].json() == {"error": "Service Unavailable"}
    assert answers[0].status_code != 503 and answers[1].status_code != 503
    mock_server.assert_called("GET", "/v3/orders", times=3)
    mock_server.assert_called("GET", "/v3/orders", times=1, status="503")


def test_state_was_reset_between_tests(mock_server):
    assert mock_server.faults() == []
    assert mock_server.journal() == []
    assert mock_server.clock()["frozen"] is False


def test_frozen_clock_and_rate_limit(mock_server):
    mock_server.freeze_clock("2026-06-01T00:00:00Z")
    mock_server.set_limits("omnisend", BRAND, rateLimit={"limit": 1})
    url = mock_server.url + "/v3/contacts"
    assert requests.get(url, headers=mock_server.omnisend_headers, timeout=5).status_code == 200
    refused = requests.get(url, headers=mock_server.omnisend_headers, timeout=5)
    assert (refused.status_code, refused.headers["Retry-After"]) == (429, "60")
    mock_server.advance_clock(60)
    assert requests.get(url, headers=mock_server.omnisend_headers, timeout=5).status_code == 200
    assert mock_server.clock()["now"] == "2026-06-01T00:01:00.000Z"


def test_outbox_drain_and_keys(mock_server):
    assert mock_server.keys == {"omnisend": "omnisend-demo-key", "ometria-staging": "ometria-staging-key",
                                "ometria-live": "ometria-live-key"}
    body = {"identifiers": [{"type": "email", "id": "p@example.com", "channels": {"email": {"status": "subscribed"}}}],
            "sendWelcomeEmail": True}
    requests.post(mock_server.url + "/v3/contacts", json=body, headers=mock_server.omnisend_headers, timeout=5)
    assert [e["workflow"] for e in mock_server.outbox(kind="workflow")] == ["welcome"]
    assert set(mock_server.drain()) == {"omnisend", "ometria"}
    pushed = requests.post(mock_server.url + "/v2/push", headers=mock_server.ometria_headers(live=True),
                           json=[{"@type": "contact", "id": "c1", "email": "c1@example.com"}], timeout=5)
    assert pushed.status_code == 202
    assert mock_server.journal(vendor="ometria", tenant="live")[0]["status"] == 202


def test_journal_is_newest_first_and_assert_called_in_call_order(mock_server):
    for path in ("/v3/contacts", "/v3/products", "/v3/orders"):
        requests.get(mock_server.url + path, headers=mock_server.omnisend_headers, timeout=5)
    newest_first = [e["path"] for e in mock_server.journal()]
    assert newest_first == ["/v3/orders", "/v3/products", "/v3/contacts"]
    assert [e["path"] for e in mock_server.journal(order="asc")] == newest_first[::-1]
    assert [e["path"] for e in mock_server.assert_called("GET", "/v3/*", times=3)] == newest_first[::-1]


def test_omnisend_2026_client(mock_server):
    api = mock_server.omnisend_api()
    assert api.session.headers["Omnisend-Version"] == "2026-03-15"
    created = api.post("/contacts", json={"identifiers": [{"type": "email", "id": "n@example.com"}]})
    assert created.status_code == 201
    emails = [c.get("email") for c in api.pages("/contacts", "contacts", limit=5)]
    assert "n@example.com" in emails and len(emails) == 13
    mock_server.assert_called("POST", "/api/contacts", times=1)
    assert {e["apiVersion"] for e in mock_server.journal(vendor="omnisend")} == {"2026-03-15"}
    old_version = mock_server.omnisend_api_headers(version="2024-06")
    refused = requests.get(mock_server.url + "/api/contacts", headers=old_version, timeout=5)
    assert refused.json()["errors"][0]["code"] == "invalid_format"


def test_assert_called_reports_what_it_saw(mock_server):
    requests.get(mock_server.url + "/v2/contacts", headers=mock_server.ometria_headers(), timeout=5)
    try:
        mock_server.assert_called("POST", "/v2/push")
    except AssertionError as exc:
        assert "GET /v2/contacts -> 200" in str(exc)
    else:
        raise AssertionError("assert_called should have failed")
'''


def test_entry_point_is_registered() -> None:
    found = [ep for ep in entry_points(group="pytest11") if ep.name == "mock_server"]
    assert [ep.value for ep in found] == ["mock_server.pytest_plugin"]


def test_user_suite_in_process(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_inprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=7)


@pytest.mark.slow
def test_user_suite_in_a_subprocess_through_the_entry_point(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=7)
    assert "mock_server" not in "".join(result.errlines)


def test_fixture_options(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_seeded='''
def test_seed_starts_at_the_seeded_epoch(mock_server):
    assert mock_server.clock()["now"].startswith("2026-01-01T00:00")
''')
    result = pytester.runpytest_inprocess("-q", "-p", "no:cacheprovider", "--mock-server-seed", "7")
    result.assert_outcomes(passed=1)


def test_fixture_uses_a_running_server_by_url(pytester: pytest.Pytester, mock_server_session: object) -> None:
    url = mock_server_session.url  # type: ignore[attr-defined]
    pytester.makepyfile(test_remote=f'''
def test_remote(mock_server):
    assert mock_server.url == "{url}"
    assert mock_server.health()["status"] == "ok"
''')
    result = pytester.runpytest_inprocess("-q", "-p", "no:cacheprovider", "--mock-server-url", url)
    result.assert_outcomes(passed=1)
