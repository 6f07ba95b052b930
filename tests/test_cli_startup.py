"""``selaras --help`` and every command's ``--help`` answer without loading the engine.

Asserted on the modules a fresh interpreter holds afterwards, not on time (the machine is
shared): numpy, scikit-learn, OR-tools, FastAPI and the database stack take seconds to
import and none of them is needed to print usage.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("numpy", "scipy", "sklearn", "ortools", "joblib", "rapidfuzz", "fastapi", "uvicorn",
         "sqlalchemy", "dask")  # fmt: skip
# Run `selaras ARGS` as the console script does, then list the heavy modules loaded.
PROBE = """
import json, sys
from cli.main import main
sys.argv = ["selaras", *sys.argv[1:]]
code = None
try:
    main()
except SystemExit as stop:
    code = stop.code
print(json.dumps({"code": code, "loaded": [m for m in HEAVY if m in sys.modules]}),
      file=sys.stderr)
"""


def _loaded(*args: str) -> tuple[int, list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", f"HEAVY = {HEAVY!r}\n{PROBE}", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    found = json.loads(done.stderr.strip().splitlines()[-1])
    return found["code"], found["loaded"]


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["validate", "--help"],
        ["normalize", "skill", "--help"],
        ["match", "--help"],
        ["explain", "--help"],
        ["allocate", "--help"],
        ["demo", "--help"],
        ["serve", "--help"],
        ["keys", "create", "--help"],
        ["match"],  # a usage error (missing options): exit 2 at once
    ],
    ids=" ".join,
)
def test_usage_loads_no_heavy_module(args: list[str]) -> None:
    code, loaded = _loaded(*args)
    assert code == (2 if args == ["match"] else 0)
    assert loaded == []


def test_the_probe_sees_heavy_imports() -> None:
    """The probe itself works: a command that does the work loads what it needs."""
    code, loaded = _loaded("normalize", "skill", "zzqx mesin jahitt")
    assert code == 0
    assert {"numpy", "rapidfuzz"} <= set(loaded)


@pytest.mark.parametrize("text", ["las listrik", "zzqx mesin jahitt"])
def test_the_ngram_fallback_loads_no_scikit_learn(text: str) -> None:
    """Neither the names, the edit ratio nor the n-gram stage (a segment with an unknown
    word the edit ratio cannot place: "zzqx mesin jahitt") loads scikit-learn (about a
    second): the n-grams are matcher.text.ngrams'."""
    code, loaded = _loaded("normalize", "skill", text)
    assert code == 0
    assert "rapidfuzz" in loaded
    assert "sklearn" not in loaded
