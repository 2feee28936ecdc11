"""Fault rules in Redis: a rule set through one process fires on every other, its counts shared.

The rules are a Redis hash (id -> the rule as JSON); each process keeps a copy, reloaded when the rules'
version in the control hash changes (read once per request with the rest of the control state), so a
request no rule selects costs no round trip and ``idle()`` stays a local check. A selected request runs
one Lua script that counts the call against every selecting rule and decides which fires, atomically:
"after N calls" and "at most N times" hold across processes exactly.

A rule's probability draws are reproducible without a shared random generator: draw number ``n`` of a
rule is derived from the rule's seed and ``n`` (a SHA-1 in the script; the latency from Python's
generator seeded the same way), so a seeded rule fires on the same calls on every run (mock decision: the
pattern differs from the one the in-process engine draws from its own generator, but is as reproducible).
"""

from __future__ import annotations

import json
import random
from dataclasses import fields
from typing import Any

from mock_server.core.faults import DEFAULT_RETRY_AFTER, Fault, FaultEngine, FaultRule
from mock_server.redisstore.shared import PREFIX, SharedControl

RULES = PREFIX + "faults"
COUNTS = PREFIX + "fault-counts"  # "<id>:seen", "<id>:fired", "<id>:draws"
SEQUENCE = PREFIX + "fault-seq"
VERSION = "faults"  # in the control hash: bumped by every change of the rule list
_SPEC = tuple(f.name for f in fields(FaultRule) if f.name not in ("id", "seen", "fired", "rng"))

# KEYS: counts, rules. ARGV: per selecting rule (in creation order) id, after, count (-1: none), probability,
# seed. Returns {chosen rule's number (0: none), its fired count}.
_SCRIPT = """
local chosen, fired_n = 0, 0
for i = 1, #ARGV / 5 do
  local id = ARGV[5 * i - 4]
  if redis.call('HEXISTS', KEYS[2], id) == 1 then
    local seen = redis.call('HINCRBY', KEYS[1], id .. ':seen', 1)
    local count = tonumber(ARGV[5 * i - 2])
    local fired = tonumber(redis.call('HGET', KEYS[1], id .. ':fired') or '0')
    if chosen == 0 and not (count >= 0 and fired >= count) and seen > tonumber(ARGV[5 * i - 3]) then
      local fires = true
      local p = tonumber(ARGV[5 * i - 1])
      if p < 1 then
        local n = redis.call('HINCRBY', KEYS[1], id .. ':draws', 1) - 1
        fires = tonumber(string.sub(redis.sha1hex(ARGV[5 * i] .. ':' .. n), 1, 8), 16) / 4294967296 < p
      end
      if fires then
        fired_n = redis.call('HINCRBY', KEYS[1], id .. ':fired', 1)
        chosen = i
      end
    end
  end
end
return {chosen, fired_n}
"""


def _encode(rule: FaultRule, seed: str) -> str:
    spec = {name: getattr(rule, name) for name in _SPEC}
    return json.dumps({"id": rule.id, "draw_seed": seed, **spec})


def _decode(raw: bytes) -> tuple[FaultRule, str]:
    data = json.loads(raw)
    seed = data.pop("draw_seed")
    rule_id = data.pop("id")
    data["methods"] = tuple(data["methods"])
    data["latency"] = None if data["latency"] is None else tuple(data["latency"])
    return FaultRule(id=rule_id, **data), seed


def _number(rule_id: str) -> int:
    return int(rule_id[1:]) if rule_id[1:].isdigit() else 0


class RedisFaultEngine(FaultEngine):
    """The fault rules of every process on one Redis (same interface as :class:`FaultEngine`)."""

    def __init__(self, shared: SharedControl, seed: int | None = None) -> None:
        super().__init__(seed)
        self._redis = shared.redis
        self._shared = shared
        self._script = self._redis.register_script(_SCRIPT)
        self._version: bytes | None = None
        self._cached: list[tuple[FaultRule, str]] = []
        shared.listen(self._load)

    def _load(self, control: dict[bytes, bytes]) -> None:
        version = control.get(VERSION.encode(), b"0")
        if version != self._version:
            self._cached, self._version = self._read(), version

    def _read(self) -> list[tuple[FaultRule, str]]:
        found = [_decode(raw) for raw in self._redis.hvals(RULES)]
        return sorted(found, key=lambda pair: _number(pair[0].id))

    def _changed(self) -> None:
        self._redis.hincrby(self._shared.key, VERSION, 1)
        self._load(self._redis.hgetall(self._shared.key))

    def add(self, **spec: Any) -> FaultRule:
        """Create a rule for every process; raise ValueError if invalid (nothing is stored then)."""
        FaultRule(id="f0", **spec)  # validate before taking an id
        rule = FaultRule(id=f"f{int(self._redis.incr(SEQUENCE))}", **spec)
        seed = str(rule.seed) if rule.seed is not None else f"{self._seed}:{rule.id}"
        self._redis.hset(RULES, rule.id, _encode(rule, seed))
        self._changed()
        return rule

    def rules(self) -> list[FaultRule]:
        """Return the rules in creation order, with the counts every process has added up."""
        rules = [rule for rule, _ in self._read()]
        if rules:
            counts = self._redis.hgetall(COUNTS)
            for rule in rules:
                rule.seen = int(counts.get(f"{rule.id}:seen".encode(), 0))
                rule.fired = int(counts.get(f"{rule.id}:fired".encode(), 0))
        return rules

    def idle(self) -> bool:
        """Whether no rule existed at the start of this request."""
        return not self._cached

    def remove(self, rule_id: str) -> bool:
        """Delete one rule; return whether it existed."""
        pipe = self._redis.pipeline()
        pipe.hdel(RULES, rule_id)
        pipe.hdel(COUNTS, f"{rule_id}:seen", f"{rule_id}:fired", f"{rule_id}:draws")
        existed = bool(pipe.execute()[0])
        self._changed()
        return existed

    def clear(self) -> int:
        """Delete every rule (ids keep counting); return how many there were."""
        pipe = self._redis.pipeline()
        pipe.hlen(RULES)
        pipe.delete(RULES, COUNTS)
        n = int(pipe.execute()[0])
        self._changed()
        return n

    def match(self, vendor: str, tenant: str, method: str, path: str) -> Fault | None:
        """Count the call against every selecting rule; return the first rule that fires, if any."""
        selecting = [(rule, seed) for rule, seed in self._cached if rule.selects(vendor, tenant, method, path)]
        if not selecting:
            return None
        args: list[Any] = []
        for rule, seed in selecting:
            args += [rule.id, rule.after, -1 if rule.count is None else rule.count, repr(rule.probability), seed]
        chosen, fired = (int(v) for v in self._script(keys=[COUNTS, RULES], args=args))
        if chosen == 0:
            return None
        rule, seed = selecting[chosen - 1]
        latency = 0.0
        if rule.latency is not None:
            low, high = rule.latency
            latency = low if low == high else random.Random(f"{seed}:latency:{fired}").uniform(low, high)
        headers = dict(rule.headers)
        if rule.status == 429 and not any(k.lower() == "retry-after" for k in headers):
            headers["Retry-After"] = DEFAULT_RETRY_AFTER
        return Fault(rule.id, rule.status, rule.message, rule.body, rule.has_body, headers, latency, rule.drop)
