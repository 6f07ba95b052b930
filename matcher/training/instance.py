"""The planning instance: plain arrays, validated once, in exact integers.

Everything the plan solver needs and nothing else: who is eligible where today (with the
published score), which course cohorts each worker may join (prerequisites already met
on the cohort's start date), what that costs, and which job orders the course's results
would newly open to her (completion on or before the job order's start date already
applied) with the score she would have there. The counterfactual eligibility pass builds
it with the scoring engine; the solver never sees a worker record.

Exact arithmetic
----------------
* Scores are non-negative integers (the allocation graph's ``round(score, 4) * 10**4``).
* Pass rates are integers in units of ``1 / PASS_SCALE``: 0.85 is 8,500. A course's pass
  rate with more than four decimals must be rounded by the caller (the catalogue allows
  at most four). The value of a plan is then an integer in the same unit: a placement
  that needs no course weighs ``PASS_SCALE``, one a course unlocks weighs the course's
  pass rate.
* Costs and the budget are non-negative integers in one currency's minor unit (the
  caller converts through the exchange-rate table first). Their sum must stay below
  2**53, so a floating-point solver holds every total exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["MAX_TOTAL", "PASS_SCALE", "PlanInstance", "PlanInstanceError"]

PASS_SCALE = 10_000
"""Pass rates, and so the value of a plan, are integers in units of ``1 / PASS_SCALE``: a
course's pass rate has at most ``models.course.PASS_RATE_DECIMALS`` decimals, so it is
held exactly (tests/test_training_plans.py holds the two together)."""

MAX_TOTAL = 2**53 - 1
"""Largest total of costs or of scores: every total is then exact in a float64 too."""

Ints = NDArray[np.int64]
Strs = NDArray[np.str_]


class PlanInstanceError(ValueError):
    """The instance breaks a rule; the message names the field and the row."""


def _ints(name: str, values: Any) -> Ints:
    array = np.asarray(values)
    if array.ndim != 1:
        raise PlanInstanceError(
            f"{name}: expected a one-dimensional array, got shape {array.shape}"
        )
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise PlanInstanceError(f"{name}: expected integers, got dtype {array.dtype}")
    return array.astype(np.int64)


def _strs(name: str, values: Any) -> Strs:
    array = np.asarray(values, dtype=str)
    if array.ndim != 1:
        raise PlanInstanceError(
            f"{name}: expected a one-dimensional array, got shape {array.shape}"
        )
    empty = np.flatnonzero(np.char.str_len(array) == 0)
    if empty.size:
        raise PlanInstanceError(f"{name}[{empty[0]}]: an id must not be empty")
    return array


def _first(mask: NDArray[np.bool_]) -> int | None:
    rows = np.flatnonzero(mask)
    return int(rows[0]) if rows.size else None


def _check_range(name: str, values: Ints, low: int, high: int) -> None:
    """Every value in ``[low, high]``."""
    row = _first((values < low) | (values > high))
    if row is not None:
        raise PlanInstanceError(f"{name}[{row}] = {values[row]} is outside [{low}, {high}]")


def _check_unique(name: str, keys: tuple[NDArray[Any], ...], what: str) -> None:
    """No two rows share the same key columns; names both rows of the first repeat."""
    if not keys[0].size:
        return
    order = np.lexsort(keys[::-1])
    same = np.ones(len(order) - 1, np.bool_)
    for key in keys:
        same &= key[order[1:]] == key[order[:-1]]
    row = _first(same)
    if row is not None:
        first, second = sorted((int(order[row]), int(order[row + 1])))
        raise PlanInstanceError(f"{name}[{second}]: the same {what} as row {first}")


@dataclass(frozen=True)
class PlanInstance:
    """One planning problem, in arrays; validated on construction.

    Parameters
    ----------
    worker_ids : array of str, shape (n_workers,)
        Unique. Ties between plans go to enrolments in ascending id (code point) order.
    job_ids : array of str, shape (n_jobs,)
        Unique job-order ids.
    slots : array of int, shape (n_jobs,)
        Open slots of each job order (>= 0).
    pair_worker, pair_job : array of int, shape (n_pairs,)
        The eligible pairs without training: indices into ``worker_ids`` and ``job_ids``,
        no pair twice.
    pair_score : array of int, shape (n_pairs,)
        Published score of each eligible pair (>= 0).
    cohort_course, cohort_start : array of str, shape (n_cohorts,)
        Course id and start date (ISO 8601) of each cohort; the pair is unique and orders
        cohorts for ties (course id, then start).
    seats : array of int, shape (n_cohorts,)
        Seats in each cohort (>= 0).
    pass_rate : array of int, shape (n_cohorts,)
        The course's pass rate times :data:`PASS_SCALE`, in ``[0, PASS_SCALE]``.
    option_worker, option_cohort : array of int, shape (n_options,)
        The enrolment options: worker ``option_worker[o]`` may join cohort
        ``option_cohort[o]`` (prerequisites met). No pair twice.
    option_cost : array of int, shape (n_options,)
        Cost of each option in the budget currency's minor unit (>= 0).
    unlock_option, unlock_job : array of int, shape (n_unlocks,)
        Option ``unlock_option[u]`` opens job order ``unlock_job[u]`` to its worker: she is
        not eligible there today and would be with the course's results by the job
        order's start date. No pair twice, never a pair that is already eligible.
    unlock_score : array of int, shape (n_unlocks,)
        Her score there after the course (>= 0).
    budget : int or None
        Largest total cost (minor units, >= 0); None: no budget.

    Raises
    ------
    PlanInstanceError
        On the first broken rule, naming the field and the row.
    """

    worker_ids: Strs
    job_ids: Strs
    slots: Ints
    pair_worker: Ints
    pair_job: Ints
    pair_score: Ints
    cohort_course: Strs
    cohort_start: Strs
    seats: Ints
    pass_rate: Ints
    option_worker: Ints
    option_cohort: Ints
    option_cost: Ints
    unlock_option: Ints
    unlock_job: Ints
    unlock_score: Ints
    budget: int | None = None
    _ranks: dict[str, Ints] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("worker_ids", "job_ids", "cohort_course", "cohort_start"):
            object.__setattr__(self, name, _strs(name, getattr(self, name)))
        for name in (
            "slots", "pair_worker", "pair_job", "pair_score", "seats", "pass_rate",
            "option_worker", "option_cohort", "option_cost", "unlock_option", "unlock_job",
            "unlock_score",
        ):  # fmt: skip
            object.__setattr__(self, name, _ints(name, getattr(self, name)))
        self._validate()

    # ------------------------------------------------------------------ sizes
    @property
    def n_workers(self) -> int:
        """Number of workers."""
        return len(self.worker_ids)

    @property
    def n_jobs(self) -> int:
        """Number of job orders."""
        return len(self.job_ids)

    @property
    def n_cohorts(self) -> int:
        """Number of cohorts."""
        return len(self.cohort_course)

    @property
    def n_options(self) -> int:
        """Number of enrolment options."""
        return len(self.option_worker)

    # ------------------------------------------------------------------ tie orders
    def worker_rank(self) -> Ints:
        """Position of each worker id in ascending order, shape (n_workers,)."""
        return self._rank("worker", (self.worker_ids,))

    def job_rank(self) -> Ints:
        """Position of each job-order id in ascending order, shape (n_jobs,)."""
        return self._rank("job", (self.job_ids,))

    def cohort_rank(self) -> Ints:
        """Position of each cohort in (course id, start) order, shape (n_cohorts,)."""
        return self._rank("cohort", (self.cohort_course, self.cohort_start))

    def _rank(self, name: str, keys: tuple[Strs, ...]) -> Ints:
        if name not in self._ranks:
            rank = np.empty(len(keys[0]), np.int64)
            rank[np.lexsort(keys[::-1])] = np.arange(len(keys[0]))
            self._ranks[name] = rank
        return self._ranks[name]

    # ------------------------------------------------------------------ validation
    def _validate(self) -> None:
        n_workers, n_jobs, n_cohorts = self.n_workers, self.n_jobs, self.n_cohorts
        groups = {
            "job_ids": ("slots",),
            "pair_worker": ("pair_job", "pair_score"),
            "cohort_course": ("cohort_start", "seats", "pass_rate"),
            "option_worker": ("option_cohort", "option_cost"),
            "unlock_option": ("unlock_job", "unlock_score"),
        }
        for lead, others in groups.items():
            for other in others:
                if len(getattr(self, other)) != len(getattr(self, lead)):
                    raise PlanInstanceError(
                        f"{other}: has {len(getattr(self, other))} rows, "
                        f"{lead} has {len(getattr(self, lead))}"
                    )
        _check_unique("worker_ids", (self.worker_ids,), "id")
        _check_unique("job_ids", (self.job_ids,), "id")
        _check_unique("cohort_start", (self.cohort_course, self.cohort_start), "course and start")
        _check_range("slots", self.slots, 0, MAX_TOTAL)
        _check_range("seats", self.seats, 0, MAX_TOTAL)
        _check_range("pass_rate", self.pass_rate, 0, PASS_SCALE)
        _check_range("pair_worker", self.pair_worker, 0, n_workers - 1)
        _check_range("pair_job", self.pair_job, 0, n_jobs - 1)
        _check_range("option_worker", self.option_worker, 0, n_workers - 1)
        _check_range("option_cohort", self.option_cohort, 0, n_cohorts - 1)
        _check_range("unlock_option", self.unlock_option, 0, self.n_options - 1)
        _check_range("unlock_job", self.unlock_job, 0, n_jobs - 1)
        for name in ("pair_score", "unlock_score", "option_cost"):
            _check_range(name, getattr(self, name), 0, MAX_TOTAL)
        _check_unique("pair_job", (self.pair_worker, self.pair_job), "worker and job order")
        _check_unique(
            "option_cohort", (self.option_worker, self.option_cohort), "worker and cohort"
        )
        _check_unique("unlock_job", (self.unlock_option, self.unlock_job), "option and job order")
        self._check_totals()
        self._check_unlocks_are_new()
        if self.budget is not None:
            if isinstance(self.budget, bool) or not isinstance(self.budget, int | np.integer):
                raise PlanInstanceError(f"budget: expected an integer or None, got {self.budget!r}")
            if not 0 <= self.budget <= MAX_TOTAL:
                raise PlanInstanceError(f"budget = {self.budget} is outside [0, {MAX_TOTAL}]")
            object.__setattr__(self, "budget", int(self.budget))

    def _check_totals(self) -> None:
        # Python integers: the sums themselves must not overflow while being checked.
        totals = {
            "option_cost": int(np.sum(self.option_cost.astype(object))),
            "pair_score": int(np.sum(self.pair_score.astype(object))),
            "unlock_score": int(np.sum(self.unlock_score.astype(object))),
        }
        for name, total in totals.items():
            if total > MAX_TOTAL:
                raise PlanInstanceError(f"{name}: the total {total} exceeds {MAX_TOTAL}")

    def _check_unlocks_are_new(self) -> None:
        if not self.unlock_option.size or not self.pair_worker.size:
            return
        n_jobs = max(self.n_jobs, 1)
        baseline = self.pair_worker * n_jobs + self.pair_job
        unlocked = self.option_worker[self.unlock_option] * n_jobs + self.unlock_job
        row = _first(np.isin(unlocked, baseline))
        if row is not None:
            worker = self.worker_ids[self.option_worker[self.unlock_option[row]]]
            job = self.job_ids[self.unlock_job[row]]
            raise PlanInstanceError(
                f"unlock_job[{row}]: worker {worker} is already eligible for {job} without "
                "training, so a course cannot unlock it"
            )
