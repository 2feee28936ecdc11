"""The control-plane examples in docs/control-plane.md name what the server answers: each documented
request with a complete JSON answer is replayed on a fresh sandbox, and the answer's status and field
names (at every depth) must be the documented ones, so the docs cannot say ``account`` where the server
says ``tenant``."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

DOC = Path(__file__).resolve().parents[2] / "docs" / "control-plane.md"
REQUEST = re.compile(r"^(GET|POST|PUT|PATCH|DELETE) (/_mock\S*)\s*(.*)$")
ANSWER = re.compile(r"^(\d{3}) (.*)$")
# Examples that need state a fresh sandbox does not have (a rule named f1, a queued record).
NEEDS_STATE = {("DELETE", "/_mock/faults/f1", 200)}


def _examples() -> list[tuple[str, str, Any, int, Any]]:
    lines = DOC.read_text(encoding="utf-8").splitlines()
    found = []
    for request_line, answer_line in itertools.pairwise(lines):
        request, answer = REQUEST.match(request_line), ANSWER.match(answer_line)
        if request is None or answer is None:
            continue
        try:
            body = json.loads(request.group(3)) if request.group(3) else None
            expected = json.loads(answer.group(2))
        except ValueError:
            continue  # an abridged example ("...") or one spread over several lines
        if (request.group(1), request.group(2), int(answer.group(1))) not in NEEDS_STATE:
            found.append((request.group(1), request.group(2), body, int(answer.group(1)), expected))
    return found


def shape(value: Any) -> Any:
    """The field names of ``value`` at every depth (list items merged), without the values."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        merged: dict[str, Any] = {}
        for item in value:
            if isinstance(item, dict):
                merged.update(shape(item))
        return [merged] if merged else []
    return None


EXAMPLES = _examples()


def test_the_docs_have_examples_to_check() -> None:
    assert len(EXAMPLES) >= 20
    assert ("POST", "/_mock/ometria/queue/pause?tenant=staging") in {(m, p) for m, p, *_ in EXAMPLES}


@pytest.mark.parametrize(("method", "path", "body", "status", "expected"), EXAMPLES,
                         ids=[f"{m} {p} {s}" for m, p, _, s, _ in EXAMPLES])
def test_documented_answer_matches_the_server(client: FlaskClient, method: str, path: str, body: Any,
                                              status: int, expected: Any) -> None:
    response = client.open(path, method=method, json=body)
    assert response.status_code == status
    assert shape(response.get_json()) == shape(expected)
