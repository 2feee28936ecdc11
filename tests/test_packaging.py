"""A clean install: building the wheel and the editable wheel prints no warning, and the wheel carries
the templates, the static files and the default fixtures (README "Install")."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("setup.py", "setup.cfg", "pyproject.toml", "MANIFEST.in", "README.md")

# Runs the hook pip runs (PEP 517 build_wheel, PEP 660 build_editable) the way pip runs it: pip records the
# warnings the backend raises and prints every UserWarning (setuptools' BuildBackendWarning lines). It runs
# in a copy of the project (no build/ or egg-info left in the clone) and without build isolation, so no
# network is needed: the venv already has setuptools and wheel.
HOOK = """
import json, sys, warnings
from setuptools import build_meta
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("default")
    name = getattr(build_meta, sys.argv[1])(sys.argv[2])
print(json.dumps({"name": name, "warnings": [str(w.message) for w in caught if issubclass(w.category, UserWarning)]}))
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("project")
    for name in SOURCES:
        shutil.copy2(ROOT / name, copy / name)
    for folder in ("mock_server", "fixtures"):
        shutil.copytree(ROOT / folder, copy / folder, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def _build(project: Path, hook: str, out: Path) -> tuple[Path, list[str]]:
    done = subprocess.run([sys.executable, "-c", HOOK, hook, str(out)], cwd=project, capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return out / result["name"], result["warnings"]


@pytest.mark.slow
@pytest.mark.parametrize("hook", ["build_wheel", "build_editable"])
def test_build_prints_no_warning(project: Path, tmp_path: Path, hook: str) -> None:
    _, warnings = _build(project, hook, tmp_path)
    assert warnings == []


@pytest.mark.slow
def test_wheel_carries_templates_static_files_and_default_fixtures(project: Path, tmp_path: Path) -> None:
    wheel, _ = _build(project, "build_wheel", tmp_path)
    names = set(zipfile.ZipFile(wheel).namelist())
    fixtures = {p.relative_to(ROOT / "fixtures").as_posix() for p in (ROOT / "fixtures").glob("*/*/*.json")}
    assert {f"mock_server/default_fixtures/{name}" for name in fixtures} <= names
    assert {"mock_server/py.typed", "mock_server/static/ui.css", "mock_server/static/ui.js",
            "mock_server/templates/ui/base.html"} <= names
    assert not [name for name in names if name.startswith(("fixtures/", "tests/", "mock_server_fixtures/"))]


@pytest.mark.slow
def test_readme_install_lines_name_this_package_and_its_wheel(project: Path, tmp_path: Path) -> None:
    import configparser

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    name = config["metadata"]["name"]
    assert name == "ecommerce-marketing-mock"
    assert f'pip install "{name} @ git+' in readme
    wheel, _ = _build(project, "build_wheel", tmp_path)
    assert f"pip install dist/{wheel.name}" in readme  # the README's wheel is the one a build makes
    one_process = readme.split("### One process, or a shared sandbox on Redis", 1)[1].split("\n## ", 1)[0]
    for words in ("gunicorn", "contacts", "rate budget", "clock", "journal", "Running a shared sandbox"):
        assert words in one_process
