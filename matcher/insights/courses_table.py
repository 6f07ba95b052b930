"""The ``courses`` policy table: which course cohorts would unlock the most placements.

Built from the training-plan engine, the same run as ``selaras plan-training``
(:func:`matcher.training.run.plan_training`): its counterfactual pass says, per cohort,
which workers the course's results would make eligible for a job order they cannot take
today, and its plan says how many placements each cohort would add. One row per cohort
starting on or after ``as_of`` (the plan's ``cohort`` records):

* ``seats``: the cohort's seats (from the catalogue; not a count of people);
* ``workers_unlocked``: distinct workers who meet the cohort's prerequisites and for whom
  its results open at least one job order (``unlocks`` not empty) — what the cohort could
  do with unlimited seats and budget;
* ``expected_placements``: the plan's enrolments in the cohort, each weighted by the
  course's ``pass_rate`` (every enrolment is placed in a job order its course unlocks, so
  its ``expected_placement`` is the pass rate) — what the cohort adds within its seats and
  the budget, shared with every other cohort.

The plan's solve is bounded by the catalogue's ``time_limit``; the table's provenance (in
the manifest) says whether the plan was proven optimal or stopped at the limit, with its
gap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from matcher.insights.schema import SCHEMAS
from matcher.insights.table import PolicyTable
from matcher.scoring.kernel import PoolScorer
from matcher.scoring.matching import MatchRun
from matcher.taxonomy.skills import default_skill_normalizer
from matcher.training.catalogue import read_catalogue
from matcher.training.instance import PASS_SCALE
from matcher.training.run import Budget, plan_training
from models.course import Course

__all__ = ["CourseCatalogue", "courses_table"]


@dataclass(frozen=True)
class CourseCatalogue:
    """Validated course records and how to plan with them, for the ``courses`` table.

    Attributes
    ----------
    courses : sequence of Course
        The catalogue's records, as ``models`` validated them.
    lines : sequence of int
        Where each record stands in ``file`` (problems name it).
    file : str
        The catalogue file's name.
    budget : Budget or None
        The most the plan's enrolments may cost; None: no limit.
    time_limit : float
        Seconds for the plan's solver at each date.
    """

    courses: Sequence[Course]
    lines: Sequence[int]
    file: str
    budget: Budget | None = None
    time_limit: float = 60.0


def courses_table(
    run: MatchRun, catalogue: CourseCatalogue, *, scorer: PoolScorer | None = None
) -> PolicyTable:
    """The ``courses`` table at ``run``'s date, true counts (protect before publishing).

    Parameters
    ----------
    run : MatchRun
        Workers and screened job orders at one ``as_of``.
    catalogue : CourseCatalogue
        The courses, read again at ``run``'s date (costs are converted at that date's rates).
    scorer : PoolScorer, optional
        The kernel over ``run.pool`` (the engine pass's): the plan reuses it instead of
        encoding the pool again. None: :attr:`MatchRun.kernel`, over the same encoding.

    Returns
    -------
    PolicyTable
        With the plan's ``status`` (``optimal``, ``feasible``: stopped at the time limit,
        or ``empty``), ``gap`` and ``time_limit`` as its provenance.

    Raises
    ------
    InvalidInputError
        For a course naming a skill outside the taxonomy or a currency without a rate,
        every problem with its file, line and field.
    ExchangeRateError
        If the budget's currency has no rate.
    """
    read = read_catalogue(
        catalogue.courses,
        catalogue.lines,
        file=catalogue.file,
        skills=default_skill_normalizer(),
        rates=run.params.rates,
        on=run.params.as_of,
    )
    planned = plan_training(
        run.workers,
        run.vacancies,
        read,
        run.params,
        budget=catalogue.budget,
        time_limit=catalogue.time_limit,
        scorer=run.kernel if scorer is None else scorer,
    )
    cf, instance, plan = planned.counterfactual, planned.instance, planned.plan
    n = instance.n_cohorts
    # Distinct (cohort, worker) options: a worker counts once per cohort however many job
    # orders it opens to her.
    options = np.unique(cf.option_cohort * max(instance.n_workers, 1) + cf.option_worker)
    unlocked = np.bincount(options // max(instance.n_workers, 1), minlength=n)
    # Enrolments times the pass rate, in whole PASS_SCALE units first so that the division
    # is the one rounding (17 x 0.85 is 14.45, not 14.450000000000001).
    expected = plan.cohort_enrolled * instance.pass_rate / PASS_SCALE
    return PolicyTable(
        SCHEMAS["courses"],
        run.params.as_of,
        {"course_id": instance.cohort_course, "cohort_start": instance.cohort_start},
        {"seats": instance.seats, "workers_unlocked": unlocked, "expected_placements": expected},
        provenance={
            "plan": {
                "status": plan.status,
                "gap": round(plan.gap, 6),
                "time_limit": catalogue.time_limit,
            }
        },
    )
