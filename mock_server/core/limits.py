"""Size limits: the request body cap (enforced while reading) and the per-record JSON size check."""

from __future__ import annotations

import json
import math
from typing import IO, Any

from mock_server.core.errors import BodyTooLarge, InvalidJson

DEFAULT_BODY_CAP = 10 * 1024 * 1024  # 10 MiB (both references: default cap, configurable)
_CHUNK = 64 * 1024


def read_body(stream: IO[bytes], content_length: int | None, cap: int) -> bytes:
    """Read the request body, never buffering more than ``cap`` bytes.

    A declared ``Content-Length`` over the cap is refused before reading; a chunked body is counted
    while it streams in and refused as soon as it passes the cap.
    """
    if content_length is not None and content_length > cap:
        raise BodyTooLarge(cap)
    parts: list[bytes] = []
    size = 0
    while True:
        want = min(_CHUNK, cap + 1 - size)
        if content_length is not None:
            want = min(want, content_length - size)
        if want <= 0:
            if content_length is None and size > cap:
                raise BodyTooLarge(cap)
            break
        chunk = stream.read(want)
        if not chunk:
            break
        size += len(chunk)
        if size > cap:
            raise BodyTooLarge(cap)
        parts.append(chunk)
    return b"".join(parts)


# The largest magnitude a JSON number may have here: both vendors parse numbers as IEEE doubles, and a
# literal beyond the double range (1e400) is a parse error there, never Infinity (mock decision: 400 as
# invalid JSON). Integers are bounded the same way so every stored number can be written back as JSON.
MAX_NUMBER = 1.7976931348623157e308


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text[:32]} is out of range")
    return value


def _bounded_int(text: str) -> int:
    if len(text) > 310:  # more digits than any double holds (and than int() may parse: 4300)
        raise ValueError("number is out of range")
    value = int(text)
    if abs(value) > MAX_NUMBER:
        raise ValueError("number is out of range")
    return value


# One decoder for every body: ``json.loads`` with hooks builds a decoder and its scanner on every call (the
# json module shares its own default decoder between threads the same way).
_STRICT = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_finite_float, parse_int=_bounded_int)


def loads_strict(text: str) -> Any:
    """``json.loads`` that refuses NaN, Infinity and numbers beyond the double range (ValueError)."""
    if text.startswith("\ufeff"):  # as json.loads refuses it
        raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
    return _STRICT.decode(text)


def parse_json(data: bytes) -> Any:
    """Decode UTF-8 JSON strictly: no NaN/Infinity, no number beyond the double range, no lone surrogates."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidJson("body is not valid UTF-8") from exc
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        value = loads_strict(text)
    except (ValueError, RecursionError) as exc:
        raise InvalidJson("body is not valid JSON") from exc
    # A JSON escape may spell a lone surrogate, which is not Unicode and could not be stored or echoed.
    if "\\ud" in text.lower():
        try:
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError as exc:
            raise InvalidJson("body is not valid UTF-8") from exc
    return value


def json_size(value: Any) -> int:
    """Byte length of the compact UTF-8 JSON encoding (non-ASCII not escaped)."""
    return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def record_fits(value: Any, max_bytes: int) -> bool:
    """Whether one record's compact JSON encoding is at most ``max_bytes`` bytes."""
    return json_size(value) <= max_bytes
