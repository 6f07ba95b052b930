"""``--pool`` of ``explain``, ``plan-training`` and ``insights``: the same bytes out as from
the worker file (on the sample, its 2,000-worker pool and a 10,000-worker synthetic pool),
exactly one of ``--workers`` and ``--pool``, and a stale or damaged snapshot refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.synthetic import generate_pool, write_pool
from tests.conftest import RunCli
from tests.paths import POOL, SAMPLE

AS_OF = "2026-03-01"
# Every table a snapshot gives (origin counts the province, which it does not hold).
TABLES = ["supply_demand", "gaps", "languages", "refusals", "courses"]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A seeded 10,000-worker pool with 200 job orders (and the sample's courses)."""
    folder = tmp_path_factory.mktemp("synthetic")
    write_pool(generate_pool(10_000, 200, seed=11), folder)
    (folder / "courses.jsonl").write_bytes((SAMPLE / "courses.jsonl").read_bytes())
    return folder


def _build(run_cli: RunCli, directory: Path, out: Path) -> Path:
    result = run_cli(
        "pool", "build", "--workers", directory / "workers.jsonl",
        "--agencies", directory / "agencies.jsonl", "--out", out,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    return out


def _built(run_cli: RunCli, tmp_path: Path, synthetic: Path, where: str) -> tuple[Path, Path]:
    """The data directory named ``where`` and a snapshot built from it."""
    directory = {"sample": SAMPLE, "pool": POOL, "synthetic": synthetic}[where]
    return directory, _build(run_cli, directory, tmp_path / "workers.pool")


def _both(run_cli: RunCli, directory: Path, snapshot: Path, *args: str | Path) -> tuple[str, str]:
    """stdout of the command from the worker file and from the snapshot."""
    from_file = run_cli(*args, "--workers", directory / "workers.jsonl")
    from_pool = run_cli(*args, "--pool", snapshot)
    assert from_file.exit_code == 0, from_file.stderr
    assert from_pool.exit_code == 0, from_pool.stderr
    return from_file.stdout, from_pool.stdout


def _first_ids(directory: Path) -> tuple[str, str]:
    import json

    def first(name: str) -> str:
        with (directory / name).open(encoding="utf-8") as handle:
            return str(json.loads(handle.readline())["id"])

    return first("workers.jsonl"), first("vacancies.jsonl")


@pytest.mark.parametrize("where", ["sample", "pool", "synthetic"])
def test_explain_from_a_snapshot(
    run_cli: RunCli, tmp_path: Path, synthetic: Path, where: str
) -> None:
    directory, snapshot = _built(run_cli, tmp_path, synthetic, where)
    worker, vacancy = _first_ids(directory)
    for lang in ("en", "id"):
        args = [
            "explain", "--vacancies", directory / "vacancies.jsonl", "--worker", worker,
            "--vacancy", vacancy, "--agencies", directory / "agencies.jsonl",
            "--as-of", AS_OF, "--lang", lang,
        ]  # fmt: skip
        from_file, from_pool = _both(run_cli, directory, snapshot, *args)
        assert from_file
        assert from_pool == from_file


def test_explain_unknown_ids_name_the_snapshot(run_cli: RunCli, tmp_path: Path) -> None:
    snapshot = _build(run_cli, SAMPLE, tmp_path / "workers.pool")
    result = run_cli(
        "explain", "--pool", snapshot, "--vacancies", SAMPLE / "vacancies.jsonl",
        "--worker", "W-NOPE", "--vacancy", "V-NOPE",
    )  # fmt: skip
    assert result.exit_code == 2
    assert f"--worker: no worker 'W-NOPE' in {snapshot}" in result.stderr
    assert "--vacancy: no job order 'V-NOPE'" in result.stderr


@pytest.mark.parametrize("where", ["sample", "synthetic"])
def test_plan_training_from_a_snapshot(
    run_cli: RunCli, tmp_path: Path, synthetic: Path, where: str
) -> None:
    directory, snapshot = _built(run_cli, tmp_path, synthetic, where)
    args = [
        "plan-training", "--vacancies", directory / "vacancies.jsonl",
        "--courses", directory / "courses.jsonl", "--agencies", directory / "agencies.jsonl",
        "--as-of", AS_OF, "--time-limit", "600", "--no-progress",
    ]  # fmt: skip
    from_file, from_pool = _both(run_cli, directory, snapshot, *args)
    assert '"summary"' in from_file
    assert from_pool == from_file


def test_plan_training_report_needs_the_worker_file(run_cli: RunCli, tmp_path: Path) -> None:
    snapshot = _build(run_cli, SAMPLE, tmp_path / "workers.pool")
    result = run_cli(
        "plan-training", "--pool", snapshot, "--vacancies", SAMPLE / "vacancies.jsonl",
        "--courses", SAMPLE / "courses.jsonl", "--report-html", tmp_path / "r.html",
    )  # fmt: skip
    assert result.exit_code == 2
    assert "protected attributes" in result.stderr
    assert not (tmp_path / "r.html").exists()


@pytest.mark.parametrize("where", ["sample", "synthetic"])
def test_insights_from_a_snapshot(
    run_cli: RunCli, tmp_path: Path, synthetic: Path, where: str
) -> None:
    directory, snapshot = _built(run_cli, tmp_path, synthetic, where)
    outs = {}
    for source, given in (("file", directory / "workers.jsonl"), ("pool", snapshot)):
        outs[source] = tmp_path / source
        result = run_cli(
            "insights", "--workers" if source == "file" else "--pool", given,
            "--vacancies", directory / "vacancies.jsonl",
            "--agencies", directory / "agencies.jsonl", "--courses", directory / "courses.jsonl",
            "--as-of", AS_OF, "--as-of", "2026-06-01", "--min-cell", "3",
            *(f"--table={name}" for name in TABLES), "--out", outs[source],
        )  # fmt: skip
        assert result.exit_code == 0, result.stderr
    written = sorted(p.relative_to(outs["file"]) for p in outs["file"].rglob("*") if p.is_file())
    assert written == sorted(
        p.relative_to(outs["pool"]) for p in outs["pool"].rglob("*") if p.is_file()
    )
    assert any(p.name == "gaps.csv" for p in written)
    for name in written:
        assert (outs["pool"] / name).read_bytes() == (outs["file"] / name).read_bytes(), name


def test_insights_from_a_snapshot_leaves_out_origin(run_cli: RunCli, tmp_path: Path) -> None:
    snapshot = _build(run_cli, SAMPLE, tmp_path / "workers.pool")
    common = ["insights", "--pool", snapshot, "--vacancies", SAMPLE / "vacancies.jsonl",
              "--as-of", AS_OF, "--min-cell", "3"]  # fmt: skip
    every = run_cli(*common, "--out", tmp_path / "every")
    assert every.exit_code == 0, every.stderr
    assert "no origin table from --pool" in every.stderr
    assert (tmp_path / "every" / "gaps.csv").exists()
    assert not list((tmp_path / "every").glob("origin.*"))
    asked = run_cli(*common, "--table", "origin", "--out", tmp_path / "asked")
    assert asked.exit_code == 2
    assert "the origin table needs --workers FILE" in asked.stderr
    assert not (tmp_path / "asked").exists()


def test_insights_as_of_before_every_record_from_a_snapshot(
    run_cli: RunCli, tmp_path: Path
) -> None:
    snapshot = _build(run_cli, SAMPLE, tmp_path / "workers.pool")
    args = ["insights", "--vacancies", SAMPLE / "vacancies.jsonl", "--as-of", "1990-01-01"]
    from_file = run_cli(*args, "--workers", SAMPLE / "workers.jsonl", "--out", tmp_path / "a")
    from_pool = run_cli(*args, "--pool", snapshot, "--out", tmp_path / "b")
    assert from_file.exit_code == from_pool.exit_code == 2
    assert "is before every record" in from_file.stderr
    assert from_pool.stderr.splitlines()[-1] == from_file.stderr.splitlines()[-1]


def _commands(tmp_path: Path) -> dict[str, list[str | Path]]:
    vacancies = ["--vacancies", SAMPLE / "vacancies.jsonl"]
    return {
        "explain": ["explain", *vacancies, "--worker", "W1", "--vacancy", "V1"],
        "plan-training": ["plan-training", *vacancies, "--courses", SAMPLE / "courses.jsonl"],
        "insights": ["insights", *vacancies, "--out", tmp_path / "out"],
    }


@pytest.mark.parametrize("command", ["explain", "plan-training", "insights"])
def test_exactly_one_of_workers_and_pool(run_cli: RunCli, tmp_path: Path, command: str) -> None:
    snapshot = _build(run_cli, SAMPLE, tmp_path / "workers.pool")
    args = _commands(tmp_path)[command]
    for given in ([], ["--workers", SAMPLE / "workers.jsonl", "--pool", snapshot]):
        result = run_cli(*args, *given)
        assert result.exit_code == 2
        assert "exactly one of --workers FILE and --pool POOL" in result.stderr


@pytest.mark.parametrize("command", ["explain", "plan-training", "insights"])
def test_stale_and_damaged_snapshots_are_refused(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    from matcher.pool import snapshot as module

    snapshot = _build(run_cli, SAMPLE, tmp_path / "workers.pool")
    args = [*_commands(tmp_path)[command], "--pool", snapshot]
    data = snapshot.read_bytes()
    snapshot.write_bytes(data[: len(data) // 2])
    damaged = run_cli(*args)
    assert damaged.exit_code == 1
    assert f"error: {snapshot}: truncated or damaged snapshot" in damaged.stderr
    snapshot.write_bytes(data)
    current = module.engine_versions()
    monkeypatch.setattr(module, "engine_versions", lambda: {**current, "code": "0.0.0"})
    stale = run_cli(*args)
    assert stale.exit_code == 1
    assert stale.stdout == ""
    assert "made under other versions (code:" in stale.stderr
    assert f"rebuild it: selaras pool build --workers {SAMPLE / 'workers.jsonl'}" in stale.stderr
    assert not (tmp_path / "out").exists()
