"""``selaras plan-training``: whom to train, in which course cohort, so that the most are placed.

Reads workers, job orders and a course catalogue (every file checked in full first: one
problem anywhere and nothing is written), runs the counterfactual eligibility pass and the
exact plan solver (:mod:`matcher.training`), and writes FORMAT.md "Training plan" records:
enrolments, one record per cohort, the summary. An empty plan is a result (its summary
says why), not an error.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli.flags import (
    AgencyFile,
    BudgetOption,
    DataFile,
    FormatOption,
    OutFile,
    PlanTimeLimit,
    PoolOption,
    ProgressOption,
    WorkersOption,
    as_of_option,
    input_file,
    output_file,
)
from cli.report import EXIT_INVALID, EXIT_USAGE, report_problems
from matcher.text.messages import Lang

if TYPE_CHECKING:
    from matcher.scoring.matching import MatchRun
    from matcher.training.catalogue import Catalogue
    from models.course import Course
    from models.files import Problem, ReadResult

__all__ = ["plan_training", "read_courses"]


def read_courses(
    catalogue_file: ReadResult[Course], courses: Path, run: MatchRun, day: dt.date
) -> Catalogue:
    """The validated course file ``courses`` in engine terms, its costs at ``run``'s rates
    of ``day`` (raises :class:`models.files.InvalidInputError`, as ``read_catalogue``)."""
    from matcher.taxonomy.skills import default_skill_normalizer
    from matcher.training.catalogue import read_catalogue

    return read_catalogue(
        catalogue_file.records,
        catalogue_file.lines,
        file=str(courses),
        skills=default_skill_normalizer(),
        rates=run.params.rates,
        on=day,
    )


@contextmanager
def _solver_output_to_stderr() -> Iterator[None]:
    """Send anything written to file descriptor 1 (a solver's own log line) to stderr,
    so that records on stdout stay JSON Lines."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        os.dup2(2, 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def plan_training(
    vacancies: DataFile,
    courses: DataFile,
    workers: WorkersOption = None,
    pool: PoolOption = None,
    agencies: AgencyFile = None,
    budget: BudgetOption = None,
    as_of: Annotated[
        dt.datetime | None,
        as_of_option("Evaluation date (default today); cohorts starting before it are closed."),
    ] = None,
    time_limit: PlanTimeLimit = 60.0,
    progress: ProgressOption = None,
    out: OutFile = None,
    fmt: FormatOption = None,
    report_html: Annotated[
        Path | None,
        output_file(
            "The plan's report as one HTML page (placements before and after, fill, "
            "shadow prices, near misses; by province and gender after planning)."
        ),
    ] = None,
    lang: Annotated[Lang, typer.Option(help="Language of the HTML report.")] = "en",
    returnees: Annotated[
        Path | None,
        input_file(
            "Returnees: with --opportunities, the trainer supply of each course "
            "(returnees eligible for the trainer posts that teach it; docs/training.md)."
        ),
    ] = None,
    opportunities: Annotated[
        Path | None,
        input_file("Domestic opportunities (the trainer posts are read); with --returnees."),
    ] = None,
    trainers_out: Annotated[
        Path | None,
        output_file(
            "The trainer supply per course as one JSON document (needs --returnees "
            "and --opportunities); it is also a section of --report-html."
        ),
    ] = None,
) -> None:
    """Plan training that leads to placement (FORMAT.md, "Training plan").

    Writes JSON Lines: an "enrolment" record per enrolled worker (worker_id order), a
    "cohort" record per cohort starting on or after --as-of, and a "summary" with the
    placements before and after, the cost, the proven upper bound and the gap.
    """
    from cli.matching import atomic_output, read_collecting, write_records
    from cli.pool import open_pool, pool_run
    from cli.progress import stage_bar
    from matcher.rules.exchange_rates import ExchangeRateError
    from matcher.training.run import Budget
    from matcher.training.run import plan_training as run_plan
    from models.files import InvalidInputError

    if (returnees is None) != (opportunities is None):
        raise typer.BadParameter(
            "give both --returnees and --opportunities, or neither", param_hint="--returnees"
        )
    if trainers_out is not None and returnees is None:
        raise typer.BadParameter(
            "needs --returnees and --opportunities", param_hint="--trainers-out"
        )
    if pool is not None and report_html is not None:
        # Its placements by province and gender count protected attributes, which a
        # snapshot never holds.
        raise typer.BadParameter(
            "--report-html needs --workers FILE (a pool snapshot holds no protected "
            "attributes for the placements by province and gender)",
            param_hint="--pool",
        )
    day = as_of.date() if as_of else dt.date.today()
    snapshot = open_pool(workers, pool)
    problems: list[Problem] = []
    catalogue_file = read_collecting(courses, "courses", problems)
    # Views: the run reads their facts, the report their fields (no record is needed).
    found = None if workers is None else read_collecting(workers, "workers", problems, views=True)
    orders = read_collecting(vacancies, "vacancies", problems)
    register = None if agencies is None else read_collecting(agencies, "agencies", problems)
    people = None if returnees is None else read_collecting(returnees, "returnees", problems)
    offers = (
        None if opportunities is None else read_collecting(opportunities, "opportunities", problems)
    )
    if problems or catalogue_file is None or orders is None:
        report_problems(problems)
        raise typer.Exit(EXIT_INVALID)
    records = [] if found is None else found.records
    chosen = register.records if register is not None else None
    if chosen is None and snapshot is not None:
        chosen = snapshot.agencies  # the register kept in the snapshot
    if chosen is None:
        typer.echo("note: no agency register given: licences are not checked", err=True)
    run = pool_run(snapshot, records, orders.records, chosen, day)
    try:
        catalogue = read_courses(catalogue_file, courses, run, day)
    except InvalidInputError as error:
        report_problems(error.problems)
        raise typer.Exit(EXIT_INVALID) from None
    wanted = None if budget is None else Budget(budget[0], budget[1])
    try:
        with stage_bar(progress) as bar, _solver_output_to_stderr():
            planned = run_plan(
                run.workers,
                run.vacancies,
                catalogue,
                run.params,
                budget=wanted,
                time_limit=time_limit,
                progress=bar,
            )
    except ExchangeRateError as error:
        typer.echo(f"error: --budget: {error}", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    # Everything is computed before the first file is replaced.
    trainers = None
    if people is not None and offers is not None:
        from matcher.training.trainers import course_trainers, trainers_document

        supply = course_trainers(catalogue_file.records, people.records, offers.records, day)
        trainers = trainers_document(supply, day)
    page = None
    if report_html is not None:
        from matcher.reporting.training import training_report_html

        page = training_report_html(
            planned, records, lang=lang, time_limit=time_limit, trainers=trainers
        )
    write_records(planned.records, out, fmt=fmt)
    if trainers is not None and trainers_out is not None:
        with atomic_output(trainers_out) as handle:
            handle.write(json.dumps(trainers, ensure_ascii=False, indent=1) + "\n")
    if page is not None and report_html is not None:
        with atomic_output(report_html) as handle:
            handle.write(page)
