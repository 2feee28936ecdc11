"""Fixture loading: a folder per tenant, validated whole before anything is swapped in.

Layout::

    <dir>/omnisend/<folder>/tenant.json      brand settings, API keys, rate-limit overrides
    <dir>/omnisend/<folder>/<resource>.json  a JSON array of seed records per resource
    <dir>/ometria/<folder>/...               the same for Ometria accounts

A posted fixture document has the same shape in one JSON value:
``{"omnisend": [{"tenant": {...}, "<resource>": [...]}], "ometria": [...]}``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

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


def default_fixtures_dir() -> Path:
    """Return the folder of the packaged default fixtures."""
    import importlib

    package = importlib.import_module("mock_server_fixtures")
    return Path(str(package.__file__)).parent


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


def load_folder(ctx: MockContext, root: Path) -> list[TenantState]:
    """Validate and install a fixture folder; raise FixtureError and change nothing on a problem."""
    tenants = build_tenants(ctx, read_folder(root))
    install(ctx, tenants)
    return tenants
