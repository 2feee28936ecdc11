"""The served head (mock_server.server's channel): byte for byte what waitress writes, respelled our way.

The channel builds the head itself (waitress's algorithm, the application's header spelling, standard
reason phrases) and sends it with the body in one write. The reference here is waitress's own
``build_response_header`` followed by the respelling the channel did before (decode, split, re-join).
"""

from __future__ import annotations

import contextlib
import itertools
from http import HTTPStatus
from types import SimpleNamespace
from typing import Any

import pytest
from waitress.task import WSGITask

from mock_server.server import _vendor_header_channel

VendorTask: Any = _vendor_header_channel().task_class


def reference_head(task: Any) -> bytes:
    """waitress's head with the application's spelling and standard phrases (the channel's old way)."""
    spelled = {name.lower(): name for name, _ in task.response_headers}
    raw: bytes = WSGITask.build_response_header(task)
    head = raw[:-4].decode("latin-1").split("\r\n")
    version, code, *_ = head[0].split(" ", 2)
    with contextlib.suppress(ValueError):
        head[0] = f"{version} {code} {HTTPStatus(int(code)).phrase}"
    for i, line in enumerate(head[1:], start=1):
        name, _, value = line.partition(":")
        head[i] = f"{spelled.get(name.lower(), name)}:{value}"
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1")


class Channel:
    def __init__(self, ident: str) -> None:
        self.server = SimpleNamespace(adj=SimpleNamespace(ident=ident))
        self.sent: list[bytes] = []

    def write_soon(self, data: bytes) -> int:
        self.sent.append(bytes(data))
        return len(data)


def make(cls: Any, version: str, connection: str | None, status: str, headers: list[tuple[str, str]],
         ident: str = "mock-server") -> Any:
    request = SimpleNamespace(version=version, headers={"CONNECTION": connection} if connection else {},
                              command="GET")
    task = cls(Channel(ident), request)
    task.start_time = 1_700_000_000.25
    task.status = status
    task.complete = True
    task.response_headers = list(headers)
    for name, value in headers:
        if name.lower() == "content-length":
            task.content_length = int(value)
    return task


STATUSES = ["200 OK", "202 ACCEPTED", "204 NO CONTENT", "304 NOT MODIFIED", "429 TOO MANY REQUESTS",
            "599 Made Up", "200 OK extra", "101 SWITCHING PROTOCOLS"]
HEADER_SETS: list[list[tuple[str, str]]] = [
    [("Content-Type", "application/json"), ("Content-Length", "12")],
    [("Content-Type", "application/json"), ("X-QueueSize-Limit", "50000"), ("X-QueueSize-Remaining", "49999"),
     ("content-length", "12"), ("X-Request-ID", "abc")],
    [("content-type", "text/plain"), ("set-cookie", "a=1"), ("Set-Cookie", "b=2"), ("x-api-key", "k")],
    [("Content-Type", "application/json"), ("Date", "Mon, 01 Jan 2024 00:00:00 GMT"), ("Server", "other"),
     ("Content-Length", "3")],
    [("Via", "proxy"), ("X-RateLimit-Limit", "100"), ("Content-Length", "0")],
    [],
]


@pytest.mark.parametrize(("version", "connection"), list(itertools.product(
    ["1.0", "1.1"], [None, "close", "keep-alive", "Keep-Alive"])))
def test_head_matches_waitress_respelled(version: str, connection: str | None) -> None:
    for status, headers, ident in itertools.product(STATUSES, HEADER_SETS, ["mock-server", ""]):
        ours = make(VendorTask, version, connection, status, headers, ident)
        theirs = make(VendorTask, version, connection, status, headers, ident)
        assert ours.build_response_header() == reference_head(theirs), (status, headers, ident)
        assert ours.close_on_finish == theirs.close_on_finish
        assert ours.chunked_response == theirs.chunked_response
        assert ours.response_headers == theirs.response_headers


@pytest.mark.parametrize("status", ["200 OK", "202 ACCEPTED", "204 NO CONTENT"])
@pytest.mark.parametrize("body", [b"", b"0123456789ab", b"0123456789abcdef", b"0123"])
@pytest.mark.parametrize("headers", HEADER_SETS)
def test_written_bytes_match_waitress(status: str, body: bytes, headers: list[tuple[str, str]]) -> None:
    """Head and body go out in one write; the bytes on the wire are waitress's."""
    ours = make(VendorTask, "1.1", None, status, headers)
    theirs = make(VendorTask, "1.1", None, status, headers)
    ours.write(body)
    ours.write(b"more")
    head = reference_head(theirs)
    theirs.wrote_header = True
    theirs.channel.write_soon(head)
    WSGITask.write(theirs, body)
    WSGITask.write(theirs, b"more")
    assert b"".join(ours.channel.sent) == b"".join(theirs.channel.sent)
    assert ours.content_bytes_written == theirs.content_bytes_written
    if body and ours.content_length is not None and not status.startswith("204"):
        assert len(ours.channel.sent) <= 2  # the head went with the first bytes
