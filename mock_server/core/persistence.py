"""State that survives a restart (``--state-dir``): a change log synced once a second plus snapshots.

How it works, in the manner of Redis's append-only file with ``appendfsync everysec``:

- The store tells this module of every record change (one observer, :class:`StoreObserver`). Each change
  is framed and written to the current log file at once (it is in the operating system when the client
  gets its answer, so killing the process loses none of it); the file is fsynced once a second, so an
  operating-system crash or power loss loses at most about a second.
- State that is not a keyed record (each tenant's settings, queues, outbox, counters; the mock clock) is
  compared once a second and logged when it changed: a crash loses at most about a second of it.
- Compaction writes the whole state as a snapshot (temp file, fsync, rename) and starts a new log
  generation; logs the snapshot covers are deleted. It runs at start, when the log passes
  ``compact_bytes``, every ``compact_interval`` seconds when something changed, on a fixture reload,
  and at a clean shutdown.
- At start, before serving: the fixtures are seeded, the snapshot is restored and the logs replayed. A
  torn or corrupt log tail is reported on stderr, saved beside the log (``.corrupt``) and cut; a corrupt
  snapshot refuses the start (:class:`StateError`), because serving the fixtures instead would silently
  throw away everything that was stored (mock decision).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import random
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from mock_server.core import statefiles as F
from mock_server.core.store import Store, TenantState

SYNC_INTERVAL = 1.0  # seconds between fsyncs of the log (Redis: appendfsync everysec)
COMPACT_BYTES = 16 * 1024 * 1024  # a log this long is folded into a new snapshot
COMPACT_INTERVAL = 300.0  # seconds; a changed state is snapshotted at least this often
SNAPSHOT = "snapshot.bin"
FORMAT = 2  # 2: records are kept encoded (core.store); a format-1 snapshot is refused with the reason


class StateError(Exception):
    """The state folder cannot be used (a corrupt snapshot, an unreadable folder): refuse to start."""


def _exclusive(file: IO[str]) -> bool:
    """Take an exclusive lock on ``file`` for this process (released when it closes or the process dies)."""
    try:
        import fcntl
    except ImportError:  # not on POSIX: no locking
        return True
    try:
        fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def log_name(generation: int) -> str:
    """File name of a log generation."""
    return f"changes.{generation:06d}.log"


class Persistence:
    """The store's observer that keeps ``folder`` up to date, and the loader that reads it back."""

    def __init__(self, ctx: Any, folder: Path, *, sync_interval: float = SYNC_INTERVAL,
                 compact_bytes: int = COMPACT_BYTES, compact_interval: float = COMPACT_INTERVAL,
                 report: Callable[[str], None] | None = None) -> None:
        self.ctx = ctx
        self.store: Store = ctx.store
        self.folder = folder
        self.sync_interval = sync_interval
        self.compact_bytes = compact_bytes
        self.compact_interval = compact_interval
        self.report = report or (lambda text: print(f"state: {text}", file=sys.stderr, flush=True))
        self._lock = threading.RLock()  # guards the open log file (taken after a tenant lock, never before)
        self._compacting = threading.Lock()
        self._file: IO[bytes] | None = None
        self.generation = 0
        self._log_bytes = 0
        self._dirty = False  # written since the last fsync
        self._changed_since_snapshot = False
        self._last_tenant: dict[tuple[str, str], bytes] = {}
        self._last_clock: tuple[bool, float] | None = None
        self._last_compaction = time.monotonic()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._owner: IO[str] | None = None
        self.loaded: dict[str, Any] = {}
        self.last_sync: float | None = None
        self.write_error: str | None = None

    # -- start and stop -------------------------------------------------------------------------
    def open(self, *, background: bool = True) -> None:
        """Load the folder into the store, snapshot it, then follow every change (raise StateError)."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._owner = (self.folder / "lock").open("w")
        except OSError as exc:
            raise StateError(f"cannot use the state folder {self.folder}: {exc}") from exc
        if not _exclusive(self._owner):
            raise StateError(f"{self.folder} is in use by another running mock-server (one writer per folder)")
        self.loaded = self.load()
        self.compact()
        self.store.observe(self)
        if background:
            self._thread = threading.Thread(target=self._run, name="mock-state-sync", daemon=True)
            self._thread.start()

    def detach(self) -> None:
        """Stop following changes and release the folder without a last sync or snapshot: exactly what a
        killed process leaves behind (for tests of the restart path inside one process)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.store.observe(None)
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None
        if self._owner is not None:
            self._owner.close()
            self._owner = None

    def close(self) -> None:
        """Stop following changes: a last capture, snapshot and sync (a clean shutdown loses nothing)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.store.observe(None)
        self.compact()
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None
        if self._owner is not None:
            self._owner.close()  # releases the folder's lock
            self._owner = None

    def _run(self) -> None:
        while not self._stop.wait(self.sync_interval):
            try:
                self.sync()
                if self._should_compact():
                    self.compact()
            except Exception as exc:  # the sync thread must outlive a full disk; it says so and retries
                self.report(f"sync failed: {exc}")

    def _should_compact(self) -> bool:
        if self._log_bytes >= self.compact_bytes:
            return True
        return self._changed_since_snapshot and time.monotonic() - self._last_compaction >= self.compact_interval

    # -- the store's observer -------------------------------------------------------------------
    def record_changed(self, tenant: TenantState, collection: str, op: str, key: str, value: Any) -> None:
        """Log one record change (called under the tenant's lock, before the client gets its answer)."""
        self._append(("rec", tenant.vendor, tenant.tenant_id, collection, op, key, value))

    def tenant_reset(self, tenant: TenantState) -> None:
        """Log that a tenant went back to its seed."""
        self._append(("reset", tenant.vendor, tenant.tenant_id))
        self._last_tenant.pop((tenant.vendor, tenant.tenant_id), None)

    def tenants_replaced(self) -> None:
        """A fixture reload: snapshot the new tenants at once."""
        self._last_tenant.clear()
        self.compact()

    def _append(self, entry: tuple[Any, ...]) -> None:
        data = F.frame(entry)
        with self._lock:
            if self._file is None:
                return
            try:
                self._file.write(data)
                self._file.flush()  # into the operating system now: a killed process loses nothing
            except OSError as exc:
                self._write_failed(exc)
                return
            self._log_bytes += len(data)
            self._dirty = True
            self._changed_since_snapshot = True

    def _write_failed(self, exc: OSError) -> None:
        if self.write_error is None:
            self.report(f"cannot write {self.folder}: {exc}; changes are not being saved")
        self.write_error = str(exc)

    # -- sync and compaction --------------------------------------------------------------------
    def sync(self) -> dict[str, Any]:
        """Log changed tenant settings, queues and the clock, then fsync the log; return the status."""
        for tenant in self.store.tenants():
            with tenant.lock:
                blob = pickle.dumps((tenant.config, tenant.extra), pickle.HIGHEST_PROTOCOL)
                key = (tenant.vendor, tenant.tenant_id)
                if self._last_tenant.get(key) != blob:
                    self._append(("tenant", tenant.vendor, tenant.tenant_id, blob))
                    self._last_tenant[key] = blob
        clock = self._clock_state()
        last = self._last_clock
        if last is None or last[0] != clock[0] or abs(last[1] - clock[1]) > 0.5:
            self._append(("clock", *clock))
            self._last_clock = clock
        with self._lock:
            if self._file is not None and self._dirty:
                try:
                    os.fsync(self._file.fileno())
                    self._dirty = False
                except OSError as exc:
                    self._write_failed(exc)
            self.last_sync = time.time()
        return self.status()

    def _clock_state(self) -> tuple[bool, float]:
        """(frozen, mock time) when frozen, else (False, offset of mock time from real time)."""
        clock = self.ctx.clock
        if clock.frozen:
            return True, clock.time()
        return False, clock.time() - time.time()

    def compact(self) -> bool:
        """Write the whole state as a snapshot and start a new log generation; False if busy."""
        with self._compacting:
            snap = self._cut_snapshot()
            if snap is None:
                return False
            try:
                F.write_snapshot(self.folder / SNAPSHOT, snap)
            except OSError as exc:
                self._write_failed(exc)
                return False
            for generation, path in self._logs():
                if generation < snap["generation"]:
                    with contextlib.suppress(OSError):
                        path.unlink()
            self._last_compaction = time.monotonic()
            return True

    def _cut_snapshot(self) -> dict[str, Any] | None:
        """Under every lock at once: a consistent copy of the state, and the switch to a new log."""
        with self._locked(self.store.tenants()) as tenants:
            if tenants is None:
                return None
            with self._lock:
                if self._file is not None:
                    with contextlib.suppress(OSError):
                        self._file.flush()
                        os.fsync(self._file.fileno())
                    self._file.close()
                self.generation += 1
                self._file = F.open_log(self.folder / log_name(self.generation))
                self._log_bytes = 0
                self._dirty = False
                self._changed_since_snapshot = False
            clock = self._clock_state()
            self._last_clock = clock
            for tenant in tenants:
                self._last_tenant[(tenant.vendor, tenant.tenant_id)] = pickle.dumps(
                    (tenant.config, tenant.extra), pickle.HIGHEST_PROTOCOL)
            return {"format": FORMAT, "generation": self.generation, "written": time.time(), "clock": clock,
                    "tenants": {(t.vendor, t.tenant_id): t.snapshot() for t in tenants}}

    @contextlib.contextmanager
    def _locked(self, tenants: list[TenantState]) -> Iterator[list[TenantState] | None]:
        """Hold the store's and every tenant's lock (None when one stays busy: no deadlock, retry later)."""
        held: list[Any] = []
        locks: list[Any] = [self.store.lock, *(t.lock for t in tenants)]
        try:
            for lock in locks:
                if not lock.acquire(timeout=2):
                    yield None
                    return
                held.append(lock)
            yield tenants
        finally:
            for lock in reversed(held):
                lock.release()

    def _logs(self) -> list[tuple[int, Path]]:
        found = []
        for path in self.folder.glob("changes.*.log"):
            with contextlib.suppress(ValueError):
                found.append((int(path.name.split(".")[1]), path))
        return sorted(found)

    # -- loading --------------------------------------------------------------------------------
    def load(self) -> dict[str, Any]:
        """Restore the snapshot and replay the logs into the (freshly seeded) store; return a summary."""
        summary: dict[str, Any] = {"snapshot": False, "records": 0, "problems": []}
        start = 0
        path = self.folder / SNAPSHOT
        if path.exists():
            try:
                snap = F.read_snapshot(path)
            except (F.CorruptState, OSError) as exc:
                raise StateError(f"{exc}. Refusing to start rather than lose the stored state: move "
                                 f"{path} away to start from the change logs and the fixtures, or "
                                 f"the whole folder to start from the fixtures.") from exc
            if not isinstance(snap, dict) or snap.get("format") != FORMAT:
                raise StateError(f"{path}: unknown snapshot format; move the state folder away")
            start = snap["generation"]
            self._restore_snapshot(snap, summary)
            summary["snapshot"] = True
        for generation, log_path in self._logs():
            if generation < start:
                continue  # covered by the snapshot (a crash came between the snapshot and its clean-up)
            self.generation = max(self.generation, generation)
            read = F.read_log(log_path)
            for entry in read.records:
                self._replay(entry, summary)
            summary["records"] += len(read.records)
            if read.problem is not None:
                self._cut_tail(log_path, read, summary)
                break
        self.generation = max(self.generation, start)
        self._fresh_ids()
        return summary

    def _cut_tail(self, path: Path, read: F.LogRead, summary: dict[str, Any]) -> None:
        lost = read.total_bytes - read.good_bytes
        aside = path.with_name(path.name + f".corrupt-{int(time.time())}")
        with contextlib.suppress(OSError):
            aside.write_bytes(path.read_bytes()[read.good_bytes:])
        F.cut(path, read.good_bytes)
        text = (f"{path.name}: {read.problem}; kept the {len(read.records)} records before it, cut "
                f"{lost} bytes (saved in {aside.name})")
        later = [p for g, p in self._logs() if g > self.generation]
        for other in later:  # nothing after a hole can be trusted to apply on top of it
            with contextlib.suppress(OSError):
                other.rename(other.with_name(other.name + ".orphaned"))
        if later:
            text += f"; {len(later)} later log file(s) set aside as .orphaned"
        summary["problems"].append(text)
        self.report(text)

    def _restore_snapshot(self, snap: dict[str, Any], summary: dict[str, Any]) -> None:
        for (vendor, tenant_id), state in snap["tenants"].items():
            tenant = self.store.tenant(vendor, tenant_id)
            if tenant is None:
                text = f"{vendor} tenant {tenant_id!r} is in the snapshot but not in the fixtures: not restored"
                summary["problems"].append(text)
                self.report(text)
                continue
            tenant.restore(state)
        self._restore_clock(snap["clock"])

    def _replay(self, entry: tuple[Any, ...], summary: dict[str, Any]) -> None:
        kind = entry[0]
        if kind == "clock":
            self._restore_clock(entry[1:])
            return
        tenant = self.store.tenant(entry[1], entry[2])
        if tenant is None:
            summary.setdefault("skipped", 0)
            summary["skipped"] += 1
            return
        try:
            if kind == "rec":
                _, _, _, name, op, key, value = entry
                if op == "put":
                    tenant.collection(name).upsert(key, value)
                elif op == "delete":
                    found = tenant.find_collection(name)
                    if found is not None and key in found:
                        found.delete(key)
                elif op == "rekey":
                    found = tenant.find_collection(name)
                    if found is not None and key in found:
                        found.rekey(key, value)
            elif kind == "tenant":
                tenant.config, tenant.extra = pickle.loads(entry[3])
            elif kind == "reset":
                self.store.reset(entry[1], entry[2])
        except (KeyError, ValueError, TypeError, pickle.UnpicklingError) as exc:
            summary["problems"].append(f"could not replay a {kind} record of {entry[1]}/{entry[2]}: {exc}")

    def _restore_clock(self, state: tuple[Any, ...]) -> None:
        frozen, value = state[0], state[1]
        clock = self.ctx.clock
        try:
            if frozen:
                clock.freeze(datetime.fromtimestamp(value, UTC))
            else:
                clock.resume()
                clock.set(datetime.fromtimestamp(time.time() + value, UTC))
        except (ValueError, OverflowError, OSError) as exc:
            self.report(f"the saved clock could not be restored ({exc}); it runs from now")

    def _fresh_ids(self) -> None:
        """Give every tenant's id generator a fresh state (mock decision): a restarted server never hands
        out an id it handed out before the restart, even with ``--seed`` (a reset rewinds to the seed)."""
        for tenant in self.store.tenants():
            tenant.ids.setstate(random.Random().getstate())

    # -- the control plane ----------------------------------------------------------------------
    def status(self) -> dict[str, Any]:
        """What the control plane shows about persistence."""
        with self._lock:
            return {"enabled": True, "folder": str(self.folder), "generation": self.generation,
                    "logBytes": self._log_bytes, "syncInterval": self.sync_interval,
                    "lastSync": self.last_sync, "writeError": self.write_error,
                    "loaded": {"snapshot": self.loaded.get("snapshot", False),
                               "records": self.loaded.get("records", 0),
                               "problems": list(self.loaded.get("problems", []))}}
