"""Real ``mock-server serve`` processes for the cross-process tests: started as a user starts them, on a
free port (``--port 0``), the URL read from the banner; their output is kept for failure messages."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import requests

OMNISEND = {"X-API-KEY": "omnisend-demo-key"}
API_2026 = {"Authorization": "Omnisend-API-Key omnisend-demo-key", "Omnisend-Version": "2026-03-15"}
STAGING = {"X-Ometria-Auth": "ometria-staging-key"}
START_TIMEOUT = 60.0


def new_contact(email: str) -> dict[str, object]:
    """An Omnisend v3 contact with one subscribed email."""
    return {"identifiers": [{"type": "email", "id": email, "channels": {"email": {"status": "subscribed"}}}]}


class Served:
    """One ``mock-server serve`` process (with ``--workers N``, its pre-fork master)."""

    def __init__(self, *argv: str, cwd: Path | None = None) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.argv = [sys.executable, "-m", "mock_server", "serve", "--port", "0", *argv]
        self.proc = subprocess.Popen(self.argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     env=env, cwd=cwd)
        self.lines: list[str] = []
        # The banner's last line: TLS, else the store (Redis mode), else the background-work line.
        self._last_line = ("  TLS certificate" if "--tls" in argv else "  Store:" if "--store" in argv
                           else "  Omnisend batches:")
        self.url = ""
        self._banner = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line)
            match = re.search(r"listening on (https?://\S+)", line)
            if match:
                self.url = match.group(1)
            if line.startswith(self._last_line):
                self._banner.set()
        self._banner.set()

    @property
    def output(self) -> str:
        """Everything the process printed so far."""
        return "".join(self.lines)

    def wait_ready(self) -> Served:
        """Wait until the banner is complete (process start-up); fail with the output if it exits."""
        if not self._banner.wait(START_TIMEOUT) or not self.url:
            self.stop()
            raise AssertionError(f"{self.argv} did not start:\n{self.output}")
        return self

    def exit_code(self, timeout: float = START_TIMEOUT) -> int:
        """Wait for the process to end by itself; its exit status."""
        code = self.proc.wait(timeout=timeout)
        self._reader.join(timeout=5)
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        return code

    def stop(self, how: signal.Signals = signal.SIGTERM) -> int:
        """SIGTERM (or ``how``) and wait (the master stops its workers); the exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(how)
        try:
            code = self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait(timeout=10)
        self._reader.join(timeout=5)
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        return code

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        """GET through a fresh connection."""
        return requests.get(self.url + path, timeout=30, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        """POST through a fresh connection."""
        return requests.post(self.url + path, timeout=30, **kwargs)

    def freeze(self, at: str = "2026-02-01T10:00:00Z") -> None:
        """Freeze the mock clock at ``at`` through this process."""
        answer = self.post("/_mock/clock", json={"action": "freeze", "at": at})
        assert answer.status_code == 200, answer.text

    def worker_pids(self, want: int, deadline: float = START_TIMEOUT) -> set[int]:
        """The pids of the worker processes answering on the port, polled over fresh connections until
        ``want`` distinct ones answered (the kernel hands each connection to one of them)."""
        seen: set[int] = set()
        end = time.monotonic() + deadline
        while len(seen) < want:
            if time.monotonic() > end:
                raise AssertionError(f"only workers {seen} answered:\n{self.output}")
            seen.add(int(self.get("/_mock/health").json()["process"]["pid"]))
        return seen


def children_of(pid: int) -> set[int]:
    """The live child processes of ``pid`` (Linux /proc)."""
    found: set[int] = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(entry.name))
    return found
