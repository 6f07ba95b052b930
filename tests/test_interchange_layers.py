"""The interchange and webhook packages stand apart from the engine (they import models only).

Anything the engine knows reaches them as an argument, so the engine's modules can move
without touching them; import-linter's layers allow matcher -> models, and this check keeps
these two packages from reaching into the rest of matcher.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import sys
from pathlib import Path

import pytest

import matcher.interchange
import matcher.webhooks

PACKAGES = [matcher.interchange, matcher.webhooks]
MODULES = [
    f"{package.__name__}.{info.name}"
    for package in PACKAGES
    for info in pkgutil.iter_modules(package.__path__)
]
THIRD_PARTY = {"pydantic", "msgspec"}


@pytest.mark.parametrize("name", MODULES)
def test_imports_only_the_standard_library_models_and_its_own_package(name: str) -> None:
    module = importlib.import_module(name)
    package = name.rsplit(".", 1)[0]
    tree = ast.parse(Path(str(module.__file__)).read_text("utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            targets = [node.module or ""]
        elif isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            continue
        for target in targets:
            top = target.split(".")[0]
            allowed = (
                top in sys.stdlib_module_names
                or top in THIRD_PARTY
                or top == "models"
                or target == package
                or target.startswith(f"{package}.")
            )
            assert allowed, f"{name} imports {target}"


@pytest.mark.parametrize("name", MODULES)
def test_every_public_name_exists(name: str) -> None:
    module = importlib.import_module(name)
    for public in getattr(module, "__all__", []):
        assert hasattr(module, public), f"{name}.__all__ names {public}, which does not exist"
