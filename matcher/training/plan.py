"""The solved plan: enrolments, cohort fill, the allocation, and the proven bound."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from matcher.training.instance import PASS_SCALE, PlanInstance

__all__ = ["Enrolment", "SolveStats", "TrainingPlan"]

Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]

Status = Literal["optimal", "feasible", "empty"]


@dataclass(frozen=True)
class Enrolment:
    """One enrolment, by id (FORMAT.md ``enrolment`` record, less its dates)."""

    worker_id: str
    course_id: str
    cohort_start: str
    cost: int
    unlocks: tuple[str, ...]
    placed_in: str
    expected_placement: float


@dataclass(frozen=True)
class SolveStats:
    """How the plan was solved.

    Attributes
    ----------
    backend : str
    seconds : float
        Wall-clock time of ``solve_plan``.
    parts : int
        Components solved by the integer program.
    largest_part : tuple of int
        (options, eligible pairs, unlocked pairs) of the largest component.
    flow_pairs : int
        Eligible pairs settled by min-cost flow (components without options).
    options_dropped : int
        Options no plan can use (reduction R1).
    budget_binds : bool
        Whether the budget row was kept (reduction R2).
    solves : int
        Solver calls.
    """

    backend: str
    seconds: float
    parts: int
    largest_part: tuple[int, int, int]
    flow_pairs: int
    options_dropped: int
    budget_binds: bool
    solves: int


@dataclass(frozen=True)
class TrainingPlan:
    """A training plan and the allocation that realises its value.

    Attributes
    ----------
    status : {"optimal", "feasible", "empty"}
        ``optimal``: value proven optimal and every tie rule applied; ``feasible``: a time
        limit stopped the solve (see ``gap``; the tie rules may not all be applied);
        ``empty``: proven optimal, and the optimum enrols nobody (``reasons`` say why).
    reasons : tuple of str
        Why nobody is enrolled (empty unless the plan has no enrolment).
    enrol_option : ndarray of int64, shape (n_enrolled,)
        Options taken, in ``worker_id`` order.
    enrol_unlock : ndarray of int64, shape (n_enrolled,)
        The unlocked pair each enrolled worker is placed in (``placed_in`` is its job).
    cohort_enrolled : ndarray of int64, shape (n_cohorts,)
        Enrolments per cohort.
    placed_pairs : ndarray of bool, shape (n_pairs,)
        Eligible pairs in the allocation.
    placed_unlocks : ndarray of bool, shape (n_unlocks,)
        Unlocked pairs in the allocation (exactly ``enrol_unlock``).
    baseline_placed : int
        Most workers placed with no training (maximum cardinality).
    value : int
        Expected placements times :data:`PASS_SCALE`.
    upper_bound : int
        Proven bound on the best value, same unit.
    cost : int
        Total cost (budget currency's minor unit).
    score : int
        Total score of the placed pairs (after the course for enrolled workers).
    stats : SolveStats
    """

    status: Status
    reasons: tuple[str, ...]
    enrol_option: Ints
    enrol_unlock: Ints
    cohort_enrolled: Ints
    placed_pairs: Bools
    placed_unlocks: Bools
    baseline_placed: int
    value: int
    upper_bound: int
    cost: int
    score: int
    stats: SolveStats

    @property
    def expected_placed(self) -> float:
        """The plan's value in placements."""
        return self.value / PASS_SCALE

    @property
    def gap(self) -> float:
        """``(upper_bound - value) / upper_bound`` (0 when the bound is 0)."""
        return (self.upper_bound - self.value) / self.upper_bound if self.upper_bound else 0.0

    @property
    def n_enrolled(self) -> int:
        """Number of enrolments."""
        return len(self.enrol_option)

    def enrolments(self, instance: PlanInstance) -> list[Enrolment]:
        """The enrolments by id, in ``worker_id`` order.

        Parameters
        ----------
        instance : PlanInstance
            The instance the plan was solved for.

        Returns
        -------
        list of Enrolment
        """
        order = np.argsort(instance.unlock_option, kind="stable")
        sorted_options = instance.unlock_option[order]
        out = []
        for option, unlock in zip(
            self.enrol_option.tolist(), self.enrol_unlock.tolist(), strict=True
        ):
            rows = order[
                np.searchsorted(sorted_options, option) : np.searchsorted(
                    sorted_options, option, side="right"
                )
            ]
            cohort = int(instance.option_cohort[option])
            out.append(
                Enrolment(
                    worker_id=str(instance.worker_ids[instance.option_worker[option]]),
                    course_id=str(instance.cohort_course[cohort]),
                    cohort_start=str(instance.cohort_start[cohort]),
                    cost=int(instance.option_cost[option]),
                    unlocks=tuple(
                        sorted(str(j) for j in instance.job_ids[instance.unlock_job[rows]])
                    ),
                    placed_in=str(instance.job_ids[instance.unlock_job[unlock]]),
                    expected_placement=int(instance.pass_rate[cohort]) / PASS_SCALE,
                )
            )
        return out
