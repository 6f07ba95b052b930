"""``solve_plan``: the tie-broken optimal training plan of an instance.

The objective and constraints are FORMAT.md's ("Training plan"): maximise the value (the
best allocation's sum of weights: 1 for a placement that needs no course, the pass rate
for one that the worker's course unlocks) subject to one course per worker, cohort seats
and the budget; ties go to the lower total cost, then the higher total score of the
placed pairs, then enrolments in ``worker_id`` order (:mod:`matcher.training.order`).

Pipeline: the baseline (most workers placed with no training) by min-cost flow; the
reductions of :mod:`matcher.training.reduce`; min-cost flow for the components without
options; the four lexicographic stages of :mod:`matcher.training.stages` for each other
component, by the chosen backend.

Backend: HiGHS by default. On the 10,000-worker benchmark instance
(``benchmarks/bench_plan_solver.py``; figures in docs/training.md) every backend proved the
same plan; CBC was fastest (median 4.5 s), HiGHS next (9.8 s), SCIP 15.3 s, and CP-SAT
(one worker, for determinism) proved nothing within 60 s. HiGHS is the default because
it also keeps to the time limit on the 100,000-worker instance, where CBC ran 47 s past
a 120 s limit.
"""

from __future__ import annotations

import time

import numpy as np
from numpy.typing import NDArray

from matcher.training.backends import BACKENDS, Backend
from matcher.training.flow import lexicographic_weight, max_weight_bmatching
from matcher.training.instance import PASS_SCALE, PlanInstance
from matcher.training.model import build_model
from matcher.training.plan import SolveStats, TrainingPlan
from matcher.training.reduce import Reduction, reduce_instance
from matcher.training.stages import solve_part

__all__ = ["BACKENDS", "solve_plan"]

Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]


def baseline_placed(instance: PlanInstance) -> int:
    """The largest number of workers placed with no training (maximum cardinality).

    Parameters
    ----------
    instance : PlanInstance

    Returns
    -------
    int
    """
    chosen = max_weight_bmatching(
        instance.pair_worker,
        instance.pair_job,
        np.ones(len(instance.pair_worker), np.int64),
        n_workers=instance.n_workers,
        capacity=instance.slots,
    )
    return int(chosen.sum())


def _flow_part(instance: PlanInstance, pairs: Ints) -> Bools:
    """Most placements, then highest score, over the components without options."""
    chosen = np.zeros(len(instance.pair_worker), np.bool_)
    if not pairs.size:
        return chosen
    weight = lexicographic_weight(
        np.ones(len(pairs), np.int64), instance.pair_score[pairs], n_placed_max=instance.n_workers
    )
    picked = max_weight_bmatching(
        instance.pair_worker[pairs],
        instance.pair_job[pairs],
        weight,
        n_workers=instance.n_workers,
        capacity=instance.slots,
    )
    chosen[pairs[picked]] = True
    return chosen


def _empty_reasons(instance: PlanInstance, reduction: Reduction) -> tuple[str, ...]:
    """Why the optimum enrols nobody."""
    if not instance.n_options:
        return ("no worker has an enrolment option (no course closes a gap in time)",)
    if not reduction.parts:
        reasons = []
        if instance.budget is not None and (instance.option_cost > instance.budget).all():
            reasons.append("every option costs more than the budget")
        if (instance.seats[instance.option_cohort] == 0).all():
            reasons.append("every cohort with an option has no seats")
        if not reasons:
            reasons.append(
                "no option can be placed: the budget, seats or open slots rule out every one"
            )
        return tuple(reasons)
    return (
        "no enrolment raises the expected placements: the job orders the courses unlock "
        "are filled without training, or the budget and seats leave no useful enrolment",
    )


def solve_plan(
    instance: PlanInstance,
    *,
    time_limit: float = 60.0,
    backend: Backend = "highs",
) -> TrainingPlan:
    """The training plan of greatest value, ties broken as FORMAT.md says.

    Parameters
    ----------
    instance : PlanInstance
    time_limit : float, default 60.0
        Seconds of wall-clock time from the call on: the baseline, the reductions,
        building the programs and loading them into the solver count against it, and
        the solver calls share what is left among the components in proportion to
        their size. When it runs out, the best plan found is returned with
        ``status="feasible"`` and its proven ``upper_bound``. Only the exact check of
        the last answer comes after it (60.4-62.7 s for a 60 s limit at 10,000 workers,
        docs/training.md).
    backend : {"highs", "scip", "cp-sat", "cbc"}, default "highs"
        The solver for the components that need one.

    Returns
    -------
    TrainingPlan

    Raises
    ------
    ValueError
        If ``backend`` or ``time_limit`` is not valid.
    """
    if backend not in BACKENDS:
        raise ValueError(
            f"The 'backend' parameter of solve_plan must be one of {', '.join(BACKENDS)}. "
            f"Got {backend!r}."
        )
    if not time_limit > 0:
        raise ValueError(
            f"The 'time_limit' parameter of solve_plan must be a float in the range (0, inf). "
            f"Got {time_limit!r}."
        )
    started = time.monotonic()
    deadline = started + time_limit
    baseline = baseline_placed(instance)
    reduction = reduce_instance(instance)
    placed_pairs = _flow_part(instance, reduction.flow_pairs)
    placed_unlocks = np.zeros(len(instance.unlock_option), np.bool_)
    enrolled = np.zeros(instance.n_options, np.bool_)
    value = int(placed_pairs.sum()) * PASS_SCALE
    bound, proven, solves = value, True, 0
    largest = (0, 0, 0)
    models = [build_model(instance, part) for part in reduction.parts]
    sizes = np.array([model.n_vars for model in models], np.float64)
    for k, (part, model) in enumerate(zip(reduction.parts, models, strict=True)):
        largest = max(largest, (model.n_x, model.n_y, model.n_z))
        # Each component gets the time left in proportion to its size; what a small one
        # leaves unused passes on to the next.
        share = sizes[k] / sizes[k:].sum()
        part_deadline = time.monotonic() + max(deadline - time.monotonic(), 0.0) * share
        solution = solve_part(instance, model, backend=backend, deadline=part_deadline)
        chosen = solution.chosen
        enrolled[part.options[chosen[: model.n_x]]] = True
        placed_pairs[part.pairs[chosen[model.n_x : model.n_x + model.n_y]]] = True
        placed_unlocks[part.unlocks[chosen[model.n_x + model.n_y :]]] = True
        value += solution.value
        bound += solution.bound
        proven &= solution.proven
        solves += solution.solves
    options = np.flatnonzero(enrolled)
    options = options[np.argsort(instance.worker_rank()[instance.option_worker[options]])]
    unlock_rows = np.flatnonzero(placed_unlocks)
    unlock_of_option = np.full(instance.n_options, -1, np.int64)
    unlock_of_option[instance.unlock_option[unlock_rows]] = unlock_rows
    cost = int(instance.option_cost[options].sum())
    score = int(instance.pair_score[placed_pairs].sum()) + int(
        instance.unlock_score[placed_unlocks].sum()
    )
    reasons: tuple[str, ...] = ()
    status: str = "optimal" if proven else "feasible"
    if not options.size:
        reasons = _empty_reasons(instance, reduction)
        status = "empty" if proven else "feasible"
    return TrainingPlan(
        status=status,  # type: ignore[arg-type]
        reasons=reasons,
        enrol_option=options.astype(np.int64),
        enrol_unlock=unlock_of_option[options],
        cohort_enrolled=np.bincount(
            instance.option_cohort[options], minlength=instance.n_cohorts
        ).astype(np.int64),
        placed_pairs=placed_pairs,
        placed_unlocks=placed_unlocks,
        baseline_placed=baseline,
        value=value,
        upper_bound=bound,
        cost=cost,
        score=score,
        stats=SolveStats(
            backend=backend,
            seconds=time.monotonic() - started,
            parts=len(reduction.parts),
            largest_part=largest,
            flow_pairs=len(reduction.flow_pairs),
            options_dropped=reduction.options_dropped,
            budget_binds=reduction.budget_binds,
            solves=solves,
        ),
    )
