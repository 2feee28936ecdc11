"""Auto-discovery of a vendor's route modules, so resources are added without touching a shared list."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

from flask import Blueprint


def register_modules(bp: Blueprint, package: ModuleType) -> list[str]:
    """Import every module of ``package`` that defines ``register(bp)`` and call it (name order)."""
    names = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        register = getattr(module, "register", None)
        if callable(register):
            register(bp)
            names.append(info.name)
    return names
