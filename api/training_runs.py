"""Training plans run in the background: batch runs of kind :data:`TRAINING_PLAN`.

``POST /training-plans`` checks the request against the store (the courses it names,
the budget's currency, the catalogue on ``as_of``), then queues a run on the server's
:class:`~api.batch_runs.BatchRunner`: the same queue, status row, progress and cancel
as allocation rounds. The run reads the pool (an agency's plan: its own workers and job
orders; an officer's: every agency's), the agency register and the catalogue, and runs
what ``selaras plan-training`` runs (:func:`matcher.training.run.plan_training`); its
records are FORMAT.md "Training plan" records, each enrolment with the agencies of its
worker and job orders.

Ids are unique only within an agency, so the plan runs on
:func:`~matcher.allocation.round.round_key` keys, as rounds do: keys sort by id, then
agency, so a pool whose ids are unique gets the records ``selaras plan-training`` writes
for the same files and the catalogue in id order.

The catalogue a plan reads is the one its audit entry names: the request records the
catalogue's version (:func:`api.storage.training.catalogue_version`), and a run that finds
the catalogue changed since then fails, saying so, rather than plan on courses nobody
audited.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from functools import partial
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from api.batch_runs import RunKind, RunProgress
from api.http.errors import UnprocessableError
from api.storage.database import read_session
from api.storage.store import JOB_ORDERS, WORKERS, RecordTable, all_agencies
from api.storage.training import CourseRow, catalogue_version, list_courses
from matcher.allocation.round import round_key, split_round_key
from matcher.rules.exchange_rates import ExchangeRateError, ExchangeRateTable, load_exchange_rates
from matcher.scoring.matching import prepare_run
from matcher.taxonomy.skills import default_skill_normalizer
from matcher.training.catalogue import Catalogue, read_catalogue
from matcher.training.run import Budget, plan_training
from models.bounds import Day
from models.common import Amount, Identifier
from models.course import Course
from models.files import InvalidInputError, Problem
from models.typed_workers import with_id
from models.vacancy import Vacancy
from models.worker import Worker

__all__ = [
    "CATALOGUE_FILE",
    "MAX_COURSES",
    "MAX_TIME_LIMIT",
    "STAGE_BANDS",
    "TRAINING_PLAN",
    "CatalogueChangedError",
    "PlanBudget",
    "TrainingPlanRequest",
    "plan_params",
    "stored_catalogue",
    "training_plan_kind",
]

TRAINING_PLAN = "training_plan"
"""The batch-run kind of a training plan."""

MAX_TIME_LIMIT = 3600.0
"""Most seconds a request may give the solver: runs share one queue, and an hour-long
plan already holds every round behind it (``selaras plan-training`` allows a day)."""

MAX_COURSES = 1000
"""Most course ids a request's ``courses`` filter may name."""

STAGE_BANDS: dict[str, tuple[float, float]] = {
    "loading": (0.0, 0.05),
    "today": (0.05, 0.35),  # the kernel on every open job order, as it stands
    "cohorts": (0.35, 0.4),  # prerequisites of the near misses, per cohort
    "after the course": (0.4, 0.7),  # the kernel on the workers as the courses leave them
    "plan": (0.7, 0.95),  # the solver (one step: a cancel waits for it)
    "records": (0.95, 1.0),
}
"""The part of the progress bar each stage of a plan fills, in order (the stages of
:func:`matcher.training.counterfactual.counterfactual_pass`, then the plan)."""

CATALOGUE_FILE = "catalogue"
"""How problems name the stored catalogue (``catalogue:3: cost.currency: ...``): its
lines are the courses in id order."""

RecordT = TypeVar("RecordT", Worker, Vacancy)


class CatalogueChangedError(Exception):
    """The catalogue a run finds is not the one its request recorded (and audited)."""


class PlanBudget(Amount):
    """The most the enrolments may cost, in a currency of the exchange-rate table."""

    amount: Annotated[float, Field(ge=0)]


class TrainingPlanRequest(BaseModel):
    """What a plan is asked to do (the options of ``selaras plan-training``)."""

    model_config = {"extra": "forbid"}

    budget: PlanBudget | None = Field(
        None, description="Most the enrolments may cost (default: no limit)."
    )
    as_of: Day | None = Field(
        None, description="Evaluation date (default today); cohorts starting before it are closed."
    )
    time_limit: float = Field(
        60.0,
        strict=True,
        gt=0,
        le=MAX_TIME_LIMIT,
        allow_inf_nan=False,
        description="Seconds for the solver; when they run out the best plan found is the "
        "result, with its proven bound and gap.",
    )
    courses: list[Identifier] | None = Field(
        None,
        min_length=1,
        max_length=MAX_COURSES,
        description="Plan with these stored courses only (default: the whole catalogue).",
    )

    @field_validator("courses")
    @classmethod
    def _distinct(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and len(set(value)) != len(value):
            twice = sorted({c for c in value if value.count(c) > 1})
            raise ValueError(f"each course once: {', '.join(twice)} named more than once")
        return value


def training_plan_kind(engine: Engine) -> RunKind:
    """The :class:`~api.batch_runs.RunKind` of training plans on the store ``engine``."""
    return RunKind(partial(_run_plan, engine), STAGE_BANDS)


def stored_catalogue(
    rows: Sequence[CourseRow], rates: ExchangeRateTable, as_of: dt.date
) -> Catalogue:
    """The stored courses in engine terms (:func:`matcher.training.catalogue.read_catalogue`).

    Raises
    ------
    InvalidInputError
        Naming :data:`CATALOGUE_FILE`, the course's place in id order and the field, if a
        course confers a skill outside the taxonomy or costs in a currency without a rate
        on ``as_of``.
    """
    courses = [Course.model_validate_json(row.record) for row in rows]
    return read_catalogue(
        courses,
        range(1, len(courses) + 1),
        file=CATALOGUE_FILE,
        skills=default_skill_normalizer(),
        rates=rates,
        on=as_of,
    )


def plan_params(
    session: Session, request: TrainingPlanRequest, scope: str | None, today: dt.date
) -> dict[str, Any]:
    """The stored parameters of a plan, checked against the store.

    Parameters
    ----------
    session : Session
    request : TrainingPlanRequest
    scope : str or None
        The agency whose pool the plan draws on (None: every agency's).
    today : datetime.date
        The evaluation date when the request names none.

    Returns
    -------
    dict
        ``as_of``, ``budget``, ``time_limit``, ``courses``, ``agency_id`` (the scope) and
        ``catalogue`` (the version of the courses the plan reads).

    Raises
    ------
    UnprocessableError
        If a named course is not stored, the budget's currency has no rate on
        ``as_of``, or a stored course cannot be read on ``as_of`` (its id and field).
    """
    as_of = request.as_of or today
    rows = list_courses(session, request.courses)
    problems: list[tuple[tuple[str | int, ...], str]] = []
    stored = {row.id for row in rows}
    for index, course_id in enumerate(request.courses or ()):
        if course_id not in stored:
            problems.append((("body", "courses", index), f"no course {course_id!r} is stored"))
    rates = load_exchange_rates()
    if request.budget is not None:
        try:
            rates.convert(1.0, "IDR", request.budget.currency, as_of)
        except ExchangeRateError as error:
            problems.append((("body", "budget", "currency"), str(error)))
    try:
        stored_catalogue(rows, rates, as_of)
    except InvalidInputError as error:
        problems.extend((_where(rows, p), p.message) for p in error.problems)
    if problems:
        raise UnprocessableError(problems)
    return {
        "as_of": as_of.isoformat(),
        "budget": None if request.budget is None else request.budget.model_dump(mode="json"),
        "time_limit": request.time_limit,
        "courses": request.courses,
        "agency_id": scope,
        "catalogue": catalogue_version(rows),
    }


def _where(rows: Sequence[CourseRow], problem: Problem) -> tuple[str, ...]:
    """A catalogue problem's place: the course (by id) and the field."""
    if problem.line is None:
        return ("catalogue",)
    return ("catalogue", rows[problem.line - 1].id, problem.field or "course")


def _pool(session: Session, table: RecordTable[RecordT], scope: str | None) -> list[RecordT]:
    """The table's records of one agency (or every agency), each under its round key,
    in key order."""
    query = select(table.row.record)
    if scope is not None:
        query = query.where(table.row.agency_id == scope)
    records = (table.read(text) for text in session.scalars(query))
    keyed = [with_id(r, round_key(r.agency_id, r.id)) for r in records]
    return sorted(keyed, key=lambda r: r.id)


def _run_plan(engine: Engine, params: Mapping[str, Any], progress: RunProgress) -> tuple[str, str]:
    """The plan's records (JSON Lines) and ``{"summary": ...}``; raises CancelledError."""
    as_of = dt.date.fromisoformat(params["as_of"])
    scope = params["agency_id"]
    progress.start("loading", 3)
    with read_session(engine) as session:
        register = all_agencies(session)
        workers = _pool(session, WORKERS, scope)
        orders = _pool(session, JOB_ORDERS, scope)
        rows = list_courses(session, params["courses"])
    version = catalogue_version(rows)
    if version != params["catalogue"]:
        raise CatalogueChangedError(
            f"the course catalogue changed after the plan was asked ({params['catalogue']}, "
            f"now {version}): ask for the plan again"
        )
    progress.advance(1)
    run = prepare_run(workers, orders, register, as_of)
    progress.advance(1)
    catalogue = stored_catalogue(rows, run.params.rates, as_of)
    progress.advance(1)
    budget = params["budget"]
    planned = plan_training(
        run.workers,
        run.vacancies,
        catalogue,
        run.params,
        budget=None if budget is None else Budget(budget["amount"], budget["currency"]),
        time_limit=params["time_limit"],
        progress=progress,
    )
    progress.start("records", 1)
    records = [_with_agencies(record) for record in planned.records]
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    return lines, json.dumps({"summary": records[-1]}, ensure_ascii=False)


def _with_agencies(record: dict[str, Any]) -> dict[str, Any]:
    """A plan record with plain ids: an enrolment gets ``worker_agency_id``,
    ``placed_in_agency_id`` and ``unlocks_agency_ids`` (one per ``unlocks`` entry)."""
    if record["kind"] != "enrolment":
        return record
    worker_agency, worker_id = split_round_key(record["worker_id"])
    placed_agency, placed_in = split_round_key(record["placed_in"])
    unlocked = [split_round_key(key) for key in record["unlocks"]]
    return {
        **record,
        "worker_id": worker_id,
        "unlocks": [job for _, job in unlocked],
        "placed_in": placed_in,
        "worker_agency_id": worker_agency,
        "placed_in_agency_id": placed_agency,
        "unlocks_agency_ids": [agency for agency, _ in unlocked],
    }
