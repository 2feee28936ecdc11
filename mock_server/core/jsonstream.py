"""Reading a large JSON array file one element at a time (fixture files of a million records).

``json.loads`` of a whole file holds its text and every record at once (gigabytes for a million
contacts); here each element is decoded by the standard library's C decoder from a sliding window of
the file and handed on, so memory holds one chunk and one record (the loader's progress meter counts them).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

CHUNK = 1 << 20
# Files at least this big are streamed (smaller ones are read whole, as before).
STREAM_FROM_BYTES = 16 << 20
_SPACE = re.compile(r"[ \t\n\r]*")
# Characters decoded per call at most (_Window.decode_run): a run of records small enough to still be in
# the processor's cache when the seeder takes them one by one.
RUN = 32 << 10


class JsonStreamError(ValueError):
    """The file is not a JSON array, or not valid JSON, at ``line``/``column`` (1-based)."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


class JsonArrayFile:
    """An iterable over the elements of the JSON array in ``path``."""

    def __init__(self, path: Path, label: str | None = None) -> None:
        self.path = path
        self.label = label or str(path)

    def __iter__(self) -> Iterator[Any]:
        decoder = json.JSONDecoder()
        with self.path.open(encoding="utf-8") as stream:
            window = _Window(stream)
            window.expect("[", "must be a JSON array of records")
            if window.peek() == "]":
                window.pos += 1
            else:
                while True:
                    run = window.decode_run()
                    if run is None:
                        yield window.decode(decoder)
                    else:
                        yield from run
                    if window.peek() == ",":
                        window.pos += 1
                        continue
                    window.expect("]", "Expecting ',' delimiter")
                    break
            if window.peek() != "":
                raise window.error("Extra data")


class _Window:
    """The unread part of the file, refilled chunk by chunk, with the line count of what was dropped."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.text = ""
        self.pos = 0
        self.eof = False
        self.lines_before = 0  # newlines in the text already dropped
        self.column_base = 0  # characters on the current line already dropped
        self.runs = True  # decode_run may try this window (until it fails in it)

    def _fill(self) -> bool:
        if self.eof:
            return False
        more = self.stream.read(CHUNK)
        if not more:
            self.eof = True
            return False
        dropped = self.text[:self.pos]
        newlines = dropped.count("\n")
        if newlines:
            self.lines_before += newlines
            self.column_base = len(dropped) - dropped.rfind("\n") - 1
        else:
            self.column_base += len(dropped)
        self.text = self.text[self.pos:] + more
        self.pos = 0
        self.runs = True
        return True

    def peek(self) -> str:
        """Skip whitespace; return the next character ("" at the end)."""
        text, pos = self.text, self.pos
        if pos < len(text) and text[pos] not in " \t\n\r":
            return text[pos]  # no whitespace to skip (twice per element of a compact file)
        while True:
            self.pos = _SPACE.match(self.text, self.pos).end()  # type: ignore[union-attr]
            if self.pos < len(self.text) or not self._fill():
                return self.text[self.pos:self.pos + 1]

    def expect(self, char: str, message: str) -> None:
        """Consume ``char`` or raise."""
        if self.peek() != char:
            raise self.error(message)
        self.pos += 1

    def decode(self, decoder: json.JSONDecoder) -> Any:
        """Decode the next value, reading more of the file while it is cut off by the window's end."""
        self.peek()
        while True:
            try:
                value, end = decoder.raw_decode(self.text, self.pos)
            except json.JSONDecodeError as exc:
                if self._fill():
                    continue
                raise self.error(exc.msg, exc.pos) from exc
            if end == len(self.text) and self._fill():
                continue  # a number may go on in the next chunk
            self.pos = end
            return value

    def decode_run(self) -> list[Any] | None:
        """Decode the objects from here up to the last ``},`` in the next :data:`RUN` characters of the
        window in one call, or return None
        (this is not an object, there is no ``},`` after it, or the decoding failed: then :meth:`decode`
        takes them one at a time, as it reports problems, and no run is tried again in this window).

        One ``json.loads`` of the run as an array decodes a record in less than half the time of a
        ``raw_decode`` call per record. The cut is safe: the text from an element's start to a ``}`` is a
        list of whole elements exactly when that ``}`` ends one; a ``}`` inside a string leaves the string
        unterminated, one inside an element leaves a bracket open, and the decoder refuses both.
        """
        if not self.runs or self.peek() != "{":
            return None
        text, pos = self.text, self.pos
        cut = text.rfind("},", pos, pos + RUN)
        if cut < 0:
            return None
        try:
            found: list[Any] = json.loads(f"[{text[pos:cut + 1]}]")
        except ValueError:  # JSONDecodeError, or text a str cannot hold (a lone surrogate escape)
            self.runs = False
            return None
        self.pos = cut + 1
        return found

    def error(self, message: str, at: int | None = None) -> JsonStreamError:
        """An error at ``at`` (default: the current position), with the file's line and column."""
        at = self.pos if at is None else at
        before = self.text[:at]
        newlines = before.count("\n")
        column = at - before.rfind("\n") if newlines else self.column_base + at + 1
        return JsonStreamError(message, self.lines_before + newlines + 1, column)
