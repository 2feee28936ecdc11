"""The committed contract extract matches the vendor files it was generated from."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

HERE = Path(__file__).resolve().parent
SCRIPT = HERE.parents[1] / "scripts" / "extract_contracts.py"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("extract_contracts", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_extract_matches_its_source() -> None:
    script = _script()
    source = script.default_source()
    if not source.is_dir():
        pytest.skip(f"the vendor contract files are not available here ({source}); nothing to compare")
    expected = script.expected_files(source)
    committed = {f"{p.parent.name}/{p.name}": p.read_text(encoding="utf-8")
                 for p in sorted(HERE.glob("*/*.json"))}
    assert sorted(committed) == sorted(expected)
    stale = [name for name, text in expected.items() if committed[name] != text]
    assert stale == [], f"regenerate with scripts/extract_contracts.py: {stale}"


def test_extract_keeps_structure_and_drops_prose() -> None:
    script = _script()
    document = {
        "openapi": "3.0.1", "info": {"title": "T", "version": "1", "description": "prose"}, "_id": "x",
        "x-readme": {}, "paths": {"/a": {"get": {"summary": "s", "description": "d", "responses": {
            "200": {"description": "ok", "content": {"application/json": {"example": {}, "schema": {
                "type": "object", "required": ["description"], "properties": {
                    "description": {"type": "string", "description": "a field named description"},
                    "example": {"type": "integer", "format": "int32", "example": 3}}}}}}}}}},
    }
    out = script.extract(document)
    assert out["info"] == {"title": "T", "version": "1"}
    assert "_id" not in out and "x-readme" not in out
    operation = out["paths"]["/a"]["get"]
    assert "summary" not in operation and "description" not in operation
    ok = operation["responses"]["200"]
    assert ok["description"] == ""  # OpenAPI 3.0 requires the key on a Response object
    schema = ok["content"]["application/json"]["schema"]
    assert "example" not in ok["content"]["application/json"]
    assert schema["required"] == ["description"]
    assert schema["properties"] == {"description": {"type": "string"},
                                    "example": {"type": "integer", "format": "int32"}}


def test_every_extract_is_a_valid_openapi_document() -> None:
    from openapi_spec_validator import validate

    files = sorted(HERE.glob("*/*.json"))
    assert len(files) >= 21
    for path in files:
        validate(json.loads(path.read_text(encoding="utf-8")))
