"""The integer program of one component, as sparse arrays.

Variables, in this order:

* ``x[o]`` (binary): the worker of option ``o`` joins its cohort;
* ``y[p]`` (0..1): eligible pair ``p`` is in the allocation;
* ``z[u]`` (0..1): unlocked pair ``u`` is in the allocation.

Rows:

* each worker: ``sum(y of her pairs) + sum(z of her options' pairs) <= 1``;
* each option: ``sum(z of its pairs) - x[o] = 0`` (an enrolment is placed where its course
  unlocks: the lemma in :mod:`matcher.training.reduce`; it also gives "at most one course
  per worker", through the worker row);
* each job order: ``sum(y) + sum(z) <= slots``;
* each cohort whose seats can bind: ``sum(x) <= seats``;
* the budget, when it can bind: ``sum(cost * x) <= budget``.

Objectives: value ``PASS_SCALE * sum(y) + sum(pass_rate * z)``, cost ``sum(cost * x)``,
score ``sum(score * y) + sum(score after the course * z)``.

Why ``y`` and ``z`` need not be integer: once ``x`` is integral, the worker rows and
option rows form one laminar family (an option's pairs are a subset of its worker's),
the job rows another, and the incidence matrix of two laminar families is totally
unimodular; the bounds on ``z`` from ``x`` are integral. So every vertex of the
allocation polytope is integral and the solver branches on ``x`` only. The exact
allocation is recomputed afterwards by min-cost flow (:mod:`matcher.training.flow`).
Backends without continuous variables (CP-SAT) get them as integers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix

from matcher.training.instance import PASS_SCALE, PlanInstance
from matcher.training.reduce import Part

__all__ = ["PartModel", "Rows", "build_model"]

Ints = NDArray[np.int64]
Floats = NDArray[np.float64]


@dataclass
class Rows:
    """Sparse rows in coordinates: ``lower <= sum(coef * var) <= upper`` per row."""

    row: list[Ints] = field(default_factory=list)
    col: list[Ints] = field(default_factory=list)
    coef: list[Floats] = field(default_factory=list)
    lower: list[Floats] = field(default_factory=list)
    upper: list[Floats] = field(default_factory=list)
    n_rows: int = 0

    def add(self, row: Ints, col: Ints, coef: Floats, lower: Floats, upper: Floats) -> None:
        """Add rows numbered ``0 .. len(lower) - 1`` locally."""
        self.row.append(np.asarray(row, np.int64) + self.n_rows)
        self.col.append(np.asarray(col, np.int64))
        self.coef.append(np.asarray(coef, np.float64))
        self.lower.append(np.asarray(lower, np.float64))
        self.upper.append(np.asarray(upper, np.float64))
        self.n_rows += len(lower)

    def matrix(self, n_vars: int) -> tuple[csr_matrix, Floats, Floats]:
        """The constraint matrix and its row bounds."""
        rows = np.concatenate(self.row) if self.row else np.zeros(0, np.int64)
        cols = np.concatenate(self.col) if self.col else np.zeros(0, np.int64)
        coefs = np.concatenate(self.coef) if self.coef else np.zeros(0)
        shape = (self.n_rows, n_vars)
        matrix = csr_matrix((coefs, (rows, cols)), shape=shape, dtype=np.float64)
        lower = np.concatenate(self.lower) if self.lower else np.zeros(0)
        upper = np.concatenate(self.upper) if self.upper else np.zeros(0)
        return matrix, lower, upper


@dataclass(frozen=True)
class PartModel:
    """One component's program in local indices.

    Attributes
    ----------
    part : Part
    n_x, n_y, n_z : int
        Numbers of option, eligible-pair and unlocked-pair variables.
    rows : Rows
        The structural rows (stage rows are added per solve).
    value, cost, score : ndarray of int64, shape (n_vars,)
        Objective coefficients over all variables.
    x_worker : ndarray of int64, shape (n_x,)
        Local worker of each option.
    z_option : ndarray of int64, shape (n_z,)
        Local option of each unlocked pair.
    y_worker, z_worker : ndarray of int64
        Local worker of each eligible and unlocked pair.
    """

    part: Part
    n_x: int
    n_y: int
    n_z: int
    rows: Rows
    value: Ints
    cost: Ints
    score: Ints
    x_worker: Ints
    z_option: Ints
    y_worker: Ints
    z_worker: Ints

    @property
    def n_vars(self) -> int:
        """Number of variables."""
        return self.n_x + self.n_y + self.n_z


def _local(indices: Ints, universe: Ints) -> Ints:
    """Positions of ``indices`` in the sorted array ``universe``."""
    return np.searchsorted(universe, indices).astype(np.int64)


def build_model(instance: PlanInstance, part: Part) -> PartModel:
    """The integer program of one component.

    Parameters
    ----------
    instance : PlanInstance
    part : Part

    Returns
    -------
    PartModel
    """
    opts, pairs, unlocks = part.options, part.pairs, part.unlocks
    n_x, n_y, n_z = len(opts), len(pairs), len(unlocks)
    n_w, n_j = len(part.workers), len(part.jobs)
    x_var = np.arange(n_x, dtype=np.int64)
    y_var = n_x + np.arange(n_y, dtype=np.int64)
    z_var = n_x + n_y + np.arange(n_z, dtype=np.int64)
    x_worker = _local(instance.option_worker[opts], part.workers)
    z_option = _local(instance.unlock_option[unlocks], opts)
    y_worker = _local(instance.pair_worker[pairs], part.workers)
    z_worker = x_worker[z_option]
    y_job = _local(instance.pair_job[pairs], part.jobs)
    z_job = _local(instance.unlock_job[unlocks], part.jobs)
    rows = Rows()
    ones_y, ones_z = np.ones(n_y), np.ones(n_z)
    # Workers: a row only where she has two or more pair variables (one is its bound).
    per_worker = np.bincount(np.concatenate((y_worker, z_worker)), minlength=n_w)
    keep = per_worker > 1
    worker_row = np.cumsum(keep) - 1
    in_y, in_z = keep[y_worker], keep[z_worker]
    rows.add(
        np.concatenate((worker_row[y_worker[in_y]], worker_row[z_worker[in_z]])),
        np.concatenate((y_var[in_y], z_var[in_z])),
        np.concatenate((ones_y[in_y], ones_z[in_z])),
        np.full(int(keep.sum()), -np.inf),
        np.ones(int(keep.sum())),
    )
    # Options: sum z - x = 0.
    rows.add(
        np.concatenate((z_option, x_var)),
        np.concatenate((z_var, x_var)),
        np.concatenate((ones_z, -np.ones(n_x))),
        np.zeros(n_x),
        np.zeros(n_x),
    )
    # Job orders: a row only where the pairs outnumber the slots.
    slots = instance.slots[part.jobs]
    per_job = np.bincount(np.concatenate((y_job, z_job)), minlength=n_j)
    keep = per_job > slots
    job_row = np.cumsum(keep) - 1
    in_y, in_z = keep[y_job], keep[z_job]
    rows.add(
        np.concatenate((job_row[y_job[in_y]], job_row[z_job[in_z]])),
        np.concatenate((y_var[in_y], z_var[in_z])),
        np.concatenate((ones_y[in_y], ones_z[in_z])),
        np.full(int(keep.sum()), -np.inf),
        slots[keep].astype(np.float64),
    )
    # Seats of the cohorts that can overflow.
    if part.seat_cohorts.size:
        cohort = instance.option_cohort[opts]
        binding = np.isin(cohort, part.seat_cohorts)
        rows.add(
            _local(cohort[binding], part.seat_cohorts),
            x_var[binding],
            np.ones(int(binding.sum())),
            np.full(len(part.seat_cohorts), -np.inf),
            instance.seats[part.seat_cohorts].astype(np.float64),
        )
    cost = instance.option_cost[opts]
    if part.has_budget:
        assert instance.budget is not None
        paying = cost > 0
        rows.add(
            np.zeros(int(paying.sum()), np.int64),
            x_var[paying],
            cost[paying].astype(np.float64),
            np.array([-np.inf]),
            np.array([float(instance.budget)]),
        )
    pass_rate = instance.pass_rate[instance.option_cohort[opts]]
    zeros_x = np.zeros(n_x, np.int64)
    return PartModel(
        part=part,
        n_x=n_x,
        n_y=n_y,
        n_z=n_z,
        rows=rows,
        value=np.concatenate((zeros_x, np.full(n_y, PASS_SCALE, np.int64), pass_rate[z_option])),
        cost=np.concatenate((cost, np.zeros(n_y + n_z, np.int64))),
        score=np.concatenate((zeros_x, instance.pair_score[pairs], instance.unlock_score[unlocks])),
        x_worker=x_worker,
        z_option=z_option,
        y_worker=y_worker,
        z_worker=z_worker,
    )
