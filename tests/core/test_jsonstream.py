"""Streaming a JSON array file gives what json.loads gives, and errors name the line and column."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mock_server.core import jsonstream
from mock_server.core.jsonstream import JsonArrayFile, JsonStreamError


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonstream, "CHUNK", 7)  # every value crosses chunk boundaries


@pytest.mark.parametrize("text", [
    "[]", " [ ] ", '[{"a": 1}]', '[1, 22, 333.5, -4e10, "x\\u00e9y", null, true, [1, [2]], {"k": {"v": "w"}}]',
    '\n[\n  {"id": "c1", "tags": ["a", "b"]},\n  {"id": "c2", "name": "Žana"}\n]\n', "[123456789012345678901]",
])
def test_elements_are_those_json_loads_finds(tmp_path: Path, text: str) -> None:
    path = tmp_path / "a.json"
    path.write_text(text, encoding="utf-8")
    assert list(JsonArrayFile(path)) == json.loads(text)


# The same messages and places as json.loads reports.
@pytest.mark.parametrize(("text", "message", "line", "column"), [
    ('{"a": 1}', "must be a JSON array of records", 1, 1),
    ('[1, 2,\n  3 x]', "Expecting ',' delimiter", 2, 5),
    ('[1,\n\n {"a" 1}]', "Expecting ':' delimiter", 3, 7),
    ("[1] 2", "Extra data", 1, 5),
    ("[1, 2", "Expecting ',' delimiter", 1, 6),
])
def test_errors_name_the_place(tmp_path: Path, text: str, message: str, line: int, column: int) -> None:
    path = tmp_path / "a.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(JsonStreamError) as caught:
        list(JsonArrayFile(path))
    assert (caught.value.message, caught.value.line, caught.value.column) == (message, line, column)


def _state(monkeypatch: pytest.MonkeyPatch, stream_from: int) -> dict[tuple[str, str], object]:
    from mock_server.app import create_app
    from mock_server.core import fixtures
    from mock_server.core.context import Settings

    monkeypatch.setattr(fixtures, "STREAM_FROM_BYTES", stream_from)
    fixtures._SEEDED.clear()  # seed for real, not from the per-process cache
    mock = create_app(Settings(seed=7, freeze_clock=True)).extensions["mock"]
    return {(t.vendor, t.tenant_id): t.snapshot() for t in mock.store.tenants()}


def test_a_streamed_fixture_folder_seeds_the_same_state(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _state(monkeypatch, 0) == _state(monkeypatch, 1 << 40)


def test_a_broken_streamed_file_names_file_line_and_column(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    from mock_server.app import create_app
    from mock_server.core import fixtures
    from mock_server.core.context import Settings
    from mock_server.core.fixtures import FixtureError, default_fixtures_dir

    folder = tmp_path / "fx"
    shutil.copytree(default_fixtures_dir(), folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    (folder / "omnisend" / "demo" / "contacts.json").write_text('[\n  {"contactID": 1\n]')
    monkeypatch.setattr(fixtures, "STREAM_FROM_BYTES", 0)
    with pytest.raises(FixtureError) as caught:
        create_app(Settings(fixtures=folder))
    assert caught.value.file.endswith("contacts.json")
    assert caught.value.reason == "invalid JSON at line 3 column 1: Expecting ',' delimiter"


# Runs of objects decoded in one call (_Window.decode_run): a "}," inside a string or inside an element is
# no place to cut, and a problem after a run is still found where it is.
TRICKY = ('[{"a": "x},{y"}, {"b": [{"c": 1},{"d": "},"}]},{"e": {"f": {}},"g": "\\"},"},\n'
          ' {"h": 1} ,{"i": [1,2]},{"j": "\\ud83d\\ude00 }, \\u00e9"}, 7, {"k": null},{"l": 2}]')


@pytest.mark.parametrize("chunk", [7, 64, 1 << 20])
def test_runs_of_objects_are_cut_only_between_elements(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       chunk: int) -> None:
    monkeypatch.setattr(jsonstream, "CHUNK", chunk)
    path = tmp_path / "a.json"
    path.write_text(TRICKY, encoding="utf-8")
    assert list(JsonArrayFile(path)) == json.loads(TRICKY)


@pytest.mark.parametrize("chunk", [7, 1 << 20])
@pytest.mark.parametrize(("text", "message", "line", "column"), [
    ('[{"a": 1},{"b": 2},\n{"c" 3},{"d": 4},{"e": 5}]', "Expecting ':' delimiter", 2, 6),
    ('[{"a": 1},{"b": "},"},\n{"c": 3}, x, {"d": 4},{"e": 5}]', "Expecting value", 2, 11),
    ('[{"a": 1},{"b": 2},{"c": 3}', "Expecting ',' delimiter", 1, 28),
])
def test_a_problem_after_a_run_names_its_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int,
                                               text: str, message: str, line: int, column: int) -> None:
    monkeypatch.setattr(jsonstream, "CHUNK", chunk)
    path = tmp_path / "a.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(JsonStreamError) as caught:
        list(JsonArrayFile(path))
    assert (caught.value.message, caught.value.line, caught.value.column) == (message, line, column)
    with pytest.raises(json.JSONDecodeError) as expected:
        json.loads(text)
    assert (expected.value.msg, expected.value.lineno, expected.value.colno) == (message, line, column)
