"""Every repository path the README and docs/ name exists: a moved or deleted file fails here.

Two kinds of reference are checked: a backticked path under one of the repository's
top-level folders (`` `api/app.py` ``, `` `data/sample/pool/` ``), and the target of a
relative Markdown link (``[the API](api.md)``, resolved from the page's folder). Names
with a placeholder or a wildcard (`` `matcher/<capability>/` ``, `` `bench_*.py` ``)
stand for many files and are not checked.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.paths import ROOT

PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")])
"""The pages whose references are checked."""

_TOP = ("api", "benchmarks", "cli", "data", "docs", "matcher", "models", "scripts", "tests")
_BACKTICKED = re.compile(r"`((?:" + "|".join(_TOP) + r")/[^`\s]*)`")
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_PATTERN = re.compile(r"[<>*{}\[\]]")


def named_paths(page: Path) -> list[tuple[int, str, Path]]:
    """``(line, reference, resolved path)`` of every checkable reference of ``page``."""
    found = []
    for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), start=1):
        for match in _BACKTICKED.finditer(line):
            name = match.group(1).split("::")[0].rstrip(".,;:")
            if not _PATTERN.search(name):
                found.append((number, name, ROOT / name))
        for match in _LINK.finditer(line):
            target = match.group(1).split("#")[0]
            if target and "://" not in target and not target.startswith("mailto:"):
                found.append((number, target, page.parent / target))
    return found


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_named_path_exists(page: Path) -> None:
    missing = [
        f"{page.relative_to(ROOT)}:{line}: {name}"
        for line, name, path in named_paths(page)
        if not path.exists()
    ]
    assert not missing, "paths named but not in the repository:\n" + "\n".join(missing)


def test_the_check_sees_references() -> None:
    # A pattern that matched nothing would pass every page: the README names the CLI's
    # entry point and links the docs.
    names = {name for _, name, _ in named_paths(ROOT / "README.md")}
    assert any(name.startswith(("cli/", "api/", "matcher/")) for name in names)
    assert any(name.startswith("docs/") for name in names)
