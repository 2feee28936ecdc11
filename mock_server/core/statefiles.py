"""The files of ``--state-dir``: an append-only change log and a snapshot, both framed and checksummed.

A frame is ``length (4 bytes, big-endian) | CRC-32 of the payload (4 bytes) | payload``, so a reader
tells a complete record from a torn or altered one without trusting anything after it. Each file starts
with a magic line naming its format. Written here by hand rather than with a library: the format is
twenty lines, and what matters (where exactly a log stops being trustworthy) must be visible.

Payloads are pickles of plain Python values (the store's own copy format, so every stored value round
trips exactly). Only point ``--state-dir`` at a folder you own: loading a pickle runs what it names.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

LOG_MAGIC = b"MOCKLOG1\n"
SNAPSHOT_MAGIC = b"MOCKSNAP1\n"
_FRAME = struct.Struct(">II")
# A record longer than this is treated as corruption (a flipped length byte), not as a 4 GB allocation.
MAX_RECORD = 1 << 30


class CorruptState(Exception):
    """A state file cannot be trusted (bad magic, checksum or pickle)."""


def frame(value: Any) -> bytes:
    """One framed record holding ``value``."""
    payload = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
    return _FRAME.pack(len(payload), zlib.crc32(payload)) + payload


@dataclass
class LogRead:
    """What a log file held: the decoded records, where the trustworthy part ends, and why it ends there."""

    records: list[Any]
    good_bytes: int
    total_bytes: int
    problem: str | None = None


def read_log(path: Path) -> LogRead:
    """Decode every record of a log file up to the first torn or corrupt one."""
    data = path.read_bytes()
    if not data.startswith(LOG_MAGIC):
        if LOG_MAGIC.startswith(data):  # the magic line itself was cut short: an empty log
            return LogRead([], 0, len(data), "truncated header" if data else None)
        return LogRead([], 0, len(data), "not a change log (bad magic)")
    records: list[Any] = []
    offset = len(LOG_MAGIC)
    for value, end, problem in _frames(data, offset):
        if problem is not None:
            return LogRead(records, offset, len(data), problem)
        records.append(value)
        offset = end
    return LogRead(records, offset, len(data))


def _frames(data: bytes, offset: int) -> Iterator[tuple[Any, int, str | None]]:
    while offset < len(data):
        if len(data) - offset < _FRAME.size:
            yield None, offset, f"truncated record header at byte {offset}"
            return
        length, crc = _FRAME.unpack_from(data, offset)
        start, end = offset + _FRAME.size, offset + _FRAME.size + length
        if length > MAX_RECORD:
            yield None, offset, f"impossible record length at byte {offset}"
            return
        if end > len(data):
            yield None, offset, f"truncated record at byte {offset} ({end - len(data)} bytes missing)"
            return
        payload = data[start:end]
        if zlib.crc32(payload) != crc:
            yield None, offset, f"checksum mismatch in the record at byte {offset}"
            return
        try:
            value = pickle.loads(payload)
        except Exception:  # any unpickling failure of a checksummed record is corruption too
            yield None, offset, f"undecodable record at byte {offset}"
            return
        yield value, end, None
        offset = end


def cut(path: Path, size: int) -> None:
    """Truncate ``path`` to its first ``size`` bytes, durably."""
    with path.open("r+b") as file:
        file.truncate(size)
        file.flush()
        os.fsync(file.fileno())


def open_log(path: Path) -> IO[bytes]:
    """Open a log for appending, writing (and syncing) its magic line when it is new."""
    file = path.open("ab")
    if file.tell() == 0:
        file.write(LOG_MAGIC)
        file.flush()
        os.fsync(file.fileno())
        sync_dir(path.parent)
    return file


def write_snapshot(path: Path, value: Any) -> int:
    """Write a snapshot atomically (temp file, fsync, rename, fsync of the folder); return its size."""
    data = SNAPSHOT_MAGIC + frame(value)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())
    os.replace(tmp, path)
    sync_dir(path.parent)
    return len(data)


def read_snapshot(path: Path) -> Any:
    """Return the value of a snapshot file; raise :class:`CorruptState` when it cannot be trusted."""
    data = path.read_bytes()
    if not data.startswith(SNAPSHOT_MAGIC):
        raise CorruptState(f"{path}: not a snapshot (bad magic)")
    found = list(_frames(data, len(SNAPSHOT_MAGIC)))
    if len(found) != 1 or found[0][2] is not None:
        problem = found[0][2] if found else "empty"
        raise CorruptState(f"{path}: {problem}")
    return found[0][0]


def sync_dir(folder: Path) -> None:
    """fsync a folder so a rename or a new file in it survives a crash (a no-op where unsupported)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
