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
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from matcher.training.backends import Backend, Outcome
from matcher.training.instance import PlanInstance
from matcher.training.model import PartModel, Rows
from matcher.training.order import order_stage
from matcher.training.program import Clock, Program, adopt, exact_allocation, totals

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


def solve_part(
    instance: PlanInstance,
    model: PartModel,
    *,
    backend: Backend,
    deadline: float,
) -> PartSolution:
    """All four stages for one component.

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
    integer = np.zeros(n_vars, np.bool_)
    integer[:n_x] = True
    if backend == "cp-sat":
        integer[:] = True
    program = Program(model, backend, Rows(), np.zeros(n_vars), np.ones(n_vars), integer, [0])
    # The plan with no enrolment is always feasible: the starting incumbent.
    best = exact_allocation(model, None, np.zeros(n_x, np.bool_), instance)
    first = program.solve(model.value.astype(np.float64), maximize=True, clock=clock)
    best = adopt(model, instance, first, best)
    value = int(model.value[best].sum())
    bound = _value_bound(first, value)
    if first.status != "optimal":
        return PartSolution(best, *totals(model, best), bound, False, program.solves[0])
    program.hold(model.value, value - 0.5, math.inf)
    for stage, maximize in ((model.cost, False), (model.score, True)):
        if not stage.any():
            continue
        outcome = program.solve(stage.astype(np.float64), maximize=maximize, clock=clock)
        best = adopt(model, instance, outcome, best)
        total = int(stage[best].sum())
        if outcome.status != "optimal":
            return PartSolution(best, *totals(model, best), bound, False, program.solves[0])
        if maximize:
            program.hold(stage, total - 0.5, math.inf)
        else:
            program.hold(stage, -math.inf, total + 0.5)
    best, proven = order_stage(instance, program, best, clock)
    return PartSolution(best, *totals(model, best), bound, proven, program.solves[0])


def _value_bound(outcome: Outcome, value: int) -> int:
    """The proven bound on an integer value: the solver's bound rounded down."""
    if outcome.status == "optimal":
        return value
    if math.isnan(outcome.bound):
        raise RuntimeError("the solver proved no bound; please report this")
    # The bound is a float from the solver's LP; a hair of slack keeps an exact integer
    # bound (e.g. 12.9999999996 for 13) from losing a unit.
    return max(value, math.floor(outcome.bound + 1e-6))
