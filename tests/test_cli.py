"""The ``mock-server`` command: serve (port 0, banner) and check-fixtures, as a user runs them."""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
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
        assert f"  Omnisend API:  {url}/api   (version 2026-03-15" in banner
        assert f"  Dashboard:     {url}/_mock/ui   (demo shop: {url}/_mock/demo-shop/)" in banner
        assert re.search(r"\n  Loaded: +3 tenants, 109 records from the packaged demo data set in \d+\.\d s\n",
                         banner), banner
        omnisend = requests.get(f"{url}/v3/contacts?limit=1", headers={"X-API-KEY": "omnisend-demo-key"}, timeout=5)
        assert omnisend.status_code == 200 and omnisend.headers["X-Rate-Limit-Remaining"] == "399"
        assert omnisend.json()["paging"]["next"].startswith(f"{url}/v3/contacts?limit=1&after=")
        ometria = requests.get(f"{url}/v2/contacts", headers={"X-Ometria-Auth": "ometria-live-key"}, timeout=5)
        assert ometria.status_code == 200 and ometria.json()[0]["collection"] == "default"
        api = requests.get(f"{url}/api/contacts?limit=1", timeout=5, headers={
            "Authorization": "Omnisend-API-Key omnisend-demo-key", "Omnisend-Version": "2026-03-15"})
        assert api.status_code == 200 and api.json()["paging"]["limit"] == 1
        assert requests.get(f"{url}/_mock/health", timeout=5).json()["status"] == "ok"
        assert requests.get(f"{url}/_mock/ui", timeout=5).status_code == 200
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


# -- version, help, load progress --------------------------------------------------------------------------

def test_version_long_and_short(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    from mock_server import __version__

    for flag in ("--version", "-V"):
        with pytest.raises(SystemExit) as done:
            main([flag])
        assert done.value.code == 0
        assert capsys.readouterr().out == f"mock-server {__version__}\n"
    assert version("ecommerce-marketing-mock") == __version__  # setup.cfg and the package agree


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    found = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {"": parser, **found.choices}


@pytest.mark.parametrize("command", ["", "serve", "check-fixtures"])
def test_help_shows_every_default_and_examples(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    parser = _subparsers()[command]
    helper = parser._get_formatter()
    for action in parser._actions:
        if action.option_strings and not isinstance(action, argparse._HelpAction | argparse._VersionAction):
            assert "(default: " in (helper._get_help_string(action) or ""), action.option_strings
    with pytest.raises(SystemExit) as done:
        main([command, "--help"] if command else ["--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    examples = text.split("\nexamples:\n", 1)[1].splitlines()
    assert len(examples) >= 2 and all(line.startswith("  mock-server ") for line in examples if line)


def test_serve_help_names_the_real_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    text = " ".join(capsys.readouterr().out.split())  # undo the help's line wrapping
    for expected in ("address to bind (default: 127.0.0.1)", "0 picks a free port (default: 8080)",
                     "request body cap in bytes (default: 10485760)", "(default: the packaged demo data set)",
                     "request journal ring size (default: 1000)", "switch rate limiting off (load tests) "
                     "(default: off)", "takes it (default: 1.0)", "(default: 1000.0)"):
        assert expected in text


def test_the_parsed_defaults_are_the_settings_defaults() -> None:
    from mock_server.cli import settings_from
    from mock_server.core.context import Settings

    settings, plain = settings_from(build_parser().parse_args(["serve"])), Settings()
    assert (settings.body_cap, settings.ometria_queue_delay, settings.ometria_queue_rate) == (
        plain.body_cap, plain.ometria_queue_delay, plain.ometria_queue_rate)


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        self.now += 0.01  # every look at the clock takes 10 ms
        return self.now


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_load_progress_in_a_log_is_a_line_every_interval(tmp_path: Path) -> None:
    from mock_server.app import create_app
    from mock_server.core import progress
    from mock_server.core.context import Settings

    stream = io.StringIO()
    meter = progress.LoadMeter(stream, interval=0.2, clock=FakeClock())
    with progress.reporting(meter):
        create_app(Settings(fixtures=default_fixtures_dir()))
    lines = stream.getvalue().splitlines()
    assert meter.records == 109 and 3 <= len(lines) == meter.shown
    assert all(re.fullmatch(r"loading fixtures: \d+ records \((omnisend/demo|ometria/(live|staging)) \w+\), \d+ s",
                            line) for line in lines), lines
    assert meter.elapsed is not None and meter.elapsed > 0.9


def test_load_progress_on_a_terminal_rewrites_one_line_and_clears_it() -> None:
    from mock_server.core import progress

    stream = Terminal()
    clock = FakeClock()
    with progress.reporting(progress.LoadMeter(stream, clock=clock)) as meter:
        for _ in range(60):
            meter.seeded("omnisend/demo contacts")
    assert meter.interval == progress.TTY_INTERVAL
    out = stream.getvalue()
    assert "\n" not in out and out.startswith("\rloading fixtures: ") and out.endswith("\r\x1b[K")
    assert out.count("\r") == meter.shown + 1 and meter.shown >= 2


def test_a_load_quicker_than_the_log_interval_prints_nothing() -> None:
    from mock_server.core import progress

    stream = io.StringIO()
    with progress.reporting(progress.LoadMeter(stream, clock=FakeClock())) as meter:
        for _ in range(150):  # 1.5 s of the fake clock, under the 2 s of a log
            meter.seeded("omnisend/demo contacts")
    assert (stream.getvalue(), meter.records, meter.shown) == ("", 150, 0)
    assert meter.interval == progress.LOG_INTERVAL


def test_check_fixtures_says_what_it_loaded(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-fixtures", str(default_fixtures_dir())]) == 0
    out = capsys.readouterr().out
    assert re.fullmatch(r"ok: 3 tenants, 109 records from \S+ in \d+\.\d s\n", out), out


@pytest.mark.parametrize(("argv", "reason"), [
    (["--workers", "4"], "--workers 4 needs a shared store"),
    (["--workers", "2", "--store", "memory"], "--store redis://"),
    (["--store", "postgres://x/1"], "--store must be 'memory' or a redis://HOST:PORT/DB URL"),
    (["--store", "redis:///0"], "names no host"),
    (["--store", "redis://127.0.0.1:6379/x"], "the database must be a number"),
    (["--workers", "0"], "--workers must be at least 1"),
    (["--store", "redis://127.0.0.1:1/0"], "cannot reach Redis at redis://127.0.0.1:1/0"),
])
def test_serve_refuses_a_store_or_worker_count_it_cannot_honour(
        argv: list[str], reason: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--port", "0", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("store error: ")
    assert reason in err
