"""Cursors that carry their own query: the next page may send the cursor alone.

Some APIs (Omnisend 2026-03-15) put the filters and the sort into the cursor, so a client pages with
``?after=<token>`` only, may re-send the same filters, and gets a 400 when it changes them mid-stream.
This wraps a :mod:`mock_server.core.paging` cursor (which holds the position, so records added between
pages neither repeat nor go missing) together with the query criteria, signed by the same codec.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mock_server.core.cursor import CursorCodec, InvalidCursor, fingerprint

Args = list[tuple[str, str]]


@dataclass(frozen=True)
class CursorQuery:
    """The criteria a page is read with, and the position cursor (if any) within them."""

    criteria: Args
    direction: str | None  # "after" / "before" / None on a first page
    position: str | None
    changed: bool  # the request re-sent criteria that differ from the cursor's


def _sorted(args: Sequence[tuple[str, str]]) -> Args:
    return sorted((str(k), str(v)) for k, v in args)


def wrap(codec: CursorCodec, endpoint: str, criteria: Sequence[tuple[str, str]], position: str) -> str:
    """Return an opaque token holding ``criteria`` and the paging ``position`` token."""
    return codec.encode({"q": [list(pair) for pair in _sorted(criteria)], "t": position,
                         "f": fingerprint("query-cursor", endpoint)})


def unwrap(codec: CursorCodec, endpoint: str, token: str) -> tuple[Args, str]:
    """Return the criteria and position of a token made by :func:`wrap`; raise InvalidCursor otherwise."""
    payload = codec.decode(token, fingerprint("query-cursor", endpoint))
    try:
        criteria = [(str(k), str(v)) for k, v in payload["q"]]
        position = str(payload["t"])
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidCursor(token) from exc
    return criteria, position


def read(codec: CursorCodec, endpoint: str, criteria: Sequence[tuple[str, str]],
         after: str | None, before: str | None) -> CursorQuery:
    """Resolve a request's criteria against its cursor (raise InvalidCursor for a bad token).

    Without a cursor the request's criteria apply. With one, the cursor's apply; criteria the request
    sends as well must be the same set, else ``changed`` is True.
    """
    token = after if after is not None else before
    if token is None:
        return CursorQuery(_sorted(criteria), None, None, False)
    saved, position = unwrap(codec, endpoint, token)
    changed = bool(criteria) and _sorted(criteria) != saved
    return CursorQuery(saved, "after" if after is not None else "before", position, changed)
