"""The training part of ``selaras demo``: a plan for the bundled pool and course catalogue
(``selaras plan-training`` on ``data/sample``), summarised."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from cli.plan_training import read_courses
from cli.report import count_of
from matcher.scoring.matching import prepare_run
from matcher.training.run import plan_training
from models.files import InvalidInputError, read_records

__all__ = ["show_training"]

_TIME_LIMIT = 30.0


def show_training(console: Console, pool: Path, courses: Path, as_of: dt.date) -> bool:
    """Plan training for the pool in ``pool`` with the catalogue ``courses``; print it.

    Parameters
    ----------
    console : rich.console.Console
    pool : Path
        Holds ``workers.jsonl``, ``vacancies.jsonl`` and ``agencies.jsonl``.
    courses : Path
        The course catalogue.
    as_of : datetime.date

    Returns
    -------
    bool
        False when the files are missing or invalid (nothing printed).
    """
    paths = {kind: pool / f"{kind}.jsonl" for kind in ("workers", "vacancies", "agencies")}
    if not courses.exists() or not all(p.exists() for p in paths.values()):
        return False
    try:
        workers = read_records(paths["workers"], "workers").records
        vacancies = read_records(paths["vacancies"], "vacancies").records
        agencies = read_records(paths["agencies"], "agencies").records
        catalogue_file = read_records(courses, "courses")
        run = prepare_run(workers, vacancies, agencies, as_of)
        catalogue = read_courses(catalogue_file, courses, run, as_of)
    except InvalidInputError:
        return False
    planned = plan_training(
        run.workers, run.vacancies, catalogue, run.params, time_limit=_TIME_LIMIT
    )
    plan = planned.plan
    console.rule(
        Text(
            f"Training plan: {count_of(len(catalogue.courses), 'courses')} "
            f"({count_of(planned.instance.n_cohorts, 'cohorts')} open on {as_of}) for the same pool"
        )
    )
    console.print(
        Text(
            f"Placed without training: {plan.baseline_placed}; with the plan: "
            f"{plan.expected_placed:.2f} expected ({plan.status}, gap {plan.gap:.2%}); "
            f"{count_of(plan.n_enrolled, 'enrolments')} costing IDR {plan.cost / 100:,.0f}."
        )
    )
    by_course = Counter(e.course_id for e in plan.enrolments(planned.instance))
    table = Table(title="Enrolments per course")
    for column in ("Course", "Kind", "Enrolled", "Seats open", "Pass rate"):
        table.add_column(column)
    for course in catalogue.courses:
        seats = sum(s for start, s in course.cohorts if start >= as_of)
        table.add_row(
            course.id,
            course.provider_kind,
            str(by_course.get(course.id, 0)),
            str(seats),
            f"{course.pass_rate:.0%}",
        )
    console.print(table)
    return True
