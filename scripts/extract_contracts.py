#!/usr/bin/env python3
"""Write the structural extract of Omnisend's OpenAPI definitions that the contract tests read.

The vendor files live outside the repository (in the team's workspace, beside the clone); a user's
clone has only this extract, under tests/contracts/<set>/<name>.json. The extract keeps what a response
check needs (paths, parameters, request and response schemas, required fields, types, formats, enums,
defaults, bounds and every ``$ref``) and drops prose and samples (descriptions, summaries, examples,
``x-`` extensions and readme.io bookkeeping). Response objects keep an empty ``description`` because
OpenAPI 3.0 requires the key.

    python3 scripts/extract_contracts.py [SOURCE_DIR]      # default: the contracts folder beside the clone

tests/contracts/test_extract.py runs the same extraction whenever the source folder is present and
fails if the committed extract no longer matches it.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "tests" / "contracts"
# Which vendor sets are extracted. emailcontent.yml (2026-03-15) is left out: its three operations and
# all of its schemas are identical to those in emailtemplates.json (the source folder's README says so).
SETS = ("omnisend-v3", "omnisend-2026-03-15")

DROPPED = {"description", "summary", "example", "examples", "externalDocs", "_id"}
# Keys whose value is a map from names (paths, property names, status codes, media types ...) to
# objects: the names are data, never keywords, so a property called "description" stays.
NAMED_MAPS = {"paths", "properties", "patternProperties", "definitions", "schemas", "parameters",
              "requestBodies", "headers", "securitySchemes", "links", "callbacks", "content", "encoding",
              "variables"}
# Maps from names to plain strings: copied as they are.
STRING_MAPS = {"mapping", "scopes"}


def default_source() -> Path:
    """The vendor contracts folder: $MOCK_CONTRACTS_SOURCE, or the workspace folder beside the clone."""
    env = os.environ.get("MOCK_CONTRACTS_SOURCE")
    return Path(env) if env else ROOT.parent / "shared" / "contracts"


def strip(node: Any, *, response: bool = False) -> Any:
    """Return ``node`` without prose and samples (``response``: it is an OpenAPI Response object)."""
    if isinstance(node, list):
        return [strip(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in DROPPED or key.startswith("x-"):
            continue
        if key == "responses" and isinstance(value, dict):
            out[key] = {code: strip(item, response=True) for code, item in value.items()}
        elif key == "components" and isinstance(value, dict):
            out[key] = {group: _strip_map(group, items) for group, items in value.items()
                        if group not in DROPPED and not group.startswith("x-")}
        elif key in NAMED_MAPS and isinstance(value, dict):
            out[key] = _strip_map(key, value)
        elif key in STRING_MAPS:
            out[key] = value
        else:
            out[key] = strip(value)
    if response and "$ref" not in out:
        out = {"description": "", **out}
    return out


def _strip_map(group: str, items: Any) -> Any:
    if not isinstance(items, dict):
        return strip(items)
    if group == "examples":
        return {}
    return {name: strip(item, response=(group == "responses")) for name, item in items.items()}


def extract(document: dict[str, Any]) -> dict[str, Any]:
    """The structural extract of one vendor OpenAPI document."""
    out = strip(document)
    info = document.get("info", {})
    out["info"] = {"title": info.get("title", ""), "version": info.get("version", "")}
    out.get("components", {}).pop("examples", None)
    return dict(out)


def render(document: dict[str, Any]) -> str:
    """The extract's file text (stable, one key per line, so a regeneration diffs cleanly)."""
    return json.dumps(extract(document), indent=1, ensure_ascii=False) + "\n"


def expected_files(source: Path) -> dict[str, str]:
    """Map ``<set>/<name>.json`` to the text the extract of that source file must have."""
    files: dict[str, str] = {}
    for name in SETS:
        for path in sorted((source / name).glob("*.json")):
            files[f"{name}/{path.name}"] = render(json.loads(path.read_text(encoding="utf-8")))
    return files


def main(argv: list[str]) -> int:
    source = Path(argv[0]) if argv else default_source()
    if not source.is_dir():
        print(f"no contracts folder at {source}", file=sys.stderr)
        return 2
    files = expected_files(source)
    for relative, text in files.items():
        target = TARGET / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    print(f"wrote {len(files)} files under {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
