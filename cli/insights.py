"""``selaras insights``: the policy tables, under disclosure control, from files.

One ``--as-of``: ``DIR/<table>.csv|.parquet|.jsonl`` and ``DIR/manifest.json``. Two or
more, or earlier outputs given with ``--since``: the same under ``DIR/<as_of>/`` for each
date computed, and the change per cell between consecutive dates under ``DIR/trends/``.
``--html`` draws the latest date's tables. Everything is computed before the first file
is written.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli.flags import (
    AgencyFile,
    BudgetOption,
    DataFile,
    PlanTimeLimit,
    PoolOption,
    WorkersOption,
    input_file,
    n_jobs_option,
    output_directory,
    output_file,
)
from cli.report import EXIT_INVALID, EXIT_USAGE, report_problems

# The engine is imported in the command's body, so that other commands start without it.
if TYPE_CHECKING:
    from matcher.insights.build import CourseCatalogue, Returnees
    from matcher.insights.table import ProtectedTable

__all__ = ["insights"]

OptionalFile = Annotated[Path | None, typer.Option(exists=True, dir_okay=False, metavar="FILE")]


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(EXIT_USAGE)


def insights(
    vacancies: DataFile,
    out: Annotated[Path, output_directory("Directory for the tables.")],
    workers: WorkersOption = None,
    pool: PoolOption = None,
    agencies: AgencyFile = None,
    returnees: Annotated[
        Path | None, input_file("Returnees, for the reintegration table (with --opportunities).")
    ] = None,
    opportunities: Annotated[
        Path | None,
        input_file("Domestic opportunities, for the reintegration table (with --returnees)."),
    ] = None,
    courses: Annotated[
        Path | None,
        input_file(
            "A course catalogue, for the courses table: the training plan of each "
            "date (as selaras plan-training makes it) says which cohorts unlock most.",
        ),
    ] = None,
    budget: BudgetOption = None,
    time_limit: PlanTimeLimit = 60.0,
    as_of: Annotated[
        list[dt.datetime] | None,
        typer.Option(
            formats=["%Y-%m-%d"],
            metavar="DATE",
            help="Evaluation date (default today); give it two or more times for the "
            "change per cell between consecutive dates.",
        ),
    ] = None,
    min_cell: Annotated[
        int,
        typer.Option(
            metavar="N",
            help="Smallest count of people shown other than zero (at least 3); smaller "
            "counts and the cells that would give them away are withheld.",
        ),
    ] = 10,
    table: Annotated[
        list[str] | None,
        typer.Option(
            metavar="NAME",
            help="Only this table (repeatable): supply_demand, gaps, languages, origin, "
            "courses, refusals, reintegration. Default: every table the inputs allow.",
        ),
    ] = None,
    since: Annotated[
        list[Path] | None,
        typer.Option(
            exists=True,
            file_okay=False,
            metavar="DIR",
            help="An earlier output of this command (a stored round; repeatable): the "
            "change per cell is also given from its date.",
        ),
    ] = None,
    html: Annotated[
        Path | None,
        output_file("Dashboard (HTML, offline)."),
    ] = None,
    n_jobs: Annotated[
        int | None,
        n_jobs_option(
            "Threads for scoring (default 1; -1: every core). Same output for any value."
        ),
    ] = None,
) -> None:
    """Aggregates for policy planning, with small counts withheld (no personal data).

    Supply and demand by skill, destination and quarter; gaps that block placement;
    language levels held and required; provinces of origin; refusals; with a course
    catalogue, the course cohorts that would unlock most placements; and, with returnees
    and opportunities, reintegration. Written as CSV, Parquet and JSON Lines.
    """
    from cli.matching import load_records
    from cli.pool import open_pool, pool_run, with_stored_earliest
    from matcher.allocation.runner import ChunkRunner
    from matcher.atomic import atomic_output
    from matcher.insights.build import (
        InsightsError,
        build_tables,
        check_min_cell,
        check_tables,
        earliest_record,
    )
    from matcher.insights.dashboard import render_dashboard
    from matcher.insights.published import (
        PublishedError,
        published_versions,
        read_published,
    )
    from matcher.insights.trends import trends
    from matcher.insights.writers import remove_output, write_tables, write_trends
    from matcher.rules.exchange_rates import ExchangeRateError
    from matcher.scoring.versions import engine_versions
    from matcher.taxonomy.skills import default_skill_normalizer
    from models.bounds import EARLIEST_DATE, LATEST_DATE
    from models.files import InvalidInputError

    if (returnees is None) != (opportunities is None):
        raise _fail("--returnees and --opportunities go together")
    if courses is None and budget is not None:
        raise _fail("--budget plans the courses table: give --courses too")
    days = sorted({d.date() for d in as_of}) if as_of else [dt.date.today()]
    outside = [d for d in days if not EARLIEST_DATE <= d <= LATEST_DATE]
    if outside:
        raise _fail(f"--as-of must be a date from {EARLIEST_DATE} to {LATEST_DATE}")
    try:
        names = check_tables(
            table or [], returnees=returnees is not None, courses=courses is not None
        )
        check_min_cell(min_cell)
        runner = ChunkRunner(n_jobs=n_jobs)
    except (InsightsError, ValueError) as error:
        raise _fail(str(error)) from None
    snapshot = open_pool(workers, pool)
    if snapshot is not None and "origin" in names:
        # The province of origin is a protected attribute: a snapshot never holds it.
        if table:
            raise _fail("the origin table needs --workers FILE (a pool snapshot holds no province)")
        names = tuple(n for n in names if n != "origin")
        typer.echo("note: no origin table from --pool (it holds no province)", err=True)
    # Workers as views: the run reads their facts, the tables their fields.
    records, orders, register = load_records(
        None if snapshot else workers,
        vacancies,
        agencies,
        stored_register=None if snapshot is None else snapshot.agencies,
        views=True,
    )
    extra = _returnees(returnees, opportunities)
    catalogue = _catalogue(courses, budget, time_limit)
    if snapshot is None:
        first = earliest_record(records, orders, after=days[0])
    else:
        first = with_stored_earliest(snapshot, earliest_record((), orders), days[0])
    if first is not None and days[0] < first[0]:
        raise _fail(
            f"--as-of {days[0]} is before every record: the earliest date in the inputs is "
            f"{first[0]} ({first[1]})"
        )
    published: dict[dt.date, list[ProtectedTable]] = {}
    versions: dict[dt.date, dict[str, str]] = {}
    for day in days:
        run = pool_run(snapshot, records, orders, register, day)
        try:
            published[day] = build_tables(
                run,
                None if snapshot else records,
                tables=names,
                returnees=extra,
                courses=catalogue,
                min_cell=min_cell,
                runner=runner,
            )
        except InvalidInputError as error:
            report_problems(error.problems)
            raise typer.Exit(EXIT_INVALID) from None
        except ExchangeRateError as error:
            raise _fail(f"--budget: {error}") from None
        versions[day] = engine_versions(rates=run.params.rates)
    stored: list[ProtectedTable] = []
    try:
        for directory in since or []:
            found = read_published(directory)
            repeated = sorted({t.as_of for t in found if t.as_of in published})
            if repeated:
                raise _fail(f"--since holds a round of {repeated[0]}, which --as-of computes again")
            stored += found
            versions.update((t.as_of, published_versions(directory)) for t in found[:1])
    except PublishedError as error:
        raise _fail(f"--since {error}") from None
    changes = []
    for i, name in enumerate(names):
        series = [t for t in stored if t.schema.name == name]
        series += [published[day][i] for day in days]
        if len({t.as_of for t in series}) != len(series):
            raise _fail(f"--since gives the {name} table of one date twice")
        if len(series) >= 2:
            changes.append(trends(series))
    thresholds = {t.as_of: t.min_cell for t in stored}
    thresholds.update((day, min_cell) for day in days)
    page = None
    if html is not None:
        labels = {c.id: c.label_en for c in default_skill_normalizer().taxonomy.concepts.values()}
        page = render_dashboard(published[days[-1]], labels=labels)
    if len(days) == 1 and not changes:
        remove_output(out / "trends")  # of an earlier run of several dates
        write_tables(out, published[days[0]], versions=versions[days[0]])
    else:
        remove_output(out)  # of an earlier run of one date
        for day in days:
            write_tables(out / day.isoformat(), published[day], versions=versions[day])
        if changes:
            write_trends(out / "trends", changes, versions=versions, min_cell=thresholds)
    if page is not None and html is not None:
        with atomic_output(html) as handle:
            handle.write(page)


def _catalogue(
    courses: Path | None, budget: tuple[float, str] | None, time_limit: float
) -> CourseCatalogue | None:
    """Read the course catalogue (exit 1 listing every problem)."""
    from matcher.insights.build import CourseCatalogue
    from matcher.training.run import Budget
    from models.files import InvalidInputError, read_records

    if courses is None:
        return None
    try:
        found = read_records(courses, "courses")
    except InvalidInputError as error:
        report_problems(error.problems)
        raise typer.Exit(EXIT_INVALID) from None
    return CourseCatalogue(
        found.records,
        found.lines,
        str(courses),
        budget=None if budget is None else Budget(*budget),
        time_limit=time_limit,
    )


def _returnees(returnees: Path | None, opportunities: Path | None) -> Returnees | None:
    """Read the returnee and opportunity files (exit 1 listing every problem)."""
    from cli.matching import read_into
    from matcher.insights.build import Returnees
    from models.files import Problem

    if returnees is None or opportunities is None:
        return None
    problems: list[Problem] = []
    found = Returnees(
        read_into(returnees, "returnees", problems),
        read_into(opportunities, "opportunities", problems),
    )
    if problems:
        report_problems(problems)
        raise typer.Exit(EXIT_INVALID)
    return found
