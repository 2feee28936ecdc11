"""The repository needs nothing outside itself: no tracked file of the package, tests, benchmarks, docs or
build files names the workspace folder that sits beside the project only on its authors' machines, and
every "omnisend.md §N" / "ometria.md §N" the code cites is a section of the project's own docs."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHECKED = ("mock_server", "tests", "bench", "docs", "README.md", "Makefile", "setup.cfg")
# Built from pieces so that this file does not contain the strings it looks for.
FOLDER = "sha" + "red"
NEEDLES = (f"../{FOLDER}", f"{FOLDER}/reference", f"{FOLDER}/contracts")
CITATION = re.compile(r"\b(omnisend|ometria)\.md §(\d+(?:\.\d+)?)")
SKIPPED_DIRS = {".venv", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", "node_modules", ".cache"}


def tracked_files() -> list[Path]:
    """The files git tracks under :data:`CHECKED` (every file there when this is not a git checkout)."""
    if (ROOT / ".git").exists() and shutil.which("git"):
        listed = subprocess.run(["git", "ls-files", "-z", "--", *CHECKED], cwd=ROOT, capture_output=True,
                                check=True).stdout.decode("utf-8").split("\0")
        return [ROOT / name for name in listed if name and (ROOT / name).is_file()]
    files: list[Path] = []
    for name in CHECKED:
        path = ROOT / name
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files += [p for p in path.rglob("*") if p.is_file() and not SKIPPED_DIRS & set(p.parts)]
    return files


def _text(path: Path) -> str:
    return path.read_bytes().decode("utf-8", "replace")


def test_the_check_sees_the_files_it_should() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in tracked_files()}
    assert {"README.md", "Makefile", "setup.cfg", "docs/omnisend.md", "docs/ometria.md",
            "mock_server/omnisend/constants.py", "tests/test_self_contained.py"} <= names
    assert any(name.startswith("bench/") for name in names)


@pytest.mark.parametrize("needle", NEEDLES)
def test_no_tracked_file_points_outside_the_repository(needle: str) -> None:
    found = [f"{p.relative_to(ROOT)}:{n}" for p in tracked_files()
             for n, line in enumerate(_text(p).splitlines(), 1) if needle in line]
    assert found == []


def _sections(doc: str) -> set[str]:
    """The section numbers of a behaviour page: ``## 4.`` gives ``4``, ``### 6.8`` gives ``6.8``."""
    text = (ROOT / "docs" / doc).read_text(encoding="utf-8")
    return {m.group(1) for m in re.finditer(r"^#{2,3} (\d+(?:\.\d+)?)\.? ", text, re.MULTILINE)}


def test_every_cited_section_exists_in_the_docs() -> None:
    sections = {"omnisend": _sections("omnisend.md"), "ometria": _sections("ometria.md")}
    assert {"1.5", "3.5", "6.8", "7", "8"} <= sections["omnisend"]
    assert {"1.5", "4.3", "6.10", "7.4"} <= sections["ometria"]
    missing = sorted({f"{p.relative_to(ROOT)}: {m.group(0)}" for p in tracked_files() if p.suffix in (".py", ".md")
                      for m in CITATION.finditer(_text(p)) if m.group(2) not in sections[m.group(1)]})
    assert missing == []
