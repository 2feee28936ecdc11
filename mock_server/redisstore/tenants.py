"""Tenant data in Redis: every process keeps its tenants as a read-through cache of one Redis image.

How it works (``serve --store redis://...``; key layout in :mod:`mock_server.redisstore.keys`):

- Redis is the source of truth. Each process keeps the :class:`TenantState` it always had (collections
  with their in-memory ordered indexes, settings, ``extra``) as a cache, tagged with the tenant's Redis
  write generation. Reads stay O(limit log N) on the local indexes; Redis is asked one GET per read (once
  per request: see :meth:`TenantSync.request_scope`).
- A writer (any ``with tenant.lock`` not declared ``reading()``) takes the tenant's lock in Redis and
  reads the generation in one script call (``ACQUIRE``: a token key with a 10 s TTL, renewed every few
  seconds by one thread while held, so a killed holder blocks its tenant briefly), catches up, and works
  on the local cache. At the outermost release one script (``COMMIT``) checks that the generation is still
  the one it caught up with and that no other writer holds the lock (else nothing is written:
  :class:`StoreConflict`), then writes the records it changed (known from the collections' change hook),
  the meta fields that differ from what Redis holds (settings, each ``extra`` entry, the id generator,
  next internal ids), the generation + 1 and the change set on the tenant's capped log stream, and
  releases the lock: two round trips per write. A writer that changed nothing writes nothing (one
  release call). An acknowledged write is in Redis before the client gets its answer, so killing a
  process loses none of it. Scripts are used rather than redis-py's Lock + WATCH/MULTI because each of
  those costs extra round trips on every write; the semantics are the same.
- A reader (and a writer, after taking the lock) compares the Redis generation with its cache's (one
  GET). When behind, one script (``CATCH_UP``) returns the logged change sets since its generation and the
  current values of the meta fields they name (the log names changed meta fields rather than carrying
  them: a queue or an outbox can be large); it reloads the whole tenant from the hashes when the log no
  longer reaches back, and a ``reset`` entry restores the seed it keeps locally.
- The fast lane's generations are the tenant's Redis generation plus a global epoch (``bump_all``), so
  an answer cached by one process is never served after another process's write.
- Seeding: the first process (``SET NX`` on ``mock:seeding``) writes every tenant's image and its seed
  image, then sets ``mock:seeded``. A process joining a seeded store builds its tenants from its own
  fixture folder (for the vendor specs and API keys) but takes their contents and seeds from Redis: it
  never reseeds or wipes it. If the store is found empty mid-run (Redis restarted without its data), the
  first process to notice seeds it again from its seed copies. Seeding starts the generations, the
  answer cache's epoch and the fault rules' version at a random store epoch (:func:`store_epoch`), so a
  process that cached the old store never takes a store seeded again elsewhere for it.
- :meth:`RedisStore.tenant` catches the tenant up (one GET) before handing it out: the pipelines read a
  few settings (the rate-limit overrides of ``/_mock/limits``) before they take the tenant's lock.
- ``POST /_mock/reset`` restores the seed locally and, in Redis, copies the seed image over the live one
  (``COPY``), for everyone. A fixture reload is refused in Redis mode (mock decision): the other processes
  could not rebuild the new tenants' specs and keys.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
import uuid
import weakref
from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from redis.exceptions import ResponseError

from mock_server.core.locking import TenantLock
from mock_server.core.records import dumped_records
from mock_server.core.store import Store, StoreObserver, TenantState
from mock_server.redisstore import keys as K
from mock_server.redisstore.connection import RedisUnavailable
from mock_server.redisstore.faults import VERSION as FAULTS_VERSION
from mock_server.redisstore.shared import CONTROL

log = logging.getLogger("mock_server")

LOG_MAX = 1000  # change sets a tenant's log keeps (a process further behind reloads the tenant)
# Seconds a writer's Redis lock lives unless renewed: a killed holder blocks its tenant at most this long.
# Locks held longer (a big import) are renewed every LOCK_TTL / 3 by one background thread.
LOCK_TTL = 10.0
LOCK_WAIT = 30.0  # seconds a writer waits for the lock before giving up with a store error
LOCK_POLL = 0.001  # seconds between two tries of a lock another process holds
HSET_CHUNK = 500  # fields per HSET inside the commit script (Lua's unpack has a limit)

# Take a tenant's lock and read its generation in one call: KEYS lock, gen; ARGV token, ttl (ms).
ACQUIRE = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return {1, redis.call('GET', KEYS[2])}
end
return {0}
"""
# Catch up: the log from an entry id on, and the current values of the meta fields those entries name,
# read atomically. KEYS log, meta; ARGV the first entry id wanted.
CATCH_UP = """
local entries = redis.call('XRANGE', KEYS[1], ARGV[1], '+')
local seen, names = {}, {}
for _, entry in ipairs(entries) do
  local flat = entry[2]
  for i = 1, #flat, 2 do
    if flat[i] == 'm' then
      for name in string.gmatch(flat[i + 1], '[^\\n]+') do
        if not seen[name] then seen[name] = true; names[#names + 1] = name end
      end
    end
  end
end
local values = {}
if #names > 0 then values = redis.call('HMGET', KEYS[2], unpack(names)) end
return {entries, names, values}
"""
# Renew a lock this writer still holds: KEYS lock; ARGV token, ttl (ms).
RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
# Release a lock this writer still holds: KEYS lock; ARGV token.
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
# Commit one change set atomically: KEYS lock, gen, log; ARGV token ('' = no lock held), the generation
# the writer caught up with, the log's length, n, n log entry fields and values, then operations:
# H key count field value ... (HSET), D key count field ... (HDEL), X key (DEL), C from to (COPY REPLACE).
# Checks come before any write, so a refused commit writes nothing.
COMMIT = """
local token = ARGV[1]
local held = redis.call('GET', KEYS[1])
if held and held ~= token then return redis.error_reply('CONFLICT the tenant is locked by another writer') end
if (redis.call('GET', KEYS[2]) or '-1') ~= ARGV[2] then
  return redis.error_reply('CONFLICT the tenant changed since it was read')
end
local n = tonumber(ARGV[4])
local body = {}
for j = 1, n do body[j] = ARGV[4 + j] end
local i = 5 + n
while i <= #ARGV do
  local op = ARGV[i]
  if op == 'H' or op == 'D' then
    local count = tonumber(ARGV[i + 2])
    local width = op == 'H' and count * 2 or count
    local args = {}
    for j = 1, width do args[j] = ARGV[i + 2 + j] end
    redis.call(op == 'H' and 'HSET' or 'HDEL', ARGV[i + 1], unpack(args))
    i = i + 3 + width
  elseif op == 'X' then
    redis.call('DEL', ARGV[i + 1])
    i = i + 2
  else
    redis.call('COPY', ARGV[i + 1], ARGV[i + 2], 'REPLACE')
    i = i + 3
  end
end
local gen = redis.call('INCR', KEYS[2])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], gen .. '-1', unpack(body))
if held then redis.call('DEL', KEYS[1]) end
return gen
"""
SEED_WAIT = 600.0  # seconds a joining process waits for the first one to finish seeding
# Every counter a process compares with what it cached (each tenant's generation, the answer cache's epoch,
# the fault rules' version) starts, when a store is seeded, at one random "store epoch" in [2^20, 2^40)
# rather than at 0: a process that keeps its caches while the database is emptied (FLUSHDB, Redis restarted
# without its data) and seeded again, by itself or by another process, never takes the new store's
# generation N for the N it had cached (a chance of about LOG_MAX in 2^40). Below 2^40 the counters print
# exactly in Lua (log entry ids are "<generation>-1").
EPOCH_LOW, EPOCH_HIGH = 1 << 20, 1 << 40


def store_epoch() -> int:
    """A fresh random starting point for the counters of a store being seeded."""
    return EPOCH_LOW + secrets.randbelow(EPOCH_HIGH - EPOCH_LOW)

CHUNK = 1000  # fields per HSET when writing whole images


_WRITER = object()  # in a request scope: the tenant was caught up by a writer (the epoch was not read)


class StoreConflict(RedisUnavailable):
    """The tenant changed in Redis under a writer whose lock had expired: its change is not stored."""


class StoreMismatch(RedisUnavailable):
    """A joining process's fixtures name a tenant the shared store does not hold."""


@dataclass
class _Cached:
    """What this process knows of one tenant's Redis image."""

    prefix: str
    gen: int = -1  # the Redis generation the local state reflects (-1: reload)
    meta: K.Fields = field(default_factory=dict)  # the meta hash as Redis holds it
    seed_meta: K.Fields = field(default_factory=dict)
    dirty: dict[str, set[str]] = field(default_factory=dict)
    reset: bool = False
    token: str | None = None  # the writer's token while this process holds the tenant's Redis lock


class RedisTenantLock(TenantLock):
    """The tenant lock in Redis mode: the outermost acquire syncs with Redis (a writer also takes the
    tenant's Redis lock), the outermost release commits the writer's change set."""

    def __init__(self, sync: TenantSync, tenant: TenantState) -> None:
        super().__init__()
        self._sync = sync
        self._tenant = tenant

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        """Acquire the local lock; the outermost acquire then catches up with Redis."""
        if not self._lock.acquire(blocking, timeout):
            return False
        depth = getattr(self._local, "depth", 0)
        self._local.depth = depth + 1  # before syncing: what the sync does under the lock nests
        if depth == 0:
            try:
                self._sync.enter(self._tenant, getattr(self._local, "want_read", False))
            except BaseException:
                self._local.depth = 0
                self._lock.release()
                raise
        return True

    def release(self) -> None:
        """The outermost release commits (a writer) and gives the Redis lock back."""
        depth = self._local.depth - 1
        self._local.depth = depth
        try:
            if depth == 0:
                self._sync.leave(self._tenant, getattr(self._local, "reading", False))
        finally:
            self._lock.release()

    def refresh(self) -> None:
        """Catch up with Redis now, as a reader would (one GET; the log applied when behind), so that what
        is read before the lock is taken (a brand's rate-limit overrides) is every process's latest. Not
        when a thread of this process holds the lock: it caught up when it took it, and is using it."""
        if getattr(self._local, "depth", 0) > 0 or not self._lock.acquire(blocking=False):
            return
        try:
            with self.reading():
                pass
        finally:
            self._lock.release()

    @contextmanager
    def reading(self) -> Iterator[None]:
        """A pure read: no Redis lock, no commit (unless an outer holder writes)."""
        outer = getattr(self._local, "reading", False)
        flag = outer or getattr(self._local, "depth", 0) == 0
        self._local.want_read = flag
        try:
            self.acquire()
        finally:
            self._local.want_read = False
        self._local.reading = flag
        try:
            yield
        finally:
            try:
                self.release()
            finally:
                self._local.reading = outer


class RedisGenerations:
    """The fast lane's generations in Redis: ``(epoch, the tenant's generation)``."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.sync: TenantSync | None = None

    def current(self, tenant: K.TenantKey) -> Hashable:
        """What this request's reader caught up with (:meth:`TenantSync.scoped`), else one MGET."""
        known = None if self.sync is None else self.sync.scoped(tenant)
        if known is not None:
            return known
        epoch, gen = self.client.mget(K.EPOCH, K.tenant_prefix(tenant) + ":gen")
        return (epoch, gen)

    def bump(self, tenant: K.TenantKey) -> None:
        """Nothing: every committed change set moves the tenant's generation in Redis."""

    def bump_all(self) -> None:
        """A new epoch for every process."""
        self.client.incr(K.EPOCH)


class TenantSync(StoreObserver):
    """Keeps each tenant of one process coherent with Redis (the store's observer in Redis mode)."""

    def __init__(self, client: Any, store: RedisStore) -> None:
        self.client = client
        self.store = store
        self._cached: dict[K.TenantKey, _Cached] = {}
        self._acquire = client.register_script(ACQUIRE)
        self._release = client.register_script(RELEASE)
        self._commit_script = client.register_script(COMMIT)
        self._renew = client.register_script(RENEW)
        self._catch_up = client.register_script(CATCH_UP)
        self._held: dict[str, str] = {}  # tenant prefix -> token of the Redis lock this process holds
        # Per thread, inside one request (:meth:`request_scope`): the tenants already caught up with Redis,
        # by prefix, with the answer cache's epoch read in the same call (_WRITER: a writer caught it up).
        self._scope = threading.local()

    def renew(self) -> None:
        """Extend every Redis lock this process holds (the renewer thread calls it)."""
        for prefix, token in list(self._held.items()):
            try:
                self._renew(keys=[prefix + ":lock"], args=[token, int(LOCK_TTL * 1000)])
            except Exception as exc:  # Redis away: the holder's commit will say so
                log.debug("could not renew %s: %s", prefix, exc)

    def cached(self, tenant: TenantState) -> _Cached:
        """This process's view of ``tenant``'s image."""
        key = (tenant.vendor, tenant.tenant_id)
        found = self._cached.get(key)
        if found is None:
            found = self._cached[key] = _Cached(K.tenant_prefix(key))
        return found

    # -- the store's observer -----------------------------------------------------------------
    def record_changed(self, tenant: TenantState, collection: str, op: str, key: str, value: Any) -> None:
        """Remember which records the holder changed (committed at the outermost release)."""
        dirty = self.cached(tenant).dirty.setdefault(collection, set())
        dirty.add(key)
        if op == "rekey":
            dirty.add(value)

    def tenant_reset(self, tenant: TenantState) -> None:
        """Nothing: :meth:`RedisStore.reset` marks the reset itself."""

    def tenants_replaced(self) -> None:
        """The start-up set of tenants is in place: seed the shared store, or join it."""
        with self.store.lock:
            self.store.seed_or_join()

    @contextmanager
    def request_scope(self) -> Iterator[None]:
        """One request: a reader of a tenant this thread caught up with earlier in the request skips the GET
        of its generation (the request then reads the tenant as of that moment, or later: its own writes
        and this process's are applied locally). Writers still take the lock and read the generation. It
        keeps the round trips per request where they were when :meth:`RedisStore.tenant` catches up."""
        outer = getattr(self._scope, "synced", None)
        self._scope.synced = {}
        try:
            yield
        finally:
            self._scope.synced = outer

    def scoped(self, tenant: K.TenantKey) -> tuple[bytes | None, bytes] | None:
        """``(epoch, generation)`` as a reader of this request caught the tenant up (the fast lane's key of
        the state this request reads), or None outside a request or before such a reader."""
        synced: dict[str, object] | None = getattr(self._scope, "synced", None)
        if not synced:
            return None
        cached = self._cached.get(tenant)
        if cached is None or cached.gen < 0:
            return None
        epoch = synced.get(cached.prefix, _WRITER)
        if epoch is _WRITER:
            return None
        assert epoch is None or isinstance(epoch, bytes)
        return (epoch, str(cached.gen).encode())

    # -- entering and leaving the lock --------------------------------------------------------
    def enter(self, tenant: TenantState, reading: bool) -> None:
        """Outermost acquire: a writer takes the Redis lock (and reads the generation in the same call);
        both catch up."""
        cached = self.cached(tenant)
        synced: dict[str, object] | None = getattr(self._scope, "synced", None)
        if reading and synced is not None and cached.gen >= 0 and cached.prefix in synced:
            return
        raw: Any = None
        epoch: object = _WRITER
        if not reading:
            token = uuid.uuid4().hex
            deadline = time.monotonic() + LOCK_WAIT
            while True:
                # Lua drops a trailing nil: {0} when the lock is held elsewhere, {1} when the tenant has
                # no generation yet (an emptied store), {1, gen} otherwise.
                answer = self._acquire(keys=[cached.prefix + ":lock", cached.prefix + ":gen"],
                                       args=[token, int(LOCK_TTL * 1000)])
                got, value = answer[0], (answer[1] if len(answer) > 1 else None)
                if got:
                    break
                if time.monotonic() > deadline:
                    raise RedisUnavailable(f"tenant {tenant.vendor}/{tenant.tenant_id} stayed locked "
                                           f"for {LOCK_WAIT:.0f}s")
                time.sleep(LOCK_POLL)  # another process is writing this tenant: wait for its release
            cached.token, raw = token, value
            self._held[cached.prefix] = token
            _Renewer.watch(self)
        else:
            raw, epoch = self.client.mget(cached.prefix + ":gen", K.EPOCH)
        try:
            self.catch_up(tenant, cached, raw)
        except BaseException:
            self._unlock(cached)
            raise
        if synced is not None:
            synced[cached.prefix] = epoch

    def leave(self, tenant: TenantState, reading: bool) -> None:
        """Outermost release: commit what changed and release the Redis lock (one script call)."""
        cached = self.cached(tenant)
        try:
            if cached.reset:
                self._commit_reset(tenant, cached)
            elif not reading or cached.dirty:
                self._commit(tenant, cached)
        except BaseException:
            cached.gen = -1  # what this process holds is not what Redis holds: reload on next use
            raise
        finally:
            cached.dirty = {}
            cached.reset = False
            self._unlock(cached)

    def _unlock(self, cached: _Cached) -> None:
        token, cached.token = cached.token, None
        self._held.pop(cached.prefix, None)
        if token is not None:
            self._release(keys=[cached.prefix + ":lock"], args=[token])

    # -- catching up ----------------------------------------------------------------------------
    def catch_up(self, tenant: TenantState, cached: _Cached, raw: Any) -> None:
        """Bring the local state to the Redis generation ``raw`` (apply the log, or reload)."""
        if raw is None:
            self.store.reseed_if_empty()
            raw = self.client.get(cached.prefix + ":gen")
            if raw is None:
                raise StoreMismatch(f"the shared store holds no tenant {tenant.vendor}/{tenant.tenant_id}")
        gen = int(raw)
        if gen == cached.gen:
            return
        if cached.gen >= 0 and gen > cached.gen and gen - cached.gen <= LOG_MAX:
            first = f"{cached.gen + 1}-1".encode()
            entries, names, values = self._catch_up(keys=[cached.prefix + ":log", cached.prefix + ":meta"],
                                                    args=[first])
            if entries and entries[0][0] == first:
                for entry_id, flat in entries:
                    self._apply(tenant, cached, int(entry_id.split(b"-")[0]), dict(zip(flat[::2], flat[1::2],
                                                                                       strict=True)))
                self._apply_meta(tenant, cached, dict(zip((n.decode() for n in names), values, strict=True)))
                return
        self.reload(tenant, cached)

    def _apply(self, tenant: TenantState, cached: _Cached, gen: int, body: dict[bytes, bytes]) -> None:
        """Apply one logged change set's records (its meta fields are applied after the last one, from the
        meta hash as it is now)."""
        if body.get(b"k") == b"reset":
            tenant.restore(self.store.seed((tenant.vendor, tenant.tenant_id)))
            cached.meta = dict(cached.seed_meta)
        else:
            change = K.loads(body[b"d"])
            for name, entries in change["rec"].items():
                puts = {key: entry for key, entry in entries.items() if entry is not None}
                col = tenant.collection(name)
                col.apply(entries, puts, col.next_iid)
        cached.gen = gen

    def _apply_meta(self, tenant: TenantState, cached: _Cached, fields: dict[str, bytes | None]) -> None:
        """Set meta fields to their current values (None: the field is gone); the writer's order of the
        collections and extra entries last, once every name is in place."""
        for name, value in fields.items():
            if value is None:
                cached.meta.pop(name, None)
                if name.startswith("x:"):
                    tenant.extra.pop(name[2:], None)
                continue
            cached.meta[name] = value
            if name == "config":
                tenant.config = K.loads(value)
            elif name == "ids":
                tenant.ids.setstate(K.loads(value))
            elif name.startswith("x:"):
                tenant.extra[name[2:]] = K.loads(value)
            elif name.startswith("n:"):
                tenant.collection(name[2:]).apply((), {}, int(value))
        order = fields.get(K.ORDER)
        if order is not None:
            names, extra_names = K.loads(order)
            K.reorder(tenant.collections, names)
            K.reorder(tenant.extra, extra_names)

    def reload(self, tenant: TenantState, cached: _Cached) -> None:
        """Replace the local state with the tenant's image in Redis (read in one transaction)."""
        for _ in range(10):
            names = [name for name, _ in K.collections_of(self.client.hgetall(cached.prefix + ":meta"))]
            pipe = self.client.pipeline(transaction=True)
            pipe.get(cached.prefix + ":gen")
            pipe.hgetall(cached.prefix + ":meta")
            for name in names:
                pipe.hgetall(f"{cached.prefix}:rec:{name}")
            raw, meta, *hashes = pipe.execute()
            if raw is None or not meta:
                raise StoreMismatch(f"the shared store holds no tenant {tenant.vendor}/{tenant.tenant_id}")
            if sorted(name for name, _ in K.collections_of(meta)) != sorted(names):
                continue  # a collection appeared between the two reads
            tenant.restore(K.snapshot_from(meta, dict(zip(names, hashes, strict=True))))
            cached.meta = {k.decode(): v for k, v in meta.items()}
            cached.gen = int(raw)
            return
        raise RedisUnavailable(f"tenant {tenant.vendor}/{tenant.tenant_id} kept changing while being read")

    # -- committing -----------------------------------------------------------------------------
    def live_meta(self, tenant: TenantState) -> K.Fields:
        """The meta fields of the local state now."""
        return K.meta_fields(tenant.config, tenant.extra, tenant.ids.getstate(),
                             {name: col.next_iid for name, col in tenant.collections.items()})

    def _commit(self, tenant: TenantState, cached: _Cached) -> None:
        meta = self.live_meta(tenant)
        changed = {name: value for name, value in meta.items() if cached.meta.get(name) != value}
        dropped = [name for name in cached.meta if name not in meta]
        records: dict[str, dict[str, tuple[int, bytes] | None]] = {}
        for name, dirty_keys in cached.dirty.items():
            col = tenant.collection(name)
            records[name] = {key: col.encoded(key) for key in dirty_keys}
        if not records and not changed and not dropped:
            return
        ops: list[Any] = []
        for name, entries in records.items():
            _hset(ops, f"{cached.prefix}:rec:{name}",
                  {key: K.pack(*entry) for key, entry in entries.items() if entry is not None})
            _hdel(ops, f"{cached.prefix}:rec:{name}", [key for key, entry in entries.items() if entry is None])
        _hset(ops, cached.prefix + ":meta", changed)
        _hdel(ops, cached.prefix + ":meta", dropped)
        # The log names the meta fields that changed (and dropped) rather than carrying them: a queue or an
        # outbox can be large, and a catching-up process reads their current values in the same call.
        self._write(tenant, cached, ops, ["d", K.dumps({"rec": records}), "m", "\n".join([*changed, *dropped])])
        cached.meta = meta

    def _commit_reset(self, tenant: TenantState, cached: _Cached) -> None:
        prefix = cached.prefix
        ops: list[Any] = []
        for name, _ in K.collections_of(cached.meta):
            ops += ["X", f"{prefix}:rec:{name}"]
        for name, _ in K.collections_of(cached.seed_meta):
            ops += ["C", f"{prefix}:seed:rec:{name}", f"{prefix}:rec:{name}"]
        ops += ["C", f"{prefix}:seed:meta", f"{prefix}:meta"]
        self._write(tenant, cached, ops, ["k", "reset"])
        cached.meta = dict(cached.seed_meta)

    def _write(self, tenant: TenantState, cached: _Cached, ops: list[Any], body: list[Any]) -> None:
        """One script call: check that the generation is still the one caught up with (and that no other
        writer holds the lock), apply ``ops``, move the generation, log the change set, release the lock."""
        token = cached.token or ""
        try:
            gen = self._commit_script(keys=[cached.prefix + ":lock", cached.prefix + ":gen", cached.prefix + ":log"],
                                      args=[token, str(cached.gen), LOG_MAX, len(body), *body, *ops])
        except ResponseError as exc:
            if "CONFLICT" not in str(exc):
                raise
            raise StoreConflict(f"tenant {tenant.vendor}/{tenant.tenant_id} changed in the shared store "
                                f"during a write whose lock had expired; the write is not stored") from exc
        cached.token = None  # the script released the lock
        self._held.pop(cached.prefix, None)
        cached.gen = int(gen)

    # -- whole images -----------------------------------------------------------------------------
    def write_image(self, tenant: K.TenantKey, snap: dict[str, Any], epoch: int) -> None:
        """Write a tenant's live and seed images from a snapshot (seeding; pipelined in chunks); a tenant
        new to the store starts its generation at ``epoch``."""
        prefix = K.tenant_prefix(tenant)
        meta = K.fields_from_snapshot(snap)
        old = [name for name, _ in K.collections_of(self.client.hgetall(prefix + ":meta"))]
        pipe = self.client.pipeline(transaction=False)
        stale = [f"{prefix}:rec:{n}" for n in old] + [f"{prefix}:seed:rec:{n}" for n in old]
        pipe.delete(prefix + ":log", prefix + ":meta", prefix + ":seed:meta", *stale)
        for name, dumped in snap["collections"].items():
            entries = [(key, K.pack(iid, blob)) for iid, key, blob in dumped_records(dumped)]
            for start in range(0, len(entries), CHUNK):
                chunk = dict(entries[start:start + CHUNK])
                pipe.hset(f"{prefix}:rec:{name}", mapping=chunk)
                pipe.hset(f"{prefix}:seed:rec:{name}", mapping=chunk)
                if len(pipe) >= 64:
                    pipe.execute()
        pipe.hset(prefix + ":meta", mapping=meta)
        pipe.hset(prefix + ":seed:meta", mapping=meta)
        pipe.set(prefix + ":gen", epoch, nx=True)
        pipe.incr(prefix + ":gen")
        gen = pipe.execute()[-1]
        cached = self._cached.setdefault(tenant, _Cached(prefix))
        cached.meta, cached.seed_meta = dict(meta), dict(meta)
        cached.gen = int(gen)  # the local state is the snapshot just written

    def read_seed(self, tenant: K.TenantKey) -> dict[str, Any]:
        """The seed image in Redis as a snapshot (a joining process's reset target)."""
        prefix = K.tenant_prefix(tenant)
        meta = self.client.hgetall(prefix + ":seed:meta")
        if not meta:
            raise StoreMismatch(f"the shared store holds no tenant {tenant[0]}/{tenant[1]}: it was seeded from "
                                f"other fixtures (flush the Redis database, or use the same fixtures)")
        names = [name for name, _ in K.collections_of(meta)]
        pipe = self.client.pipeline(transaction=False)
        for name in names:
            pipe.hgetall(f"{prefix}:seed:rec:{name}")
        snap = K.snapshot_from(meta, dict(zip(names, pipe.execute(), strict=True)))
        cached = self._cached.setdefault(tenant, _Cached(prefix))
        cached.seed_meta = {k.decode(): v for k, v in meta.items()}
        return snap


class _Renewer:
    """One daemon thread for the whole process that renews the Redis locks held by every store."""

    _syncs: weakref.WeakSet[TenantSync] = weakref.WeakSet()
    _thread: threading.Thread | None = None
    _guard = threading.Lock()

    @classmethod
    def watch(cls, sync: TenantSync) -> None:
        if sync in cls._syncs and cls._thread is not None:
            return
        with cls._guard:
            cls._syncs.add(sync)
            if cls._thread is None:
                cls._thread = threading.Thread(target=cls._run, name="mock-redis-lock-renewer", daemon=True)
                cls._thread.start()

    @classmethod
    def _run(cls) -> None:
        while True:
            time.sleep(LOCK_TTL / 3)  # a timer, not a wait for sandbox behaviour
            for sync in list(cls._syncs):
                sync.renew()


def _hset(ops: list[Any], key: str, mapping: dict[str, bytes]) -> None:
    items = list(mapping.items())
    for start in range(0, len(items), HSET_CHUNK):
        chunk = items[start:start + HSET_CHUNK]
        ops += ["H", key, len(chunk)]
        for field_name, value in chunk:
            ops += [field_name, value]


def _hdel(ops: list[Any], key: str, names: list[str]) -> None:
    for start in range(0, len(names), HSET_CHUNK):
        chunk = names[start:start + HSET_CHUNK]
        ops += ["D", key, len(chunk), *chunk]


class RedisStore(Store):
    """The store in Redis mode: tenants are caches of their Redis images (see the module docstring)."""

    def __init__(self, client: Any) -> None:
        generations = RedisGenerations(client)
        super().__init__(generations)
        self.client = client
        self.sync = generations.sync = TenantSync(client, self)
        self.observer = self.sync  # every tenant's record changes are noted for its next commit
        self._token = uuid.uuid4().hex
        self._reseeding = threading.Lock()

    def seed(self, tenant: K.TenantKey) -> dict[str, Any]:
        """The seed snapshot of one tenant (as the shared store holds it)."""
        return self._seeds[tenant]

    def tenant(self, vendor: str, tenant_id: str) -> TenantState | None:
        """Return a tenant caught up with Redis: the pipelines and lanes read a few settings before they
        take the tenant's lock (the rate-limit overrides that ``/_mock/limits`` sets through any process)."""
        found = self._tenants.get((vendor, tenant_id))
        if found is not None and isinstance(found.lock, RedisTenantLock):
            found.lock.refresh()
        return found

    def _track(self, tenant: TenantState) -> None:
        if not isinstance(tenant.lock, RedisTenantLock):
            tenant.lock = RedisTenantLock(self.sync, tenant)

    def observe(self, observer: StoreObserver | None) -> None:
        """Refused: in Redis mode the shared store is the tenants' only observer (Redis keeps the state)."""
        if observer is not None:
            raise ValueError("--state-dir cannot be used with a Redis store: Redis keeps the state")

    def add(self, tenant: TenantState) -> None:
        """Register one tenant (as :meth:`replace_all` with the tenants held plus this one)."""
        self.replace_all([*self._tenants.values(), tenant])

    def replace_all(self, tenants: list[TenantState]) -> None:
        """At start: seed the shared store (the first process) or join it. A later reload is refused."""
        if self._tenants:
            raise ValueError("a fixture reload is not available with a Redis store (mock decision): restart "
                             "every process with the new fixtures on an emptied database")
        super().replace_all(tenants)  # ends with the observer's tenants_replaced: seed or join

    def seed_or_join(self) -> None:
        """Seed the shared store from this process's tenants (the first process), or take their contents and
        seeds from it."""
        if self.client.set(K.SEEDING, self._token, nx=True, ex=int(SEED_WAIT)):
            try:
                if not self.client.exists(K.SEEDED):
                    self._write_seeds()
                    return
            finally:
                self.client.delete(K.SEEDING)
        deadline = time.monotonic() + SEED_WAIT
        while not self.client.exists(K.SEEDED):
            if time.monotonic() > deadline:
                raise RedisUnavailable("another process has been seeding the shared store for too long")
            time.sleep(0.01)
        for key in self._tenants:
            self._seeds[key] = self.sync.read_seed(key)

    def _write_seeds(self) -> None:
        epoch = store_epoch()
        for key, snap in self._seeds.items():
            self.sync.write_image(key, snap, epoch)
        self.client.set(K.EPOCH, epoch, nx=True)
        self.client.hsetnx(CONTROL, FAULTS_VERSION, epoch)
        self.client.set(K.SEEDED, "1")
        self.generations.bump_all()

    def reseed_if_empty(self) -> None:
        """The store was found empty mid-run (Redis lost its data): the first process to notice seeds it
        again from its seed copies; the others wait for it."""
        with self._reseeding:
            if self.client.exists(K.SEEDED):
                return
            log.warning("the shared store is empty: seeding it again")
            self.seed_or_join()
            for tenant in self._tenants.values():
                self.sync.cached(tenant).gen = -1

    def reset(self, vendor: str | None = None, tenant_id: str | None = None) -> list[TenantState]:
        """Restore the seed of every matching tenant, here and in Redis (for every process)."""
        done = []
        with self.lock:
            for (v, t), state in self._tenants.items():
                if (vendor is None or v == vendor) and (tenant_id is None or t == tenant_id):
                    with state.lock:
                        state.restore(self._seeds[(v, t)])
                        self.sync.cached(state).reset = True
                    done.append(state)
        return done
