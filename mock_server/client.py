"""A small client of a running sandbox: the demo keys and the /_mock control plane, over HTTP.

The pytest plugin hands one out as the ``mock_server`` fixture; it works the same against a sandbox
started elsewhere (a container in CI), given its URL and, off loopback, its admin token.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import requests

OMNISEND_KEY = "omnisend-demo-key"
OMETRIA_STAGING_KEY = "ometria-staging-key"
OMETRIA_LIVE_KEY = "ometria-live-key"
# Python keyword -> query parameter of GET /_mock/journal.
_JOURNAL_PARAMS = {"request_id": "requestId", "batch_item": "batchItem"}
_PAGE = 500


class SandboxError(AssertionError):
    """A control-plane call answered with an error status."""

    def __init__(self, method: str, path: str, status: int, body: Any) -> None:
        super().__init__(f"{method} {path} -> {status}: {body}")
        self.status = status
        self.body = body


def _iso(at: datetime | str) -> str:
    return at.isoformat() if isinstance(at, datetime) else at


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


OMNISEND_API_VERSION = "2026-03-15"


class OmnisendApi:
    """A small client of Omnisend's header-versioned API: every request carries ``Authorization:
    Omnisend-API-Key <key>`` and ``Omnisend-Version``; paths are relative to ``/api``."""

    def __init__(self, base_url: str, headers: Mapping[str, str], timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        self.session.headers.update(headers)
        self.timeout = timeout

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """Send ``method path`` (``path`` like ``/contacts``); returns the raw response."""
        kwargs.setdefault("timeout", self.timeout)
        return self.session.request(method, self.base_url + "/" + path.lstrip("/"), **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        """GET ``path``."""
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        """POST ``path``."""
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> requests.Response:
        """PUT ``path``."""
        return self.request("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> requests.Response:
        """PATCH ``path``."""
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> requests.Response:
        """DELETE ``path``."""
        return self.request("DELETE", path, **kwargs)

    def pages(self, path: str, key: str, **params: Any) -> list[Any]:
        """Every item of a cursor-paged list, following ``paging.cursors.after`` until ``hasMore`` is false."""
        items: list[Any] = []
        query: dict[str, Any] = dict(params)
        while True:
            response = self.get(path, params=query)
            response.raise_for_status()
            body = response.json()
            items.extend(body[key])
            after = body["paging"]["cursors"]["after"]
            if not body["paging"]["hasMore"] or after is None:
                return items
            query = {"after": after, **({"limit": params["limit"]} if "limit" in params else {})}

    def close(self) -> None:
        """Close the HTTP session."""
        self.session.close()


class Sandbox:
    """URL, demo keys and control-plane helpers of one sandbox server."""

    def __init__(self, url: str, admin_token: str | None = None, session: requests.Session | None = None,
                 timeout: float = 10.0) -> None:
        self.url = url.rstrip("/")
        self.session = session or requests.Session()
        self.timeout = timeout
        if admin_token:
            self.session.headers["Authorization"] = f"Bearer {admin_token}"
        self.keys = {"omnisend": OMNISEND_KEY, "ometria-staging": OMETRIA_STAGING_KEY,
                     "ometria-live": OMETRIA_LIVE_KEY}
        self.omnisend_key = OMNISEND_KEY
        self.ometria_staging_key = OMETRIA_STAGING_KEY
        self.ometria_live_key = OMETRIA_LIVE_KEY

    # -- vendor side ------------------------------------------------------------------------------
    @property
    def omnisend_headers(self) -> dict[str, str]:
        """Headers of the demo Omnisend brand."""
        return {"X-API-KEY": self.omnisend_key}

    def omnisend_api_headers(self, key: str | None = None, version: str = OMNISEND_API_VERSION) -> dict[str, str]:
        """Headers of Omnisend API version 2026-03-15 (under /api) for the demo brand (or ``key``)."""
        return {"Authorization": f"Omnisend-API-Key {key or self.omnisend_key}", "Omnisend-Version": version}

    def omnisend_api(self, key: str | None = None, version: str = OMNISEND_API_VERSION) -> OmnisendApi:
        """A client of Omnisend API version 2026-03-15 on this server (base URL ``<url>/api``)."""
        return OmnisendApi(self.url + "/api", self.omnisend_api_headers(key, version), self.timeout)

    def ometria_headers(self, live: bool = False) -> dict[str, str]:
        """Headers of the staging (default) or live Ometria account."""
        return {"X-Ometria-Auth": self.ometria_live_key if live else self.ometria_staging_key}

    def url_for(self, path: str) -> str:
        """Absolute URL of ``path`` on this server."""
        return self.url + (path if path.startswith("/") else "/" + path)

    # -- plumbing ---------------------------------------------------------------------------------
    def control(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
                json: Any = None) -> Any:
        """Call ``/_mock{path}`` and return its JSON; raise :class:`SandboxError` on an error status."""
        query = {k: _query_value(v) for k, v in (params or {}).items() if v is not None}
        response = self.session.request(method, self.url_for("/_mock" + path), params=query, json=json,
                                        timeout=self.timeout)
        try:
            body = response.json()
        except ValueError:
            body = response.text
        if response.status_code >= 400:
            raise SandboxError(method, path, response.status_code, body)
        return body

    def close(self) -> None:
        """Close the HTTP session."""
        self.session.close()

    # -- state ------------------------------------------------------------------------------------
    def health(self) -> dict[str, Any]:
        """``GET /_mock/health``."""
        result: dict[str, Any] = self.control("GET", "/health")
        return result

    def reset(self, vendor: str | None = None, tenant: str | None = None) -> dict[str, Any]:
        """Reset everything (or one vendor / tenant) to the fixture seed."""
        result: dict[str, Any] = self.control("POST", "/reset", params={"vendor": vendor, "tenant": tenant})
        return result

    def load_fixtures(self, document: Mapping[str, Any] | None = None, path: str | None = None) -> Any:
        """Replace the data set with a fixture document or a folder on the server's disk."""
        return self.control("POST", "/fixtures", json={"path": path} if path is not None else document)

    def state(self, vendor: str, tenant: str, resource: str | None = None, limit: int = 50,
              offset: int = 0) -> dict[str, Any]:
        """A tenant's resource listing, or one page of one resource."""
        path = f"/state/{vendor}/{tenant}" + (f"/{resource}" if resource else "")
        params = {"limit": limit, "offset": offset} if resource else None
        result: dict[str, Any] = self.control("GET", path, params=params)
        return result

    # -- journal ----------------------------------------------------------------------------------
    def journal(self, order: str = "desc", **filters: Any) -> list[dict[str, Any]]:
        """Every journalled request matching ``filters`` (vendor, tenant, method, path glob, status,
        since, until, request_id, batch_item, fault), newest first as the endpoint lists them, or
        oldest first with ``order="asc"``."""
        if order not in ("asc", "desc"):
            raise ValueError("order must be 'asc' or 'desc'")
        params = {_JOURNAL_PARAMS.get(k, k): v for k, v in filters.items()}
        entries: list[dict[str, Any]] = []
        while True:  # pages are read in arrival order, so requests arriving meanwhile do not shift them
            found = self.control("GET", "/journal", params={**params, "order": "asc", "limit": _PAGE,
                                                            "offset": len(entries)})
            entries.extend(found["items"])
            if not found["items"] or len(entries) >= found["total"]:
                return entries if order == "asc" else entries[::-1]

    def journal_count(self, **filters: Any) -> int:
        """How many journalled requests match ``filters``."""
        params = {_JOURNAL_PARAMS.get(k, k): v for k, v in filters.items()}
        return int(self.control("GET", "/journal/count", params=params)["count"])

    def clear_journal(self) -> int:
        """Forget every journalled request."""
        return int(self.control("DELETE", "/journal")["deleted"])

    def assert_called(self, method: str, path: str, times: int | None = None, **filters: Any
                      ) -> list[dict[str, Any]]:
        """Assert the integration called ``method path`` (glob) ``times`` times (default: at least once)
        and return those calls in the order they were made (oldest first, like a mock's call list); batch
        items are not client calls and are left out unless ``batch_item`` says otherwise."""
        filters.setdefault("batch_item", False)
        calls = self.journal(order="asc", method=method, path=path, **filters)
        if (times is None and not calls) or (times is not None and len(calls) != times):
            seen = [f"{e['method']} {e['path']} -> {e['status']}" for e in self.journal(order="asc")][-20:]
            wanted = "at least once" if times is None else f"{times} time(s)"
            raise AssertionError(f"expected {method} {path} {wanted}, got {len(calls)}; recent calls: {seen}")
        return calls

    def assert_not_called(self, method: str, path: str, **filters: Any) -> None:
        """Assert no call to ``method path`` (glob) was journalled."""
        self.assert_called(method, path, times=0, **filters)

    # -- clock ------------------------------------------------------------------------------------
    def clock(self) -> dict[str, Any]:
        """The mock clock: ``now``, ``epoch``, ``frozen``."""
        result: dict[str, Any] = self.control("GET", "/clock")
        return result

    def freeze_clock(self, at: datetime | str | None = None) -> dict[str, Any]:
        """Stop the mock clock (at ``at``, or where it stands)."""
        body: dict[str, Any] = {"action": "freeze"}
        if at is not None:
            body["at"] = _iso(at)
        result: dict[str, Any] = self.control("POST", "/clock", json=body)
        return result

    def advance_clock(self, seconds: float = 0.0, by: str | None = None) -> dict[str, Any]:
        """Move the mock clock forward by ``seconds`` (or a duration such as ``"5m"``)."""
        body: dict[str, Any] = {"action": "advance", "by": by} if by else {"action": "advance", "seconds": seconds}
        result: dict[str, Any] = self.control("POST", "/clock", json=body)
        return result

    def resume_clock(self) -> dict[str, Any]:
        """Let the mock clock run again."""
        result: dict[str, Any] = self.control("POST", "/clock", json={"action": "resume"})
        return result

    def set_clock(self, at: datetime | str) -> dict[str, Any]:
        """Jump the mock clock to ``at`` (keeping it frozen or running)."""
        result: dict[str, Any] = self.control("POST", "/clock", json={"action": "set", "at": _iso(at)})
        return result

    # -- faults -----------------------------------------------------------------------------------
    def add_fault(self, path: str = "*", status: int | None = None, **rule: Any) -> dict[str, Any]:
        """Add a fault rule; e.g. ``add_fault("/v3/orders", 503, after=2, count=1)`` fails the third call.

        Other keys: vendor, tenant, method, probability, seed, count, after, message, body, headers,
        latency (seconds or [min, max]), drop.
        """
        body = {"path": path, **rule}
        if status is not None:
            body["status"] = status
        result: dict[str, Any] = self.control("POST", "/faults", json=body)
        return result

    def faults(self) -> list[dict[str, Any]]:
        """The fault rules with their counters."""
        return list(self.control("GET", "/faults")["faults"])

    def remove_fault(self, rule_id: str) -> None:
        """Delete one fault rule."""
        self.control("DELETE", f"/faults/{rule_id}")

    def clear_faults(self) -> int:
        """Delete every fault rule."""
        return int(self.control("DELETE", "/faults")["deleted"])

    # -- limits -----------------------------------------------------------------------------------
    def limits(self, vendor: str, tenant: str) -> dict[str, Any]:
        """A tenant's rate-limit / queue-cap overrides."""
        result: dict[str, Any] = self.control("GET", f"/limits/{vendor}/{tenant}")
        return result

    def set_limits(self, vendor: str, tenant: str, **changes: Any) -> dict[str, Any]:
        """Change a tenant's limits, e.g. ``set_limits("omnisend", brand, rateLimit={"limit": 5})``."""
        result: dict[str, Any] = self.control("PUT", f"/limits/{vendor}/{tenant}", json=changes)
        return result

    def rate_limiting(self, enabled: bool) -> None:
        """Switch rate limiting on or off for every tenant."""
        self.control("PUT", "/limits", json={"enabled": enabled})

    # -- side effects and background work ---------------------------------------------------------
    def outbox(self, **filters: Any) -> list[dict[str, Any]]:
        """Outbox entries matching ``vendor``, ``tenant``, ``kind``, oldest first."""
        entries: list[dict[str, Any]] = []
        while True:
            found = self.control("GET", "/outbox", params={**filters, "limit": _PAGE, "offset": len(entries)})
            entries.extend(found["items"])
            if not found["items"] or len(entries) >= found["total"]:
                return entries

    def clear_outbox(self, **filters: Any) -> int:
        """Delete matching outbox entries."""
        return int(self.control("DELETE", "/outbox", params=filters)["deleted"])

    def drain(self, vendor: str | None = None, tenant: str | None = None) -> dict[str, Any]:
        """Finish pending Omnisend batches and Ometria queued records now."""
        out: dict[str, Any] = {}
        if vendor in (None, "omnisend"):
            out["omnisend"] = self.control("POST", "/omnisend/batches/drain", params={"tenant": tenant})["drained"]
        if vendor in (None, "ometria"):
            out["ometria"] = self.control("POST", "/ometria/queue/drain", params={"tenant": tenant})["drained"]
        return out
