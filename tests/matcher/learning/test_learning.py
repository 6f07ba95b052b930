"""Weights proposals from outcomes: decisions, the fit, and ``selaras learn`` end to end."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest

from benchmarks.synthetic.outcomes import synthetic_outcomes
from matcher.learning.decisions import decide
from matcher.learning.fit import agreement, fit_weights, folds
from matcher.learning.proposal import compare
from matcher.scoring.matching import MatchRun, prepare_run
from matcher.scoring.publish import published
from models.files import read_records
from models.outcome import Outcome
from models.vacancy import ScoreWeights
from tests.conftest import RunCli
from tests.paths import POOL

AS_OF = "2026-03-01"
FILES = (
    "--workers", POOL / "workers.jsonl",
    "--vacancies", POOL / "vacancies.jsonl",
    "--agencies", POOL / "agencies.jsonl",
    "--as-of", AS_OF,
)  # fmt: skip


def _outcome(vacancy: str, worker: str, stage: str, day: str) -> Outcome:
    return Outcome.model_validate(
        {"vacancy_id": vacancy, "worker_id": worker, "stage": stage, "date": day}
    )


def test_the_latest_employer_decision_decides_a_pair() -> None:
    outcomes = [
        _outcome("JO-1", "W-1", "shortlisted", "2026-03-01"),
        _outcome("JO-1", "W-1", "rejected", "2026-03-05"),
        _outcome("JO-1", "W-1", "selected", "2026-03-09"),  # reconsidered: selected
        _outcome("JO-1", "W-2", "selected", "2026-03-05"),
        _outcome("JO-1", "W-2", "rejected", "2026-03-09"),  # offer withdrawn: rejected
        _outcome("JO-1", "W-3", "departed", "2026-05-01"),  # a departure was a selection
        _outcome("JO-1", "W-4", "withdrew", "2026-03-05"),
        _outcome("JO-1", "W-5", "interviewed", "2026-03-05"),
        _outcome("JO-1", "W-6", "selected", "2026-03-05"),
        _outcome("JO-1", "W-6", "withdrew", "2026-03-07"),  # the employer had chosen her
        _outcome("JO-1", "W-7", "early_return", "2026-09-01"),
    ]
    found, problems = decide(outcomes, list(range(1, len(outcomes) + 1)), "o.jsonl")
    assert problems == []
    assert [(p.worker_id, p.decision, p.line) for p in found] == [
        ("W-1", "selected", 1),
        ("W-2", "rejected", 4),
        ("W-3", "selected", 6),
        ("W-4", "withdrew", 7),
        ("W-5", "undecided", 8),
        ("W-6", "selected", 9),
        ("W-7", "selected", 11),
    ]


def test_selected_and_rejected_on_one_day_is_an_error_naming_the_line() -> None:
    outcomes = [
        _outcome("JO-1", "W-1", "selected", "2026-03-05"),
        _outcome("JO-1", "W-1", "rejected", "2026-03-05"),
    ]
    _, problems = decide(outcomes, [3, 7], "o.jsonl")
    assert [str(p) for p in problems] == [
        "o.jsonl:7: stage: worker 'W-1' is both selected and rejected for 'JO-1' on "
        "2026-03-05 (line 3), and no later record decides"
    ]


@pytest.mark.parametrize("order", [[0, 1, 2], [2, 0, 1], [1, 2, 0]])
def test_a_later_decision_settles_a_conflict_in_any_order(order: list[int]) -> None:
    outcomes = [
        _outcome("JO-1", "W-1", "selected", "2026-05-03"),
        _outcome("JO-1", "W-1", "rejected", "2026-05-03"),
        _outcome("JO-1", "W-1", "rejected", "2026-05-10"),
    ]
    found, problems = decide([outcomes[i] for i in order], [i + 1 for i in order], "o")
    assert problems == []
    assert [(p.decision, p.line) for p in found] == [("rejected", 1)]


def test_the_fit_finds_the_weights_that_made_the_choices() -> None:
    prior = np.array([0.4, 0.2, 0.2, 0.2])
    hidden = np.array([0.25, 0.1, 0.45, 0.2])
    rng = np.random.default_rng(7)
    # Employers choose between two candidates by the hidden weights, with some noise.
    a, b = rng.uniform(0, 1, (400, 4)), rng.uniform(0, 1, (400, 4))
    first = a @ hidden + rng.gumbel(0, 0.03, 400) > b @ hidden + rng.gumbel(0, 0.03, 400)
    differences = np.where(first[:, None], a - b, b - a)
    weights = fit_weights(differences, prior)
    assert weights.sum() == pytest.approx(1.0, abs=1e-12)
    assert (weights >= 0).all()
    assert np.abs(weights - hidden).max() < 0.05, weights
    assert np.allclose(weights * 10**4, np.round(weights * 10**4))
    # No comparison that tells anything: the weights in use stay.
    assert fit_weights(np.zeros((5, 4)), prior).tolist() == prior.tolist()


def test_agreement_counts_ties_as_half_and_folds_keep_job_orders_whole() -> None:
    assert agreement(np.array([5, 5, 3]), np.array([4, 5, 4])) == pytest.approx(0.5)
    fold = folds(np.array([7, 3, 7, 9, 3]), 2)
    assert fold[0] == fold[2]
    assert fold[1] == fold[4]
    assert set(fold.tolist()) == {0, 1}


def _run_and_outcomes() -> tuple[MatchRun, list[Outcome]]:
    read = {
        kind: read_records(POOL / f"{kind}.jsonl", kind).records
        for kind in ("workers", "vacancies", "agencies")
    }
    run = prepare_run(
        read["workers"], read["vacancies"], read["agencies"], dt.date.fromisoformat(AS_OF)
    )
    outcomes = [Outcome.model_validate(r) for r in synthetic_outcomes(run, 2026)]
    return run, outcomes


def test_the_weights_in_use_score_each_pair_as_the_engine_publishes_it() -> None:
    run, outcomes = _run_and_outcomes()
    found = compare(run, decide(outcomes, list(range(len(outcomes))), "o")[0])
    scores = found.scores(run.params.weights)
    orders = {v.vacancy.id: v for v in run.vacancies}
    for i, (position, job) in enumerate(zip(found.worker, found.job, strict=True)):
        screened = orders[found.job_ids[job]]
        engine = run.scorer.evaluate(run.workers[position], screened)
        assert scores[i] == round(published(engine.score) * 10**4)


def test_the_sample_outcomes_are_the_generators() -> None:
    _run, outcomes = _run_and_outcomes()
    stored = read_records(POOL / "outcomes.jsonl", "outcomes").records
    assert stored == outcomes


def test_learn_proposes_weights_an_officer_can_apply(run_cli: RunCli, tmp_path: Path) -> None:
    out, page = tmp_path / "weights.json", tmp_path / "weights.html"
    args = ("learn", "--outcomes", POOL / "outcomes.jsonl", *FILES, "--out", out)
    result = run_cli(*args, "--report-html", page)
    assert result.exit_code == 0, result.stderr
    proposal = json.loads(out.read_text(encoding="utf-8"))
    assert proposal["kind"] == "weights_proposal"
    assert proposal["status"] == "proposed"
    weights = proposal["weights"]
    assert sum(weights.values()) == pytest.approx(1.0, abs=1e-9)
    ScoreWeights.model_validate(weights)  # a job order's requirements.weights as it is
    # The simulated employers weigh language above the defaults: the proposal finds it.
    assert weights["language"] > proposal["current"]["language"]
    agreed = proposal["agreement"]
    assert agreed["proposed"] >= agreed["current"]
    assert agreed["cross_validated"]["folds"] >= 2
    assert proposal["recommendation"] in ("adopt", "keep current")
    assert proposal["evidence"]["licences_checked"] is True
    assert proposal["evidence"]["outcomes"] == len(
        (POOL / "outcomes.jsonl").read_text(encoding="utf-8").splitlines()
    )
    html = page.read_text(encoding="utf-8")
    assert "Fairness" in html
    assert "W-" not in html
    again = tmp_path / "again.json"
    assert (
        run_cli("learn", "--outcomes", POOL / "outcomes.jsonl", *FILES, "--out", again).exit_code
        == 0
    )
    assert again.read_bytes() == out.read_bytes()


def test_learn_names_an_outcome_the_files_do_not_hold(run_cli: RunCli, tmp_path: Path) -> None:
    lines = (POOL / "outcomes.jsonl").read_text(encoding="utf-8").splitlines()
    bad = json.loads(lines[1])
    bad["worker_id"] = "W-9999999"
    lines[1] = json.dumps(bad)
    outcomes = tmp_path / "outcomes.jsonl"
    outcomes.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "w.json"
    result = run_cli("learn", "--outcomes", outcomes, *FILES, "--out", out)
    assert result.exit_code == 1
    assert f"{outcomes}:2: worker_id: no worker 'W-9999999' in --workers" in result.stderr
    assert not out.exists()


def test_learn_without_a_comparison_says_so(run_cli: RunCli, tmp_path: Path) -> None:
    kept = [
        line
        for line in (POOL / "outcomes.jsonl").read_text(encoding="utf-8").splitlines()
        if '"rejected"' not in line
    ]
    outcomes = tmp_path / "outcomes.jsonl"
    outcomes.write_text("\n".join(kept) + "\n", encoding="utf-8")
    result = run_cli("learn", "--outcomes", outcomes, *FILES, "--out", tmp_path / "w.json")
    assert result.exit_code == 1
    assert "nothing to learn from" in result.stderr
    assert not (tmp_path / "w.json").exists()


def test_learn_reports_every_bad_line_of_every_file(run_cli: RunCli, tmp_path: Path) -> None:
    outcomes = tmp_path / "outcomes.jsonl"
    outcomes.write_text(
        '{"vacancy_id": "JO-2026-0001", "worker_id": "W-1", "stage": "hired", '
        '"date": "2026-03-05"}\n',
        encoding="utf-8",
    )
    result = run_cli("learn", "--outcomes", outcomes, *FILES, "--out", tmp_path / "w.json")
    assert result.exit_code == 1
    assert f"{outcomes}:1: stage:" in result.stderr


def test_learn_does_not_depend_on_the_order_of_the_outcomes(
    run_cli: RunCli, tmp_path: Path
) -> None:
    lines = (POOL / "outcomes.jsonl").read_text(encoding="utf-8").splitlines()
    shuffled = tmp_path / "outcomes.jsonl"
    shuffled.write_text("\n".join(reversed(lines)) + "\n", encoding="utf-8")
    outs = []
    for i, outcomes in enumerate((POOL / "outcomes.jsonl", shuffled)):
        outs.append(tmp_path / f"w{i}.json")
        result = run_cli("learn", "--outcomes", outcomes, *FILES, "--out", outs[-1])
        assert result.exit_code == 0, result.stderr
    assert outs[0].read_bytes() == outs[1].read_bytes()


def test_learn_lists_every_problem_of_the_outcomes_at_once(run_cli: RunCli, tmp_path: Path) -> None:
    first = json.loads((POOL / "outcomes.jsonl").read_text(encoding="utf-8").splitlines()[0])
    rows = [
        {**first, "worker_id": "W-9999999"},
        {**first, "vacancy_id": "JO-NOPE"},
        {**first, "stage": "selected", "date": "2026-06-01"},
        {**first, "stage": "rejected", "date": "2026-06-01"},
    ]
    outcomes = tmp_path / "outcomes.jsonl"
    outcomes.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = run_cli("learn", "--outcomes", outcomes, *FILES, "--out", tmp_path / "w.json")
    assert result.exit_code == 1
    assert [line.split(": ")[0:2] for line in result.stderr.splitlines()] == [
        [f"{outcomes}:1", "worker_id"],
        [f"{outcomes}:2", "vacancy_id"],
        [f"{outcomes}:4", "stage"],
    ]
