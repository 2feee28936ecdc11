"""``serve --tls`` (ometria.md §1.1): a self-signed certificate kept in the state folder, HTTPS that a
client verifies against it, and the CLI options."""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import ssl
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from mock_server.cli import build_parser, settings_from
from mock_server.server import RunningServer, start_in_thread
from mock_server.tls import TlsFiles, ensure_self_signed, resolve
from tests.conftest import STAGING
from tests.ometria.helpers import make_app


@pytest.fixture
def tls_files(tmp_path: Path) -> TlsFiles:
    return ensure_self_signed(tmp_path / "state")


@pytest.fixture
def https_server(tls_files: TlsFiles) -> Iterator[RunningServer]:
    server = start_in_thread(make_app(), port=0, tls=tls_files)
    yield server
    server.stop()


def test_certificate_is_generated_once_and_kept(tmp_path: Path, tls_files: TlsFiles) -> None:
    assert tls_files.generated
    assert tls_files.cert == tmp_path / "state" / "tls" / "cert.pem"
    assert (tls_files.key.stat().st_mode & 0o777) == 0o600
    again = ensure_self_signed(tmp_path / "state")
    assert not again.generated
    assert again.cert.read_bytes() == tls_files.cert.read_bytes()


def test_https_verified_against_the_generated_certificate(https_server: RunningServer, tls_files: TlsFiles) -> None:
    assert https_server.url.startswith("https://127.0.0.1:")
    response = requests.get(f"{https_server.url}/v2/products/stg-tee", headers=STAGING, verify=str(tls_files.cert),
                            timeout=10)
    assert response.status_code == 200
    assert response.json()["id"] == "stg-tee"
    localhost = https_server.url.replace("127.0.0.1", "localhost")
    pushed = requests.post(f"{localhost}/v2/push", json=[{"@type": "product", "id": "p1"}], headers=STAGING,
                           verify=str(tls_files.cert), timeout=10)
    assert pushed.status_code == 202


def test_https_is_not_trusted_without_the_certificate(https_server: RunningServer) -> None:
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(f"{https_server.url}/_mock/health", timeout=10)


def test_cert_and_key_go_together(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="together"):
        resolve(tmp_path / "cert.pem", None, None)
    given = resolve(tmp_path / "c.pem", tmp_path / "k.pem", None)
    assert (given.cert, given.key, given.generated) == (tmp_path / "c.pem", tmp_path / "k.pem", False)


def test_serve_options() -> None:
    args = build_parser().parse_args(["serve", "--tls", "--state-dir", "/tmp/x", "--queue-delay", "0.5"])
    assert (args.tls, args.state_dir, args.cert, args.key) == (True, Path("/tmp/x"), None, None)
    settings = settings_from(args)
    assert settings.ometria_queue_mode == "async"  # serving defaults to the async queue
    assert settings.ometria_queue_delay == 0.5
    assert settings_from(build_parser().parse_args(["serve", "--queue-mode", "sync"])).ometria_queue_mode == "sync"


def test_serve_tls_on_port_zero_prints_the_certificate_and_serves_https(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "mock_server", "serve", "--tls", "--port", "0",
                             "--state-dir", str(tmp_path / "state")],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        assert proc.stdout is not None
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if "TLS certificate" in line:
                break
        banner = "".join(lines)
        url = re.search(r"listening on (https://127\.0\.0\.1:\d+)", banner)
        cert = re.search(r"TLS certificate \(generated, self-signed\): (\S+)", banner)
        assert url and cert, banner
        assert Path(cert.group(1)) == (tmp_path / "state" / "tls" / "cert.pem").resolve()
        assert "Ometria queue: async" in banner
        response = requests.get(f"{url.group(1)}/v2/orders?limit=1", headers=STAGING, verify=cert.group(1),
                                timeout=10)
        assert response.status_code == 200 and response.json()[0]["id"] == "stg-o-1001"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()


def test_https_keeps_vendor_header_spelling_and_standard_reasons(https_server: RunningServer,
                                                                  tls_files: TlsFiles) -> None:
    context = ssl.create_default_context(cafile=str(tls_files.cert))
    conn = http.client.HTTPSConnection("localhost", https_server.port, context=context, timeout=10)
    try:
        conn.request("POST", "/v2/push", body=b'[{"@type":"product","id":"p1"}]', headers=STAGING)
        response = conn.getresponse()
        response.read()
    finally:
        conn.close()
    assert (response.status, response.reason) == (202, "Accepted")
    assert {"X-QueueSize-Limit", "X-QueueSize-Remaining"} <= {name for name, _ in response.getheaders()}


def _raw_https(server: RunningServer, tls_files: TlsFiles, request: bytes) -> tuple[int, str, bytes]:
    port = int(server.url.rsplit(":", 1)[1])
    context = ssl.create_default_context(cafile=str(tls_files.cert))
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw, \
            context.wrap_socket(raw, server_hostname="127.0.0.1") as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    content_type = next((line.split(":", 1)[1].strip() for line in lines[1:]
                         if line.lower().startswith("content-type:")), "")
    return int(lines[0].split(" ")[1]), content_type, body


@pytest.mark.parametrize(("path", "envelope"), [
    ("/v2/contacts", {"status": "ERROR", "message": "Request Header Fields Too Large"}),
    ("/v3/contacts", {"error": "Request Header Fields Too Large"}),
])
def test_https_answers_an_oversized_header_in_the_vendor_envelope(https_server: RunningServer, tls_files: TlsFiles,
                                                                   path: str, envelope: dict[str, str]) -> None:
    request = (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: {'a' * 70_000}\r\n\r\n").encode()
    status, content_type, body = _raw_https(https_server, tls_files, request)
    assert (status, content_type) == (431, "application/json")
    assert json.loads(body) == envelope


def test_https_answers_an_oversized_request_line_as_431_json(https_server: RunningServer, tls_files: TlsFiles) -> None:
    request = (f"GET /v3/contacts?q={'a' * 70_000} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").encode()
    status, content_type, body = _raw_https(https_server, tls_files, request)
    assert (status, content_type) == (431, "application/json")
    assert json.loads(body) == {"error": "Request Header Fields Too Large"}
