"""The per-app context: settings and the shared mechanisms every vendor and the control plane use."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from mock_server.core.auth import ApiKey, KeyRing
from mock_server.core.clock import SEEDED_EPOCH, Clock
from mock_server.core.cursor import CursorCodec
from mock_server.core.faults import FaultEngine
from mock_server.core.ids import IdGenerator
from mock_server.core.journal import DEFAULT_BODY_LIMIT, DEFAULT_SIZE, Journal
from mock_server.core.limits import DEFAULT_BODY_CAP
from mock_server.core.pagecache import LocalAnswerCache
from mock_server.core.ratelimit import Decision, LimitRule, RateLimiter
from mock_server.core.store import Store, TenantState
from mock_server.redisstore.connection import connect, is_redis

if TYPE_CHECKING:
    from flask import Blueprint, Request, Response

    from mock_server.core.errors import MockError
    from mock_server.core.request import RouteMeta

Mode = Literal["sync", "async"]
# Browser origins allowed by default (any port): pages served from the developer's own machine.
LOOPBACK_ORIGINS = ("http://localhost:*", "http://127.0.0.1:*", "http://[::1]:*")


@dataclass
class Settings:
    """Everything ``create_app`` can be told; the CLI and the pytest plugin fill it in."""

    fixtures: Path | None = None  # None = the packaged default fixtures
    public_url: str | None = None
    seed: int | None = None
    rate_limits: bool = True
    body_cap: int = DEFAULT_BODY_CAP
    unversioned_alias: bool = True
    # Background processing: "sync" in tests (work done before the response), "async" when serving.
    omnisend_batch_mode: Mode = "sync"
    ometria_queue_mode: Mode = "sync"
    ometria_queue_delay: float = 1.0
    ometria_queue_rate: float = 1000.0
    omnisend_batch_rate: float = 200.0
    omnisend_batch_stop_threshold: int = 100
    # False keeps the async workers (Omnisend batches, Ometria queue) from starting: work then waits for
    # a drain, which is how tests drive async mode without sleeping.
    start_workers: bool = True
    admin_token: str | None = None
    require_admin_token: bool = False
    freeze_clock: bool = False
    # False (``serve --no-webhooks``): automation webhooks are recorded in the outbox, never sent.
    webhooks: bool = True
    # Sandbox plane: journal ring size and body cut-off, browser origins allowed by CORS.
    journal_size: int = DEFAULT_SIZE
    journal_body_limit: int = DEFAULT_BODY_LIMIT
    cors_origins: list[str] = field(default_factory=lambda: list(LOOPBACK_ORIGINS))
    # Answer repeated reads of unchanged data from the answer cache (the fast lane). Off = every request
    # takes the full pipeline; the answers are the same bytes either way (tests/test_fastlane.py).
    page_cache: bool = True
    # Answer well-formed single-record pushes without Flask (the write lane, mock_server.fastwrite). Off =
    # every write takes the full pipeline; the answers are the same bytes either way (tests/test_fastwrite.py).
    fast_writes: bool = True
    # Keep state across restarts in this folder (None: in memory only, as without --state-dir).
    state_dir: Path | None = None
    # Where shared state lives: "memory" (this process) or a redis:// URL (mock_server.redisstore), and how
    # many worker processes serve one port (more than one needs the Redis store).
    store: str = "memory"
    workers: int = 1
    extra: dict[str, Any] = field(default_factory=dict)


class PathOwner(ABC):
    """Whoever answers a set of paths: its pipeline order and its envelope.

    ``paths`` are exact paths claimed before any owner's ``prefixes`` (so Ometria's ``/api/track`` is
    told apart from Omnisend's ``/api/...``, tracking.md §1).
    """

    name: str
    prefixes: tuple[str, ...]
    paths: tuple[str, ...] = ()
    keyless = False  # True: no API key (the browser tracking hosts); the OpenAPI document says so

    def owns(self, path: str) -> bool:
        """Whether ``path`` is under one of the prefixes."""
        return any(path == prefix or path.startswith(prefix + "/") for prefix in self.prefixes)

    @abstractmethod
    def render_error(self, error: MockError) -> Response:
        """Render any error in this owner's envelope."""

    @abstractmethod
    def before_request(self, ctx: MockContext) -> None:
        """Run the pipeline up to the view (auth, limits, routing, body)."""

    def after_request(self, ctx: MockContext, response: Response) -> Response:
        """Add the owner's response headers."""
        return response

    def preflight(self, request: Request) -> Response | None:
        """Answer a CORS preflight this owner answers itself (None: the app's CORS rules do)."""
        return None


class Vendor(PathOwner):
    """One emulated API: its routes, its pipeline order, its envelope and how it seeds a tenant."""

    @abstractmethod
    def blueprint(self) -> Blueprint:
        """Return the blueprint with every route of this vendor."""

    @abstractmethod
    def seed_tenant(self, ctx: MockContext, document: Mapping[str, Any], origin: str) -> TenantState:
        """Build a tenant from a fixture document; raise FixtureError naming ``origin`` on a problem."""

    def api_keys(self, tenant: TenantState) -> list[ApiKey]:
        """Return the keys a seeded tenant owns: ``tenant.json`` ``apiKeys`` (``scopes`` null = all)."""
        keys = []
        for item in tenant.config.get("apiKeys", []):
            scopes = item.get("scopes")
            keys.append(ApiKey(self.name, item["key"], tenant.tenant_id,
                               None if scopes is None else frozenset(scopes)))
        return keys

    # -- the fast lane (mock_server/fastlane.py): what it needs to answer a cached read itself ------------
    # The WSGI environ key of the header that carries the API key ("" = this vendor has no fast lane).
    auth_environ: str = ""

    def read_key(self, environ: Mapping[str, Any]) -> str | None:
        """The API key a request carries, when the fast lane may answer it (None: the pipeline answers)."""
        return environ.get(self.auth_environ) if self.auth_environ else None

    def read_scope(self, meta: RouteMeta, path: str) -> str | None:
        """The permission a key needs to read through this route (None = any key)."""
        return meta.scope

    def read_rate_rule(self, tenant: TenantState, meta: RouteMeta) -> LimitRule | None:
        """The rate-limit rule a read through this route counts against (None = not counted)."""
        return None

    def read_count(self, ctx: MockContext, tenant: TenantState, meta: RouteMeta, path: str) -> Decision | None:
        """Count a cached read as the pipeline would: the decision its rate-limit headers show (a refusal
        hands the request to the pipeline with it), or None when nothing is shown or counted."""
        rule = self.read_rate_rule(tenant, meta)
        return None if rule is None else ctx.limiter.hit((self.name, tenant.tenant_id), rule)

    def rate_headers(self, decision: Decision) -> list[tuple[str, str]]:
        """The rate-limit headers an allowed request's answer carries (in the order after_request sets them)."""
        return []

    def api_version(self, path: str) -> str | None:
        """The journal's ``apiVersion`` of a cached read on ``path``."""
        return None

    def cache_variant(self, ctx: MockContext, tenant: TenantState) -> tuple[Hashable, ...] | None:
        """What, besides the tenant's writes, reads of this tenant depend on (None = do not cache them)."""
        return ()

    def on_reset(self, ctx: MockContext, tenant: TenantState) -> None:
        """Clear per-tenant state that lives outside the store (queues, windows)."""

    def on_clock(self, ctx: MockContext) -> None:
        """React to a control-plane clock change (work that waited for mock time, e.g. flow delays)."""

    def start_workers(self, ctx: MockContext) -> None:
        """Start background processing (async batch / queue modes)."""

    def stop_workers(self) -> None:
        """Stop what :meth:`start_workers` started (server shutdown, :meth:`MockContext.close`)."""

    def drain(self, ctx: MockContext, tenant_id: str | None = None) -> dict[str, Any]:
        """Finish all pending background work now (control plane); return what was done."""
        return {}

    def derived_state(self, ctx: MockContext, tenant: TenantState) -> dict[str, Callable[[], list[Any]]]:
        """Read-only views computed from a tenant's records (e.g. segments with member counts), by name.

        The control plane and the dashboard show them beside the raw collections; each is called under
        the tenant's lock.
        """
        return {}


class MockContext:
    """Settings plus the mechanisms, created once per app by ``create_app``."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        start = SEEDED_EPOCH if settings.seed is not None else None
        self.clock = Clock(start, frozen=settings.freeze_clock)
        self.ids = IdGenerator(settings.seed)
        # The shared store (--store redis://...): a connected client, or None for the memory store. The
        # Redis-backed store and mechanisms (mock_server.redisstore) replace the in-process ones below.
        self.redis: Any = None
        if is_redis(settings.store):
            self.redis = connect(settings.store)  # raises RedisUnavailable with the reason
        self.store = Store()
        if self.redis is not None:  # tenant data in Redis (mock_server.redisstore.tenants)
            from mock_server.redisstore.tenants import RedisStore

            self.store = RedisStore(self.redis)
        self.limiter = RateLimiter(self.clock, enabled=settings.rate_limits)
        self.keyring = KeyRing()
        self.codec = CursorCodec(self.ids.derive("cursor").token_bytes())
        if self.redis is not None:  # a cursor from one process must decode on every other one
            from mock_server.redisstore.shared import shared_secret

            self.codec = CursorCodec(shared_secret(self.redis, "cursor", self.ids.derive("cursor").token_bytes()))
        self.vendors: dict[str, Vendor] = {}
        # Path owners that are not vendors of their own (the browser tracking hosts), asked first.
        self.surfaces: list[PathOwner] = []
        self.journal = Journal(settings.journal_size, settings.journal_body_limit)
        self.faults = FaultEngine(settings.seed)
        # The fast lane: tenant write generations (kept by the store) and the answers cached under them.
        self.generations = self.store.generations
        self.answers = LocalAnswerCache()
        # Called after every answer the fast lane gives itself, as the app's after-request hooks are after
        # the pipeline's (the dashboard's sampler).
        self.answer_hooks: list[Callable[[], None]] = []
        # Called before the write lane handles a request, as the app's before-request hooks are before the
        # pipeline's (the sampler's first point).
        self.request_hooks: list[Callable[[], None]] = []
        # X-Mock-Request-Id values, one per request (create_app sets it; both lanes draw from it).
        self.request_ids = self.ids.derive("request-ids")
        # The Flask app, for work that re-enters it (Omnisend batch items run as internal requests).
        self.app: Any = None
        # mock_server.core.persistence.Persistence when state is kept in a folder (--state-dir).
        self.persistence: Any = None
        # Redis mode: the control state every process shares (mock_server.redisstore.shared.SharedControl),
        # read once per request; None with the memory store.
        self.shared: Any = None
        if self.redis is not None:
            self._share_mechanisms()

    def _share_mechanisms(self) -> None:
        """Redis mode: the clock, rate limiter, journal, fault rules, limits switch, request ids and cursor
        secret every process on the Redis URL shares, behind the in-process classes' interfaces."""
        from mock_server.redisstore.mechanisms import share

        share(self)

    def vendor_for_path(self, path: str) -> PathOwner | None:
        """Return who answers ``path``: an exact ``paths`` claim first, then the first prefix owner."""
        owners = [*self.surfaces, *self.vendors.values()]
        return (next((o for o in owners if path in o.paths), None)
                or next((o for o in owners if o.owns(path)), None))

    def tenant(self, vendor: str, tenant_id: str) -> TenantState | None:
        """Return a tenant by vendor and id."""
        return self.store.tenant(vendor, tenant_id)

    def close(self) -> None:
        """Stop the background workers: the app then touches its store (and Redis) only when asked to
        answer a request (a finished test's sandbox, a server shut down)."""
        for vendor in self.vendors.values():
            vendor.stop_workers()

    def reset(self, vendor: str | None = None, tenant_id: str | None = None) -> list[TenantState]:
        """Restore tenants to their seed and forget their rate-limit windows and pending work."""
        done = self.store.reset(vendor, tenant_id)
        for tenant in done:
            self.limiter.clear((tenant.vendor, tenant.tenant_id))
            self.vendors[tenant.vendor].on_reset(self, tenant)
        if vendor is None and tenant_id is None:
            self.limiter.clear()
        return done
