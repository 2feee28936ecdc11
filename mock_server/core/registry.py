"""Auto-discovery of a vendor's route modules, so resources are added without touching a shared list."""

from __future__ import annotations

import importlib
import os
import pkgutil
from types import ModuleType

from flask import Blueprint


def module_names(package: ModuleType) -> list[str]:
    """The names of ``package``'s modules and subpackages, sorted.

    Read from the package's folders (``name.py`` files and folders with an ``__init__.py``), which is what
    ``pkgutil.iter_modules`` finds there; pkgutil itself is asked only for a path entry that is not a
    folder (a zip). Cheaper at start-up: pkgutil's file finder imports ``inspect`` (tens of milliseconds
    for every process) and stats each entry twice.
    """
    names: set[str] = set()
    for folder in package.__path__:
        try:
            entries = list(os.scandir(folder))
        except OSError:  # not a folder: whatever pkgutil's importers find there
            names.update(info.name for info in pkgutil.iter_modules([folder]))
            continue
        for entry in entries:
            stem, dot, suffix = entry.name.partition(".")
            if not stem.isidentifier() or stem == "__init__":
                continue
            if entry.is_dir():
                if not dot and os.path.isfile(os.path.join(entry.path, "__init__.py")):
                    names.add(stem)
            elif suffix == "py":
                names.add(stem)
    return sorted(names)


def register_modules(bp: Blueprint, package: ModuleType) -> list[str]:
    """Import every module of ``package`` that defines ``register(bp)`` and call it (name order)."""
    names = []
    for name in module_names(package):
        module = importlib.import_module(f"{package.__name__}.{name}")
        register = getattr(module, "register", None)
        if callable(register):
            register(bp)
            names.append(name)
    return names
