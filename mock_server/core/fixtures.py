"""Fixture loading: a folder per tenant, validated whole before anything is swapped in.

Layout::

    <dir>/omnisend/<folder>/tenant.json      brand settings, API keys, rate-limit overrides
    <dir>/omnisend/<folder>/<resource>.json  a JSON array of seed records per resource
    <dir>/ometria/<folder>/...               the same for Ometria accounts

A posted fixture document has the same shape in one JSON value:
``{"omnisend": [{"tenant": {...}, "<resource>": [...]}], "ometria": [...]}``.
"""

from __future__ import annotations

import gc
import json
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from marshmallow import RAISE, Schema

from mock_server.core import progress
from mock_server.core import schema as S
from mock_server.core.errors import MockError, ValidationFailed
from mock_server.core.jsonstream import STREAM_FROM_BYTES, JsonArrayFile, JsonStreamError

if TYPE_CHECKING:
    from mock_server.core.context import MockContext
    from mock_server.core.store import TenantState


class FixtureError(Exception):
    """A fixture problem: which file, where in it (a JSON path), and why."""

    def __init__(self, file: str, path: str, reason: str) -> None:
        super().__init__(f"{file}: {path}: {reason}")
        self.file = file
        self.path = path
        self.reason = reason

    def as_dict(self) -> dict[str, str]:
        """Return the problem as a JSON-ready dict."""
        return {"file": self.file, "path": self.path, "reason": self.reason}


def json_path(parts: Sequence[str | int]) -> str:
    """Render ``("contacts", 3, "email")`` as ``$.contacts[3].email``."""
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def api_key_schema(scope: Any) -> type[Schema]:
    """The schema of one ``apiKeys`` entry: ``{"key", "scopes": [...] | null, "description"?}``; ``scope``
    validates each scope name (each vendor has its own vocabulary)."""

    class ApiKeySchema(S.BaseSchema):
        class Meta:
            unknown = RAISE

        key = S.Str(required=True, validate=S.length(1, 200))
        scopes = S.List(S.Str(validate=scope), allow_none=True)
        description = S.Str()

    return ApiKeySchema


def _file(origin: str, resource: str) -> str:
    """Name the file a problem is in: ``<folder>/<resource>.json``, or a JSON path in a posted document."""
    if origin.startswith("<posted>"):
        return origin if resource == "tenant" else f"{origin}.{resource}"
    return f"{origin}/{resource}.json"


def load_tenant_config(schema: Schema, document: Mapping[str, Any], origin: str,
                       check: Callable[[dict[str, Any]], None] | None = None) -> dict[str, Any]:
    """Validate a document's ``tenant`` settings (and ``check`` them); raise FixtureError on a problem."""
    try:
        config = S.load(schema, document.get("tenant"))
        if check is not None:
            check(config)
    except ValidationFailed as exc:
        path, message = exc.problems[0]
        raise FixtureError(_file(origin, "tenant"), json_path(path), message) from exc
    return config


def seed_resources(document: Mapping[str, Any], origin: str,
                   seeders: Sequence[tuple[str, Callable[[Any, dict[str, Any]], None]]], target: Any) -> None:
    """Run every resource file of a tenant document through its seeder, in load order.

    A record is seeded by the same schemas and backend operations as the API, so a fixture never holds
    what the API would refuse; the first problem raises FixtureError with the file and JSON path.
    """
    collections = getattr(getattr(target, "tenant", None), "collections", None)
    bulk = _BulkIndexes(collections if isinstance(collections, dict) else {})
    try:
        _seed_files(document, origin, seeders, target, bulk)
    finally:
        bulk.settle()


class _BulkIndexes:
    """Seeding builds the ordered indexes of a tenant's collections in bulk (``Collection.defer_indexes``):
    sorted once at the end (also when seeding fails) instead of one insertion per record."""

    def __init__(self, collections: dict[str, Any]) -> None:
        self.collections = collections
        self.deferred: set[int] = set()
        self.count = -1
        self.check()

    def check(self) -> None:
        """Defer the collections created since the last call (a seeder makes ``contacts:<name>`` on first
        use); one ``len`` when there are none."""
        if len(self.collections) == self.count:
            return
        self.count = len(self.collections)
        for col in list(self.collections.values()):
            if id(col) not in self.deferred:
                self.deferred.add(id(col))
                col.defer_indexes()

    def settle(self) -> None:
        """Sort every deferred index."""
        for col in self.collections.values():
            col.settle_indexes()


def _seed_files(document: Mapping[str, Any], origin: str,
                seeders: Sequence[tuple[str, Callable[[Any, dict[str, Any]], None]]], target: Any,
                bulk: _BulkIndexes) -> None:
    known = {name for name, _ in seeders}
    unknown = sorted(set(document) - {"tenant"} - known)
    if unknown:
        raise FixtureError(_file(origin, unknown[0]), "$",
                           f"unknown resource {unknown[0]!r} (known: {', '.join(sorted(known))})")
    for resource, seeder in seeders:
        records = document.get(resource)
        if records is None:
            continue
        file = _file(origin, resource)
        if not isinstance(records, (list, JsonArrayFile)):
            raise FixtureError(file, "$", "must be a JSON array of records")
        meter, where = progress.current(), f"{'/'.join(Path(origin).parts[-2:])} {resource}"
        try:
            for index, record in enumerate(records):
                if meter is not None:
                    meter.seeded(where)
                bulk.check()
                try:
                    seeder(target, record)
                except ValidationFailed as exc:
                    path, message = exc.problems[0]
                    raise FixtureError(file, json_path([index, *path]), message) from exc
                except MockError as exc:
                    raise FixtureError(file, json_path([index]), exc.message or exc.kind) from exc
            finish = getattr(target, "finish_seeding", None)
            if finish is not None:
                finish(resource)  # a seeder that batches its records stores them now
        except UnicodeDecodeError as exc:
            raise FixtureError(file, "$", f"not UTF-8: {exc}") from exc
        except JsonStreamError as exc:
            if exc.message.startswith("must be"):
                raise FixtureError(file, "$", exc.message) from exc
            raise FixtureError(file, "$", f"invalid JSON at line {exc.line} column {exc.column}: "
                               f"{exc.message}") from exc


def default_fixtures_dir() -> Path:
    """Return the default fixtures: the wheel's ``default_fixtures`` copy, else the clone's ``fixtures/``."""
    package = Path(__file__).resolve().parent.parent
    installed = package / "default_fixtures"
    return installed if installed.is_dir() else package.parent / "fixtures"


def read_folder(root: Path) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """Read ``root`` into ``{vendor: [(folder path, tenant document), ...]}``; raise FixtureError."""
    if not root.is_dir():
        raise FixtureError(str(root), "$", "not a folder")
    found: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for vendor_dir in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))):
        for tenant_dir in sorted(p for p in vendor_dir.iterdir() if p.is_dir() and not p.name.startswith(
                ("_", "."))):
            document: dict[str, Any] = {}
            tenant_file = tenant_dir / "tenant.json"
            if not tenant_file.is_file():
                raise FixtureError(str(tenant_dir), "$", "tenant.json is missing")
            for file in sorted(tenant_dir.glob("*.json")):
                if file.stem != "tenant" and file.stat().st_size >= STREAM_FROM_BYTES:
                    document[file.stem] = JsonArrayFile(file, str(file))  # read while seeding
                    continue
                try:
                    value = json.loads(file.read_text(encoding="utf-8"))
                except UnicodeDecodeError as exc:
                    raise FixtureError(str(file), "$", f"not UTF-8: {exc}") from exc
                except json.JSONDecodeError as exc:
                    raise FixtureError(str(file), "$", f"invalid JSON at line {exc.lineno} column {exc.colno}: "
                                       f"{exc.msg}") from exc
                document[file.stem if file.stem != "tenant" else "tenant"] = value
            found.setdefault(vendor_dir.name, []).append((str(tenant_dir), document))
    return found


def document_from_posted(posted: Any) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """Turn a posted fixture document into the shape :func:`read_folder` returns."""
    if not isinstance(posted, dict):
        raise FixtureError("<posted>", "$", "must be an object keyed by vendor")
    found: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for vendor, tenants in posted.items():
        if not isinstance(tenants, list):
            raise FixtureError("<posted>", f"$.{vendor}", "must be an array of tenant documents")
        for i, doc in enumerate(tenants):
            if not isinstance(doc, dict):
                raise FixtureError("<posted>", f"$.{vendor}[{i}]", "must be an object")
            found.setdefault(vendor, []).append((f"<posted>$.{vendor}[{i}]", doc))
    return found


def build_tenants(ctx: MockContext, found: Mapping[str, Iterable[tuple[str, Mapping[str, Any]]]]
                  ) -> list[TenantState]:
    """Seed every tenant through its vendor; all or nothing (the caller swaps them in)."""
    tenants: list[TenantState] = []
    seen_keys: dict[tuple[str, str], str] = {}
    seen_ids: set[tuple[str, str]] = set()
    for vendor_name, docs in found.items():
        vendor = ctx.vendors.get(vendor_name)
        if vendor is None:
            raise FixtureError(vendor_name, "$", f"unknown vendor {vendor_name!r} (expected one of "
                               f"{', '.join(sorted(ctx.vendors))})")
        for origin, doc in docs:
            tenant = vendor.seed_tenant(ctx, doc, origin)
            if (vendor_name, tenant.tenant_id) in seen_ids:
                raise FixtureError(origin, "$.tenant.id", f"duplicate tenant id {tenant.tenant_id!r}")
            seen_ids.add((vendor_name, tenant.tenant_id))
            for key in vendor.api_keys(tenant):
                other = seen_keys.get((vendor_name, key.key))
                if other is not None:
                    raise FixtureError(origin, "$.tenant.apiKeys", f"key {key.key!r} is also used by {other}")
                seen_keys[(vendor_name, key.key)] = origin
            tenants.append(tenant)
    return tenants


def install(ctx: MockContext, tenants: list[TenantState]) -> None:
    """Make ``tenants`` the whole live state (and the new reset seed)."""
    keys = [key for tenant in tenants for key in ctx.vendors[tenant.vendor].api_keys(tenant)]
    ctx.store.replace_all(tenants)
    ctx.keyring.replace(keys)
    ctx.limiter.clear()
    for tenant in tenants:
        ctx.vendors[tenant.vendor].on_reset(ctx, tenant)


# Seeded tenants of recent (folder, seed, frozen start) loads. Seeding runs every record through the API
# schemas and costs most of an app's start-up; with a seed and a frozen clock it is deterministic, so a
# process that builds many apps from the same folder (a test suite builds one per test) restores the
# result instead, exactly as /_mock/reset does. Entries are snapshots, never handed out uncopied.
_SEEDED: OrderedDict[tuple[Any, ...], list[tuple[str, str, Any, dict[str, Any]]]] = OrderedDict()
_SEEDED_MAX = 8


def _seed_key(ctx: MockContext, root: Path) -> tuple[Any, ...] | None:
    if ctx.settings.seed is None or not ctx.clock.frozen:
        return None  # timestamps set while seeding would differ from run to run
    files = []
    for path in sorted(root.rglob("*.json")):
        stat = path.stat()
        files.append((str(path.relative_to(root)), stat.st_mtime_ns, stat.st_size))
    return (str(root.resolve()), tuple(files), ctx.settings.seed, ctx.clock.time())


def _rebuild(ctx: MockContext, cached: list[tuple[str, str, Any, dict[str, Any]]]) -> list[TenantState]:
    from mock_server.core.store import TenantState

    tenants = []
    for vendor, tenant_id, specs, snap in cached:
        tenant = TenantState(vendor, tenant_id, {}, ctx.ids.derive(f"{vendor}:{tenant_id}"), specs)
        tenant.restore(snap)
        tenants.append(tenant)
    return tenants


class BulkAllocation:
    """What :func:`bulk_allocation` does at its end: ``keep`` moves the heap out of the collector's reach."""

    def __init__(self) -> None:
        self.keep = False


# A load of at least this many records keeps its heap (see load_folder); tests load a few hundred.
KEEP_FROM_RECORDS = 100_000


@contextmanager
def bulk_allocation() -> Iterator[BulkAllocation]:
    """Build many long-lived objects without the cyclic garbage collector.

    Seeding creates millions of objects that all survive; every automatic collection walked the whole
    growing heap, so loading time grew with the square of the size. (``mock-server serve`` then freezes
    the seeded heap with ``gc.freeze`` so that requests never re-walk it.)

    With ``keep`` set, the heap is frozen (``gc.freeze``) before the collector is switched back on: else
    the first allocation after the block runs a collection of every object the block allocated (measured:
    0.3 s of a 100k-contact load's 4 s, then again in ``serve``'s own ``gc.collect``). Frozen objects are
    still freed when nothing refers to them; only the cycles among them are never looked for again.
    """
    bulk = BulkAllocation()
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield bulk
    finally:
        if bulk.keep:
            gc.freeze()
        if enabled:
            gc.enable()


def load_folder(ctx: MockContext, root: Path) -> list[TenantState]:
    """Validate and install a fixture folder; raise FixtureError and change nothing on a problem.

    A large load (``KEEP_FROM_RECORDS``) keeps its heap out of the collector's reach, as ``serve`` does
    with every seeded heap (mock decision: a process that builds many large apps keeps the reference
    cycles of the ones it drops; tests and the pytest plugin load small fixtures and are unaffected).
    """
    with bulk_allocation() as bulk:
        tenants = _load_folder(ctx, root)
        bulk.keep = sum(len(col) for tenant in tenants for col in tenant.collections.values()) >= KEEP_FROM_RECORDS
        return tenants


def _load_folder(ctx: MockContext, root: Path) -> list[TenantState]:
    key = _seed_key(ctx, root)
    cached = _SEEDED.get(key) if key is not None else None
    if cached is not None:
        _SEEDED.move_to_end(key)  # type: ignore[arg-type]
        tenants = _rebuild(ctx, cached)
    else:
        tenants = build_tenants(ctx, read_folder(root))
        if key is not None:
            _SEEDED[key] = [(t.vendor, t.tenant_id, t.collection_specs, t.snapshot()) for t in tenants]
            while len(_SEEDED) > _SEEDED_MAX:
                _SEEDED.popitem(last=False)
    install(ctx, tenants)
    return tenants
