"""A training-plan run end to end: the counterfactual pass, the instance, the plan, records.

:func:`plan_training` takes what ``selaras plan-training`` and ``POST /training-plans``
read (workers as facts, job orders screened, the catalogue) and returns a
:class:`PlanRun`: the counterfactual pass, the :class:`PlanInstance` built from it, the
solved :class:`TrainingPlan`, and the FORMAT.md "Training plan" records.

Money: every course's cost is converted to the budget's currency (IDR when there is no
budget) through the exchange-rate table on ``as_of``, and held in hundredths of that
currency, so totals are exact integers (the solver's requirement). A budget currency
without a rate is an :class:`~matcher.rules.exchange_rates.ExchangeRateError` naming it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from matcher.allocation.runner import Progress
from matcher.rules.exchange_rates import ExchangeRateTable
from matcher.rules.screening import ScreenedVacancy
from matcher.scoring.facts import WorkerFacts
from matcher.scoring.kernel import PoolScorer
from matcher.scoring.params import ScoringParams
from matcher.training.catalogue import Catalogue
from matcher.training.counterfactual import Counterfactual, counterfactual_pass
from matcher.training.instance import PASS_SCALE, PlanInstance
from matcher.training.plan import TrainingPlan
from matcher.training.solve import solve_plan

__all__ = ["CENTS", "Budget", "PlanRun", "plan_training"]

CENTS = 100
"""Costs and the budget are held in hundredths of the budget's currency."""


@dataclass(frozen=True)
class Budget:
    """A budget: an amount (>= 0) in a currency of the exchange-rate table."""

    amount: float
    currency: str


@dataclass(frozen=True)
class PlanRun:
    """One plan: what it was built from, the plan, and its records.

    Attributes
    ----------
    counterfactual : Counterfactual
    instance : PlanInstance
    plan : TrainingPlan
    currency : str
        The currency of costs (the budget's, IDR without one).
    as_of : datetime.date
    records : list of dict
        FORMAT.md "Training plan" records: enrolments (``worker_id`` order), one cohort
        record per cohort starting on or after ``as_of`` (catalogue order), the summary.
    """

    counterfactual: Counterfactual
    instance: PlanInstance
    plan: TrainingPlan
    currency: str
    as_of: dt.date
    catalogue: Catalogue
    vacancy_ids: tuple[str, ...]

    @property
    def records(self) -> list[dict[str, Any]]:
        """The plan's records (see the class docstring)."""
        return plan_records(self)


def _cents(amount: float, *, up: bool) -> int:
    """``amount`` in whole hundredths: a cost rounded up and a budget down, so that a plan
    within the budget in hundredths is within it exactly (to a millionth of a hundredth:
    ``24.09 * 100`` is ``2408.9999999999995`` in floating point)."""
    hundredths = round(amount * CENTS, 6)
    return math.ceil(hundredths) if up else math.floor(hundredths)


def _money(cents: int, currency: str) -> dict[str, Any]:
    """``{"amount", "currency"}``: a whole amount as an integer, else to the hundredth."""
    amount: int | float = cents // CENTS if cents % CENTS == 0 else cents / CENTS
    return {"amount": amount, "currency": currency}


def _option_costs(
    catalogue: Catalogue, cf: Counterfactual, currency: str, rates: ExchangeRateTable, on: dt.date
) -> np.ndarray:
    per_course = np.array(
        [
            _cents(rates.convert(c.cost_amount, c.cost_currency, currency, on).amount, up=True)
            for c in catalogue.courses
        ],
        np.int64,
    )
    return (
        per_course[cf.cohort_course[cf.option_cohort]] if len(per_course) else np.zeros(0, np.int64)
    )


def plan_training(
    workers: Sequence[WorkerFacts],
    vacancies: Sequence[ScreenedVacancy],
    catalogue: Catalogue,
    params: ScoringParams,
    *,
    budget: Budget | None = None,
    time_limit: float = 60.0,
    progress: Progress | None = None,
    scorer: PoolScorer | None = None,
) -> PlanRun:
    """Plan whom to train, in which cohort, so that the most are placed.

    Parameters
    ----------
    workers : sequence of WorkerFacts
    vacancies : sequence of ScreenedVacancy
    catalogue : Catalogue
    params : ScoringParams
        The run's parameters (``as_of``, the exchange-rate table).
    budget : Budget, optional
        The most the enrolments may cost; None: no limit.
    time_limit : float
        Seconds for the solver (:func:`~matcher.training.solve_plan`).
    progress : Progress, optional
    scorer : PoolScorer, optional
        The kernel over ``workers`` on ``params.as_of``, already built (a run's): the
        counterfactual pass reuses its encoding (:func:`counterfactual_pass`).

    Returns
    -------
    PlanRun

    Raises
    ------
    ExchangeRateError
        If the budget's currency has no rate.
    """
    currency = "IDR" if budget is None else budget.currency.strip().upper()
    # Checked before any work: a budget in a currency with no rate is bad input.
    params.rates.convert(1.0, "IDR", currency, params.as_of)
    if budget is not None and budget.amount < 0:
        raise ValueError(f"the budget must not be negative (got {budget.amount})")
    cf = counterfactual_pass(
        workers, vacancies, catalogue, params, progress=progress, scorer=scorer
    )
    courses = catalogue.courses
    instance = PlanInstance(
        worker_ids=np.array([w.id for w in workers], dtype=str),
        job_ids=np.array([v.vacancy.id for v in vacancies], dtype=str),
        slots=np.array([v.vacancy.slots for v in vacancies], np.int64),
        pair_worker=cf.pair_worker,
        pair_job=cf.pair_job,
        pair_score=cf.pair_score,
        cohort_course=np.array([courses[c].id for c in cf.cohort_course.tolist()], dtype=str),
        cohort_start=np.array([d.isoformat() for d in cf.cohort_start], dtype=str),
        seats=cf.cohort_seats,
        pass_rate=np.array(
            [round(courses[c].pass_rate * PASS_SCALE) for c in cf.cohort_course.tolist()],
            np.int64,
        ),
        option_worker=cf.option_worker,
        option_cohort=cf.option_cohort,
        option_cost=_option_costs(catalogue, cf, currency, params.rates, params.as_of),
        unlock_option=cf.unlock_option,
        unlock_job=cf.unlock_job,
        unlock_score=cf.unlock_published,
        budget=None if budget is None else _cents(budget.amount, up=False),
    )
    if progress is not None:
        progress.start("plan", 1)
    plan = solve_plan(instance, time_limit=time_limit)
    if progress is not None:
        progress.advance(1)
    return PlanRun(
        counterfactual=cf,
        instance=instance,
        plan=plan,
        currency=currency,
        as_of=params.as_of,
        catalogue=catalogue,
        vacancy_ids=tuple(v.vacancy.id for v in vacancies),
    )


def plan_records(run: PlanRun) -> list[dict[str, Any]]:
    """FORMAT.md "Training plan" records of a run (see :class:`PlanRun`)."""
    plan, instance, cf, currency = run.plan, run.instance, run.counterfactual, run.currency
    out: list[dict[str, Any]] = []
    for enrolment, option in zip(
        plan.enrolments(instance), plan.enrol_option.tolist(), strict=True
    ):
        cohort = int(instance.option_cohort[option])
        out.append(
            {
                "kind": "enrolment",
                "worker_id": enrolment.worker_id,
                "course_id": enrolment.course_id,
                "cohort_start": enrolment.cohort_start,
                "completes": cf.cohort_completes[cohort].isoformat(),
                "cost": _money(enrolment.cost, currency),
                "unlocks": list(enrolment.unlocks),
                "placed_in": enrolment.placed_in,
                "expected_placement": enrolment.expected_placement,
            }
        )
    for k in range(instance.n_cohorts):
        out.append(
            {
                "kind": "cohort",
                "course_id": str(instance.cohort_course[k]),
                "cohort_start": str(instance.cohort_start[k]),
                "seats": int(instance.seats[k]),
                "enrolled": int(plan.cohort_enrolled[k]),
            }
        )
    summary: dict[str, Any] = {
        "kind": "summary",
        "baseline_placed": plan.baseline_placed,
        "expected_placed": plan.expected_placed,
        "enrolled": plan.n_enrolled,
        "cost": _money(plan.cost, currency),
        "upper_bound": plan.upper_bound / PASS_SCALE,
        "gap": round(plan.gap, 6),
        "status": plan.status,
    }
    if plan.reasons:
        summary["reasons"] = list(plan.reasons)
    out.append(summary)
    return out
