"""Everything is declared in setup.cfg except the package list and the default fixtures.

Why here: the top-level ``fixtures/`` folder (the default data set, edited in the clone) ships inside the
wheel as ``mock_server/default_fixtures/``, which setup.cfg cannot express. ``package_dir={"": "."}`` keeps
the layout "simple" for setuptools, so an editable install is a plain path entry (the clone's own
``fixtures/`` is then read in place) and prints no warning; the data folders (``static``, ``templates``)
are listed as namespace packages so that setuptools does not warn that they would be ignored.
"""

from pathlib import Path

from setuptools import find_namespace_packages, setup
from setuptools.command.build_py import build_py

FIXTURES = Path("fixtures")
TARGET = Path("mock_server", "default_fixtures")


class BuildWithFixtures(build_py):  # type: ignore[misc]
    """Build the packages, then copy fixtures/*/*/*.json into mock_server/default_fixtures/."""

    def _fixture_files(self) -> list[tuple[Path, Path]]:
        return [(source, Path(self.build_lib) / TARGET / source.relative_to(FIXTURES))
                for source in sorted(FIXTURES.glob("*/*/*.json"))]

    def run(self) -> None:
        super().run()
        for source, target in self._fixture_files():
            self.mkpath(str(target.parent))
            self.copy_file(str(source), str(target))

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        return [*super().get_outputs(include_bytecode), *(str(t) for _, t in self._fixture_files())]


setup(
    packages=find_namespace_packages(include=["mock_server", "mock_server.*"], exclude=["*.__pycache__"]),
    package_dir={"": "."},
    package_data={"mock_server": ["py.typed"], "mock_server.static": ["*"],
                  "mock_server.templates.ui": ["*.html"], "mock_server.tracking.static": ["*.js"],
                  "mock_server.tracking.templates.demo_shop": ["*.html"]},
    cmdclass={"build_py": BuildWithFixtures},
)
