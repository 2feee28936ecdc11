"""The docs do not rot: the CI example is this repository's test, and every /_mock route is documented."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parents[2]
MARKER = "<!-- example: tests/control/test_ci_example.py -->"


def test_ci_example_in_the_docs_is_the_test_file() -> None:
    doc = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "## Using it in your CI" in doc
    after = doc.split(MARKER, 1)[1]
    block = re.match(r"\s*```python\n(.*?)```", after, re.DOTALL)
    assert block is not None
    assert block.group(1) == (ROOT / "tests" / "control" / "test_ci_example.py").read_text(encoding="utf-8")


def test_every_control_route_is_documented(app: Flask) -> None:
    doc = (ROOT / "docs" / "control-plane.md").read_text(encoding="utf-8")
    missing = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/_mock") or rule.rule.startswith("/_mock/ui"):
            continue  # the dashboard's pages are described in docs/dashboard.md (tests/ui/test_pages.py)
        path = re.sub(r"<(?:[^>:]+:)?([^>]+)>", r"{\1}", rule.rule)
        path = path.replace("{tenant_id}", "{tenant}").replace("{rule_id}", "{id}")
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            if f"`{method} {path}`" not in doc:  # as listed in the contents table
                missing.append(f"{method} {path}")
    assert missing == []
