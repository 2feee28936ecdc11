"""The request journal in Redis: one capped list, newest first, with entries from every process.

Same answers as :class:`mock_server.core.journal.Journal`: entries numbered from 1 in arrival order (one
counter for every process), the newest ``size`` kept, bodies kept up to the same byte limit. An entry is
numbered, pushed and the list trimmed in one Lua script (one round trip, atomic). A body stays raw bytes
(base64) until the journal is read, as in memory, so the request path does not parse it.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from mock_server.core.journal import (
    DEFAULT_BODY_LIMIT,
    DEFAULT_SIZE,
    Deferred,
    Journal,
    JournalFilter,
    LazyBody,
    unpack,
)
from mock_server.redisstore.shared import PREFIX

ENTRIES = PREFIX + "journal"
SEQUENCE = PREFIX + "journal-seq"
LAZY = "$mock-lazy-body"  # marks a body kept as bytes: {LAZY: [base64, limit, size]}

# KEYS: list, sequence. ARGV: the entry's JSON object without its id, the ring size. Returns the id.
_SCRIPT = """
local id = redis.call('INCR', KEYS[2])
local rest = string.sub(ARGV[1], 2)
if rest ~= '}' then rest = ',' .. rest end
redis.call('LPUSH', KEYS[1], '{"id":' .. id .. rest)
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]) - 1)
return id
"""


def _stored(value: Any) -> Any:
    if isinstance(value, LazyBody):
        data, limit, size = value.raw()
        return {LAZY: [base64.b64encode(data).decode("ascii"), limit, size]}
    if isinstance(value, Deferred):
        return value.value()
    return value


def _loaded(entry: dict[str, Any]) -> dict[str, Any]:
    for name, value in entry.items():
        if isinstance(value, dict) and len(value) == 1 and LAZY in value:
            data, limit, size = value[LAZY]
            entry[name] = LazyBody(base64.b64decode(data), limit, size).value()
    return entry


class RedisJournal(Journal):
    """The journal every process on one Redis writes to (same interface as :class:`Journal`)."""

    def __init__(self, client: Any, size: int = DEFAULT_SIZE, body_limit: int = DEFAULT_BODY_LIMIT) -> None:
        super().__init__(size, body_limit)
        self._redis = client
        self._script = client.register_script(_SCRIPT)

    def record(self, entry: dict[str, Any]) -> dict[str, Any]:
        """Append ``entry`` (it gets an ``id``); the oldest entry falls out when the ring is full."""
        stored = {name: _stored(value) for name, value in entry.items()}
        entry_id = int(self._script(keys=[ENTRIES, SEQUENCE],
                                    args=[json.dumps(stored, separators=(",", ":"), default=str), self.size]))
        return {"id": entry_id, **entry}

    def record_packed(self, kind: str, fields: tuple[Any, ...]) -> None:
        """Store a packed entry as :meth:`record` stores the entry it stands for."""
        self.record(unpack(kind, fields))

    def entries(self, where: JournalFilter | None = None) -> list[dict[str, Any]]:
        """Return the matching entries, oldest first."""
        raw = self._redis.lrange(ENTRIES, 0, self.size - 1)
        snapshot = [_loaded(json.loads(item)) for item in reversed(raw)]
        if where is None:
            return snapshot
        return [e for e in snapshot if where.matches(e)]

    def clear(self) -> int:
        """Forget every entry (numbering continues); return how many there were."""
        pipe = self._redis.pipeline()
        pipe.llen(ENTRIES)
        pipe.delete(ENTRIES)
        return int(pipe.execute()[0])

    def __len__(self) -> int:
        return int(self._redis.llen(ENTRIES))
