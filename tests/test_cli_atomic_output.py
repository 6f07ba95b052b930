"""Output files are written whole or not at all (Ctrl-C or a crash mid-run)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cli.matching import write_records
from tests.conftest import RunCli
from tests.paths import SAMPLE


def _records_then_crash(n: int) -> Iterator[dict[str, Any]]:
    for i in range(n):
        yield {"worker_id": f"W-{i}"}
    raise KeyboardInterrupt


def test_an_interrupted_run_leaves_the_old_output_and_no_partial_file(tmp_path: Path) -> None:
    out = tmp_path / "round.jsonl"
    out.write_text("previous run\n", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt):
        write_records(_records_then_crash(1000), out)
    assert out.read_text(encoding="utf-8") == "previous run\n"
    assert [p.name for p in tmp_path.iterdir()] == ["round.jsonl"]


def test_a_finished_run_replaces_the_output(tmp_path: Path) -> None:
    out = tmp_path / "round.jsonl"
    write_records(({"worker_id": f"W-{i}"} for i in range(3)), out)
    assert out.read_text(encoding="utf-8").splitlines() == [
        '{"worker_id": "W-0"}', '{"worker_id": "W-1"}', '{"worker_id": "W-2"}',
    ]  # fmt: skip
    assert [p.name for p in tmp_path.iterdir()] == ["round.jsonl"]


SAMPLE_FILES = ("--workers", "--vacancies", "--agencies")


def _sample(data: Path) -> list[str]:
    return [arg for flag in SAMPLE_FILES for arg in (flag, str(data / f"{flag.lstrip('-')}.jsonl"))]


@pytest.mark.parametrize(
    ("command", "outputs"),
    [
        (["match"], ["--out"]),
        (["allocate"], ["--out", "--report", "--report-html"]),
        (["insights", "--out", "{tmp}/tables"], ["--html"]),
        (["plan-training", "--courses", "{sample}/courses.jsonl"], ["--out", "--report-html"]),
    ],
)
def test_an_output_in_a_missing_folder_is_bad_usage_before_anything_is_written(
    run_cli: RunCli, tmp_path: Path, command: list[str], outputs: list[str]
) -> None:
    # Every output is checked before any work: a command with several outputs never
    # writes some and then fails on the last (nor leaves a traceback for a typo).
    fill = {"tmp": str(tmp_path), "sample": str(SAMPLE)}
    args = [a.format(**fill) for a in command] + _sample(SAMPLE)
    args += ["--as-of", "2026-03-01"]
    for missing in outputs:
        given = [
            arg for flag in outputs if flag != missing for arg in (flag, str(tmp_path / f"x{flag}"))
        ]
        result = run_cli(*args, *given, missing, tmp_path / "no-such-folder" / "x")
        assert result.exit_code == 2, result.stderr
        assert "does not exist" in result.stderr
        assert list(tmp_path.iterdir()) == []
