"""The write lane: single-record pushes answered without Flask, by the same backend calls as the views.

The common write of an integration, one well-formed record (Omnisend ``POST /v3/contacts``, Ometria
``POST /v2/push``), spends most of its time in Flask's dispatch, marshmallow and the hooks around them,
not in the backend. This lane takes such a request before Flask does and walks the pipeline's steps
itself, in an order with the same outcome: authentication, the route's scope, the body (parsed by the
pipeline's own parser), a validator that accepts a strict subset of what the route's schema accepts and
loads unchanged, the rate limiter (counted once), a request id, the backend call under the tenant's lock,
the answer's headers in the pipeline's order, and the journal entry built by the same function.

Anything it is not sure about takes the full pipeline, before any state changed or any id was drawn: a
query string, an alias or method override, a CORS request, a body the strict validator does not accept
(so every error answer still comes from the views), a fault rule (any rule at all), an unknown key or
scope, or a refused rate limit (the pipeline then answers the 429 with the decision already taken).
``Settings.fast_writes`` switches the lane off; tests/test_fastwrite.py compares both lanes byte for byte.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from werkzeug.http import HTTP_STATUS_CODES

from mock_server.control.recorder import LANE_ENTRY, lane_entry
from mock_server.core.auth import ApiKey
from mock_server.core.clock import parse_datetime
from mock_server.core.context import MockContext, Vendor
from mock_server.core.errors import MockError
from mock_server.core.http import JSON_CT, REQUEST_ID_HEADER, WARNINGS_HEADER, dumps
from mock_server.core.limits import parse_json
from mock_server.core.ratelimit import Decision, LimitRule
from mock_server.core.request import ENV_RATE_DECISION, render_warnings
from mock_server.core.store import TenantState
from mock_server.middleware import (
    ENV_ALIAS,
    ENV_BAD_OVERRIDE,
    ENV_BATCH_ITEM,
    ENV_CAPTURE,
    ENV_OVERRIDDEN,
    ENV_TRANSPORT_ERROR,
    CapturingInput,
    StartResponse,
)

Warn = Callable[[str, str], None]


@dataclass
class Write:
    """One write the lane may answer: who asks and the parsed body."""

    ctx: MockContext
    vendor: Vendor
    api_key: ApiKey
    tenant: TenantState
    body: Any
    warnings: list[tuple[str, str]]

    def warn(self, path: str, message: str) -> None:
        """Collect a remark as the pipeline's ``warn`` does (once per path and message)."""
        if (path, message) not in self.warnings:
            self.warnings.append((path, message))


@dataclass(frozen=True)
class Answer:
    """A backend's answer: the JSON body, status and the route's own headers."""

    body: Any
    status: int = 200
    headers: dict[str, str] | None = None


class Lane:
    """One route of the write lane (subclasses know the vendor's rules)."""

    vendor_name: str
    scope: str  # what the key must allow

    def credential(self, vendor: Vendor, environ: dict[str, Any]) -> str | None:
        """The API key the request carries (None: the pipeline answers; it may refuse it)."""
        return environ.get(vendor.auth_environ) if vendor.auth_environ else None

    def eligible(self, environ: dict[str, Any]) -> bool:
        """Route-specific request checks beyond the common ones (a version header...)."""
        return True

    def accepts(self, body: Any) -> bool:
        """Whether ``body`` is in the strict subset this lane answers (pure: no state read)."""
        raise NotImplementedError

    def rate_rule(self, tenant: TenantState) -> LimitRule | None:
        """The limiter rule the pipeline counts this request against."""
        raise NotImplementedError

    def count(self, write: Write, environ: dict[str, Any]) -> tuple[bool, Decision | None]:
        """Count the request as the pipeline does: (allowed, the decision its headers show). When refused,
        leave the pipeline what it needs to answer without counting the request twice."""
        rule = self.rate_rule(write.tenant)
        if rule is None:
            return True, None
        decision = write.ctx.limiter.hit((write.vendor.name, write.tenant.tenant_id), rule)
        if not decision.allowed:
            environ[ENV_RATE_DECISION] = decision  # counted once: the pipeline renders the 429
        return decision.allowed, decision

    def prepare(self, write: Write) -> Any:
        """Checks that read state (under the tenant lock): what ``run`` needs, or raise MockError (the
        pipeline then answers). Changes nothing."""
        return None

    def run(self, write: Write, prepared: Any, request_id: str) -> Answer:
        """Do the write (under the tenant lock) and return the answer."""
        raise NotImplementedError

    def decorate(self, write: Write, decision: Decision | None) -> list[tuple[str, str]]:
        """The vendor's after-request headers (rate-limit headers...)."""
        return []

    def api_version(self, path: str) -> str | None:
        """The journal's ``apiVersion``."""
        return None


class FastWrite:
    """Answer the writes of :data:`LANES` without Flask, or say None (the full pipeline answers)."""

    def __init__(self, ctx: MockContext, lanes: dict[str, Lane]) -> None:
        self.ctx = ctx
        self.lanes = lanes

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes] | None:
        """Answer ``environ`` here, or return None with the environ as it came (its body still readable)."""
        ctx = self.ctx
        lane = self.lanes.get(environ.get("PATH_INFO") or "")
        if (lane is None or not ctx.settings.fast_writes or environ.get("REQUEST_METHOD") != "POST"
                or environ.get("QUERY_STRING") or environ.get(ENV_ALIAS) or environ.get(ENV_OVERRIDDEN)
                or environ.get(ENV_BAD_OVERRIDE) is not None or environ.get(ENV_BATCH_ITEM)
                or environ.get(ENV_TRANSPORT_ERROR) is not None or "HTTP_ORIGIN" in environ
                or "HTTP_TRANSFER_ENCODING" in environ or not ctx.faults.idle()):
            return None
        declared = environ.get("CONTENT_LENGTH") or ""
        limit = ctx.journal.body_limit
        # A body the journal keeps whole and the cap allows (else the pipeline reads and cuts it).
        if not (declared.isascii() and declared.isdigit()) \
                or not 0 < int(declared) <= min(limit, ctx.settings.body_cap):
            return None
        vendor = ctx.vendors.get(lane.vendor_name)
        if not isinstance(vendor, Vendor) or not lane.eligible(environ):
            return None
        api_key = ctx.keyring.lookup(vendor.name, lane.credential(vendor, environ))
        if api_key is None or not api_key.allows(lane.scope):
            return None
        tenant = ctx.tenant(vendor.name, api_key.tenant_id)
        if tenant is None:
            return None
        for hook in ctx.request_hooks:
            hook()
        started = time.perf_counter()
        length = int(declared)
        sent = self._read(environ, length)
        body = _parse(sent) if len(sent) == length else None
        if body is None or not lane.accepts(body):
            return self._untouched(environ, sent)
        write = Write(ctx, vendor, api_key, tenant, body, [])
        with tenant.lock:
            try:
                prepared = lane.prepare(write)
            except Exception:  # refused (or worse): the pipeline runs the same check and answers
                return self._untouched(environ, sent)
            allowed, decision = lane.count(write, environ)
            if not allowed:
                return self._untouched(environ, sent)
            request_id = ctx.request_ids.uuid4()
            mock_time = ctx.clock.time()
            answer = lane.run(write, prepared, request_id)
        # The headers json_response and the after-request hooks give, in their order (a werkzeug Response
        # costs more than the rest of the answer).
        data = dumps(answer.body).encode("utf-8")
        headers = [*(answer.headers or {}).items(), ("Content-Type", JSON_CT), ("Content-Length", str(len(data))),
                   *lane.decorate(write, decision)]
        warnings = render_warnings(write.warnings) if write.warnings else None
        if warnings:
            headers.append((WARNINGS_HEADER, warnings))
        headers.append((REQUEST_ID_HEADER, request_id))
        path = environ["PATH_INFO"]
        ctx.journal.record_packed(LANE_ENTRY, lane_entry(
            mock_time=mock_time, request_id=request_id, vendor=vendor.name, api_version=lane.api_version(path),
            tenant=tenant.tenant_id, method="POST", path=path, query="", environ=environ, body=sent,
            status=answer.status, response_headers=headers, answer=data, limit=limit, started=started,
            warnings=warnings))
        for hook in ctx.answer_hooks:
            hook()
        start_response(_status_line(answer.status), headers)
        return [data]

    @staticmethod
    def _read(environ: dict[str, Any], length: int) -> bytes:
        """Read the declared body (past the capture: the lane journals what it read itself)."""
        capture = environ.get(ENV_CAPTURE)
        stream = capture._stream if isinstance(capture, CapturingInput) else environ["wsgi.input"]
        data: bytes = stream.read(length)
        return data

    @staticmethod
    def _untouched(environ: dict[str, Any], data: bytes) -> None:
        """Hand the request to the pipeline: a fresh capture of the body read (the pipeline reads it again)."""
        again = io.BytesIO(data)
        capture = environ.get(ENV_CAPTURE)
        if isinstance(capture, CapturingInput):
            again_capture = CapturingInput(again, capture.limit, capture.cap, refused=capture.refused)
            environ["wsgi.input"] = environ[ENV_CAPTURE] = again_capture
        else:
            environ["wsgi.input"] = again


# Status lines as werkzeug writes them (``202 ACCEPTED``), by code.
_STATUS_LINES: dict[int, str] = {}


def _status_line(status: int) -> str:
    line = _STATUS_LINES.get(status)
    if line is None:
        line = _STATUS_LINES[status] = f"{status} {HTTP_STATUS_CODES[status].upper()}"
    return line


def _parse(data: bytes) -> Any:
    """The body as the pipeline parses it, or None when the pipeline would refuse it."""
    try:
        return parse_json(data) if data.strip() else None
    except MockError:
        return None


def keys_in_order(value: dict[str, Any], order: dict[str, int]) -> bool:
    """Whether every key of ``value`` is in ``order`` and they come in that order (a schema loads its
    fields in declaration order: a body in that order loads unchanged, key order included)."""
    last = -1
    for key in value:
        place = order.get(key, -1)
        if place <= last:
            return False
        last = place
    return True


def valid_datetime(value: Any) -> bool:
    """An RFC 3339 date-time string, as ``DateTimeStr`` accepts it."""
    return isinstance(value, str) and parse_datetime(value) is not None


def install(ctx: MockContext) -> FastWrite:
    """The write lane with every route it knows."""
    from mock_server.ometria.fastwrite import PushLane
    from mock_server.omnisend.v3.fastwrite import ContactLane
    from mock_server.omnisend.v2026.fastwrite import UpsertLane

    return FastWrite(ctx, {"/v3/contacts": ContactLane(), "/v2/push": PushLane(), "/api/contacts": UpsertLane()})
