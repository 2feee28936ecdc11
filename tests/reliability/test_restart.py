"""State across restarts: the real server as a subprocess, killed with SIGKILL, started again.

Every test reads back through the HTTP API what it wrote through it; none sleeps for the sync (a write
is in the operating system before its answer; ``POST /_mock/persistence/sync`` forces the fsync and
the once-a-second capture of queues, settings and the clock).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.conftest import OMNISEND, STAGING

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Server:
    """A ``mock-server serve`` subprocess."""

    process: subprocess.Popen[str]
    url: str
    stderr: Path

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def errors(self) -> str:
        return self.stderr.read_text(encoding="utf-8")


class Launcher:
    """Starts servers on one state folder and kills whatever is left at the end."""

    def __init__(self, tmp: Path) -> None:
        self.state = tmp / "state"
        self.tmp = tmp
        self.started: list[Server] = []

    def run(self, *extra: str) -> subprocess.Popen[str]:
        err = self.tmp / f"stderr-{len(self.started)}.txt"
        with err.open("w") as handle:  # the child keeps its own copy of the descriptor
            process = subprocess.Popen(
                [sys.executable, "-m", "mock_server", "serve", "--port", "0", "--state-dir", str(self.state),
                 "--log-level", "WARNING", *extra],
                cwd=ROOT, stdout=subprocess.PIPE, stderr=handle, text=True)
        self.started.append(Server(process, "", err))
        return process

    def start(self, *extra: str) -> Server:
        process = self.run(*extra)
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.search(r"listening on (http://\S+)", line)
        assert found, f"no banner: {line!r} {self.started[-1].errors()}"
        server = self.started[-1]
        server.url = found.group(1)
        return server

    def close(self) -> None:
        for server in self.started:
            if server.process.poll() is None:
                server.kill()
            if server.process.stdout is not None:
                server.process.stdout.close()


@pytest.fixture
def launcher(tmp_path: Path) -> Iterator[Launcher]:
    running = Launcher(tmp_path)
    yield running
    running.close()


def contact(email: str, first_name: str = "Ana") -> dict[str, Any]:
    return {"identifiers": [{"type": "email", "id": email, "channels": {"email": {"status": "subscribed"}}}],
            "firstName": first_name}


def omnisend_contact(url: str, email: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = requests.get(f"{url}/v3/contacts", params={"email": email}, headers=OMNISEND,
                                               timeout=10).json()["contacts"]
    return found


def test_acknowledged_writes_survive_kill_9_without_waiting_for_the_sync(launcher: Launcher) -> None:
    server = launcher.start("--queue-mode", "sync")
    made = requests.post(f"{server.url}/v3/contacts", headers=OMNISEND, json=contact("kept@example.com"), timeout=10)
    assert made.status_code == 200
    pushed = requests.post(f"{server.url}/v2/push", headers=STAGING, timeout=10,
                           json=[{"@type": "contact", "id": "c-kept", "email": "c@example.com"}])
    assert pushed.status_code == 202
    server.kill()  # straight after the answers: no sync was waited for

    again = launcher.start()
    [stored] = omnisend_contact(again.url, "kept@example.com")
    assert (stored["contactID"], stored["firstName"]) == (made.json()["contactID"], "Ana")
    record = requests.get(f"{again.url}/v2/contacts/default/c-kept", headers=STAGING, timeout=10)
    assert (record.status_code, record.json()["email"]) == (200, "c@example.com")


def test_updates_deletes_queue_and_clock_survive_kill_9_after_a_sync(launcher: Launcher) -> None:
    server = launcher.start("--queue-mode", "async", "--queue-delay", "3600")
    url = server.url
    made = requests.post(f"{url}/v3/contacts", headers=OMNISEND, json=contact("upd@example.com"), timeout=10).json()
    requests.patch(f"{url}/v3/contacts/{made['contactID']}", headers=OMNISEND, json={"firstName": "Bea"}, timeout=10)
    gone = requests.post(f"{url}/v3/products", headers=OMNISEND, timeout=10, json={
        "productID": "gone-1", "title": "Gone", "status": "inStock", "currency": "EUR",
        "productUrl": "https://example.com/p", "variants": [{"variantID": "v1", "title": "V", "price": 100,
                                                            "status": "inStock"}]})
    assert gone.status_code == 200, gone.text
    assert requests.delete(f"{url}/v3/products/gone-1", headers=OMNISEND, timeout=10).status_code == 204
    queued = requests.post(f"{url}/v2/push", headers=STAGING, timeout=10,
                           json=[{"@type": "contact", "id": "q-1", "email": "q@example.com"}])
    assert queued.status_code == 202
    # Frozen now (not in the future, so the queued record stays an hour away from processing).
    clock = requests.post(f"{url}/_mock/clock", json={"action": "freeze"}, timeout=10)
    assert clock.status_code == 200
    assert requests.post(f"{url}/_mock/persistence/sync", timeout=10).status_code == 200
    server.kill()

    again = launcher.start("--queue-mode", "async", "--queue-delay", "3600")
    url = again.url
    [stored] = omnisend_contact(url, "upd@example.com")
    assert stored["firstName"] == "Bea"
    assert requests.get(f"{url}/v3/products/gone-1", headers=OMNISEND, timeout=10).status_code == 404
    restored = requests.get(f"{url}/_mock/clock", timeout=10).json()
    assert (restored["now"], restored["frozen"]) == (clock.json()["now"], True)
    queue = requests.get(f"{url}/_mock/ometria/queue", timeout=10).json()
    waiting = {q["tenant"]: q["waiting"] for q in queue["queues"]}
    assert waiting == {"live": 0, "staging": 1}  # still in the queue: neither lost nor processed
    requests.post(f"{url}/_mock/ometria/queue/drain", timeout=10)
    record = requests.get(f"{url}/v2/contacts/default/q-1", headers=STAGING, timeout=10)
    assert record.status_code == 200


def test_reset_goes_back_to_the_fixtures_and_stays_there(launcher: Launcher) -> None:
    server = launcher.start()
    requests.post(f"{server.url}/v3/contacts", headers=OMNISEND, json=contact("reset@example.com"), timeout=10)
    seeded = requests.get(f"{server.url}/v3/contacts?limit=250", headers=OMNISEND, timeout=10).json()
    assert requests.post(f"{server.url}/_mock/reset", timeout=10).status_code == 200
    server.kill()

    again = launcher.start()
    assert omnisend_contact(again.url, "reset@example.com") == []
    after = requests.get(f"{again.url}/v3/contacts?limit=250", headers=OMNISEND, timeout=10).json()
    assert len(after["contacts"]) == len(seeded["contacts"]) - 1


def test_a_truncated_log_is_cut_reported_and_the_rest_kept(launcher: Launcher) -> None:
    server = launcher.start()
    for i in range(3):
        answer = requests.post(f"{server.url}/v3/contacts", headers=OMNISEND, json=contact(f"t{i}@example.com"),
                               timeout=10)
        assert answer.status_code == 200
    server.kill()
    [log] = sorted((launcher.state / "store").glob("changes.*.log"))
    size = log.stat().st_size
    os.truncate(log, size - 10)  # the last record loses its end, as in a crash mid-write

    again = launcher.start()
    assert [len(omnisend_contact(again.url, f"t{i}@example.com")) for i in range(3)] == [1, 1, 0]
    report = again.errors()
    assert f"{log.name}: truncated record at byte" in report
    assert "kept the" in report and "cut" in report
    status = requests.get(f"{again.url}/_mock/persistence", timeout=10).json()
    assert status["loaded"]["problems"] and "truncated record" in status["loaded"]["problems"][0]
    assert list((launcher.state / "store").glob("*.corrupt-*"))  # what was cut is kept beside the log
    # And the sandbox keeps working and saving.
    answer = requests.post(f"{again.url}/v3/contacts", headers=OMNISEND, json=contact("t9@example.com"), timeout=10)
    assert answer.status_code == 200
    again.kill()
    third = launcher.start()
    assert len(omnisend_contact(third.url, "t9@example.com")) == 1
    assert "truncated" not in third.errors()


def test_a_flipped_byte_in_the_log_is_detected(launcher: Launcher) -> None:
    server = launcher.start()
    requests.post(f"{server.url}/v3/contacts", headers=OMNISEND, json=contact("a@example.com"), timeout=10)
    requests.post(f"{server.url}/v3/contacts", headers=OMNISEND, json=contact("b@example.com"), timeout=10)
    server.kill()
    [log] = sorted((launcher.state / "store").glob("changes.*.log"))
    data = bytearray(log.read_bytes())
    data[-5] ^= 0xFF
    log.write_bytes(bytes(data))

    again = launcher.start()
    assert "checksum mismatch" in again.errors()
    assert len(omnisend_contact(again.url, "a@example.com")) == 1


def test_a_corrupt_snapshot_refuses_to_start_and_keeps_the_folder(launcher: Launcher) -> None:
    server = launcher.start()
    requests.post(f"{server.url}/v3/contacts", headers=OMNISEND, json=contact("s@example.com"), timeout=10)
    requests.post(f"{server.url}/_mock/persistence/compact", timeout=10)
    server.kill()
    snapshot = launcher.state / "store" / "snapshot.bin"
    data = bytearray(snapshot.read_bytes())
    data[len(data) // 2] ^= 0xFF
    snapshot.write_bytes(bytes(data))

    process = launcher.run()
    process.communicate(timeout=60)
    assert process.returncode == 2
    report = launcher.started[-1].errors()
    assert "state error:" in report and "checksum mismatch" in report and "Refusing to start" in report
    assert snapshot.read_bytes() == bytes(data)  # nothing was wiped or rewritten


def test_a_second_server_on_the_same_folder_is_refused(launcher: Launcher) -> None:
    launcher.start()
    process = launcher.run()
    process.communicate(timeout=60)
    assert process.returncode == 2
    assert "in use by another running mock-server" in launcher.started[-1].errors()
