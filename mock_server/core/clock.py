"""An injectable clock: real time by default, frozen or shifted by the control plane."""

from __future__ import annotations

import math
import threading
import time
from datetime import UTC, datetime, timedelta

# Where a seeded clock starts (mock decision: a fixed instant makes timestamps reproducible).
SEEDED_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
# The range mock time may be moved within (mock decision): every timestamp the mock renders, plus the
# retention periods it adds to them, stays a valid datetime, so one bad control call cannot break reads.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC).timestamp()
LATEST = datetime(9000, 1, 1, tzinfo=UTC).timestamp()


class ClockRangeError(ValueError):
    """A clock move would leave the supported range (the clock is left as it was)."""


def _checked(value: float) -> float:
    if not EARLIEST <= value <= LATEST:  # also refuses NaN
        raise ClockRangeError("the mock clock stays between 1970-01-01 and 9000-01-01")
    return value


class Clock:
    """Mock time: ``now()`` = real monotonic progress + an offset, or a frozen instant.

    Everything the mock times (rate-limit windows, timestamps it sets, batch retention, queue delays)
    reads this clock, never ``time.time()``, so tests advance it instead of sleeping.
    """

    def __init__(self, start: datetime | None = None, *, frozen: bool = False) -> None:
        self._lock = threading.Lock()  # serialises changes; reads take the state in one attribute read
        origin = start or datetime.now(UTC)
        base = origin.timestamp()
        # (frozen at or None, base, monotonic time when the clock stood at base): replaced whole, so
        # time() needs no lock (it is read several times per request).
        self._running: tuple[float | None, float, float] = (base if frozen else None, base, time.monotonic())

    @property
    def _frozen_at(self) -> float | None:
        return self._running[0]

    @property
    def _base(self) -> float:
        return self._running[1]

    def time(self) -> float:
        """Return mock time as POSIX seconds."""
        frozen_at, base, mono0 = self._running
        if frozen_at is not None:
            return frozen_at
        return base + (time.monotonic() - mono0)

    def now(self) -> datetime:
        """Return mock time as an aware UTC datetime."""
        return datetime.fromtimestamp(self.time(), UTC)

    @property
    def frozen(self) -> bool:
        """Whether the clock is frozen."""
        return self._running[0] is not None

    def freeze(self, at: datetime | None = None) -> None:
        """Stop the clock at ``at`` (default: the current mock time)."""
        value = _checked(at.timestamp()) if at is not None else self.time()
        with self._lock:
            _, base, mono0 = self._running
            self._running = (value, base, mono0)

    def resume(self) -> None:
        """Let a frozen clock run again from where it stands."""
        with self._lock:
            frozen_at = self._running[0]
            if frozen_at is None:
                return
            self._running = (None, frozen_at, time.monotonic())

    def advance(self, seconds: float) -> None:
        """Move the clock forward (frozen or running) by ``seconds``."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            frozen_at, base, mono0 = self._running
            if frozen_at is not None:
                self._running = (_checked(frozen_at + seconds), base, mono0)
            else:
                _checked(base + (time.monotonic() - mono0) + seconds)
                self._running = (None, base + seconds, mono0)

    def set(self, at: datetime) -> None:
        """Jump to ``at``, keeping the frozen/running state."""
        _checked(at.timestamp())
        with self._lock:
            if self._running[0] is not None:
                self._running = (at.timestamp(), self._running[1], self._running[2])
            else:
                self._running = (None, at.timestamp(), time.monotonic())


def iso_ms(moment: datetime) -> str:
    """Render a UTC RFC 3339 timestamp with milliseconds and ``Z`` (the mock's own timestamps)."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


# The last second :func:`iso_ms_at` rendered: (POSIX second, "YYYY-MM-DDTHH:MM:SS.").
_last_second: tuple[int, str] = (0, "1970-01-01T00:00:00.")


def iso_ms_at(timestamp: float) -> str:
    """``iso_ms(datetime.fromtimestamp(timestamp, UTC))``, without building a datetime per call.

    The mock stamps every record it writes; seeding a million contacts spent a tenth of its time in
    ``strftime``. The date and time of day are rendered once per second; the microseconds round half to
    even, as ``datetime.fromtimestamp`` rounds them.
    """
    global _last_second
    frac, whole = math.modf(timestamp)
    micro = round(frac * 1e6)
    if micro >= 1_000_000:
        whole, micro = whole + 1, micro - 1_000_000
    elif micro < 0:
        whole, micro = whole - 1, micro + 1_000_000
    second = int(whole)
    cached = _last_second
    if cached[0] != second or second == 0:
        if not 0 < second < _YEAR_10000:
            return iso_ms(datetime.fromtimestamp(timestamp, UTC))
        cached = _last_second = (second, time.strftime("%Y-%m-%dT%H:%M:%S.", time.gmtime(second)))
    return f"{cached[1]}{micro // 1000:03d}Z"


_YEAR_10000 = 253402300800


# Recent parse_datetime results (datetimes are immutable, so they are shared): seeding parses a
# contact's createdAt to check it and again to index it, and its updatedAt (one value per millisecond
# for thousands of records in a row) to index it; emptied when full.
_PARSED: dict[str, datetime | None] = {}
_PARSED_MAX = 4096


def parse_datetime(value: str) -> datetime | None:
    """Parse an RFC 3339 / ISO 8601 date-time (``Z`` or offset, optional fraction); None if invalid.

    A value without an offset is read as UTC.
    """
    try:
        return _PARSED[value]
    except KeyError:
        pass
    except TypeError:  # not a string: strip() below raises as it always did
        return _parse_datetime(value)
    if len(value) > 40:  # no timestamp is that long: not worth keeping
        return _parse_datetime(value)
    if len(_PARSED) >= _PARSED_MAX:
        _PARSED.clear()
    parsed = _PARSED[value] = _parse_datetime(value)
    return parsed


def _parse_datetime(value: str) -> datetime | None:
    text = value.strip()
    if len(text) < 19 or text[10] not in "Tt ":
        return None
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def parse_date(value: str) -> datetime | None:
    """Parse ``YYYY-MM-DD`` as 00:00:00 UTC of that day; None if invalid."""
    if len(value) != 10:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        return None


def end_of_day(day_start: datetime) -> datetime:
    """Return 23:59:59.999 of the day that starts at ``day_start``."""
    return day_start + timedelta(days=1, milliseconds=-1)


# Recent sort_time results: a pure function of the string, asked again and again for the same few (a
# record's createdAt and updatedAt when it is re-indexed, a status date on every update of the contact, the
# load's stamps); emptied when full. A plain dict, not functools.lru_cache, so that a caller that parsed a
# value already can hand its result in (:func:`sort_time_of`).
_SORT_TIMES: dict[str, float | None] = {}
_SORT_TIMES_MAX = 4096


def sort_time(value: object) -> float | None:
    """Turn a stored timestamp string into POSIX seconds for ordering; None when absent or unparseable."""
    if not isinstance(value, str):
        return None
    try:
        return _SORT_TIMES[value]
    except KeyError:
        pass
    parsed = parse_datetime(value) or parse_date(value)
    return _remember(value, parsed.timestamp() if parsed else None)


def sort_time_of(value: str, parsed: datetime) -> float:
    """``sort_time(value)`` for a ``value`` the caller parsed already (``parsed = parse_datetime(value)``,
    not None): kept for the indexes that ask next (a fixture load checks each contact's ``createdAt`` and
    then indexes it)."""
    seconds = parsed.timestamp()
    _remember(value, seconds)
    return seconds


def _remember(value: str, seconds: float | None) -> float | None:
    if len(_SORT_TIMES) >= _SORT_TIMES_MAX:
        _SORT_TIMES.clear()
    _SORT_TIMES[value] = seconds
    return seconds
