"""The plan solver against an independent brute-force oracle, on every backend.

The oracle enumerates every plan of a tiny instance: for each worker, nothing, a job
order she is eligible for, or one of her enrolment options together with a job order that
option unlocks (FORMAT.md: a plan never enrols a worker whose ``placed_in`` would be
null; a placement she could have without the course never needs it, see
``matcher/training/reduce.py``). It keeps the plans within slots, seats and budget and
picks by value, then lower cost, then higher score, then the enrolments in ``worker_id``
order as ``matcher/training/order.py`` defines it. Nothing of the solver is reused.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from matcher.training import BACKENDS, PlanInstance, order, solve_plan
from matcher.training.program import Program
from tests.training_tables import random_instance, small_instances

Enrolments = tuple[tuple[str, str, str, str], ...]


def oracle(instance: PlanInstance) -> tuple[Fraction, int, int, Enrolments, int]:
    """(value, cost, score, enrolments, baseline_placed) by enumeration."""
    workers = range(instance.n_workers)
    states: list[list[tuple[int | None, int | None, Fraction, int, int]]] = []
    for w in workers:
        mine = [(None, None, Fraction(0), 0, 0)]
        for p in range(len(instance.pair_worker)):
            if instance.pair_worker[p] == w:
                mine.append(
                    (None, int(instance.pair_job[p]), Fraction(1), 0, int(instance.pair_score[p]))
                )
        for o in range(instance.n_options):
            if instance.option_worker[o] != w:
                continue
            rate = Fraction(int(instance.pass_rate[instance.option_cohort[o]]), 10_000)
            for u in range(len(instance.unlock_option)):
                if instance.unlock_option[u] == o:
                    mine.append(
                        (
                            o,
                            int(instance.unlock_job[u]),
                            rate,
                            int(instance.option_cost[o]),
                            int(instance.unlock_score[u]),
                        )
                    )
        states.append(mine)
    best_key = None
    best: tuple[Fraction, int, int, Enrolments] | None = None
    baseline = 0
    worker_order = sorted(workers, key=lambda w: str(instance.worker_ids[w]))
    for combo in itertools.product(*states):
        jobs = [job for _, job, _, _, _ in combo if job is not None]
        if any(jobs.count(j) > instance.slots[j] for j in set(jobs)):
            continue
        options = [o for o, _, _, _, _ in combo if o is not None]
        cohorts = [int(instance.option_cohort[o]) for o in options]
        if any(cohorts.count(c) > instance.seats[c] for c in set(cohorts)):
            continue
        cost = sum(c for _, _, _, c, _ in combo)
        if instance.budget is not None and cost > instance.budget:
            continue
        if not options:
            baseline = max(baseline, len(jobs))
        value = sum((v for _, _, v, _, _ in combo), Fraction(0))
        score = sum(s for _, _, _, _, s in combo)
        # Rule 4: per worker in id order, enrolled (by cohort key, then placed_in id)
        # before not enrolled.
        order_key = []
        for w in worker_order:
            o, job, _, _, _ = combo[w]
            if o is None:
                order_key.append((1, "", "", ""))
            else:
                c = int(instance.option_cohort[o])
                order_key.append(
                    (
                        0,
                        str(instance.cohort_course[c]),
                        str(instance.cohort_start[c]),
                        str(instance.job_ids[job]),
                    )
                )
        key = (-value, cost, -score, order_key)
        if best_key is None or key < best_key:
            best_key = key
            enrolments = tuple(
                (str(instance.worker_ids[w]), *entry[1:])
                for w, entry in zip(worker_order, order_key, strict=True)
                if entry[0] == 0
            )
            best = (value, cost, score, enrolments)
    assert best is not None
    return (*best, baseline)


def _solver_enrolments(instance: PlanInstance, backend: str) -> tuple[object, Enrolments]:
    plan = solve_plan(instance, backend=backend, time_limit=30)  # type: ignore[arg-type]
    got = tuple(
        (e.worker_id, e.course_id, e.cohort_start, e.placed_in) for e in plan.enrolments(instance)
    )
    return plan, got


def _check(instance: PlanInstance, backend: str) -> None:
    value, cost, score, enrolments, baseline = oracle(instance)
    plan, got = _solver_enrolments(instance, backend)
    assert plan.status in {"optimal", "empty"}
    assert Fraction(plan.value, 10_000) == value
    assert plan.upper_bound == plan.value
    assert plan.cost == cost
    assert plan.score == score
    assert got == enrolments
    assert plan.baseline_placed == baseline
    assert (plan.status == "empty") == (not enrolments)
    # The allocation realises the value: slots, one place per worker, seats.
    placed_workers = np.concatenate(
        (
            instance.pair_worker[plan.placed_pairs],
            instance.option_worker[instance.unlock_option[plan.placed_unlocks]],
        )
    )
    assert len(set(placed_workers.tolist())) == len(placed_workers)
    filled = np.bincount(
        np.concatenate(
            (instance.pair_job[plan.placed_pairs], instance.unlock_job[plan.placed_unlocks])
        ),
        minlength=instance.n_jobs,
    )
    assert (filled <= instance.slots).all()
    assert (plan.cohort_enrolled <= instance.seats).all()


@pytest.mark.parametrize("backend", BACKENDS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instance=small_instances())
def test_solver_equals_brute_force(backend: str, instance: PlanInstance) -> None:
    _check(instance, backend)


@pytest.mark.parametrize("seed", range(40))
def test_solver_equals_brute_force_on_denser_instances(seed: int) -> None:
    """Four workers with several options each: many tied plans, default backend."""
    rng = np.random.default_rng(1000 + seed)
    instance = random_instance(
        rng, n_workers=4, n_jobs=3, n_cohorts=3, p_eligible=0.4, p_option=0.7, p_unlock=0.7
    )
    _check(instance, "highs")


@pytest.mark.parametrize("seed", range(60))
def test_the_order_search_alone_finds_the_tie_broken_plan(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without steering, the tie-break search starts from whatever plan the solver gave."""
    monkeypatch.setattr(order, "steering", lambda first, objective, *args: objective)
    rng = np.random.default_rng(2000 + seed)
    instance = random_instance(
        rng, n_workers=5, n_jobs=3, n_cohorts=3, p_eligible=0.3, p_option=0.8, p_unlock=0.8
    )
    _check(instance, BACKENDS[seed % len(BACKENDS)])


@pytest.mark.parametrize("seed", range(40))
def test_the_exact_path_without_the_optimal_face(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The path taken when a relaxation is not tight: totals held by rows, all integer."""
    monkeypatch.setattr(Program, "restrict_to_optimal_face", lambda self, relaxation, target: False)
    rng = np.random.default_rng(3000 + seed)
    instance = random_instance(
        rng, n_workers=5, n_jobs=3, n_cohorts=3, p_eligible=0.3, p_option=0.8, p_unlock=0.8
    )
    _check(instance, BACKENDS[seed % len(BACKENDS)])
