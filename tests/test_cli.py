"""The ``mock-server`` command: serve (port 0, banner) and check-fixtures, as a user runs them."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import requests

from mock_server.cli import build_parser, main
from mock_server.core.fixtures import default_fixtures_dir


def test_check_fixtures_accepts_the_defaults(capsys: object) -> None:
    assert main(["check-fixtures", str(default_fixtures_dir())]) == 0


def test_check_fixtures_reports_file_path_and_reason(tmp_path: Path, capfd: object) -> None:
    target = tmp_path / "fx"
    shutil.copytree(default_fixtures_dir(), target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    contacts = json.loads((target / "ometria" / "staging" / "contacts.json").read_text())
    contacts[2]["email"] = "no-at-sign"
    (target / "ometria" / "staging" / "contacts.json").write_text(json.dumps(contacts))
    result = subprocess.run([sys.executable, "-m", "mock_server", "check-fixtures", str(target)],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 1
    assert result.stderr.strip().endswith("ometria/staging/contacts.json: $[2].email: invalid format, expected email")


def test_parser_has_the_documented_options() -> None:
    args = build_parser().parse_args(["serve", "--host", "0.0.0.0", "--port", "0", "--public-url", "http://x",
                                      "--seed", "3", "--no-rate-limit", "--fixtures", "fx"])
    assert (args.host, args.port, args.public_url, args.seed, args.no_rate_limit, args.fixtures) == (
        "0.0.0.0", 0, "http://x", 3, True, Path("fx"))


def test_serve_on_port_zero_prints_the_url_and_serves_both_apis() -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "mock_server", "serve", "--port", "0", "--seed", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        assert proc.stdout is not None
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if "X-Ometria-Auth: ometria-live-key" in line:
                break
        banner = "".join(lines)
        match = re.search(r"listening on (http://127\.0\.0\.1:(\d+))", banner)
        assert match and match.group(2) != "0", banner
        url = match.group(1)
        assert "omnisend-demo-key" in banner and "ometria-staging-key" in banner
        omnisend = requests.get(f"{url}/v3/contacts?limit=1", headers={"X-API-KEY": "omnisend-demo-key"}, timeout=5)
        assert omnisend.status_code == 200 and omnisend.headers["X-Rate-Limit-Remaining"] == "399"
        assert omnisend.json()["paging"]["next"].startswith(f"{url}/v3/contacts?limit=1&after=")
        ometria = requests.get(f"{url}/v2/contacts", headers={"X-Ometria-Auth": "ometria-live-key"}, timeout=5)
        assert ometria.status_code == 200 and ometria.json()[0]["collection"] == "default"
        assert requests.get(f"{url}/_mock/health", timeout=5).json()["status"] == "ok"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()


def test_served_headers_keep_the_vendor_spelling_and_reason_phrases() -> None:
    import socket

    from mock_server.app import create_app
    from mock_server.core.context import Settings
    from mock_server.server import start_in_thread

    running = start_in_thread(create_app(Settings(freeze_clock=True)))
    try:
        with socket.create_connection(("127.0.0.1", running.port), timeout=5) as sock:
            body = b'[{"@type":"contact","id":"c1","email":"c1@x.com"}]'
            sock.sendall(b"POST /v2/push HTTP/1.1\r\nHost: x\r\nX-Ometria-Auth: ometria-staging-key\r\n"
                         b"Content-Length: " + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)
            raw = b""
            while chunk := sock.recv(65536):
                raw += chunk
        head = raw.split(b"\r\n\r\n")[0].decode()
        assert head.startswith("HTTP/1.1 202 Accepted\r\n")
        assert "\r\nX-QueueSize-Limit: 50000\r\n" in head and "\r\nX-QueueSize-Remaining: 50000" in head
        many = requests.get(f"{running.url}/v3/nothing", timeout=5)
        assert many.status_code == 401 and many.reason == "Unauthorized"
    finally:
        running.stop()
