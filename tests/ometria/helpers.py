"""Helpers for the Ometria tests: edited copies of the default fixtures, exact-size records, the outbox."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from flask import Flask

from mock_server.app import create_app
from mock_server.core.context import MockContext, Settings
from mock_server.core.fixtures import default_fixtures_dir
from mock_server.core.limits import json_size


def outbox(mock: MockContext, account: str = "staging", kind: str | None = None) -> list[dict[str, Any]]:
    """The account's outbox entries (of ``kind``), read under the tenant's lock: with a shared store, as
    the store holds them now (another process may have answered the request that wrote them)."""
    tenant = mock.tenant("ometria", account)
    assert tenant is not None
    with tenant.lock.reading():
        return [dict(e) for e in tenant.extra.get("outbox", []) if kind is None or e["kind"] == kind]


def fixture_copy(tmp_path: Path, *, tenant: dict[str, dict[str, Any]] | None = None,
                 drop: tuple[str, ...] = ()) -> Path:
    """Copy the default fixtures; merge ``tenant[<account>]`` into that account's tenant.json and
    remove the files in ``drop`` (``"staging/products.json"``)."""
    target = tmp_path / "fixtures"
    shutil.copytree(default_fixtures_dir(), target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    for account, changes in (tenant or {}).items():
        path = target / "ometria" / account / "tenant.json"
        document = json.loads(path.read_text(encoding="utf-8"))
        document.update(changes)
        path.write_text(json.dumps(document), encoding="utf-8")
    for name in drop:
        (target / "ometria" / name).unlink()
    return target


def make_app(fixtures: Path | None = None, **settings: Any) -> Flask:
    """A seeded app with a frozen clock (and the given settings)."""
    app = create_app(Settings(seed=1234, freeze_clock=True, fixtures=fixtures, **settings))
    app.config["TESTING"] = False
    return app


def sized_record(size: int, *, record_type: str = "product", record_id: str = "big-1", char: str = "a",
                 field: str = "title") -> dict[str, Any]:
    """A record whose compact UTF-8 JSON is exactly ``size`` bytes, padded with ``char`` as far as it
    goes evenly (the rest in ASCII)."""
    record: dict[str, Any] = {"@type": record_type, "id": record_id, field: ""}
    room = size - json_size(record)
    width = len(char.encode("utf-8"))
    record[field] = char * (room // width) + "a" * (room % width)
    assert json_size(record) == size
    return record


def products(count: int, prefix: str = "p", **fields: Any) -> list[dict[str, Any]]:
    """``count`` product records ``<prefix>1..``."""
    return [{"@type": "product", "id": f"{prefix}{i}", **fields} for i in range(1, count + 1)]


