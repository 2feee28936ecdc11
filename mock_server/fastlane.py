"""The fast lane: a WSGI layer that answers repeated reads of unchanged data without running Flask.

A read through a route declared ``cache=True`` is answered once by the full pipeline and kept (its status,
headers and bytes) under ``(tenant, the tenant's write generation, the request line and host)``. The next
identical read is answered here, and still walks the same checks in the same order as the pipeline:
authentication (the vendor's key header), the route's scope, the rate limiter (the request is counted,
its headers filled in), a fresh request id, and a journal entry built by the same function. Anything this
layer is not sure about takes the full pipeline: a non-GET method, a CORS request, a body, an alias or
override, a request some fault rule could select (any rule at all), an unknown key, a failed scope check, a
refused rate limit (the pipeline then answers the 429 with the decision already taken), or a tenant whose
answers depend on more than its writes (Vendor.cache_variant). Writes need no invalidation: the tenant
lock bumps the generation (core.locking), and the control plane's changes bump every generation.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import Flask

from mock_server import fastwrite
from mock_server.control.recorder import LANE_ENTRY, journalled_path, lane_entry
from mock_server.core.auth import ApiKey
from mock_server.core.context import MockContext, Vendor
from mock_server.core.faults import ENV_DROP
from mock_server.core.http import REQUEST_ID_HEADER, WARNINGS_HEADER
from mock_server.core.pagecache import CachedAnswer
from mock_server.core.ratelimit import Decision
from mock_server.core.request import ENV_CACHEABLE, ENV_RATE_DECISION
from mock_server.core.store import TenantState
from mock_server.middleware import (
    ENV_ALIAS,
    ENV_BAD_OVERRIDE,
    ENV_BATCH_ITEM,
    ENV_TRANSPORT_ERROR,
    OVERRIDE_HEADER,
    Middleware,
    StartResponse,
    WsgiApp,
    read_all,
)

CONTROL_PREFIX = "/_mock"
# The parts of the environ an answer may depend on besides the tenant's state: the request line and what
# absolute links are built from (scheme, host, script root).
KEY_ENVIRON = ("PATH_INFO", "QUERY_STRING", "wsgi.url_scheme", "HTTP_HOST", "SERVER_NAME", "SERVER_PORT",
               "SCRIPT_NAME")
_ANY_DECISION = Decision(True, 0, 0, 0)
# Paths whose owner the fast lane remembers (then it starts over).
OWNERS_KEPT = 4096
# How long an identical request waits for the one computing a missing answer before going its own way.
MISS_WAIT = 10.0
# Set when :class:`WriteFront` offered the request to the write lane (the lane is not asked twice).
ENV_LANE_TRIED = "mock.write_lane_tried"


@dataclass
class Plan:
    """A read the fast lane may answer: who asks, and the cache key."""

    vendor: Vendor
    api_key: ApiKey
    tenant: TenantState
    key: Hashable


class FastLane(Middleware):
    """Answer cached reads; keep the answers of cacheable reads; note writes."""

    def __init__(self, app: WsgiApp, ctx: MockContext) -> None:
        super().__init__(app, ctx)
        self.writes = fastwrite.install(ctx)  # the write lane (mock_server.fastwrite)
        self._inflight: dict[Hashable, threading.Event] = {}
        self._inflight_lock = threading.Lock()
        self._owners: dict[str, Vendor | None] = {}

    @classmethod
    def install(cls, app: Flask, ctx: MockContext) -> None:
        """Wrap ``app.wsgi_app`` (innermost: the path is already normalised when this layer runs)."""
        app.wsgi_app = cls(app.wsgi_app, ctx)  # type: ignore[method-assign]

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Route the request to the cache, the full pipeline, or both."""
        method = environ.get("REQUEST_METHOD")
        if method != "GET":
            if method in ("HEAD", "OPTIONS"):
                return self.app(environ, start_response)
            written = None if environ.get(ENV_LANE_TRIED) else self.writes(environ, start_response)
            if written is not None:
                return written  # under the tenant lock, whose release bumped the generation
            try:
                return self.app(environ, start_response)
            finally:
                self._note_write(environ)
        plan = self._plan(environ) if self.ctx.settings.page_cache else None
        if plan is None:
            return self.app(environ, start_response)
        answer = self.ctx.answers.get(plan.key)
        if answer is None:
            return self._miss(environ, start_response, plan)
        return self._answer(environ, start_response, plan, answer)

    def _miss(self, environ: dict[str, Any], start_response: StartResponse, plan: Plan) -> Iterable[bytes]:
        """One request computes a missing answer; identical requests meanwhile wait for it (a burst of
        clients after a write would otherwise render the same page once each)."""
        with self._inflight_lock:
            running = self._inflight.get(plan.key)
            if running is None:
                self._inflight[plan.key] = threading.Event()
        if running is None:
            try:
                return self._keep(environ, start_response, plan)
            finally:
                with self._inflight_lock:
                    self._inflight.pop(plan.key).set()
        running.wait(MISS_WAIT)
        answer = self.ctx.answers.get(plan.key)
        if answer is None:
            return self.app(environ, start_response)  # not cacheable after all: the full pipeline
        return self._answer(environ, start_response, plan, answer)

    def _note_write(self, environ: dict[str, Any]) -> None:
        """A non-read may have changed state: its tenant's (or, from the control plane, every) generation."""
        path = environ.get("PATH_INFO") or "/"
        if not journalled_path(path):
            self.ctx.generations.bump_all()  # reset, fixtures, clock, limits, drains ...
            return
        vendor = self._owner(path)
        if vendor is None:
            return
        key = self.ctx.keyring.lookup(vendor.name, vendor.read_key(environ))
        if key is not None:
            self.ctx.generations.bump((vendor.name, key.tenant_id))

    def _owner(self, path: str) -> Vendor | None:
        """The vendor with a fast lane that answers ``path`` (the owners are fixed once the app is built:
        remembered per path, a bounded number of them)."""
        try:
            return self._owners[path]
        except KeyError:
            pass
        owner = self.ctx.vendor_for_path(path)
        vendor = owner if isinstance(owner, Vendor) and owner.auth_environ else None
        if len(self._owners) >= OWNERS_KEPT:
            self._owners.clear()
        self._owners[path] = vendor
        return vendor

    def _plan(self, environ: dict[str, Any]) -> Plan | None:
        ctx = self.ctx
        path: str = environ.get("PATH_INFO") or "/"
        if (environ.get(ENV_ALIAS) or environ.get(ENV_BAD_OVERRIDE) is not None or environ.get(ENV_BATCH_ITEM)
                or environ.get(ENV_TRANSPORT_ERROR) is not None
                or "HTTP_ORIGIN" in environ or environ.get("CONTENT_LENGTH") not in (None, "", "0")
                or "HTTP_TRANSFER_ENCODING" in environ or not path.isascii() or not ctx.faults.idle()):
            return None
        vendor = self._owner(path)
        if vendor is None:
            return None
        api_key = ctx.keyring.lookup(vendor.name, vendor.read_key(environ))
        if api_key is None:
            return None
        tenant = ctx.tenant(vendor.name, api_key.tenant_id)
        if tenant is None:
            return None
        variant = vendor.cache_variant(ctx, tenant)
        if variant is None:
            return None
        scope = (vendor.name, tenant.tenant_id)
        key = (scope, ctx.generations.current(scope), variant, *(environ.get(name) for name in KEY_ENVIRON))
        return Plan(vendor, api_key, tenant, key)

    def _keep(self, environ: dict[str, Any], start_response: StartResponse, plan: Plan) -> Iterable[bytes]:
        """Run the full pipeline; keep its answer when the route is cacheable and all went plainly."""
        seen: list[Any] = []

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            seen[:] = [status, headers]
            return start_response(status, headers, exc_info)

        result = self.app(environ, capture)
        meta = environ.get(ENV_CACHEABLE)
        if meta is None or not seen or not seen[0].startswith("200") or environ.get(ENV_DROP):
            return result
        status, headers = seen
        if any(name == WARNINGS_HEADER for name, _ in headers):
            return result  # warnings are about this request; the journal must show them
        body = read_all(result)
        per_request = {REQUEST_ID_HEADER, *(name for name, _ in plan.vendor.rate_headers(_ANY_DECISION))}
        self.ctx.answers.put(plan.key, CachedAnswer(
            status, tuple((name, None if name in per_request else value) for name, value in headers), body,
            plan.vendor.read_scope(meta, environ["PATH_INFO"]), meta))
        return [body]

    def _answer(self, environ: dict[str, Any], start_response: StartResponse, plan: Plan,
                answer: CachedAnswer) -> Iterable[bytes]:
        """Answer from the cache after the pipeline's checks (or hand over to the pipeline)."""
        ctx, vendor, tenant = self.ctx, plan.vendor, plan.tenant
        if not plan.api_key.allows(answer.scope):
            return self.app(environ, start_response)  # the pipeline answers the 403 in its order
        started = time.perf_counter()
        mock_time = ctx.clock.time()
        decision = vendor.read_count(ctx, tenant, answer.route, environ["PATH_INFO"])
        if decision is not None and not decision.allowed:
            environ[ENV_RATE_DECISION] = decision  # counted once: the pipeline renders the 429
            return self.app(environ, start_response)
        request_id = ctx.request_ids.uuid4()
        fill = {REQUEST_ID_HEADER: request_id}
        if decision is not None:
            fill.update(vendor.rate_headers(decision))
        headers = [(name, fill[name] if value is None else value) for name, value in answer.headers
                   if value is not None or name in fill]
        start_response(answer.status, headers)
        ctx.journal.record_packed(LANE_ENTRY, lane_entry(
            mock_time=mock_time, request_id=request_id, vendor=vendor.name,
            api_version=vendor.api_version(environ["PATH_INFO"]), tenant=tenant.tenant_id, method="GET",
            path="/" + environ["PATH_INFO"].lstrip("/"), query=environ.get("QUERY_STRING", ""), environ=environ,
            body=b"", status=int(answer.status[:3]), response_headers=headers, answer=answer.body,
            limit=ctx.journal.body_limit, started=started, warnings=None))
        for hook in ctx.answer_hooks:
            hook()
        return [answer.body]


class WriteFront(Middleware):
    """The write lane ahead of the layers only the pipeline needs (the outermost of the app's own).

    A push to a lane's exact path whose request line normalising cannot change (no percent-encoding, no
    method override; a lane's path is no alias) is offered to the lane before the body capture and the
    path normaliser run: the lane reads the body itself and journals what it read, so for the pushes it
    answers those layers only cost time. What the lane hands over continues through them unchanged (the
    lane puts the body back, and marks the request so that :class:`FastLane` does not offer it again).
    """

    def __init__(self, app: WsgiApp, ctx: MockContext) -> None:
        super().__init__(app, ctx)
        self.writes = fastwrite.install(ctx)
        self.paths = frozenset(self.writes.lanes)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if (environ.get("REQUEST_METHOD") == "POST" and environ.get("PATH_INFO") in self.paths
                and OVERRIDE_HEADER not in environ
                and "%" not in (environ.get("RAW_URI") or environ.get("REQUEST_URI") or "")):
            environ[ENV_LANE_TRIED] = True
            written = self.writes(environ, start_response)
            if written is not None:
                return written
        return self.app(environ, start_response)
