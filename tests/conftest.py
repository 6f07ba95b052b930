"""Shared fixtures: the ``selaras`` command run in-process."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from cli.main import app

RunCli = Callable[..., Result]


@pytest.fixture
def run_cli() -> RunCli:
    """Run ``selaras ARGS...`` in-process; stdout and stderr are kept apart.

    Exceptions other than ``SystemExit`` propagate, so a crash can never pass for the
    exit status 1 of invalid input.
    """
    runner = CliRunner()

    def run(*args: str | Path, stdin: str | bytes | None = None) -> Result:
        # Wide enough that rich never wraps a table cell of the demo summary.
        return runner.invoke(
            app,
            [str(arg) for arg in args],
            input=stdin,
            env={"COLUMNS": "200"},
            catch_exceptions=False,
        )

    return run


@pytest.fixture
def sample_dir() -> Path:
    """The repository's sample data (what ``make run`` reads)."""
    return Path(__file__).resolve().parents[1] / "data" / "sample"
