"""Size limits: body cap while reading, strict UTF-8 JSON, per-record byte size."""

from __future__ import annotations

import io
import json

import pytest

from mock_server.core.errors import BodyTooLarge, InvalidJson
from mock_server.core.limits import json_size, parse_json, read_body, record_fits

CAP = 1000


class Counting(io.BytesIO):
    """A stream that records how much was read from it."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.taken = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.taken += len(chunk)
        return chunk


@pytest.mark.parametrize("declared", [True, False])
def test_body_at_the_cap_is_read(declared: bool) -> None:
    data = b"x" * CAP
    assert read_body(io.BytesIO(data), CAP if declared else None, CAP) == data


def test_declared_length_over_the_cap_is_refused_before_reading() -> None:
    stream = Counting(b"x" * (CAP + 1))
    with pytest.raises(BodyTooLarge) as exc:
        read_body(stream, CAP + 1, CAP)
    assert stream.taken == 0 and exc.value.cap == CAP


def test_chunked_body_over_the_cap_is_refused_without_buffering_more() -> None:
    stream = Counting(b"x" * (CAP * 50))
    with pytest.raises(BodyTooLarge):
        read_body(stream, None, CAP)
    assert stream.taken == CAP + 1


def test_short_body_with_a_larger_declared_length_reads_what_is_there() -> None:
    assert read_body(io.BytesIO(b"abc"), 10, CAP) == b"abc"


@pytest.mark.parametrize("raw", [b"{bad", b"\xff\xfe{}", b"NaN", b'{"a": Infinity}', b'"\\ud800"', b""])
def test_invalid_json_is_refused(raw: bytes) -> None:
    with pytest.raises(InvalidJson):
        parse_json(raw)


def test_valid_json_with_bom_and_unicode() -> None:
    assert parse_json("\ufeff{\"name\": \"Žemaitė 😀\"}".encode()) == {"name": "Žemaitė 😀"}
    assert parse_json(b'"\\ud83d\\ude00"') == "😀"  # a surrogate pair is fine


def record_of_size(size: int, char: str = "a") -> dict[str, str]:
    base = json_size({"id": "r", "pad": ""})
    width = len(char.encode())
    pad = char * ((size - base) // width) + "a" * ((size - base) % width)
    record = {"id": "r", "pad": pad}
    assert json_size(record) == size
    return record


@pytest.mark.parametrize(("size", "fits"), [(60_000, True), (60_001, False)])
def test_record_size_boundary(size: int, fits: bool) -> None:
    assert record_fits(record_of_size(size), 60_000) is fits


def test_record_size_counts_utf8_bytes_not_characters() -> None:
    record = record_of_size(60_000, "ą")  # 2 bytes each
    assert record_fits(record, 60_000)
    record["pad"] += "ą"
    assert json_size(record) == 60_002 and not record_fits(record, 60_000)
    assert len(json.dumps(record, separators=(",", ":"), ensure_ascii=False)) < 60_000  # characters
