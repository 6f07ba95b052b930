"""Output files are written whole or not at all (Ctrl-C or a crash mid-run)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cli.matching import write_records


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
