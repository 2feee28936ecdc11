"""Limits the HTTP server enforces before the app reads anything, answered in the vendor's envelope.

These need a real socket: the sandbox served by waitress, spoken to in raw HTTP/1.1 so a test can send
a Content-Length it never honours, a 1 MB header or an endless chunked body.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator

import pytest

from mock_server.app import create_app
from mock_server.core.context import MockContext, Settings
from mock_server.ometria import constants as MC
from mock_server.omnisend import constants as OC
from mock_server.server import RunningServer, start_in_thread
from tests.conftest import snapshot

CAP = 4096


@pytest.fixture
def served() -> Iterator[RunningServer]:
    """A sandbox with a 4 KiB body cap, served by waitress."""
    settings = Settings(seed=7, freeze_clock=True, body_cap=CAP)
    running = start_in_thread(create_app(settings), threads=2)
    yield running
    running.stop()


def exchange(server: RunningServer, head: bytes,
             body_chunks: Iterator[bytes] | None = None) -> tuple[int, dict[str, str], bytes]:
    """Send ``head`` (and stream ``body_chunks`` while the server listens); return the parsed answer."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(head)
        if body_chunks is not None:
            try:
                for chunk in body_chunks:
                    sock.sendall(chunk)
            except OSError:  # the server answered and closed: it stopped reading, which is the point
                pass
        raw = b""
        try:
            while True:
                data = sock.recv(65536)
                if not data:
                    break
                raw += data
        except ConnectionResetError:
            pass
    header, _, body = raw.partition(b"\r\n\r\n")
    lines = header.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return status, headers, body


def omnisend_413() -> dict[str, str]:
    return {"error": OC.ERR_TOO_LARGE.format(cap=CAP)}


@pytest.mark.parametrize(("path", "expected"), [
    ("/v3/contacts", {"error": "Request Header Fields Too Large"}),
    ("/v2/contacts", {"status": "ERROR", "message": "Request Header Fields Too Large"}),
    ("/_mock/health", {"error": "Request Header Fields Too Large"}),
])
def test_a_1mb_header_is_a_431_in_the_vendor_envelope(served: RunningServer, path: str,
                                                      expected: dict[str, str]) -> None:
    status, headers, body = exchange(served, f"GET {path} HTTP/1.1\r\nHost: x\r\nX-Big: ".encode()
                                     + b"a" * 1_000_000 + b"\r\n\r\n")
    assert status == 431
    assert headers["content-type"] == "application/json"
    assert json.loads(body) == expected


def test_a_1mb_query_line_is_a_431_in_the_vendor_envelope(served: RunningServer) -> None:
    line = b"GET /v2/contacts?q=" + b"a" * 1_000_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    status, _, body = exchange(served, line)
    assert (status, json.loads(body)) == (431, {"status": "ERROR", "message": "Request Header Fields Too Large"})


@pytest.mark.parametrize("length", [CAP + 1, 2**30 + 1, 10**15])
def test_a_content_length_over_the_cap_is_refused_before_the_body_is_read(served: RunningServer,
                                                                           length: int) -> None:
    mock: MockContext = served.app.extensions["mock"]
    before = snapshot(mock)
    head = f"POST /v3/contacts HTTP/1.1\r\nHost: x\r\nX-API-KEY: omnisend-demo-key\r\nContent-Length: {length}\r\n"
    head += "Content-Type: application/json\r\n\r\n"
    started = time.monotonic()
    status, headers, body = exchange(served, head.encode())  # not one byte of the body is sent
    assert (status, json.loads(body)) == (413, omnisend_413())
    assert headers["content-type"] == "application/json"
    assert time.monotonic() - started < 5  # answered without waiting for the body
    assert snapshot(mock) == before


def test_ometria_413_on_content_length(served: RunningServer) -> None:
    head = (b"POST /v2/push HTTP/1.1\r\nHost: x\r\nX-Ometria-Auth: ometria-staging-key\r\n"
            b"Content-Length: 104857600\r\n\r\n")
    status, _, body = exchange(served, head, iter([b"[" * 1000]))
    assert (status, json.loads(body)) == (413, {"status": "ERROR", "message": MC.ERR_TOO_LARGE})


def test_a_chunked_body_is_cut_at_the_cap(served: RunningServer) -> None:
    sent = 0

    def chunks() -> Iterator[bytes]:
        nonlocal sent
        for _ in range(100_000):  # 100 MB if the server kept reading
            sent += 1000
            yield b"3e8\r\n" + b"a" * 1000 + b"\r\n"

    head = (b"POST /v3/contacts HTTP/1.1\r\nHost: x\r\nX-API-KEY: omnisend-demo-key\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n")
    status, _, body = exchange(served, head, chunks())
    assert (status, json.loads(body)) == (413, omnisend_413())
    assert sent < 20_000_000  # the server stopped listening long before the end (socket buffers aside)


def test_malformed_chunked_framing_is_a_400_in_the_vendor_envelope(served: RunningServer) -> None:
    head = b"POST /v2/push HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"
    status, _, body = exchange(served, head)
    assert status == 400
    assert json.loads(body) == {"status": "ERROR", "message": "Bad Request - malformed HTTP request"}


def test_a_body_at_the_cap_still_reaches_the_app(served: RunningServer) -> None:
    payload = json.dumps([{"@type": "contact", "id": "c1", "email": "c1@example.com",
                           "properties": {"pad": ""}}])
    payload = payload.replace('"pad": ""', '"pad": "' + "a" * (CAP - len(payload)) + '"')
    assert len(payload) == CAP
    head = (f"POST /v2/push HTTP/1.1\r\nHost: x\r\nX-Ometria-Auth: ometria-staging-key\r\nConnection: close\r\n"
            f"Content-Type: application/json\r\nContent-Length: {CAP}\r\n\r\n").encode() + payload.encode()
    status, _, body = exchange(served, head)
    assert status == 202, body


def test_the_server_keeps_serving_after_refusals(served: RunningServer) -> None:
    exchange(served, b"GET /v3/contacts HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 1_000_000 + b"\r\n\r\n")
    status, _, _ = exchange(served, b"GET /_mock/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert status == 200
