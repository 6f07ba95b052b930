"""Lexicographic optimisation of one component, stage by stage, in exact integers.

1. **Value**: maximise the expected placements. The solver's bound is the proven
   ``upper_bound``.
2. **Cost**: with the value held at its optimum, minimise the total cost.
3. **Score**: with value and cost held, maximise the total score of the placed pairs.
4. **Order**: with all three held, the enrolments in ``worker_id`` order (see
   :func:`order_stage`).

Each stage's answer is checked in integers: the enrolments are rounded, the exact
allocation for them is recomputed by min-cost flow, and the next stage holds the exact
totals (``>= V - 1/2`` for an integer total ``V``, so a solver's float tolerance cannot
make an optimum look infeasible). Stages run while time is left; when a limit stops one,
the best plan so far is kept and the component is reported as not proven.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from matcher.training.backends import Backend, LinearRelaxation, Outcome
from matcher.training.instance import PlanInstance
from matcher.training.model import PartModel, Rows
from matcher.training.order import LeftTheOptimum, order_stage
from matcher.training.program import (
    Clock,
    Program,
    adopt,
    adopt_plan,
    checked,
    exact_allocation,
    margin,
    totals,
)

__all__ = ["PartSolution", "solve_part"]

Ints = NDArray[np.int64]
Floats = NDArray[np.float64]
Bools = NDArray[np.bool_]


@dataclass(frozen=True)
class PartSolution:
    """The plan of one component (local variables of its :class:`PartModel`).

    Attributes
    ----------
    chosen : ndarray of bool, shape (n_vars,)
        Enrolments (``x``) and allocation (``y``, ``z``).
    value, cost, score : int
        Exact totals of the plan.
    bound : int
        Proven upper bound on the value.
    proven : bool
        Whether every stage finished with a proof (the plan is the tie-broken optimum).
    solves : int
        Solver calls made.
    """

    chosen: Bools
    value: int
    cost: int
    score: int
    bound: int
    proven: bool
    solves: int


EXACT = 2**50
"""Largest objective magnitude a combined objective may reach: far inside float64's exact
integers, so a floating-point solver's tolerances stay below one unit."""


def _reduced(coefficients: Ints) -> tuple[Ints, int]:
    """Coefficients divided by their greatest common divisor (an exact rescaling)."""
    nonzero = coefficients[coefficients != 0]
    divisor = int(np.gcd.reduce(nonzero)) if nonzero.size else 1
    return coefficients // divisor, divisor


def _cap(model: PartModel, coefficients: Ints) -> int:
    """An upper bound on a plan's total: each worker contributes at most her best term."""
    n_x, n_y = model.n_x, model.n_y
    best = np.zeros(len(model.part.workers), np.int64)
    np.maximum.at(best, model.x_worker, coefficients[:n_x])
    np.maximum.at(best, model.y_worker, coefficients[n_x : n_x + n_y])
    np.maximum.at(best, model.z_worker, coefficients[n_x + n_y :])
    return int(best.sum())


def solve_part(
    instance: PlanInstance,
    model: PartModel,
    *,
    backend: Backend,
    deadline: float,
) -> PartSolution:
    """All four stages for one component.

    Stages 1 and 2 are one solve when ``value * K - cost`` (``K`` above any total cost)
    stays within :data:`EXACT` after dividing each by its common divisor; stage 3
    maximises ``value * K' + score`` (``K'`` above any total score) with the cost held. A
    single objective over the allocation keeps the allocation variables continuous (the
    totally unimodular argument in :mod:`matcher.training.model`); where the combination
    would be too large, the stages run one by one and the allocation variables of stage 3
    on are integer.

    Parameters
    ----------
    instance : PlanInstance
    model : PartModel
    backend : {"cp-sat", "scip", "highs", "cbc"}
    deadline : float
        ``time.monotonic()`` value by which to stop.

    Returns
    -------
    PartSolution
    """
    clock = Clock(deadline)
    n_x, n_vars = model.n_x, model.n_vars
    solves = [0]

    def program(*, all_integer: bool) -> Program:
        integer = np.zeros(n_vars, np.bool_)
        integer[: n_vars if all_integer or backend == "cp-sat" else n_x] = True
        return Program(model, backend, Rows(), np.zeros(n_vars), np.ones(n_vars), integer, solves)

    def stop(best: Bools, bound: int) -> PartSolution:
        return PartSolution(best, *totals(model, best), bound, False, solves[0])

    value, value_unit = _reduced(model.value)
    cost, cost_unit = _reduced(model.cost)
    score, _ = _reduced(model.score)
    value_cap, cost_cap = _cap(model, value), _cap(model, cost)
    if model.part.has_budget and instance.budget is not None:
        cost_cap = min(cost_cap, instance.budget // cost_unit)
    # The plan with no enrolment is always feasible: the starting incumbent.
    best = exact_allocation(model, None, np.zeros(n_x, np.bool_), instance)
    # Stages 1 and 2: value, then cost, in one objective when it stays exact.
    first = program(all_integer=False)
    combine = bool(cost.any()) and value_cap * (cost_cap + 1) < EXACT
    weight = cost_cap + 1 if combine else 1
    settled = value * weight - cost if combine else value
    # The relaxation first: rounded down it is a good plan (seats and budget still hold),
    # and its reduced costs fix most variables before any branching.
    relaxation = first.relax(settled.astype(np.float64), clock=clock)
    if relaxation.optimal:
        rounded = np.floor(relaxation.values[:n_x] + 1e-9) > 0
        best = adopt_plan(model, instance, checked(model, instance, rounded, None), best)
    outcome, first = _first_stage(instance, model, program, relaxation, settled, best, clock)
    best = adopt(model, instance, outcome, best)
    if outcome.status != "optimal":
        return stop(best, _value_bound(outcome, relaxation, weight, value_unit, best, model))
    if not combine and cost.any():
        first.hold(value, int(value[best].sum()) - 0.5, math.inf)
        outcome = first.solve(cost.astype(np.float64), maximize=False, clock=clock, start=best)
        best = adopt(model, instance, outcome, best)
        if outcome.status != "optimal":
            return stop(best, int(model.value[best].sum()))
    bound = int(model.value[best].sum())
    settled_at = int(settled[best].sum())
    # From here only plans optimal so far matter. Fast path: the relaxation of stages 1
    # and 2 is tight on these instances, so its optimal face holds value and cost with
    # no row, and the allocation variables stay continuous. Exact path otherwise (or if
    # an answer leaves the face's optimum): value and cost held by rows, all integer.
    third = program(all_integer=False)
    if combine or not cost.any():
        tight = third.restrict_to_optimal_face(relaxation, settled_at)
    else:
        tight = third.restrict_to_optimal_face(
            third.relax(settled.astype(np.float64), clock=clock), settled_at
        )
    if tight:
        try:
            best, proven = _score_and_order(instance, third, best, score, clock, settled)
            return PartSolution(best, *totals(model, best), bound, proven, solves[0])
        except LeftTheOptimum:
            pass
    third = program(all_integer=True)
    third.fix_by_reduced_costs(relaxation, settled_at)
    third.hold(value, int(value[best].sum()) - 0.5, math.inf)
    if cost.any():
        third.hold(cost, -math.inf, int(cost[best].sum()) + 0.5)
    best, proven = _score_and_order(instance, third, best, score, clock, settled)
    return PartSolution(best, *totals(model, best), bound, proven, solves[0])


def _first_stage(
    instance: PlanInstance,
    model: PartModel,
    program: Callable[..., Program],
    relaxation: LinearRelaxation,
    settled: Ints,
    best: Bools,
    clock: Clock,
) -> tuple[Outcome, Program]:
    """Maximise ``settled`` exactly, searching above a cutoff first.

    With the relaxation's optimum ``z`` and a plan worth ``J``, the optimum lies in
    ``[J, z]``. Reduced-cost fixing against a cutoff ``t`` in that range keeps only
    variables that a plan worth ``t`` or more can use; the solve on what is left is
    small. If its optimum reaches ``t``, it is the optimum of the whole program (every
    better plan is worth more than ``t`` too, so it was in the search); if not, the cutoff
    falls (the distance to ``z`` doubles) until it reaches ``J``, where fixing is plain
    reduced-cost fixing and the answer is exact whatever it is.
    """
    objective = settled.astype(np.float64)
    floor_at = int(settled[best].sum())
    if not relaxation.optimal:
        first = program(all_integer=False)
        return first.solve(objective, maximize=True, clock=clock, start=best), first
    gap = relaxation.objective - floor_at
    step = max(gap / 64.0, margin(relaxation))
    while True:
        first = program(all_integer=False)
        cutoff = max(floor_at, math.floor(relaxation.objective - step))
        first.fix_by_reduced_costs(relaxation, cutoff)
        # The rounded relaxation (or the last plan) as the first incumbent: HiGHS drops
        # it when the fixing has cut it off.
        outcome = first.solve(objective, maximize=True, clock=clock, start=best)
        if cutoff <= floor_at:
            return outcome, first
        if outcome.status != "optimal":
            # Stopped above the cutoff: its bound holds only for plans above the cutoff;
            # the relaxation's still bounds them all.
            return Outcome(outcome.status, outcome.values, outcome.objective, math.nan), first
        found = adopt(model, instance, outcome, best)
        if int(settled[found].sum()) >= cutoff:
            return outcome, first
        best = found
        floor_at = int(settled[best].sum())
        step *= 4.0


def _score_and_order(
    instance: PlanInstance,
    program: Program,
    best: Bools,
    score: Ints,
    clock: Clock,
    settled: Ints,
) -> tuple[Bools, bool]:
    """Stage 3 (score) and stage 4 (order) on a program that holds value and cost.

    Raises
    ------
    LeftTheOptimum
        If an answer changes the value or the cost (the face was larger than the optimum).
    """
    model = program.model
    held = int(settled[best].sum())
    if score.any():
        outcome = program.solve(score.astype(np.float64), maximize=True, clock=clock, start=best)
        if outcome.values is not None:
            x = np.asarray(np.rint(outcome.values[: model.n_x]) > 0)
            candidate = checked(model, instance, x, None)
            if candidate is None or int(settled[candidate].sum()) != held:
                raise LeftTheOptimum
        best = adopt(model, instance, outcome, best)
        if outcome.status != "optimal":
            return best, False
        # The score's own optimal face when its relaxation is tight (fixes most of the
        # allocation); else one row on the allocation, which keeps continuous
        # variables exact as value and cost are held without rows (or, on the exact
        # path, the allocation is integer).
        reached = int(score[best].sum())
        scored = program.relax(score.astype(np.float64), clock=clock)
        if not program.restrict_to_optimal_face(scored, reached):
            program.hold(score, reached - 0.5, math.inf)
    return order_stage(instance, program, best, clock)


def _value_bound(
    outcome: Outcome,
    relaxation: LinearRelaxation,
    weight: int,
    unit: int,
    best: Bools,
    model: PartModel,
) -> int:
    """A proven bound on the value from bounds on ``value / unit * weight - cost / unit'``.

    Every plan's ``cost / unit'`` lies in ``[0, weight - 1]``, so a bound ``B`` on that
    objective gives ``value / unit <= floor((B + weight - 1) / weight)``. The solver's
    bound and the relaxation's (widened by its float margin) both count; with neither,
    every worker's best weight, summed (each worker is placed at most once).
    """
    value = int(model.value[best].sum())
    bounds = [_cap(model, model.value) // unit]
    if not math.isnan(outcome.bound):
        # A hair of slack keeps an exact integer bound (12.9999999996 for 13) whole.
        bounds.append(math.floor((math.floor(outcome.bound + 1e-6) + weight - 1) / weight))
    if relaxation.optimal:
        top = relaxation.objective + margin(relaxation)
        bounds.append(math.floor((math.floor(top) + weight - 1) / weight))
    return max(value, min(bounds) * unit)
