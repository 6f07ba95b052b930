"""The ``selaras`` command (docs/format.md, "Command line").

Exit status: 0 success, 1 invalid input (one problem per line on stderr, each naming file,
line and field), 2 bad usage. Results are JSON Lines on stdout.

This module declares the commands and their options only: each command imports the engine
(numpy, scikit-learn, pydantic, FastAPI...) inside its body, so that ``selaras --help`` and
a usage error answer at once (tests/test_cli_startup.py holds it).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer

from cli.allocate import allocate
from cli.demo import DATA_SUFFIXES
from cli.flags import (
    MAX_TOP,
    AgencyFile,
    AsOfOption,
    DataFile,
    DetailsLangOption,
    FormatOption,
    IncludeIneligibleOption,
    OutFile,
    PoolOption,
    ReadJobsOption,
    WorkersOption,
    n_jobs_option,
    read_jobs,
)
from cli.insights import insights
from cli.interchange import export_app, import_app
from cli.keys import keys_app
from cli.learn import learn
from cli.plan_training import plan_training
from cli.pool import pool_app
from cli.reintegrate import reintegrate
from cli.report import EXIT_INVALID, EXIT_USAGE, count_of, report_problems
from cli.serve import serve
from matcher.options import Direction
from matcher.text.messages import Lang
from models.kinds import RecordKind

__all__ = ["app", "main"]

app = typer.Typer(
    name="selaras",
    help="Match Indonesian migrant workers to overseas manufacturing job orders.",
    no_args_is_help=True,
    add_completion=False,
    # Plain click messages: stderr is read by agency scripts, so no boxes or colours there.
    rich_markup_mode=None,
    # Records hold personal data (NIK, names); a traceback must never print local variables.
    pretty_exceptions_enable=False,
)
normalize_app = typer.Typer(
    help="Read free text (skills, job titles) or a language result into the taxonomy.",
    no_args_is_help=True,
)
app.add_typer(normalize_app, name="normalize")
app.add_typer(keys_app, name="keys")
app.add_typer(export_app, name="export")
app.add_typer(import_app, name="import")
app.add_typer(pool_app, name="pool")
app.command()(serve)

InputFile = Annotated[
    typer.FileText | None,
    typer.Option(
        "--file",
        "-f",
        metavar="FILE",
        encoding="utf-8-sig",
        help="Read the inputs from this file, one per line ('-' reads stdin).",
    ),
]


@app.command()
def validate(
    kind: Annotated[RecordKind, typer.Argument(metavar="KIND", help="What the file holds.")],
    file: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            readable=True,
            metavar="FILE",
            help="A .jsonl, .json or .csv file.",
        ),
    ],
) -> None:
    """Check a whole file against the Selaras format and report every problem.

    KIND is workers, vacancies or agencies, or (v2) courses, returnees (worker records
    with the returnee fields, a return date required), opportunities or outcomes. Errors go
    to stderr as "file:line: field: message"; warnings (a NIK that disagrees with the birth
    date or gender, a return dated before the last work abroad ends) as
    "warning: file:line: field: message". Exit 1 when there is any error: nothing in an
    invalid file is accepted.
    """
    from matcher.memory import building_long_lived
    from models.files import InvalidInputError, read_records

    try:
        # Nothing is kept but the verdict: workers are read as views (the same verdict,
        # messages and warnings), with the collector paused as the batch commands read.
        with building_long_lived(collect=False):
            result = read_records(file, kind, views=True)
    except InvalidInputError as error:
        report_problems(error.problems)
        raise typer.Exit(EXIT_INVALID) from None
    report_problems(result.warnings, prefix="warning: ")
    warned = f", {count_of(len(result.warnings), 'warnings')}" if result.warnings else ""
    typer.echo(f"{file}: {count_of(len(result.records), kind)} valid{warned}")


@normalize_app.command("skill")
def normalize_skill(
    texts: Annotated[
        list[str] | None, typer.Argument(metavar="TEXT", help="Skill names as written.")
    ] = None,
    file: InputFile = None,
) -> None:
    """Map free-text skill names to taxonomy concepts, one JSON line per input, in order.

    "concept_id" is null for anything outside the taxonomy or too unsure to place.
    """
    from matcher.taxonomy.skills import default_skill_normalizer

    matches = default_skill_normalizer().normalize_many(_inputs(texts, file))
    _write_json_lines(match.to_record() for match in matches)


@normalize_app.command("occupation")
def normalize_occupation(
    titles: Annotated[
        list[str] | None, typer.Argument(metavar="TITLE", help="Job titles as written.")
    ] = None,
    file: InputFile = None,
) -> None:
    """Map job titles to ISCO-08 unit groups, one JSON line per input, in order.

    "isco" is null when the title cannot be placed in one unit group.
    """
    from matcher.taxonomy.occupations import default_occupation_normalizer

    matches = default_occupation_normalizer().normalize_many(_inputs(titles, file))
    _write_json_lines(match.to_record() for match in matches)


@normalize_app.command("language")
def normalize_language_result(
    test: Annotated[str, typer.Option("--test", help="JLPT, JFT-Basic, EPS-TOPIK, TOEIC, ...")],
    result: Annotated[str, typer.Option("--result", help="The result on the test's scale.")],
    sections: Annotated[
        str | None,
        typer.Option(
            "--sections", help='TOEIC sections as JSON: {"listening": 300, "reading": 300}.'
        ),
    ] = None,
    score: Annotated[int | None, typer.Option("--score", help="JLPT total score 0-180.")] = None,
) -> None:
    """Validate one language result and map it to CEFR with the mapping's source.

    Prints {"test", "result", "cefr", "source", "status", "language"}; "cefr" is null for
    tests that keep their own scale (EPS-TOPIK, NAT-TEST) or results below every level.
    """
    from matcher.taxonomy.language_scale import normalize_language

    try:
        level = normalize_language(test, result, sections=_sections(sections), score=score)
    except ValueError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(EXIT_INVALID) from None
    _write_json_lines(
        [
            {
                "test": level.test,
                "result": level.result,
                "cefr": level.cefr,
                "source": level.source,
                "status": level.status,
                "language": level.language,
            }
        ]
    )


@app.command()
def match(
    vacancies: DataFile,
    workers: WorkersOption = None,
    pool: PoolOption = None,
    agencies: AgencyFile = None,
    for_: Annotated[
        Direction,
        typer.Option("--for", help="vacancies: top workers per job order; workers: the reverse."),
    ] = "vacancies",
    top: Annotated[
        int, typer.Option(min=0, max=MAX_TOP, help="How many per job order or worker; 0 = all.")
    ] = 10,
    as_of: AsOfOption = None,
    include_ineligible: IncludeIneligibleOption = False,
    lang: DetailsLangOption = "en",
    out: OutFile = None,
    fmt: FormatOption = None,
    read_jobs_given: ReadJobsOption = None,
    n_jobs: Annotated[
        int | None,
        n_jobs_option(
            "Processes to rank the job orders in (with --for vacancies), forked from this "
            "one (default 1; -1 uses every core). The output is the same for any value.",
        ),
    ] = None,
) -> None:
    """Rank workers for job orders (or job orders for workers) as JSON Lines.

    Refused job orders are written first as refusal records; then match results, by job
    order (or worker) in input order and by rank. A job order with no eligible worker gets
    a {"vacancy_id", "eligible_candidates": 0, "reasons"} record in its place (with --for
    workers, a worker with no eligible job order gets {"worker_id", "eligible_job_orders":
    0, "reasons"}): the gates that blocked the most.
    """
    from cli.matching import write_records
    from cli.pool import load_run
    from cli.unmatched import match_records

    if n_jobs == 0:
        raise typer.BadParameter(
            "0 processes cannot rank: give 1 or more, or -1", param_hint="--n-jobs"
        )
    day = as_of.date() if as_of else None
    run = load_run(workers, pool, vacancies, agencies, day, read_jobs(read_jobs_given))
    if n_jobs is not None:
        run = dataclasses.replace(run, n_jobs=n_jobs)
    write_records(match_records(run, for_, top, include_ineligible, lang), out, fmt=fmt)


@app.command()
def explain(
    vacancies: DataFile,
    worker: Annotated[str, typer.Option(help="Worker id.")],
    vacancy: Annotated[str, typer.Option(help="Job-order id.")],
    workers: WorkersOption = None,
    pool: PoolOption = None,
    agencies: AgencyFile = None,
    as_of: AsOfOption = None,
    lang: Annotated[Lang, typer.Option(help="en or id.")] = "en",
    out: OutFile = None,
    read_jobs_given: ReadJobsOption = None,
) -> None:
    """Explain one pair: its components, every gap with what would close it, and flags.

    An id the files do not hold is bad usage (exit 2), said in one line on stderr.
    """
    from cli.matching import write_records
    from cli.pool import load_run
    from matcher.scoring.explain import explanation

    day = as_of.date() if as_of else None
    run = load_run(workers, pool, vacancies, agencies, day, read_jobs(read_jobs_given))
    # A snapshot's ids are in its encoded pool: its facts are decoded one by one.
    ids = run.encoded.ids if run.encoded is not None else [w.id for w in run.workers]
    missing = []
    if worker not in ids:
        missing.append(f"--worker: no worker {worker!r} in {workers or pool}")
    if not any(v.vacancy.id == vacancy for v in run.vacancies):
        missing.append(f"--vacancy: no job order {vacancy!r} in {vacancies}")
    if missing:
        for line in missing:
            typer.echo(f"error: {line}", err=True)
        raise typer.Exit(EXIT_USAGE)
    write_records([explanation(run, worker, vacancy, lang)], out)


app.command()(allocate)
app.command("plan-training")(plan_training)
app.command()(insights)
app.command()(reintegrate)
app.command()(learn)


@app.command()
def demo(
    data: Annotated[
        Path,
        typer.Option(
            "--data",
            exists=True,
            file_okay=False,
            help="Directory with workers, vacancies and agencies files "
            f"({', '.join(DATA_SUFFIXES)}); the file stem names the kind.",
        ),
    ],
    as_of: AsOfOption = None,
) -> None:
    """Validate a data directory and show how its skills, languages and titles normalize;
    then match the pool in DIR/pool (top 5 for a few job orders, an explanation, a refusal).

    Exit 1 when any file is invalid (its errors are on stderr; the summary covers the
    valid files only).
    """
    from cli.demo import run_demo

    raise typer.Exit(run_demo(data, as_of.date() if as_of else dt.date.today()))


def _inputs(arguments: Sequence[str] | None, file: TextIO | None) -> list[str]:
    """The strings to normalize, from the arguments or from ``--file`` (not both)."""
    if arguments and file is not None:
        raise typer.BadParameter("give TEXT arguments or --file, not both", param_hint="--file")
    if file is None:
        if not arguments:
            raise typer.BadParameter("give at least one TEXT argument or --file")
        return list(arguments)
    try:
        text = file.read()
    except UnicodeDecodeError as error:
        typer.echo(f"{file.name}: file is not UTF-8 text ({error.reason})", err=True)
        raise typer.Exit(EXIT_INVALID) from None
    # Every line is an input, blank ones included, so output line N answers input line N.
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


def _sections(raw: str | None) -> dict[str, Any] | None:
    """Parse ``--sections``; malformed JSON is bad usage, bad scores are invalid input."""
    if raw is None:
        return None
    from models.strict_json import JsonError
    from models.strict_json import loads as strict_loads

    try:
        sections = strict_loads(raw)
    except JsonError as error:
        raise typer.BadParameter(f"not valid JSON ({error})", param_hint="--sections") from None
    if not isinstance(sections, dict):
        raise typer.BadParameter("must be a JSON object", param_hint="--sections")
    return sections


def _write_json_lines(records: Iterable[dict[str, Any]]) -> None:
    for record in records:
        typer.echo(json.dumps(record, ensure_ascii=False))


def main() -> None:
    """Run the ``selaras`` command (the console-script entry point)."""
    app(prog_name="selaras")


if __name__ == "__main__":
    main()
