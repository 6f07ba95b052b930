"""The ``courses`` table against the training plan it is built from."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from matcher.insights.build import CourseCatalogue, build_tables
from matcher.insights.courses_table import courses_table
from matcher.scoring.matching import prepare_run
from matcher.taxonomy.skills import default_skill_normalizer
from matcher.training.catalogue import read_catalogue
from matcher.training.run import Budget, plan_training
from models.course import Course
from models.files import read_records
from tests.conftest import RunCli
from tests.insights.oracle import determined, known_lines
from tests.paths import POOL, SAMPLE

AS_OF = dt.date(2026, 3, 1)
N_WORKERS = 400
CATALOGUE = SAMPLE / "courses.jsonl"


@cache
def _courses() -> tuple[list[Course], list[int]]:
    found = read_records(CATALOGUE, "courses")
    return list(found.records), list(found.lines)


def _catalogue(budget: Budget | None = None) -> CourseCatalogue:
    courses, lines = _courses()
    return CourseCatalogue(courses, lines, str(CATALOGUE), budget=budget)


@pytest.mark.parametrize("budget", [None, Budget(20_000_000, "IDR")])
def test_each_cohort_counts_its_plan(budget: Budget | None) -> None:
    workers = read_records(POOL / "workers.jsonl", "workers").records[:N_WORKERS]
    vacancies = read_records(POOL / "vacancies.jsonl", "vacancies").records
    run = prepare_run(workers, vacancies, None, AS_OF)
    table = courses_table(run, _catalogue(budget))
    got = {
        (c, s): (seats, unlocked, expected)
        for c, s, seats, unlocked, expected in zip(
            table.dimensions["course_id"],
            table.dimensions["cohort_start"],
            table.measures["seats"].tolist(),
            table.measures["workers_unlocked"].tolist(),
            table.measures["expected_placements"].tolist(),
            strict=True,
        )
    }
    # The oracle: the plan's own records (as selaras plan-training writes them) and the
    # counterfactual pass's options read one by one.
    courses, lines = _courses()
    read = read_catalogue(
        courses, lines, file="c", skills=default_skill_normalizer(), rates=run.params.rates,
        on=AS_OF,
    )  # fmt: skip
    planned = plan_training(run.workers, run.vacancies, read, run.params, budget=budget)
    records = planned.records
    cohorts = [r for r in records if r["kind"] == "cohort"]
    expected: dict[tuple[str, str], float] = defaultdict(float)
    for r in records:
        if r["kind"] == "enrolment":
            expected[(r["course_id"], r["cohort_start"])] += r["expected_placement"]
    unlocked: dict[int, set[int]] = defaultdict(set)
    cf = planned.counterfactual
    for w, k in zip(cf.option_worker.tolist(), cf.option_cohort.tolist(), strict=True):
        unlocked[k].add(w)
    assert len(got) == len(cohorts) > 0
    for k, cohort in enumerate(cohorts):
        key = (cohort["course_id"], cohort["cohort_start"])
        seats, n_unlocked, placements = got[key]
        assert seats == cohort["seats"]
        assert n_unlocked == len(unlocked[k])
        assert placements == pytest.approx(expected[key])
    assert any(g[1] for g in got.values())


@pytest.mark.parametrize("min_cell", [3, 10])
def test_the_courses_table_is_protected_like_the_others(min_cell: int) -> None:
    workers = read_records(POOL / "workers.jsonl", "workers").records[:N_WORKERS]
    vacancies = read_records(POOL / "vacancies.jsonl", "vacancies").records
    run = prepare_run(workers, vacancies, None, AS_OF)
    (published,) = build_tables(
        run, workers, tables=["courses"], courses=_catalogue(), min_cell=min_cell
    )
    table = published.table
    true = table.measures["workers_unlocked"]
    shown = published.column("workers_unlocked")
    assert any(v is None for v in shown)
    for value, public in zip(true.tolist(), shown, strict=True):
        if 0 < value < min_cell:
            assert public is None
        if public is not None:
            assert public == value
    # The attacker of the suppression tests: no blank recomputable from the published
    # cells and the line totals (beyond what the margins alone give away), no line with
    # exactly one blank.
    names = table.schema.dimension_names
    cells = [tuple(str(table.dimensions[d][i]) for d in names) for i in range(table.n_rows)]
    blank = published.blanked["workers_unlocked"]
    assert determined(cells, blank.tolist()) <= determined(cells, [True] * len(cells))
    for line in known_lines(cells):
        assert sum(bool(blank[i]) for i in line) != 1
    # Seats and expected placements are not person counts: never withheld.
    assert None not in published.column("seats")
    assert None not in published.column("expected_placements")


def test_the_command_writes_the_courses_table(run_cli: RunCli, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli(
        "insights",
        "--workers", POOL / "workers.jsonl", "--vacancies", POOL / "vacancies.jsonl",
        "--agencies", POOL / "agencies.jsonl", "--courses", CATALOGUE,
        "--as-of", "2026-03-01", "--out", out, "--html", tmp_path / "page.html",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert "courses" in manifest["tables"]
    rows = [json.loads(x) for x in (out / "courses.jsonl").read_text("utf-8").splitlines()]
    assert rows
    assert list(rows[0]) == [
        "as_of", "course_id", "cohort_start", "seats", "workers_unlocked",
        "expected_placements", "suppressed",
    ]  # fmt: skip
    assert all(r["cohort_start"] >= "2026-03-01" for r in rows)
    page = (tmp_path / "page.html").read_text("utf-8")
    assert "Courses that would unlock the most placements" in page
    assert "Pelatihan yang paling banyak membuka penempatan" in page


def test_a_bad_catalogue_is_reported_with_its_line(run_cli: RunCli, tmp_path: Path) -> None:
    bad = tmp_path / "courses.jsonl"
    record = json.loads(CATALOGUE.read_text("utf-8").splitlines()[0])
    record["confers"]["skills"][0]["name"] = "underwater basket weaving"
    bad.write_text(json.dumps(record) + "\n", "utf-8")
    out = tmp_path / "out"
    result = run_cli(
        "insights",
        "--workers", POOL / "workers.jsonl", "--vacancies", POOL / "vacancies.jsonl",
        "--courses", bad, "--as-of", "2026-03-01", "--out", out,
    )  # fmt: skip
    assert result.exit_code == 1
    assert "courses.jsonl" in result.stderr
    assert "confers.skills[0].name" in result.stderr
    assert not out.exists()


def test_the_plan_reuses_the_runs_kernel_with_the_same_result() -> None:
    workers = read_records(POOL / "workers.jsonl", "workers").records[:N_WORKERS]
    vacancies = read_records(POOL / "vacancies.jsonl", "vacancies").records
    run = prepare_run(workers, vacancies, None, AS_OF)
    courses, lines = _courses()
    read = read_catalogue(
        courses, lines, file="c", skills=default_skill_normalizer(), rates=run.params.rates,
        on=AS_OF,
    )  # fmt: skip
    fresh = plan_training(run.workers, run.vacancies, read, run.params)
    reused = plan_training(run.workers, run.vacancies, read, run.params, scorer=run.kernel)
    assert reused.counterfactual.option_worker.size > 0
    for name, value in vars(fresh.counterfactual).items():
        again = getattr(reused.counterfactual, name)
        if isinstance(value, np.ndarray):
            np.testing.assert_array_equal(again, value, err_msg=name)
        else:
            assert again == value, name
    assert reused.records == fresh.records
    # A kernel over other workers or another date is refused, not silently used.
    with pytest.raises(ValueError, match="the scorer is over"):
        plan_training(run.workers[:-1], run.vacancies, read, run.params, scorer=run.kernel)
    later = prepare_run(workers, vacancies, None, dt.date(2026, 9, 1))
    with pytest.raises(ValueError, match="the scorer is over"):
        plan_training(later.workers, later.vacancies, read, later.params, scorer=run.kernel)


@pytest.mark.parametrize("time_limit", [None, "30"])
def test_the_manifest_says_whether_the_plan_was_proven_optimal(
    run_cli: RunCli, tmp_path: Path, time_limit: str | None
) -> None:
    out = tmp_path / "out"
    limit = () if time_limit is None else ("--time-limit", time_limit)
    result = run_cli(
        "insights",
        "--workers", POOL / "workers.jsonl", "--vacancies", POOL / "vacancies.jsonl",
        "--courses", CATALOGUE, "--table", "courses", "--as-of", "2026-03-01",
        "--out", out, *limit,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["provenance"] == {
        "courses": {
            "plan": {
                "status": "optimal",
                "gap": 0.0,
                "time_limit": 60.0 if time_limit is None else float(time_limit),
            }
        }
    }


def test_a_plan_stopped_at_its_limit_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    """A solve the time limit stops is reported as such, with its gap (the solver's
    time limit is made to bind by replacing its answer's status and bound)."""
    import dataclasses

    import matcher.training.run as training_run

    solve = training_run.solve_plan

    def stopped(*args: object, **kwargs: object) -> object:
        plan = solve(*args, **kwargs)  # type: ignore[arg-type]
        return dataclasses.replace(plan, status="feasible", upper_bound=plan.value + 850)

    monkeypatch.setattr(training_run, "solve_plan", stopped)
    workers = read_records(POOL / "workers.jsonl", "workers").records[:N_WORKERS]
    vacancies = read_records(POOL / "vacancies.jsonl", "vacancies").records
    run = prepare_run(workers, vacancies, None, AS_OF)
    table = courses_table(run, _catalogue())
    plan = table.provenance["plan"]
    assert plan["status"] == "feasible"
    assert plan["gap"] > 0
    assert plan["time_limit"] == 60.0
