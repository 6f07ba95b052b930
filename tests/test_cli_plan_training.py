"""``selaras plan-training``: the plan on the sample pool, determinism, budgets in any
currency, and bad input (a clear error naming file, line and field; nothing written)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import RunCli
from tests.paths import POOL, SAMPLE

AS_OF = "2026-03-01"
BASE = (
    "plan-training",
    "--workers", POOL / "workers.jsonl",
    "--vacancies", POOL / "vacancies.jsonl",
    "--agencies", POOL / "agencies.jsonl",
    "--as-of", AS_OF,
)  # fmt: skip


def _records(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _courses(tmp_path: Path, edit: Any = None) -> Path:
    lines = (SAMPLE / "courses.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    if edit is not None:
        edit(records)
    path = tmp_path / "courses.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_the_sample_plan_trains_and_is_deterministic(run_cli: RunCli, tmp_path: Path) -> None:
    first = run_cli(*BASE, "--courses", SAMPLE / "courses.jsonl")
    assert first.exit_code == 0, first.stderr
    second = run_cli(*BASE, "--courses", SAMPLE / "courses.jsonl")
    assert first.stdout == second.stdout
    records = _records(first.stdout)
    summary = records[-1]
    assert summary["kind"] == "summary"
    assert summary["status"] == "optimal"
    assert summary["expected_placed"] > summary["baseline_placed"]
    assert summary["upper_bound"] == summary["expected_placed"]
    assert summary["gap"] == 0
    enrolments = [r for r in records if r["kind"] == "enrolment"]
    assert len(enrolments) == summary["enrolled"] > 0
    assert [e["worker_id"] for e in enrolments] == sorted(e["worker_id"] for e in enrolments)
    for e in enrolments:
        assert e["placed_in"] in e["unlocks"]
        assert e["completes"] > e["cohort_start"]
    cohorts = [r for r in records if r["kind"] == "cohort"]
    catalogue = [json.loads(x) for x in (SAMPLE / "courses.jsonl").read_text().splitlines()]
    assert len(cohorts) == sum(len(c["cohorts"]) for c in catalogue)  # all start after as_of
    for cohort in cohorts:
        assert 0 <= cohort["enrolled"] <= cohort["seats"]
    assert sum(c["enrolled"] for c in cohorts) == summary["enrolled"]
    assert sum(e["cost"]["amount"] for e in enrolments) == summary["cost"]["amount"]


def test_a_budget_in_another_currency_binds(run_cli: RunCli, tmp_path: Path) -> None:
    free = _records(run_cli(*BASE, "--courses", SAMPLE / "courses.jsonl").stdout)[-1]
    out = tmp_path / "plan.jsonl"
    result = run_cli(*BASE, "--courses", SAMPLE / "courses.jsonl", "--budget", "1000", "USD",
                     "--out", out)  # fmt: skip
    assert result.exit_code == 0, result.stderr
    summary = _records(out.read_text())[-1]
    assert summary["cost"]["currency"] == "USD"
    assert summary["cost"]["amount"] <= 1000
    assert summary["expected_placed"] <= free["expected_placed"]


@pytest.mark.parametrize(
    ("edit", "where"),
    [
        (lambda r: r[1]["confers"]["skills"].append({"name": "underwater basket weaving"}),
         ":2: confers.skills[0].name"),
        (lambda r: r[2].update(cost={"amount": 5, "currency": "CHF"}), ":3: cost.currency"),
        (lambda r: r[0].update(cost={"amount": -5, "currency": "IDR"}), ":1: cost.amount"),
        (lambda r: r[3]["cohorts"][0].update(seats=0), ":4: cohorts[0].seats"),
        (lambda r: r[4].update(id=r[0]["id"]), ":5: id"),
        (lambda r: r[8]["confers"]["languages"].append({"test": "JLPT", "result": "N9"}),
         ":9: confers.languages[1]: JLPT result"),
    ],
)  # fmt: skip
def test_a_bad_catalogue_names_file_line_and_field(
    run_cli: RunCli, tmp_path: Path, edit: Any, where: str
) -> None:
    out = tmp_path / "plan.jsonl"
    courses = _courses(tmp_path, edit)
    result = run_cli(*BASE, "--courses", courses, "--out", out)
    assert result.exit_code == 1
    assert f"{courses}{where}" in result.stderr, result.stderr
    assert not out.exists()


def test_a_budget_currency_without_a_rate_is_refused(run_cli: RunCli, tmp_path: Path) -> None:
    out = tmp_path / "plan.jsonl"
    result = run_cli(*BASE, "--courses", SAMPLE / "courses.jsonl", "--budget", "10", "CHF",
                     "--out", out)  # fmt: skip
    assert result.exit_code == 2
    assert "--budget" in result.stderr
    assert "'CHF'" in result.stderr
    assert not out.exists()


def test_a_negative_budget_is_refused(run_cli: RunCli) -> None:
    result = run_cli(*BASE, "--courses", SAMPLE / "courses.jsonl", "--budget", "-1", "IDR")
    assert result.exit_code == 2
    assert "--budget" in result.stderr


@pytest.mark.parametrize("amount", ["inf", "1e16", "100000000000000"])
def test_a_budget_above_the_ceiling_of_money_is_refused(run_cli: RunCli, amount: str) -> None:
    # As the API's budget: at most a thousand months of the currency's wage ceiling.
    result = run_cli(*BASE, "--courses", SAMPLE / "courses.jsonl", "--budget", amount, "IDR")
    assert result.exit_code == 2
    assert "--budget" in result.stderr
    assert "ceiling" in result.stderr


def test_a_budget_between_two_cents_is_never_exceeded(run_cli: RunCli) -> None:
    # Half a cent under the cost of the unlimited plan: rounding the budget to the nearest
    # cent would let that plan through, over budget.
    free = _records(run_cli(*BASE, "--courses", SAMPLE / "courses.jsonl").stdout)[-1]
    budget = free["cost"]["amount"] - 0.005
    result = run_cli(
        *BASE, "--courses", SAMPLE / "courses.jsonl", "--budget", f"{budget:.3f}", "IDR"
    )
    assert result.exit_code == 0, result.stderr
    assert _records(result.stdout)[-1]["cost"]["amount"] <= budget


def test_no_cohort_open_is_an_empty_plan_with_reasons(run_cli: RunCli, tmp_path: Path) -> None:
    def close_all(records: list[dict[str, Any]]) -> None:
        for record in records:
            record["cohorts"] = [{"start": "2025-01-06", "seats": 5}]

    result = run_cli(*BASE, "--courses", _courses(tmp_path, close_all))
    assert result.exit_code == 0, result.stderr
    records = _records(result.stdout)
    assert [r["kind"] for r in records] == ["summary"]
    summary = records[0]
    assert summary["status"] == "empty"
    assert summary["enrolled"] == 0
    assert summary["cost"] == {"amount": 0, "currency": "IDR"}
    assert summary["expected_placed"] == summary["baseline_placed"]
    assert summary["reasons"]


def test_the_demo_prints_a_plan_summary(run_cli: RunCli, sample_dir: Path) -> None:
    result = run_cli("demo", "--data", sample_dir, "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    assert "Training plan: 12 courses" in result.stdout
    assert "Placed without training: 86; with the plan:" in result.stdout


@pytest.mark.parametrize(
    ("lang", "heading"),
    [("en", "Fill per course and cohort"), ("id", "Keterisian per pelatihan dan angkatan")],
)
def test_the_report_is_one_self_contained_page(
    run_cli: RunCli, tmp_path: Path, lang: str, heading: str
) -> None:
    page = tmp_path / "plan.html"
    result = run_cli(*BASE, "--courses", SAMPLE / "courses.jsonl", "--report-html", page,
                     "--lang", lang)  # fmt: skip
    assert result.exit_code == 0, result.stderr
    html = page.read_text(encoding="utf-8")
    assert heading in html
    assert "<script" not in html
    assert "src=" not in html
    assert "<link" not in html
    assert html.count("<svg") >= 4  # before/after, fill, province, gender
    for section in ("headline", "fill", "shadow", "one-away", "fairness"):
        assert f'<section id="{section}">' in html
    # The fairness tables count every worker of the pool once per attribute.
    assert "Jawa" in html
