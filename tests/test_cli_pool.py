"""``selaras pool build`` and ``--pool``: the same bytes out as from the worker file, the
same errors for a bad worker file, and a stale or damaged snapshot refused with the way
to rebuild it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import RunCli
from tests.paths import POOL, SAMPLE, TEST_DATA

AS_OF = "2026-03-01"


def _build(run_cli: RunCli, directory: Path, out: Path, *, agencies: bool = True) -> None:
    extra = ["--agencies", directory / "agencies.jsonl"] if agencies else []
    result = run_cli(
        "pool", "build", "--workers", directory / "workers.jsonl", *extra, "--out", out
    )
    assert result.exit_code == 0, result.stderr


def _output(run_cli: RunCli, *args: str | Path) -> bytes:
    result = run_cli(*args)
    assert result.exit_code == 0, result.stderr
    return result.stdout_bytes


@pytest.mark.parametrize("directory", [SAMPLE, POOL], ids=["sample", "pool"])
@pytest.mark.parametrize(
    "options",
    [
        ("match", "--top", "50"),
        ("match", "--for", "workers", "--include-ineligible", "--top", "3", "--lang", "id"),
        ("allocate",),
        ("allocate", "--method", "stable", "--shortlist-per-slot", "2"),
    ],
    ids=["match", "match-workers", "allocate", "allocate-stable"],
)
def test_pool_gives_the_same_bytes_as_the_worker_file(
    run_cli: RunCli, tmp_path: Path, directory: Path, options: tuple[str, ...]
) -> None:
    snapshot = tmp_path / "workers.pool"
    _build(run_cli, directory, snapshot)
    command, *rest = options
    common = ["--vacancies", directory / "vacancies.jsonl", "--as-of", AS_OF, *rest]
    agencies = ["--agencies", directory / "agencies.jsonl"]
    from_file = _output(
        run_cli, command, "--workers", directory / "workers.jsonl", *agencies, *common
    )
    assert from_file
    # The register kept in the snapshot, or given again: the same run.
    assert _output(run_cli, command, "--pool", snapshot, *common) == from_file
    assert _output(run_cli, command, "--pool", snapshot, *agencies, *common) == from_file


def test_without_a_register_the_note_is_given(run_cli: RunCli, tmp_path: Path) -> None:
    snapshot = tmp_path / "workers.pool"
    _build(run_cli, SAMPLE, snapshot, agencies=False)
    args = ["--vacancies", SAMPLE / "vacancies.jsonl", "--as-of", AS_OF]
    from_file = run_cli("match", "--workers", SAMPLE / "workers.jsonl", *args)
    from_pool = run_cli("match", "--pool", snapshot, *args)
    assert from_pool.exit_code == from_file.exit_code == 0
    assert from_pool.stdout == from_file.stdout
    assert from_pool.stderr == from_file.stderr
    assert "no agency register given" in from_pool.stderr


@pytest.mark.parametrize(
    "bad", sorted((TEST_DATA / "invalid").glob("workers_*")), ids=lambda p: p.name
)
def test_build_reports_the_errors_match_reports(run_cli: RunCli, tmp_path: Path, bad: Path) -> None:
    out = tmp_path / "workers.pool"
    built = run_cli("pool", "build", "--workers", bad, "--out", out)
    matched = run_cli("match", "--workers", bad, "--vacancies", SAMPLE / "vacancies.jsonl")
    assert built.exit_code == matched.exit_code == 1
    assert built.stderr == matched.stderr
    assert not out.exists()  # all or nothing


@pytest.mark.parametrize("command", ["match", "allocate"])
def test_exactly_one_of_workers_and_pool(run_cli: RunCli, tmp_path: Path, command: str) -> None:
    snapshot = tmp_path / "workers.pool"
    _build(run_cli, SAMPLE, snapshot)
    vacancies = ["--vacancies", SAMPLE / "vacancies.jsonl"]
    for given in ([], ["--workers", SAMPLE / "workers.jsonl", "--pool", snapshot]):
        result = run_cli(command, *given, *vacancies)
        assert result.exit_code == 2
        assert "exactly one of --workers FILE and --pool POOL" in result.stderr


def test_allocate_report_needs_the_worker_file(run_cli: RunCli, tmp_path: Path) -> None:
    snapshot = tmp_path / "workers.pool"
    _build(run_cli, SAMPLE, snapshot)
    result = run_cli(
        "allocate", "--pool", snapshot, "--vacancies", SAMPLE / "vacancies.jsonl",
        "--report", tmp_path / "r.json",
    )  # fmt: skip
    assert result.exit_code == 2
    assert "protected attributes" in result.stderr
    assert not (tmp_path / "r.json").exists()


def test_a_stale_snapshot_is_refused_with_the_rebuild_command(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from matcher.pool import snapshot as module

    snapshot = tmp_path / "workers.pool"
    _build(run_cli, SAMPLE, snapshot)
    current = module.engine_versions()
    monkeypatch.setattr(module, "engine_versions", lambda: {**current, "taxonomy": "2099-01"})
    result = run_cli("match", "--pool", snapshot, "--vacancies", SAMPLE / "vacancies.jsonl")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "made under other versions (taxonomy:" in result.stderr
    assert (
        f"rebuild it: selaras pool build --workers {SAMPLE / 'workers.jsonl'} "
        f"--agencies {SAMPLE / 'agencies.jsonl'} --out {snapshot}"
    ) in result.stderr


@pytest.mark.parametrize("damage", ["truncate", "flip-payload", "flip-manifest", "empty"])
def test_a_damaged_snapshot_is_refused(run_cli: RunCli, tmp_path: Path, damage: str) -> None:
    snapshot = tmp_path / "workers.pool"
    _build(run_cli, SAMPLE, snapshot)
    data = bytearray(snapshot.read_bytes())
    if damage == "truncate":
        data = data[: len(data) - 100]
    elif damage == "flip-payload":
        data[len(data) // 2] ^= 0x01
    elif damage == "flip-manifest":
        data[100] ^= 0x01
    else:
        data = bytearray()
    snapshot.write_bytes(bytes(data))
    result = run_cli("match", "--pool", snapshot, "--vacancies", SAMPLE / "vacancies.jsonl")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert f"error: {snapshot}: " in result.stderr
    assert "rebuild it: selaras pool build" in result.stderr
