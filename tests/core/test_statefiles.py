"""The state folder's file format: every torn or altered log is cut at the last whole record."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from mock_server.core import statefiles as F

RECORDS = [("rec", "omnisend", "b", "contacts", "put", "k1", {"email": "a@example.com"}),
           ("rec", "omnisend", "b", "contacts", "delete", "k1", None),
           ("clock", True, 1767225600.0)]


def write_log(path: Path) -> bytes:
    data = F.LOG_MAGIC + b"".join(F.frame(r) for r in RECORDS)
    path.write_bytes(data)
    return data


def test_a_whole_log_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "changes.000001.log"
    data = write_log(path)
    read = F.read_log(path)
    assert (read.records, read.good_bytes, read.problem) == (RECORDS, len(data), None)


def test_every_truncation_keeps_exactly_the_whole_records_before_it(tmp_path: Path) -> None:
    path = tmp_path / "changes.000001.log"
    data = write_log(path)
    ends = [len(F.LOG_MAGIC)]
    for record in RECORDS:
        ends.append(ends[-1] + len(F.frame(record)))
    for size in range(len(data)):
        path.write_bytes(data[:size])
        read = F.read_log(path)
        whole = sum(1 for end in ends[1:] if end <= size)
        assert read.records == RECORDS[:whole], size
        assert read.good_bytes == (ends[whole] if size >= len(F.LOG_MAGIC) else 0)
        assert (read.problem is None) == (size in ends or size == 0)


def test_a_flipped_bit_anywhere_in_a_record_is_caught(tmp_path: Path) -> None:
    path = tmp_path / "changes.000001.log"
    data = write_log(path)
    first_end = len(F.LOG_MAGIC) + len(F.frame(RECORDS[0]))
    for at in range(first_end, len(data)):
        damaged = bytearray(data)
        damaged[at] ^= 0x01
        path.write_bytes(bytes(damaged))
        read = F.read_log(path)
        assert read.records[:1] == RECORDS[:1]
        assert read.problem is not None and read.records != RECORDS, at


def test_the_cut_is_durable(tmp_path: Path) -> None:
    path = tmp_path / "changes.000001.log"
    data = write_log(path)
    F.cut(path, 20)
    assert path.read_bytes() == data[:20]


def test_a_snapshot_round_trips_and_any_damage_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "snapshot.bin"
    value = {"format": 1, "tenants": {("ometria", "staging"): {"x": [1, 2.5, "é"]}}}
    F.write_snapshot(path, value)
    assert F.read_snapshot(path) == value
    assert not (tmp_path / "snapshot.bin.tmp").exists()
    data = path.read_bytes()
    for at in (0, len(F.SNAPSHOT_MAGIC) + 2, len(data) - 1):
        damaged = bytearray(data)
        damaged[at] ^= 0x01
        path.write_bytes(bytes(damaged))
        with pytest.raises(F.CorruptState):
            F.read_snapshot(path)
    path.write_bytes(data[:-1])
    with pytest.raises(F.CorruptState, match="truncated"):
        F.read_snapshot(path)


def test_without_a_state_dir_nothing_is_kept(client: FlaskClient, tmp_path: Path) -> None:
    assert client.get("/_mock/persistence").get_json()["enabled"] is False
    response = client.post("/_mock/persistence/sync")
    assert response.status_code == 409
    assert response.get_json()["error"] == "persistence is off: start the server with --state-dir DIR"
