"""Fault injection: rules that make chosen vendor requests fail, slow down or lose their connection.

A rule selects requests by vendor, tenant, method and path glob; it fires after ``after`` matching
calls, at most ``count`` times, with a probability drawn from its own seeded generator (so a run is
reproducible). The first rule (in creation order) that fires decides. Every matching rule counts the
call, so "the third call to /v3/orders" is ``after=2, count=1`` whatever other rules do.

The vendors call :func:`authenticated` right after their auth check, so the tenant is known and a
rule can match any path, including ones no route serves; the error is then rendered in the vendor's
own envelope by the vendor's ``render_error`` (an :class:`InjectedFault`).
"""

from __future__ import annotations

import fnmatch
import random
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flask import g, request

from mock_server.core.errors import InjectedFault

if TYPE_CHECKING:
    from mock_server.core.context import MockContext

# Set on the WSGI environ when a rule drops the connection; the WSGI layer then sends nothing.
ENV_DROP = "mock.drop"
# Retry-After sent with an injected 429 unless the rule gives its own headers (mock decision).
DEFAULT_RETRY_AFTER = "1"


class CustomFault(InjectedFault):
    """An injected error whose whole body the rule gives (instead of the vendor's envelope)."""

    def __init__(self, status: int, body: Any, headers: Mapping[str, str] | None = None) -> None:
        super().__init__("", status=status, headers=headers)
        self.body = body


@dataclass(frozen=True)
class Fault:
    """What one fired rule does to one request."""

    rule_id: str
    status: int | None
    message: str | None
    body: Any
    has_body: bool
    headers: dict[str, str]
    latency: float
    drop: bool


@dataclass
class FaultRule:
    """One rule; ``seen`` / ``fired`` count matching calls and answers it changed."""

    id: str
    vendor: str | None = None
    tenant: str | None = None
    methods: tuple[str, ...] = ()
    path: str = "*"
    probability: float = 1.0
    seed: int | None = None
    after: int = 0
    count: int | None = None
    status: int | None = None
    message: str | None = None
    body: Any = None
    has_body: bool = False
    headers: dict[str, str] = field(default_factory=dict)
    latency: tuple[float, float] | None = None
    drop: bool = False
    seen: int = 0
    fired: int = 0
    rng: random.Random = field(default_factory=random.Random, repr=False)

    def __post_init__(self) -> None:
        if self.status is None and self.latency is None and not self.drop:
            raise ValueError("a rule needs an action: status, latency or drop")
        if self.drop and self.status is not None:
            raise ValueError("drop and status exclude each other")
        if not 0.0 <= self.probability <= 1.0:
            raise ValueError("probability must be between 0 and 1")
        if self.after < 0 or (self.count is not None and self.count < 1):
            raise ValueError("after must be >= 0 and count >= 1")
        if self.status is not None and not 100 <= self.status <= 599:
            raise ValueError("status must be an HTTP status (100-599)")
        if self.latency is not None and not 0 <= self.latency[0] <= self.latency[1]:
            raise ValueError("latency must be >= 0 (a range as [min, max])")
        self.methods = tuple(m.upper() for m in self.methods)

    @property
    def exhausted(self) -> bool:
        """Whether the rule has fired ``count`` times."""
        return self.count is not None and self.fired >= self.count

    def selects(self, vendor: str, tenant: str, method: str, path: str) -> bool:
        """Whether the request is one this rule is about (before after/count/probability)."""
        return ((self.vendor is None or self.vendor == vendor)
                and (self.tenant is None or self.tenant == tenant)
                and (not self.methods or method.upper() in self.methods)
                and fnmatch.fnmatchcase(path, self.path))

    def as_dict(self) -> dict[str, Any]:
        """Return the rule and its counters, JSON-ready."""
        out: dict[str, Any] = {
            "id": self.id, "vendor": self.vendor, "tenant": self.tenant, "method": list(self.methods) or None,
            "path": self.path, "probability": self.probability, "seed": self.seed, "after": self.after,
            "count": self.count, "status": self.status, "message": self.message,
            "headers": self.headers or None, "latency": list(self.latency) if self.latency else None,
            "drop": self.drop, "seen": self.seen, "fired": self.fired,
            "remaining": None if self.count is None else max(0, self.count - self.fired),
            "active": not self.exhausted,
        }
        if self.has_body:
            out["body"] = self.body
        return out


class FaultEngine:
    """The rule list; thread-safe; deterministic for a given seed and call sequence."""

    def __init__(self, seed: int | None = None) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []
        self._next = 1
        self._seed = 0 if seed is None else seed

    def add(self, **spec: Any) -> FaultRule:
        """Create a rule from keyword arguments of :class:`FaultRule`; raise ValueError if invalid."""
        with self._lock:
            rule_id = f"f{self._next}"
            seed = spec.get("seed")
            rng = random.Random(f"{self._seed}:{rule_id}" if seed is None else seed)
            rule = FaultRule(id=rule_id, rng=rng, **spec)
            self._next += 1
            self._rules.append(rule)
            return rule

    def rules(self) -> list[FaultRule]:
        """Return the rules in creation order."""
        with self._lock:
            return list(self._rules)

    def idle(self) -> bool:
        """Whether no rule exists (then no request can be selected, counted or changed)."""
        return not self._rules

    def remove(self, rule_id: str) -> bool:
        """Delete one rule; return whether it existed."""
        with self._lock:
            before = len(self._rules)
            self._rules = [r for r in self._rules if r.id != rule_id]
            return len(self._rules) != before

    def clear(self) -> int:
        """Delete every rule (ids keep counting); return how many there were."""
        with self._lock:
            n = len(self._rules)
            self._rules = []
            return n

    def match(self, vendor: str, tenant: str, method: str, path: str) -> Fault | None:
        """Count the call against every selecting rule; return the first rule that fires, if any."""
        chosen: Fault | None = None
        with self._lock:
            for rule in self._rules:
                if not rule.selects(vendor, tenant, method, path):
                    continue
                rule.seen += 1
                if chosen is not None or rule.exhausted or rule.seen <= rule.after:
                    continue
                if rule.probability < 1.0 and rule.rng.random() >= rule.probability:
                    continue
                rule.fired += 1
                latency = 0.0
                if rule.latency is not None:
                    low, high = rule.latency
                    latency = low if low == high else rule.rng.uniform(low, high)
                headers = dict(rule.headers)
                if rule.status == 429 and not any(k.lower() == "retry-after" for k in headers):
                    headers["Retry-After"] = DEFAULT_RETRY_AFTER
                chosen = Fault(rule.id, rule.status, rule.message, rule.body, rule.has_body, headers, latency,
                               rule.drop)
        return chosen


def authenticated(ctx: MockContext, vendor: str, tenant_id: str) -> None:
    """Note who is calling (for the journal) and apply the fault rules; vendors call this after auth."""
    g.caller_tenant = tenant_id
    if g.get("batch_item"):
        return  # items of an Omnisend batch are not client calls
    fault = ctx.faults.match(vendor, tenant_id, request.method, request.path)
    if fault is None:
        return
    g.fault = fault.rule_id
    if fault.latency > 0:
        time.sleep(fault.latency)  # real time on purpose: the client is meant to wait
    if fault.drop:
        request.environ[ENV_DROP] = True
        raise InjectedFault("connection dropped", status=502)  # rendered but never sent
    if fault.status is None:
        return
    if fault.has_body:
        raise CustomFault(fault.status, fault.body, fault.headers)
    raise InjectedFault(fault.message or "", status=fault.status, headers=fault.headers)
