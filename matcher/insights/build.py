"""Every policy table of one date from one engine pass, and the checks on what is asked.

:func:`build_tables` is what ``selaras insights``, the API and the benchmark call: one
:func:`~matcher.insights.engine_pass.run_engine_pass`, the tables counted from it, the
``reintegration`` table when returnees and opportunities are given, then
:func:`~matcher.insights.suppression.protect` on each. Nothing but protected tables leaves
this module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from matcher.allocation.runner import ChunkRunner
from matcher.insights.counts import engine_tables
from matcher.insights.courses_table import CourseCatalogue, courses_table
from matcher.insights.engine_pass import Timings, run_engine_pass
from matcher.insights.reintegration_table import reintegration_table
from matcher.insights.schema import SCHEMAS, TABLE_NAMES
from matcher.insights.suppression import MIN_CELL_FLOOR, protect
from matcher.insights.table import PolicyTable, ProtectedTable
from matcher.scoring.matching import MatchRun
from matcher.taxonomy.skills import default_skill_normalizer
from models.opportunity import Opportunity
from models.vacancy import Vacancy
from models.worker import Worker

__all__ = [
    "ENGINE_TABLES",
    "CourseCatalogue",
    "InsightsError",
    "Returnees",
    "build_tables",
    "check_min_cell",
    "check_tables",
    "earliest_record",
]

ENGINE_TABLES = ("supply_demand", "gaps", "languages", "origin", "refusals")
"""The tables every engine pass gives (``courses`` needs a course catalogue,
``reintegration`` returnees and opportunities)."""


class InsightsError(ValueError):
    """What was asked of ``selaras insights`` cannot be answered (the message says why)."""


@dataclass(frozen=True)
class Returnees:
    """Returnees and domestic opportunities, for the ``reintegration`` table."""

    returnees: Sequence[Worker]
    opportunities: Sequence[Opportunity]


def check_tables(
    names: Sequence[str], *, returnees: bool, courses: bool = False
) -> tuple[str, ...]:
    """The tables to build, in FORMAT order, from the names asked for (all when empty).

    Raises
    ------
    InsightsError
        For an unknown name (listing the known ones), ``courses`` without a course
        catalogue, or ``reintegration`` without returnees.
    """
    given = {"courses": courses, "reintegration": returnees}
    available = ENGINE_TABLES + tuple(name for name, present in given.items() if present)
    if not names:
        return tuple(n for n in TABLE_NAMES if n in available)
    unknown = [n for n in names if n not in SCHEMAS]
    if unknown:
        raise InsightsError(
            f"unknown table {', '.join(map(repr, unknown))}: the tables are "
            f"{', '.join(TABLE_NAMES)}"
        )
    if "courses" in names and not courses:
        raise InsightsError("the courses table needs --courses (a course catalogue)")
    if "reintegration" in names and not returnees:
        raise InsightsError("the reintegration table needs --returnees and --opportunities")
    return tuple(n for n in TABLE_NAMES if n in names)


def check_min_cell(min_cell: int) -> int:
    """``min_cell`` itself, if at least 3.

    Raises
    ------
    InsightsError
        Below 3: a threshold of 1 or 2 protects nobody.
    """
    if isinstance(min_cell, bool) or not isinstance(min_cell, int) or min_cell < MIN_CELL_FLOOR:
        raise InsightsError(
            f"--min-cell must be at least {MIN_CELL_FLOOR} (counts of 1 or 2 people identify "
            f"them); got {min_cell!r}"
        )
    return min_cell


def _dates(worker: Worker) -> Iterator[dt.date | None]:
    """The dates a worker record states about its own past (not the birth date)."""
    yield from (c.issued for c in worker.certificates)
    yield from (r.date for r in worker.languages)
    yield from (e.start for e in worker.experience)
    yield worker.health.checked if worker.health is not None else None
    yield worker.returned


def _record_dates(
    workers: Sequence[Worker], vacancies: Sequence[Vacancy]
) -> Iterator[tuple[dt.date, str]]:
    for worker in workers:
        yield from ((day, f"worker {worker.id}") for day in _dates(worker) if day is not None)
    yield from ((v.start_date, f"job order {v.id}") for v in vacancies if v.start_date is not None)


def earliest_record(
    workers: Sequence[Worker], vacancies: Sequence[Vacancy], *, after: dt.date | None = None
) -> tuple[dt.date, str] | None:
    """The earliest date any record states (and which record), or None when none does.

    The dates counted are those a record states about its own past or plans: certificate
    issue, language test and experience start dates, health checks and return dates of
    workers, and job orders' start dates. Birth dates are not: they say nothing about when
    the record came to be.

    Parameters
    ----------
    workers : sequence of Worker
    vacancies : sequence of Vacancy
    after : datetime.date, optional
        Only look for the earliest date when every date is after this one; return None as
        soon as one is not. The check "is ``as_of`` before every record" then stops at the
        first record dated on or before it (usually the first worker) instead of reading
        every record.
    """
    if after is not None and any(day <= after for day, _ in _record_dates(workers, vacancies)):
        return None
    return min(_record_dates(workers, vacancies), default=None)


def build_tables(
    run: MatchRun,
    workers: Sequence[Worker] | None,
    *,
    tables: Sequence[str] = (),
    returnees: Returnees | None = None,
    courses: CourseCatalogue | None = None,
    min_cell: int,
    runner: ChunkRunner | None = None,
    timings: Timings | None = None,
) -> list[ProtectedTable]:
    """Every table asked for at ``run``'s date, protected.

    Parameters
    ----------
    run : MatchRun
        Workers and screened job orders at one ``as_of``.
    workers : sequence of Worker or None
        The raw records of ``run``'s workers, in order (for the province of origin); None
        for a pool without them (a pool snapshot): no ``origin`` table.
    tables : sequence of str
        Table names; every table the inputs allow when empty.
    returnees : Returnees or None
        Returnees and opportunities for the ``reintegration`` table.
    courses : CourseCatalogue or None
        The course catalogue for the ``courses`` table (the training plan of ``run``).
    min_cell : int
        The smallest person count shown (at least 3).
    runner : ChunkRunner or None
        Runs the engine pass's chunks.
    timings : Timings or None
        Told the seconds of each phase: the engine pass's, then ``count``, ``courses``,
        ``reintegration`` and ``suppress``.

    Returns
    -------
    list of ProtectedTable
        In FORMAT order.

    Raises
    ------
    InsightsError
        For a table that cannot be built or a ``min_cell`` below 3.
    InvalidInputError
        For a course the engine cannot read (:func:`courses_table`).
    ExchangeRateError
        If the plan's budget is in a currency without a rate.
    """
    names = check_tables(tables, returnees=returnees is not None, courses=courses is not None)
    if workers is None and "origin" in names:
        raise InsightsError("the origin table needs the raw worker records (the province)")
    check_min_cell(min_cell)
    clock = timings if timings is not None else Timings()
    counted: dict[str, PolicyTable] = {}
    scorer = None
    if any(n in ENGINE_TABLES for n in names):
        passed = run_engine_pass(run, runner=runner, timings=clock)
        scorer = passed.scorer
        with clock("count"):
            counted.update(engine_tables(run, workers, passed))
    if "courses" in names and courses is not None:
        with clock("courses"):
            # The plan reads the pass's kernel: the pool encoded once, its tables derived once.
            counted["courses"] = courses_table(run, courses, scorer=scorer)
    if "reintegration" in names and returnees is not None:
        with clock("reintegration"):
            counted["reintegration"] = reintegration_table(
                returnees.returnees,
                returnees.opportunities,
                run.params.as_of,
                normalizer=default_skill_normalizer(),
                rates=run.params.rates,
            )
    with clock("suppress"):
        return [protect(counted[n], min_cell=min_cell) for n in names]
