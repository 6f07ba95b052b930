"""The program of one component as the stages grow it, and exact checks of its answers.

A solver's answer is never taken on trust: its enrolments are rounded, checked against
seats and budget in integers, and the allocation for them is recomputed exactly by
min-cost flow (:func:`exact_allocation`); only then do its totals count.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix

from matcher.training.backends import (
    Backend,
    LinearRelaxation,
    Outcome,
    solve_program,
    solve_relaxation,
)
from matcher.training.flow import FlowInfeasibleError, lexicographic_weight, max_weight_bmatching
from matcher.training.instance import PlanInstance
from matcher.training.model import PartModel, Rows

__all__ = [
    "Clock",
    "Program",
    "adopt",
    "adopt_plan",
    "checked",
    "exact_allocation",
    "margin",
    "totals",
]

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
    solves : list of int
        Solver calls made so far (one counter shared by forks).
    pinned : ndarray of int64
        Rows held at equality (rows of the optimal face), with ``pinned_at`` their level.
    """

    model: PartModel
    backend: Backend
    extra: Rows
    var_lower: Floats
    var_upper: Floats
    integer: Bools
    solves: list[int]
    pinned: Ints = field(default_factory=lambda: np.zeros(0, np.int64))
    pinned_at: Floats = field(default_factory=lambda: np.zeros(0))

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
            self.pinned.copy(),
            self.pinned_at.copy(),
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

    def relax(self, objective: Floats, *, clock: Clock) -> LinearRelaxation:
        """The linear relaxation of ``max objective`` (GLOP), over all variables.

        Fixed variables are left out of the solve; their reduced cost reads as 0.
        """
        matrix, lower, upper, cost, active, offset = self._compressed(objective)
        relaxation = solve_relaxation(
            matrix,
            lower,
            upper,
            self.var_lower[active],
            self.var_upper[active],
            cost,
            maximize=True,
            time_limit=clock.left(),
        )
        if not relaxation.optimal:
            return relaxation
        values = self.var_lower.copy()
        values[active] = relaxation.values
        reduced = np.zeros(self.n_total)
        reduced[active] = relaxation.reduced_costs
        return LinearRelaxation(
            True, relaxation.objective + offset, values, reduced, relaxation.duals
        )

    def fix_by_reduced_costs(self, relaxation: LinearRelaxation, target: int) -> int:
        """Fix every variable that takes one value in all solutions worth ``target`` or more.

        Reduced-cost fixing on the relaxation of ``max objective``: with its optimum ``z``
        and a variable's reduced cost ``d`` at a bound, any solution with that variable
        at its other bound is worth at most ``z - |d|``. Where that is below ``target``
        (less a margin for the relaxation's float tolerances), every solution worth
        ``target`` has the variable at its relaxation value. Later stages search only
        among such solutions, so fixing is exact.

        Returns
        -------
        int
            Variables newly fixed.
        """
        if not relaxation.optimal:
            return 0
        widen = margin(relaxation)
        slack = relaxation.objective - target
        free = self.var_upper > self.var_lower
        at_bound = np.abs(relaxation.values - np.rint(relaxation.values)) < 1e-9
        fix = free & at_bound & (np.abs(relaxation.reduced_costs) > slack + widen)
        level = np.rint(relaxation.values[fix])
        self.var_lower[fix] = level
        self.var_upper[fix] = level
        return int(fix.sum())

    def restrict_to_optimal_face(self, relaxation: LinearRelaxation, target: int) -> bool:
        """Restrict to the face of the relaxation's optimum, when that optimum is ``target``.

        Complementary slackness: when the linear relaxation's optimum (maximisation) equals
        the integer optimum ``target``, a solution reaches ``target`` exactly when it keeps
        every variable with a non-zero reduced cost at its bound and every row with a
        non-zero dual at its limit. Fixing those gives a program whose every solution
        has the objective at ``target`` with no row on the objective, so a later stage
        keeps its allocation variables continuous. Reduced costs and duals within a
        tolerance of zero count as zero (the face kept is then larger, never smaller);
        callers check each answer exactly and fall back when it leaves the optimum.

        ``relaxation`` must be of this program as it is now (same rows and bounds).

        Returns
        -------
        bool
            Whether the relaxation was tight and the program now holds the face.
        """
        # Tight means equal: a relaxation optimum even half a unit above the integer one
        # has a face without any integer optimum on it.
        if not relaxation.optimal or relaxation.objective > target + 1e-9 * (abs(target) + 1):
            return False
        _, lower, upper = self._matrix()
        tolerance = 1e-6 * (1.0 + float(np.abs(relaxation.reduced_costs).max(initial=0.0)))
        fix = np.abs(relaxation.reduced_costs) > tolerance
        level = np.where(relaxation.reduced_costs > 0, self.var_upper, self.var_lower)[fix]
        self.var_lower[fix] = level
        self.var_upper[fix] = level
        duals = relaxation.duals
        pin = np.flatnonzero(np.abs(duals) > tolerance)
        self.pinned = np.concatenate((self.pinned, pin))
        self.pinned_at = np.concatenate(
            (self.pinned_at, np.where(duals[pin] > 0, upper[pin], lower[pin]))
        )
        return True

    def _matrix(self) -> tuple[csr_matrix, Floats, Floats]:
        """The constraint matrix and row bounds, pinned rows at their level."""
        matrix, lower, upper = self._rows().matrix(self.n_total)
        lower[self.pinned] = self.pinned_at
        upper[self.pinned] = self.pinned_at
        return matrix, lower, upper

    def _compressed(
        self, objective: Floats
    ) -> tuple[csr_matrix, Floats, Floats, Floats, Ints, float]:
        """The program over its free variables only: fixed ones move into the row bounds.

        Returns the matrix, row bounds, objective over the free variables, their indices
        and the objective's constant from the fixed ones.
        """
        matrix, lower, upper = self._matrix()
        full = np.zeros(self.n_total)
        full[: len(objective)] = objective
        active = np.flatnonzero(self.var_upper > self.var_lower)
        fixed = np.flatnonzero(self.var_upper <= self.var_lower)
        csc = matrix.tocsc()
        shift = csc[:, fixed] @ self.var_lower[fixed]
        return (
            csc[:, active].tocsr(),
            lower - shift,
            upper - shift,
            full[active],
            active.astype(np.int64),
            float(full[fixed] @ self.var_lower[fixed]),
        )

    def _rows(self) -> Rows:
        """The model's rows followed by the added ones."""
        model, extra = self.model, self.extra
        return Rows(
            [*model.rows.row, *(r + model.rows.n_rows for r in extra.row)],
            [*model.rows.col, *extra.col],
            [*model.rows.coef, *extra.coef],
            [*model.rows.lower, *extra.lower],
            [*model.rows.upper, *extra.upper],
            model.rows.n_rows + extra.n_rows,
        )

    def solve(
        self, objective: Floats, *, maximize: bool, clock: Clock, start: Bools | None = None
    ) -> Outcome:
        """Solve with ``objective`` over the first ``len(objective)`` variables.

        ``start``, a plan over the model's variables, is handed to the solver as a first
        incumbent (the added variables at their lower bound).
        """
        matrix, lower, upper, cost, active, offset = self._compressed(objective)
        hint = None
        if start is not None:
            hint = self.var_lower.copy()
            hint[: len(start)] = start
            hint = np.clip(hint, self.var_lower, self.var_upper)[active]
        self.solves[0] += 1
        outcome = solve_program(
            self.backend,
            matrix,
            lower,
            upper,
            self.var_upper[active],
            self.integer[active],
            cost,
            maximize=maximize,
            var_lower=self.var_lower[active],
            time_limit=clock.left(),
            start=hint,
        )
        if outcome.values is None:
            return outcome
        values = self.var_lower.copy()
        values[active] = outcome.values
        return Outcome(outcome.status, values, outcome.objective + offset, outcome.bound + offset)


def margin(relaxation: LinearRelaxation) -> float:
    """How far a float relaxation's objective and reduced costs can be off, at most."""
    largest = float(np.abs(relaxation.reduced_costs).max(initial=0.0))
    return 1e-6 * abs(relaxation.objective) + 1e-6 * largest + 1.0


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


def adopt_plan(
    model: PartModel, instance: PlanInstance, candidate: Bools | None, incumbent: Bools
) -> Bools:
    """``candidate`` when it is a plan better on (value, -cost, score)."""
    if candidate is None or _key(model, candidate) <= _key(model, incumbent):
        return incumbent
    return candidate


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
