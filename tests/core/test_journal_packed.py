"""Packed journal entries (the lanes'): kept as plain values, built into the same entry when read."""

from __future__ import annotations

import gc

from mock_server.control.recorder import LANE_ENTRY, journal_entry, lane_entry
from mock_server.core.journal import Journal, lazy_body, unpack

ENVIRON = {"REQUEST_METHOD": "POST", "PATH_INFO": "/v2/push", "wsgi.errors": object(),
           "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": "7",
           "HTTP_HOST": "x", "HTTP_X_OMETRIA_AUTH": "secret-key", "HTTP_X_TRACE": "a"}


def packed(body: bytes, answer: bytes, limit: int = 8) -> tuple[object, ...]:
    return lane_entry(mock_time=1.5, request_id="r1", vendor="ometria", api_version=None, tenant="t", method="POST",
                      path="/v2/push", query="", environ=ENVIRON, body=body, status=202,
                      response_headers=[("X-QueueSize-Limit", "5"), ("X-Request-ID", "r1")], answer=answer,
                      limit=limit, started=0.0, warnings=None)


def test_packed_entry_reads_as_the_entry_journal_entry_builds() -> None:
    for body, answer in [(b"[1,2]", b'{"a":1}'), (b"", b""), (b"not json", b'{"long": "answer over the limit"}')]:
        journal = Journal(body_limit=8)
        fields = packed(body, answer)
        journal.record_packed(LANE_ENTRY, fields)
        duration = unpack(LANE_ENTRY, fields)["durationMs"]
        expected = Journal(body_limit=8)
        entry = journal_entry(
            mock_time=1.5, request_id="r1", vendor="ometria", api_version=None, tenant="t", method="POST",
            original_method=None, path="/v2/push", query="",
            headers=[("Content-Type", "application/json"), ("Content-Length", "7"), ("Host", "x"),
                     ("X-Ometria-Auth", "secret-key"), ("X-Trace", "a")],
            body=lazy_body(body, 8, len(body)), status=202,
            response_headers=[("X-QueueSize-Limit", "5"), ("X-Request-ID", "r1")], answer=lazy_body(answer, 8)[:2],
            started=0.0, warnings=None, batch_item=False, fault=None, dropped=False)
        expected.record({**entry, "durationMs": duration})
        assert journal.entries() == expected.entries()
        assert journal.entries() == expected.entries()  # built once, read again


def test_packed_entry_holds_plain_values_only() -> None:
    journal = Journal()
    journal.record_packed(LANE_ENTRY, packed(b"[1]", b"{}"))
    for _ in range(4):  # a tuple is dropped once the tuples inside it were (one level per pass)
        gc.collect()
    assert not gc.is_tracked(journal._entries[0])  # nothing left for the collector to scan
