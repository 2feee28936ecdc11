"""Records: browse any tenant's resource a page at a time, search by id or email, open one record."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, request

from mock_server.control.common import jsonable, not_found, query_int, require_tenant
from mock_server.control.routes.state import CONFIG, derived, resource_page, resources
from mock_server.control.ui.render import compact, page, pretty
from mock_server.core.context import MockContext
from mock_server.core.request import ctx
from mock_server.core.store import TenantState

PAGE_SIZES = (5, 10, 20, 50, 100)
DEFAULT_SIZE = 20
# Fields shown beside the key in the list, first found first (any depth for email).
SUMMARY_FIELDS = ("firstName", "lastName", "name", "title", "status", "eventName", "event_type", "kind",
                  "createdAt", "timestamp")


@dataclass(frozen=True)
class Row:
    """One line of the records table."""

    key: str
    email: str
    summary: str


@dataclass(frozen=True)
class Paging:
    """Where the page stands: first/last shown (1-based), total, and the neighbours' offsets."""

    offset: int
    limit: int
    total: int
    shown: int

    @property
    def first(self) -> int:
        """1-based number of the first row shown (0 when none)."""
        return self.offset + 1 if self.shown else 0

    @property
    def last(self) -> int:
        """1-based number of the last row shown."""
        return self.offset + self.shown

    @property
    def previous(self) -> int | None:
        """Offset of the previous page, None on the first."""
        return max(0, self.offset - self.limit) if self.offset > 0 else None

    @property
    def next(self) -> int | None:
        """Offset of the next page, None on the last."""
        return self.offset + self.limit if self.offset + self.limit < self.total else None


def walk_strings(value: Any, name: str = "") -> Iterator[tuple[str, str]]:
    """Yield ``(field name, text)`` for every string inside a JSON-like value."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from walk_strings(item, str(key))
    elif isinstance(value, list):
        for item in value:
            yield from walk_strings(item, name)
    elif isinstance(value, str):
        yield name, value


def email_of(value: Any) -> str:
    """The first email address in a record (``email`` fields, or Omnisend's email identifiers)."""
    for name, text in walk_strings(value):
        if "@" in text and ("email" in name.lower() or name == "id"):
            return text
    return ""


def matches(key: str, value: Any, wanted: str) -> bool:
    """Whether a record is the one searched for: its key, an id field or an email field equals ``wanted``
    (case-insensitive)."""
    wanted = wanted.strip().lower()
    if key.lower() == wanted:
        return True
    for name, text in walk_strings(value):
        lowered = name.lower()
        if text.lower() == wanted and (lowered.endswith("id") or "email" in lowered):
            return True
    return False


def summary_of(value: Any) -> str:
    """A few telling fields of a record, as one line."""
    if not isinstance(value, dict):
        return compact(value, 80)
    parts = [f"{name}: {compact(value[name], 40)}" for name in SUMMARY_FIELDS
             if isinstance(value.get(name), (str, int, float)) and value.get(name) != ""]
    return " · ".join(parts[:3])


def pairs(tenant: TenantState, resource: str) -> list[tuple[str, Any]]:
    """Every ``(key, value)`` of a resource (for search), read under the tenant's lock."""
    with tenant.lock:
        collection = tenant.find_collection(resource)
        if collection is not None:
            return [(key, jsonable(record)) for key, record in collection.items()]
        value = tenant.extra.get(resource)
        if isinstance(value, list):
            return [(str(i), jsonable(item)) for i, item in enumerate(value)]
        if isinstance(value, dict):
            return [(str(k), jsonable(v)) for k, v in value.items()]
        view = derived(tenant).get(resource)
        if view is not None:
            return [(str(i), jsonable(item)) for i, item in enumerate(view())]
    return []


def rows_of(answer: dict[str, Any]) -> list[tuple[str, Any]]:
    """``(key, value)`` pairs of one page as the state route answers it."""
    offset = int(answer.get("offset", 0))
    out: list[tuple[str, Any]] = []
    for i, item in enumerate(answer.get("items", [])):
        if answer["kind"] == "collection":
            out.append((item["key"], item["record"]))
        elif isinstance(item, dict) and set(item) == {"key", "value"}:
            out.append((item["key"], item["value"]))
        else:
            out.append((str(offset + i), item))
    return out


def browse(tenant: TenantState, resource: str, limit: int, offset: int, search: str) -> tuple[list[Row], Paging]:
    """One page of a resource (or of the records matching ``search``)."""
    if search:
        found = [(k, v) for k, v in pairs(tenant, resource) if matches(k, v, search)]
        chosen, total = found[offset:offset + limit], len(found)
    else:
        answer = resource_page(tenant, resource, limit, offset)
        if "items" not in answer:  # config or a single value: one "record"
            return [Row(resource, "", "open to see the whole value")], Paging(0, limit, 1, 1)
        chosen, total = rows_of(answer), int(answer["total"])
    rows = [Row(key, email_of(value), summary_of(value)) for key, value in chosen]
    return rows, Paging(offset, limit, total, len(rows))


def record_value(tenant: TenantState, resource: str, key: str) -> Any:
    """One record (or list item, map entry, the config) by key; 404 when absent."""
    with tenant.lock:
        collection = tenant.find_collection(resource)
        if collection is not None:
            record = collection.get(key)
            if record is not None:
                return jsonable(record)
        elif resource in tenant.extra:
            value = tenant.extra[resource]
            if isinstance(value, list) and key.isdigit() and int(key) < len(value):
                return jsonable(value[int(key)])
            if isinstance(value, dict) and key in value:
                return jsonable(value[key])
            if not isinstance(value, (list, dict)):
                return jsonable(value)
        elif resource in derived(tenant):
            items = derived(tenant)[resource]()
            if key.isdigit() and int(key) < len(items):
                return jsonable(items[int(key)])
        elif resource == CONFIG:
            return jsonable(tenant.config)
    raise not_found(f"no record {key!r} in {resource!r} of {tenant.vendor} tenant {tenant.tenant_id!r}")


def tenant_choices(mock: MockContext) -> list[tuple[str, str]]:
    """``(value, label)`` of every tenant, for the picker (value ``vendor/tenant``)."""
    out = []
    for t in sorted(mock.store.tenants(), key=lambda t: (t.vendor, t.tenant_id)):
        name = t.config.get("name")
        out.append((f"{t.vendor}/{t.tenant_id}", f"{t.vendor} · {t.tenant_id}" + (f" ({name})" if name else "")))
    return out


def chosen_tenant(mock: MockContext) -> TenantState | None:
    """The tenant the query names (``tenant=vendor/id``), None when none is chosen; 404 when unknown."""
    raw = request.args.get("tenant", "")
    if not raw:
        return None
    vendor, _, tenant_id = raw.partition("/")
    return require_tenant(mock, vendor, tenant_id)


def register(bp: Blueprint) -> None:
    """Attach the records pages."""

    @bp.get("/records")
    def records() -> Response:
        """Browse a tenant's resources and one resource a page at a time (search by id or email)."""
        mock = ctx()
        tenant = chosen_tenant(mock)
        resource = request.args.get("resource", "")
        search = request.args.get("q", "").strip()
        limit = query_int("limit", DEFAULT_SIZE, 1, 500)
        offset = query_int("offset", 0, 0)
        listing: list[dict[str, Any]] = []
        rows: list[Row] = []
        paging = None
        if tenant is not None:
            with tenant.lock:
                listing = resources(tenant)
            if resource:
                rows, paging = browse(tenant, resource, limit, offset, search)
        return page("ui/records.html", title="Records", tenants=tenant_choices(mock),
                    tenant=f"{tenant.vendor}/{tenant.tenant_id}" if tenant else "", resources=listing,
                    resource=resource, rows=rows, paging=paging, search=search, limit=limit,
                    page_sizes=sorted({*PAGE_SIZES, limit}),
                    timeline=tenant is not None and _has_timeline(tenant.vendor, resource))

    @bp.get("/records/record")
    def record() -> Response:
        """Show one record as formatted JSON."""
        mock = ctx()
        tenant = chosen_tenant(mock)
        resource = request.args.get("resource", "")
        key = request.args.get("key", "")
        if tenant is None or not resource:
            raise not_found("choose a tenant and a resource")
        value = record_value(tenant, resource, key)
        return page("ui/record.html", title=f"{resource} · {key}", tenant=f"{tenant.vendor}/{tenant.tenant_id}",
                    resource=resource, key=key, json=pretty(value), vendor=tenant.vendor,
                    tenant_id=tenant.tenant_id, timeline=_has_timeline(tenant.vendor, resource))


def _has_timeline(vendor: str, resource: str) -> bool:
    # The timeline (and its sources) is imported by the first page that asks, not by every app's start.
    from mock_server.control.ui.timeline import has_timeline

    return has_timeline(vendor, resource)
