"""The last tie rule: enrolments in ``worker_id`` order.

Definition
----------
Among plans with the same value, cost and score, compare the workers who have at least
one option one at a time in ascending ``worker_id`` order; at the first worker where two
plans differ, the plan that gives her the better *choice* wins. Her choices, best first:
enrolled in the cohort first in (course id, cohort start) order, placed in the job order
of smallest id among those its course unlocks; then the same cohort with the next job
order; ...; then the next cohort; and last, not enrolled. So training goes to the
lowest ids first, each into the earliest cohort of the course (the first course by id
when a worker has several equally good courses), and the plan is unique: two different
plans differ at some worker.

Algorithm (exact)
-----------------
Start from the optimum of stage 3 (the *incumbent*). One solve looks for any plan that
keeps value, cost and score, equals the incumbent on a prefix of the workers and gives
the next worker a better choice, and minimises the position of that worker. If there is
none, the incumbent is the tie-broken optimum. Otherwise that position ``i`` is the
first where the optimum differs from the incumbent (a better choice at an earlier
position would have been found), so the incumbent's choices before ``i`` are the
optimum's; a second solve gives worker ``i`` her best choice with them fixed, that plan
becomes the incumbent, worker ``i`` is fixed too, and the search goes on after ``i``.
Each round fixes at least one more worker, so it ends.

Model of "equal on a prefix, better at ``i``": continuous ``e_k`` (prefix equal through
position ``k``) with ``e_k <= e_{k-1}`` and ``e_k <=`` *worker k keeps her choice*,
binary ``f_k`` (first improvement at ``k``) with ``f_k <= e_{k-1}`` and ``f_k <=``
*worker k gets a better choice*, and ``sum f >= 1``. The ``z`` variables become integer
in these solves (the new rows are not part of the totally unimodular structure).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from matcher.training.instance import PlanInstance
from matcher.training.program import Clock, Program, checked, totals

__all__ = ["LeftTheOptimum", "order_stage"]

Ints = NDArray[np.int64]
Floats = NDArray[np.float64]
Bools = NDArray[np.bool_]


class LeftTheOptimum(Exception):  # noqa: N818 - a signal, not an error
    """A tie-break answer changed a held total: the program held a larger face."""


def choice_order(instance: PlanInstance, program: Program) -> tuple[Ints, Ints, Ints, Ints]:
    """Positions (local workers with an option, in id order) and each ``z``'s choice rank.

    Returns
    -------
    positions : ndarray of int64, shape (n_positions,)
        Local worker index of each position.
    position_of_worker : ndarray of int64, shape (n_local_workers,)
        Position of each local worker (-1 without an option).
    rank : ndarray of int64, shape (n_z,)
        Rank of each unlocked pair among its worker's choices (0 best).
    n_choices : ndarray of int64, shape (n_positions,)
        Choices of each position; "not enrolled" ranks ``n_choices``.
    """
    model = program.model
    part = model.part
    worker_rank = instance.worker_rank()[part.workers]
    local_workers = np.unique(model.x_worker)
    positions = local_workers[np.argsort(worker_rank[local_workers], kind="stable")]
    position_of_worker = np.full(len(part.workers), -1, np.int64)
    position_of_worker[positions] = np.arange(len(positions))
    z_position = position_of_worker[model.z_worker]
    z_cohort_rank = instance.cohort_rank()[instance.option_cohort[part.options[model.z_option]]]
    z_job_rank = instance.job_rank()[instance.unlock_job[part.unlocks]]
    order = np.lexsort((z_job_rank, z_cohort_rank, z_position))
    n_choices = np.bincount(z_position, minlength=len(positions)).astype(np.int64)
    starts = np.concatenate(([0], np.cumsum(n_choices)[:-1]))
    rank = np.empty(model.n_z, np.int64)
    rank[order] = np.arange(model.n_z) - starts[z_position[order]]
    return positions, position_of_worker, rank, n_choices


def _incumbent_choice(program: Program, chosen: Bools, n_positions: int, z_position: Ints) -> Ints:
    """The ``z`` index each position holds in ``chosen`` (-1: not enrolled)."""
    model = program.model
    z_chosen = np.flatnonzero(chosen[model.n_x + model.n_y :])
    choice = np.full(n_positions, -1, np.int64)
    choice[z_position[z_chosen]] = z_chosen
    return choice


def order_stage(
    instance: PlanInstance, program: Program, best: Bools, clock: Clock
) -> tuple[Bools, bool]:
    """Make ``best`` the tie-broken optimum (see the module docstring).

    Parameters
    ----------
    instance : PlanInstance
    program : Program
        Holds value, cost and score at their optimum.
    best : ndarray of bool
        An optimal plan of stage 3.
    clock : Clock

    Returns
    -------
    plan : ndarray of bool
    proven : bool
        False when a limit stopped the search (``plan`` is then still optimal on value,
        cost and score).
    """
    model = program.model
    n_x, n_y = model.n_x, model.n_y
    positions, position_of_worker, rank, n_choices = choice_order(instance, program)
    n_pos = len(positions)
    z_position = position_of_worker[model.z_worker]
    z_var = n_x + n_y + np.arange(model.n_z, dtype=np.int64)
    held = totals(model, best)
    fixed = program.fork()
    fixed.integer[z_var] = True

    def steer(first: int, objective: Floats) -> Floats:
        return steering(first, objective, z_position, z_var, rank, n_choices)

    def adopt_tie(objective: Floats) -> Bools | None:
        outcome = fixed.fork().solve(objective, maximize=False, clock=clock)
        if outcome.values is None or outcome.status != "optimal":
            return None
        candidate = _plan_from(instance, program, outcome.values)
        if candidate is None or totals(model, candidate) != held:
            raise LeftTheOptimum
        return candidate

    # A first plan close to the tie-broken one: linear weights favour earlier workers'
    # better choices (exact only when no trade-off between workers exists; the search
    # below proves or corrects it).
    steered = adopt_tie(steer(0, np.zeros(fixed.n_total)))
    if steered is None:
        return best, False
    best = steered
    start = 0
    while start < n_pos:
        choice = _incumbent_choice(program, best, n_pos, z_position)
        current = np.where(choice >= 0, rank[np.maximum(choice, 0)], n_choices)
        if not (current[start:] > 0).any():
            return best, True
        found = _first_improvement(fixed, start, choice, current, rank, z_position, z_var, clock)
        if found is None:
            return best, True
        if found < 0:
            return best, False
        # Fix the prefix before `found` to the incumbent, then give `found` her best
        # choice (weight above any steering total), steering the positions after it.
        _fix(fixed, start, found, choice, z_position, z_var)
        objective = steer(found + 1, np.zeros(fixed.n_total))
        top = 1.0 + float(np.sum((n_pos - np.arange(found + 1, n_pos)) * n_choices[found + 1 :]))
        mine = z_position == found
        objective[z_var[mine]] = top * (rank[mine] - n_choices[found])
        candidate = adopt_tie(objective)
        if candidate is None:
            return best, False
        best = candidate
        choice = _incumbent_choice(program, best, n_pos, z_position)
        _fix(fixed, found, found + 1, choice, z_position, z_var)
        start = found + 1
    return best, True


def steering(
    first: int, objective: Floats, z_position: Ints, z_var: Ints, rank: Ints, n_choices: Ints
) -> Floats:
    """Add ``sum(w_k * choice rank of k)`` over positions ``k >= first`` to ``objective``.

    ``w_k`` falls with the position, so a minimum prefers better choices for earlier
    workers. It only steers: the search in :func:`order_stage` proves or corrects the
    result (tests replace it by nothing to exercise that search).
    """
    later = z_position >= first
    weight = (len(n_choices) - z_position[later]).astype(np.float64)
    objective[z_var[later]] += weight * (rank[later] - n_choices[z_position[later]])
    return objective


def _fix(
    program: Program, first: int, stop: int, choice: Ints, z_position: Ints, z_var: Ints
) -> None:
    """Hold positions ``first .. stop - 1`` at ``choice`` through variable bounds."""
    span = choice[first:stop]
    program.var_lower[z_var[span[span >= 0]]] = 1.0
    inside = (z_position >= first) & (z_position < stop)
    program.var_upper[z_var[inside & (choice[z_position] < 0)]] = 0.0


def _first_improvement(
    program: Program,
    start: int,
    choice: Ints,
    current: Ints,
    rank: Ints,
    z_position: Ints,
    z_var: Ints,
    clock: Clock,
) -> int | None:
    """The first position from ``start`` where a tied plan gives a better choice.

    Returns None when there is none (proven), -1 when a limit stopped the solve.
    """
    trial = program.fork()
    span = np.arange(start, len(choice), dtype=np.int64)
    n = len(span)
    e = trial.add_vars(n, integer=False)
    improvable = current[span] > 0
    f = trial.add_vars(int(improvable.sum()), integer=True)
    f_pos = np.flatnonzero(improvable)
    # e_k - e_{k-1} <= 0
    chain = np.arange(1, n, dtype=np.int64)
    trial.add_rows(
        np.concatenate((chain - 1, chain - 1)),
        np.concatenate((e[chain], e[chain - 1])),
        np.concatenate((np.ones(n - 1), -np.ones(n - 1))),
        np.full(n - 1, -math.inf),
        np.zeros(max(n - 1, 0)),
    )
    # e_k <= worker k keeps her choice: e_k - z_held <= 0, or e_k + sum(her z) <= 1.
    held = choice[span]
    in_span = np.flatnonzero(z_position >= start)
    z_pos = z_position[in_span] - start
    unenrolled = held[z_pos] < 0
    enrolled_k = np.flatnonzero(held >= 0)
    trial.add_rows(
        np.concatenate((np.arange(n), enrolled_k, z_pos[unenrolled])),
        np.concatenate((e, z_var[held[enrolled_k]], z_var[in_span[unenrolled]])),
        np.concatenate((np.ones(n), -np.ones(len(enrolled_k)), np.ones(int(unenrolled.sum())))),
        np.full(n, -math.inf),
        np.where(held >= 0, 0.0, 1.0),
    )
    # f_k <= e_{k-1} and f_k <= sum(z of better choices at k).
    n_f = len(f)
    later = np.flatnonzero(f_pos > 0)
    trial.add_rows(
        np.tile(np.arange(len(later)), 2),
        np.concatenate((f[later], e[f_pos[later] - 1])),
        np.concatenate((np.ones(len(later)), -np.ones(len(later)))),
        np.full(len(later), -math.inf),
        np.zeros(len(later)),
    )
    f_of_position = np.full(n, -1, np.int64)
    f_of_position[f_pos] = np.arange(n_f)
    better = in_span[(rank[in_span] < current[span][z_pos]) & (f_of_position[z_pos] >= 0)]
    better_row = f_of_position[z_position[better] - start]
    trial.add_rows(
        np.concatenate((np.arange(n_f), better_row)),
        np.concatenate((f, z_var[better])),
        np.concatenate((np.ones(n_f), -np.ones(len(better)))),
        np.full(n_f, -math.inf),
        np.zeros(n_f),
    )
    trial.add_rows(np.zeros(n_f, np.int64), f, np.ones(n_f), np.array([1.0]), np.array([math.inf]))
    objective = np.zeros(trial.n_total)
    objective[f] = f_pos.astype(np.float64)
    outcome = trial.solve(objective, maximize=False, clock=clock)
    if outcome.status == "infeasible":
        return None
    if outcome.status != "optimal" or outcome.values is None:
        return -1
    taken = f_pos[np.rint(outcome.values[f]) > 0]
    return int(start + taken.min())


def _plan_from(
    instance: PlanInstance, program: Program, values: NDArray[np.float64]
) -> Bools | None:
    """The exact plan for a solver answer, keeping its placements of enrolled workers."""
    model = program.model
    n_x, n_y = model.n_x, model.n_y
    x = np.rint(values[:n_x]) > 0
    z = np.rint(values[n_x + n_y : n_x + n_y + model.n_z]) > 0
    placed = np.full(n_x, -1, np.int64)
    placed[model.z_option[z]] = np.flatnonzero(z)
    if (placed[x] < 0).any():
        return None
    return checked(model, instance, np.asarray(x), placed)
