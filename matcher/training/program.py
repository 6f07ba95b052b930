"""The program of one component as the stages grow it, and exact checks of its answers.

A solver's answer is never taken on trust: its enrolments are rounded, checked against
seats and budget in integers, and the allocation for them is recomputed exactly by
min-cost flow (:func:`exact_allocation`); only then do its totals count.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from matcher.training.backends import Backend, Outcome, solve_program
from matcher.training.flow import FlowInfeasibleError, lexicographic_weight, max_weight_bmatching
from matcher.training.instance import PlanInstance
from matcher.training.model import PartModel, Rows

__all__ = ["Clock", "Program", "adopt", "checked", "exact_allocation", "totals"]

Ints = NDArray[np.int64]
Floats = NDArray[np.float64]
Bools = NDArray[np.bool_]


class Clock:
    """Seconds left before a deadline (``time.monotonic()``)."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline

    def left(self) -> float:
        """Seconds left (negative once past)."""
        return self.deadline - time.monotonic()


def exact_allocation(
    model: PartModel, enrolled_z_choice: Ints | None, x: Bools, instance: PlanInstance
) -> Bools:
    """The best allocation (value, then score) for fixed enrolments, exactly.

    Parameters
    ----------
    model : PartModel
    enrolled_z_choice : ndarray of int64 or None
        When given, the unlocked pair (``z`` index) each enrolled worker is placed in,
        per option (-1 for options not taken); otherwise the flow chooses.
    x : ndarray of bool, shape (n_x,)
        Options taken.
    instance : PlanInstance

    Returns
    -------
    ndarray of bool, shape (n_vars,)
    """
    n_x, n_y = model.n_x, model.n_y
    part = model.part
    n_w = len(part.workers)
    enrolled_worker = np.zeros(n_w, np.bool_)
    enrolled_worker[model.x_worker[x]] = True
    slots = instance.slots[part.jobs].copy()
    chosen = np.zeros(model.n_vars, np.bool_)
    chosen[:n_x] = x
    y_job = np.searchsorted(part.jobs, instance.pair_job[part.pairs])
    z_job = np.searchsorted(part.jobs, instance.unlock_job[part.unlocks])
    if enrolled_z_choice is not None:
        fixed = enrolled_z_choice[x]
        chosen[n_x + n_y + fixed] = True
        np.subtract.at(slots, z_job[fixed], 1)
        y_ok = ~enrolled_worker[model.y_worker]
        weight = lexicographic_weight(
            model.value[n_x : n_x + n_y][y_ok],
            model.score[n_x : n_x + n_y][y_ok],
            n_placed_max=n_w,
        )
        picked = max_weight_bmatching(
            model.y_worker[y_ok], y_job[y_ok], weight, n_workers=n_w, capacity=slots
        )
        chosen[n_x + np.flatnonzero(y_ok)[picked]] = True
        return chosen
    # Enrolled workers use only their option's unlocked pairs (and must be placed);
    # the others only their eligible pairs.
    y_ok = ~enrolled_worker[model.y_worker]
    z_ok = x[model.z_option]
    worker = np.concatenate((model.y_worker[y_ok], model.z_worker[z_ok]))
    job = np.concatenate((y_job[y_ok], z_job[z_ok]))
    value = np.concatenate((model.value[n_x : n_x + n_y][y_ok], model.value[n_x + n_y :][z_ok]))
    score = np.concatenate((model.score[n_x : n_x + n_y][y_ok], model.score[n_x + n_y :][z_ok]))
    weight = lexicographic_weight(value, score, n_placed_max=n_w)
    picked = max_weight_bmatching(
        worker, job, weight, n_workers=n_w, capacity=slots, must_place=enrolled_worker
    )
    n_yok = int(y_ok.sum())
    chosen[n_x + np.flatnonzero(y_ok)[picked[:n_yok]]] = True
    chosen[n_x + n_y + np.flatnonzero(z_ok)[picked[n_yok:]]] = True
    return chosen


@dataclass
class Program:
    """The component's program plus the rows, bounds and variables later stages add.

    Attributes
    ----------
    model : PartModel
    backend : str
    extra : Rows
        Rows added by stages (over all variables, the model's first).
    var_lower, var_upper : ndarray of float64, shape (n_total,)
    integer : ndarray of bool, shape (n_total,)
    solves : int
        Solver calls made so far (shared by forks).
    """

    model: PartModel
    backend: Backend
    extra: Rows
    var_lower: Floats
    var_upper: Floats
    integer: Bools
    solves: list[int]

    @property
    def n_total(self) -> int:
        """Variables, the model's and the ones stages added."""
        return len(self.var_upper)

    def fork(self) -> Program:
        """A copy whose rows and bounds can change without touching this one."""
        extra = Rows(
            [*self.extra.row],
            [*self.extra.col],
            [*self.extra.coef],
            [*self.extra.lower],
            [*self.extra.upper],
            self.extra.n_rows,
        )
        return Program(
            self.model,
            self.backend,
            extra,
            self.var_lower.copy(),
            self.var_upper.copy(),
            self.integer.copy(),
            self.solves,
        )

    def add_vars(self, n: int, *, integer: bool) -> Ints:
        """``n`` new variables in ``[0, 1]``; returns their indices."""
        first = self.n_total
        self.var_lower = np.concatenate((self.var_lower, np.zeros(n)))
        self.var_upper = np.concatenate((self.var_upper, np.ones(n)))
        self.integer = np.concatenate((self.integer, np.full(n, integer)))
        return first + np.arange(n, dtype=np.int64)

    def add_rows(self, row: Ints, col: Ints, coef: Floats, lower: Floats, upper: Floats) -> None:
        """Rows over all variables, numbered from 0 locally."""
        self.extra.add(row, col, coef, lower, upper)

    def hold(self, coefficients: Ints, lower: float, upper: float) -> None:
        """Add the row ``lower <= coefficients @ v <= upper`` over the model's variables."""
        cols = np.flatnonzero(coefficients)
        self.add_rows(
            np.zeros(len(cols), np.int64),
            cols,
            coefficients[cols].astype(np.float64),
            np.array([lower]),
            np.array([upper]),
        )

    def solve(self, objective: Floats, *, maximize: bool, clock: Clock) -> Outcome:
        """Solve with ``objective`` over the first ``len(objective)`` variables."""
        model, extra = self.model, self.extra
        rows = Rows(
            [*model.rows.row, *(r + model.rows.n_rows for r in extra.row)],
            [*model.rows.col, *extra.col],
            [*model.rows.coef, *extra.coef],
            [*model.rows.lower, *extra.lower],
            [*model.rows.upper, *extra.upper],
            model.rows.n_rows + extra.n_rows,
        )
        matrix, lower, upper = rows.matrix(self.n_total)
        full = np.zeros(self.n_total)
        full[: len(objective)] = objective
        self.solves[0] += 1
        return solve_program(
            self.backend,
            matrix,
            lower,
            upper,
            self.var_upper,
            self.integer,
            full,
            maximize=maximize,
            var_lower=self.var_lower,
            time_limit=clock.left(),
        )


def totals(model: PartModel, chosen: Bools) -> tuple[int, int, int]:
    """Exact value, cost and score of a plan."""
    return (
        int(model.value[chosen].sum()),
        int(model.cost[chosen].sum()),
        int(model.score[chosen].sum()),
    )


def _key(model: PartModel, chosen: Bools) -> tuple[int, int, int]:
    value, cost, score = totals(model, chosen)
    return value, -cost, score


def adopt(model: PartModel, instance: PlanInstance, outcome: Outcome, incumbent: Bools) -> Bools:
    """The solver's plan when it is valid and better on (value, -cost, score)."""
    if outcome.values is None:
        return incumbent
    x = np.asarray(np.rint(outcome.values[: model.n_x]) > 0)
    candidate = checked(model, instance, x, None)
    if candidate is None or _key(model, candidate) <= _key(model, incumbent):
        return incumbent
    return candidate


def checked(
    model: PartModel, instance: PlanInstance, x: Bools, placed: Ints | None
) -> Bools | None:
    """The exact allocation for the enrolments ``x``, if they respect seats and budget."""
    options = model.part.options[x]
    cohorts = instance.option_cohort[options]
    if (np.bincount(cohorts, minlength=instance.n_cohorts) > instance.seats).any():
        return None
    if instance.budget is not None and int(instance.option_cost[options].sum()) > instance.budget:
        return None
    try:
        return exact_allocation(model, placed, x, instance)
    except FlowInfeasibleError:
        return None
