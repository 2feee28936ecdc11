"""Everything is declared in setup.cfg except the package list: the top-level fixtures/ folder ships as
the package ``mock_server_fixtures`` so that an installed server (and its pytest plugin) finds its
default fixtures; setup.cfg cannot map a package onto a folder of another name."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["mock_server", "mock_server.*"]), "mock_server_fixtures"],
    package_dir={"mock_server_fixtures": "fixtures"},
    package_data={"mock_server": ["py.typed", "templates/*.html", "templates/ui/*.html", "static/*",
                                  "tracking/static/*.js", "tracking/templates/demo_shop/*.html"],
                  "mock_server_fixtures": ["*/*/*.json", "*.md"]},
)
