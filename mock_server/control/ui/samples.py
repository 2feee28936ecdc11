"""A small time series of background work: Ometria queue depth and Omnisend batch progress.

Neither vendor keeps a history of these, so the dashboard samples them itself: after every request the
app answers (vendor calls, control calls, dashboard refreshes), on the mock clock. A sample is kept when
a value changed or a mock second passed since the last one, in a bounded ring, so a frozen clock in a
test still gives one point per change and an idle server adds at most one point per refresh.
"""

from __future__ import annotations

import functools
import threading
import time
from collections import deque
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Response, current_app, request
from flask.sansio.app import App

from mock_server.core.clock import iso_ms
from mock_server.core.context import MockContext
from mock_server.core.store import TenantState
from mock_server.ometria import constants as ometria_constants
from mock_server.ometria.backend.queue import waiting_count
from mock_server.omnisend import constants as omnisend_constants

EXTENSION = "ui_samples"
SIZE = 240  # samples kept (a refresh every 2 s keeps 8 minutes of an idle server)
MIN_GAP = 1.0  # mock seconds between two samples that changed nothing
# With a Redis store, reading every tenant costs round trips (and catching up with other processes), so
# the per-request sample is taken at most this often in wall seconds; the overview still samples whenever
# it is drawn, so what a viewer sees is current.
SHARED_STORE_GAP = 0.25
BATCH_COLLECTIONS = "batches:"  # Omnisend keeps one collection per API version: batches:v3, batches:v5


@dataclass(frozen=True)
class Sample:
    """Values read at one mock instant, by series key (``queue ometria/staging``...)."""

    epoch: float
    values: Mapping[str, int]

    @property
    def time(self) -> str:
        """The mock time of the sample, RFC 3339."""
        return iso_ms(datetime.fromtimestamp(self.epoch, UTC))

    @property
    def clock(self) -> str:
        """The mock time of day of the sample (a chart's axis label)."""
        return datetime.fromtimestamp(self.epoch, UTC).strftime("%H:%M:%S")


def queue_key(tenant: TenantState) -> str:
    """Series key of an Ometria account's queue depth."""
    return f"queue {tenant.vendor}/{tenant.tenant_id}"


def batch_keys(tenant: TenantState) -> tuple[str, str]:
    """Series keys of an Omnisend brand's batch items: accepted, finished."""
    return f"accepted {tenant.vendor}/{tenant.tenant_id}", f"finished {tenant.vendor}/{tenant.tenant_id}"


def read_tenant(tenant: TenantState) -> dict[str, int]:
    """One tenant's series now (under its lock)."""
    values: dict[str, int] = {}
    with tenant.lock.reading():
        if tenant.vendor == ometria_constants.VENDOR:
            values[queue_key(tenant)] = waiting_count(tenant)
        elif tenant.vendor == omnisend_constants.VENDOR:
            accepted = finished = 0
            collections = tenant.collections
            for name in _batch_names(tuple(collections)):
                for record in collections[name].values():
                    accepted += int(record.get("totalCount") or 0)
                    finished += int(record.get("finishedCount") or 0)
            total_key, done_key = batch_keys(tenant)
            values[total_key], values[done_key] = accepted, finished
    return values


@functools.lru_cache(maxsize=64)
def _batch_names(names: tuple[str, ...]) -> tuple[str, ...]:
    # A brand's collection names rarely change, and this runs after every write to it.
    return tuple(name for name in names if name.startswith(BATCH_COLLECTIONS))


def signature(tenant: TenantState) -> Hashable:
    """What :func:`read_tenant` reads, cheaply: a value that changes whenever its series may have.

    An Ometria account's is its queue length (the series itself); an Omnisend brand's, each batch
    collection with its change counter (every write to a collection bumps ``version``; a tenant rebuilt or
    caught up from Redis with new collection objects differs by identity, and tuples compare the objects by
    identity). A contact push changes neither, so the sampler's re-read after it is a comparison."""
    if tenant.vendor == ometria_constants.VENDOR:
        return waiting_count(tenant)
    if tenant.vendor == omnisend_constants.VENDOR:
        collections = tenant.collections
        return tuple((collections[name], collections[name].version) for name in _batch_names(tuple(collections)))
    return None


class Sampler:
    """A bounded ring of samples, thread-safe."""

    def __init__(self, size: int = SIZE) -> None:
        self._lock = threading.Lock()
        self._samples: deque[Sample] = deque(maxlen=size)
        self._read: dict[str, int] | None = None  # the values last returned
        # (vendor, tenant id) -> (generation, tenant, signature, values) when last looked at
        self._tenants: dict[tuple[str, str], tuple[Hashable, TenantState, Hashable, dict[str, int]]] = {}

    def values(self, mock: MockContext) -> dict[str, int]:
        """:func:`read`, again only when a tenant's write generation moved (every change of tenant state
        is made under its lock, which bumps it): most requests change nothing, and reading every tenant
        under its lock after each of them was a quarter of a cached read's cost."""
        tenants = mock.store.tenants()
        current = mock.generations.current
        memo = self._read
        # Look again only at the tenants whose generation moved (a push moves one tenant's), and read
        # again only those whose series' :func:`signature` moved too (a contact push moves none): each
        # tenant is looked at after its generation was taken, so a write meanwhile moves it and the next
        # call looks again; its values are read after its signature, so they are never older than it.
        # Nothing is built while nothing moved (each answer calls this: a comparison per tenant).
        known = self._tenants
        shared = mock.redis is not None
        fresh: dict[tuple[str, str], tuple[Hashable, TenantState, Hashable, dict[str, int]]] | None = None
        same = memo is not None and len(tenants) == len(known)  # True while no tenant's values moved
        for tenant in tenants:
            name = (tenant.vendor, tenant.tenant_id)
            generation = current(name)
            old = seen = known.get(name)
            if seen is not None and seen[0] == generation and seen[1] is tenant:
                continue
            if shared:  # the local copy may be behind Redis: the lock catches it up first
                with tenant.lock.reading():
                    seen = _look(generation, tenant, seen)
            else:  # the local state is the truth; reading a counter or a length needs no lock
                seen = _look(generation, tenant, seen)
            if fresh is None:
                fresh = dict(known)
            fresh[name] = seen
            if old is None or seen[3] is not old[3]:
                same = False
        if memo is not None and same:  # the same tenants, each with the values it had: the same values
            if fresh is not None:
                self._tenants = fresh
            return memo
        if fresh is None:
            fresh = dict(known)
        if len(fresh) != len(tenants):  # tenants went away: forget them
            fresh = {(t.vendor, t.tenant_id): fresh[(t.vendor, t.tenant_id)] for t in tenants}
        values: dict[str, int] = {}
        for _, _, _, read_values in (fresh[k] for k in sorted(fresh)):
            values.update(read_values)
        self._tenants = fresh
        self._read = values
        return values

    def sample(self, mock: MockContext) -> None:
        """Take a sample now unless nothing changed within :data:`MIN_GAP` mock seconds."""
        now = mock.clock.time()
        values = self.values(mock)
        with self._lock:
            last = self._samples[-1] if self._samples else None
            # ``is`` first: values unchanged since the last look are the same dict (see :meth:`values`)
            if last is not None and (last.values is values or last.values == values) and now - last.epoch < MIN_GAP:
                return
            self._samples.append(Sample(now, values))

    def samples(self) -> list[Sample]:
        """Every kept sample, oldest first."""
        with self._lock:
            return list(self._samples)

    def __len__(self) -> int:
        with self._lock:
            return len(self._samples)


def _look(generation: Hashable, tenant: TenantState,
          seen: tuple[Hashable, TenantState, Hashable, dict[str, int]] | None,
          ) -> tuple[Hashable, TenantState, Hashable, dict[str, int]]:
    """The tenant's memo entry at ``generation``: the values seen before when its signature is unchanged
    (and it is the same tenant object), else read again."""
    now = signature(tenant)
    if seen is not None and seen[1] is tenant and seen[2] == now:
        return generation, tenant, now, seen[3]
    return generation, tenant, now, read_tenant(tenant)


def sampler(app: App | None = None) -> Sampler:
    """The app's sampler."""
    found: Sampler = (app or current_app).extensions[EXTENSION]
    return found


def install(app: App) -> None:
    """Give the app a sampler and sample after every answered request (static files aside)."""
    kept = app.extensions[EXTENSION] = Sampler()
    mock: MockContext = app.extensions["mock"]

    @app.before_request
    def _baseline() -> None:
        if not kept._samples:  # the first point is the seeded state, before any request (a check, no lock)
            kept.sample(mock)

    mock.request_hooks.append(_baseline)  # requests of the write lane too

    last = [0.0]

    def after_answer() -> None:
        if mock.redis is not None:
            now = time.monotonic()
            if now - last[0] < SHARED_STORE_GAP:
                return
            last[0] = now
        kept.sample(mock)

    @app.after_request
    def _sample(response: Response) -> Response:
        if not (request.endpoint or "").endswith(".static"):
            after_answer()
        return response

    mock.answer_hooks.append(after_answer)  # answers of the fast lane too
