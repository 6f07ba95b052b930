"""``selaras allocate`` end to end on the sample files: records, invariants, reports, errors."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

RunCli = Callable[..., Result]
AS_OF = "2026-03-01"


def _files(directory: Path) -> list[str | Path]:
    return [
        "--workers",
        directory / "workers.jsonl",
        "--vacancies",
        directory / "vacancies.jsonl",
        "--agencies",
        directory / "agencies.jsonl",
        "--as-of",
        AS_OF,
    ]


def _records(result: Result) -> list[dict]:
    assert result.exit_code == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def _check_round(records: list[dict], directory: Path, *, per_slot: int | None) -> None:
    """Every worker once (selected or unplaced), slots kept, every job order accounted for."""
    workers = [json.loads(x)["id"] for x in (directory / "workers.jsonl").open()]
    vacancies = {v["id"]: v for v in map(json.loads, (directory / "vacancies.jsonl").open())}
    selected = "placed" if per_slot is None else "shortlisted"
    seen = Counter(r["worker_id"] for r in records if r.get("status") in (selected, "unplaced"))
    assert seen == Counter(workers)
    taken = Counter(r["vacancy_id"] for r in records if r.get("status") == selected)
    for vacancy_id, n in taken.items():
        assert n <= vacancies[vacancy_id]["slots"] * (per_slot or 1)
    refused = {r["vacancy_id"] for r in records if r.get("refused")}
    assert not refused & set(taken)
    for record in records:
        if record.get("status") == "unfilled":
            slots = vacancies[record["vacancy_id"]]["slots"]
            assert record["open_slots"] == slots - min(taken[record["vacancy_id"]], slots)
            assert record["reasons"]
        if record.get("status") == "unplaced":
            (reason,) = record["reasons"]
            assert reason["kind"] in {
                "ineligible_everywhere",
                "outcompeted",
                "no_job_order_in_preferences",
            }
        if record.get("status") == "shortlisted":
            assert 1 <= record["position"] <= vacancies[record["vacancy_id"]]["slots"] * per_slot
    ranks = [r["rank"] for r in records if r.get("status") == "placed"]
    assert all(rank >= 1 for rank in ranks)


@pytest.fixture(scope="module")
def pool_dir() -> Path:
    return Path(__file__).resolve().parents[1] / "data" / "sample" / "pool"


@pytest.mark.parametrize("method", ["optimal", "stable"])
def test_allocate_the_sample_pool(
    run_cli: RunCli, pool_dir: Path, tmp_path: Path, method: str
) -> None:
    out, report, page = tmp_path / "out.jsonl", tmp_path / "r.json", tmp_path / "r.html"
    result = run_cli(
        "allocate",
        *_files(pool_dir),
        "--method",
        method,
        "--out",
        out,
        "--report",
        report,
        "--report-html",
        page,
    )
    assert result.exit_code == 0, result.stderr
    records = _lines(out)
    _check_round(records, pool_dir, per_slot=None)
    statuses = Counter(r.get("status", "refused") for r in records)
    assert statuses["placed"] > 50
    assert statuses["refused"] == 4
    kinds = Counter(r["reasons"][0]["kind"] for r in records if r.get("status") == "unplaced")
    assert set(kinds) == {"ineligible_everywhere", "outcompeted", "no_job_order_in_preferences"}
    summary = json.loads(report.read_text("utf-8"))["summary"]
    assert summary["placed"] == statuses["placed"]
    assert summary["job_orders_unfilled"] == statuses["unfilled"]
    html = page.read_text("utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "<svg" in html


def test_optimal_scores_at_least_stable(run_cli: RunCli, pool_dir: Path) -> None:
    totals = {}
    for method in ("optimal", "stable"):
        records = _records(run_cli("allocate", *_files(pool_dir), "--method", method))
        totals[method] = sum(r["score"] for r in records if r.get("status") == "placed")
    assert totals["optimal"] >= totals["stable"] > 0


def test_shortlists(run_cli: RunCli, sample_dir: Path) -> None:
    records = _records(
        run_cli("allocate", *_files(sample_dir), "--method", "stable", "--shortlist-per-slot", "3")
    )
    _check_round(records, sample_dir, per_slot=3)
    shortlisted = [r for r in records if r.get("status") == "shortlisted"]
    assert shortlisted
    assert not any(r.get("status") == "placed" for r in records)
    for vacancy_id in {r["vacancy_id"] for r in shortlisted}:
        mine = [r for r in shortlisted if r["vacancy_id"] == vacancy_id]
        assert [r["position"] for r in mine] == list(range(1, len(mine) + 1))
        assert [r["score"] for r in mine] == sorted((r["score"] for r in mine), reverse=True)


@pytest.mark.parametrize("method", ["optimal", "stable"])
def test_same_output_for_any_number_of_threads(
    run_cli: RunCli, pool_dir: Path, method: str
) -> None:
    # --gap-scope all makes the parallel gap pass cover every open job order.
    args = ("allocate", *_files(pool_dir), "--method", method, "--gap-scope", "all")
    one = run_cli(*args, "--n-jobs", "1")
    assert one.exit_code == 0, one.output
    assert any(r.get("status") == "unfilled" for r in _records(one))
    for n_jobs in ("2", "3"):
        assert run_cli(*args, "--n-jobs", n_jobs).output == one.output


def test_same_output_whatever_the_input_order(
    run_cli: RunCli, sample_dir: Path, tmp_path: Path
) -> None:
    lines = (sample_dir / "workers.jsonl").read_text("utf-8").splitlines()
    shuffled = tmp_path / "workers.jsonl"
    shuffled.write_text("\n".join(reversed(lines)) + "\n", "utf-8")
    for name in ("vacancies.jsonl", "agencies.jsonl"):
        (tmp_path / name).write_bytes((sample_dir / name).read_bytes())
    first = _records(run_cli("allocate", *_files(sample_dir)))
    second = _records(run_cli("allocate", *_files(tmp_path)))
    placed = [r for r in first if r.get("status") != "unplaced"]
    assert placed == [r for r in second if r.get("status") != "unplaced"]
    unplaced = sorted((r for r in first if r.get("status") == "unplaced"), key=str)
    assert unplaced == sorted((r for r in second if r.get("status") == "unplaced"), key=str)


def test_protected_attributes_change_only_the_report(
    run_cli: RunCli, sample_dir: Path, tmp_path: Path
) -> None:
    changed = []
    for i, line in enumerate((sample_dir / "workers.jsonl").read_text("utf-8").splitlines()):
        record = json.loads(line)
        record.update(gender="FM"[i % 2], province=["Aceh", "Bali", "Papua"][i % 3])
        record.pop("nik", None)  # the NIK encodes the sex; it would only warn
        changed.append(json.dumps(record))
    (tmp_path / "workers.jsonl").write_text("\n".join(changed) + "\n", "utf-8")
    for name in ("vacancies.jsonl", "agencies.jsonl"):
        (tmp_path / name).write_bytes((sample_dir / name).read_bytes())
    before = _records(run_cli("allocate", *_files(sample_dir), "--report", tmp_path / "a.json"))
    after = _records(run_cli("allocate", *_files(tmp_path), "--report", tmp_path / "b.json"))
    assert before == after
    groups = json.loads((tmp_path / "b.json").read_text("utf-8"))["fairness"]["attributes"]
    assert {row["group"] for row in groups["province"]} == {"Aceh", "Bali", "Papua"}


def test_invalid_input_exits_1_with_file_and_line(
    run_cli: RunCli, sample_dir: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "vacancies.jsonl"
    lines = (sample_dir / "vacancies.jsonl").read_text("utf-8").splitlines()
    record = json.loads(lines[1])
    record["slots"] = 0
    lines[1] = json.dumps(record)
    bad.write_text("\n".join(lines) + "\n", "utf-8")
    result = run_cli(
        "allocate",
        "--workers",
        sample_dir / "workers.jsonl",
        "--vacancies",
        bad,
        "--as-of",
        AS_OF,
    )
    assert result.exit_code == 1
    assert f"{bad}:2: slots:" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    "arguments", [["--method", "greedy"], ["--shortlist-per-slot", "0"], ["--as-of", "01/03/2026"]]
)
def test_bad_usage_exits_2(run_cli: RunCli, sample_dir: Path, arguments: list[str]) -> None:
    assert run_cli("allocate", *_files(sample_dir)[:6], *arguments).exit_code == 2
