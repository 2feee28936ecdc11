"""Cursor tokens: opaque, tamper-evident, bound to one query."""

from __future__ import annotations

import base64

import pytest

from mock_server.core.cursor import CursorCodec, InvalidCursor, fingerprint


def test_round_trip() -> None:
    codec = CursorCodec(b"secret")
    token = codec.encode({"p": [1, 5], "i": 3, "n": 2, "f": "abc"})
    assert "=" not in token and "/" not in token and "+" not in token  # base64url, unpadded
    assert codec.decode(token, "abc")["i"] == 3


def test_other_query_is_refused() -> None:
    codec = CursorCodec(b"secret")
    token = codec.encode({"i": 3, "f": "abc"})
    with pytest.raises(InvalidCursor):
        codec.decode(token, "other")


@pytest.mark.parametrize("mutate", [
    lambda t: t[:-2] + ("A" if t[-2] != "A" else "B") + t[-1],  # body changed
    lambda t: ("A" if t[0] != "A" else "B") + t[1:],  # signature changed
    lambda t: t[:10],  # truncated
    lambda t: "not base64 !!",
    lambda t: "",
])
def test_tampered_tokens_are_refused(mutate: object) -> None:
    codec = CursorCodec(b"secret")
    token = codec.encode({"i": 3, "f": "abc"})
    with pytest.raises(InvalidCursor):
        codec.decode(mutate(token), "abc")  # type: ignore[operator]


def test_forged_payload_with_other_secret_is_refused() -> None:
    forged = CursorCodec(b"guess").encode({"i": 1, "f": "abc"})
    with pytest.raises(InvalidCursor):
        CursorCodec(b"secret").decode(forged, "abc")


def test_signed_non_object_payload_is_refused() -> None:
    codec = CursorCodec(b"secret")
    body = b"[1,2]"
    token = base64.urlsafe_b64encode(codec._sign(body) + body).rstrip(b"=").decode()
    with pytest.raises(InvalidCursor):
        codec.decode(token, "abc")


def test_fingerprint_depends_on_every_part() -> None:
    assert fingerprint("contacts", "createdAt", [("status", "subscribed")]) != fingerprint(
        "contacts", "createdAt", [("status", "unsubscribed")])
    assert fingerprint("a", 1) == fingerprint("a", 1)
