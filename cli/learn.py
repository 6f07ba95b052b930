"""``selaras learn``: a proposal of the score's weights, learned from outcomes.

Every input file is read whole and validated first (exit 1 with every problem of every
file, each with its line and field; an outcome naming a worker or job order the files do
not hold is one). The proposal is one JSON document (``--out``); ``--report-html`` draws
it with the fairness check. Nothing is applied: docs/learning.md says how an officer
adopts a proposal.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer

from cli.flags import AgencyFile, DataFile, as_of_option, output_file
from cli.report import EXIT_INVALID, report_problems

__all__ = ["learn"]


def learn(
    outcomes: DataFile,
    workers: DataFile,
    vacancies: DataFile,
    out: Annotated[Path, output_file("The proposal (one JSON document).", metavar="WEIGHTS")],
    agencies: AgencyFile = None,
    as_of: Annotated[
        dt.datetime | None, as_of_option("Evaluation date of the pairs (default today).")
    ] = None,
    report_html: Annotated[
        Path | None,
        output_file(
            "The proposal as one HTML page: the weights, how well each set agrees with the "
            "decisions, and who would be ranked in the top 10 under each, by gender."
        ),
    ] = None,
) -> None:
    """Propose score weights learned from outcomes (never applied: an officer decides).

    Fits the four component weights to employers' decisions (selected against rejected
    candidates of the same job order), checks them on job orders left out of the fit,
    and writes the proposal with the evidence and a recommendation.
    """
    from cli.matching import load_records, read_collecting
    from matcher.atomic import atomic_output
    from matcher.learning.decisions import decide
    from matcher.learning.proposal import LearningError, compare, outcome_problems, propose
    from matcher.scoring.matching import prepare_run
    from models.files import Problem

    problems: list[Problem] = []
    read = read_collecting(outcomes, "outcomes", problems)
    records, orders, register = load_records(
        workers, vacancies, agencies, problems=problems, views=True
    )
    assert read is not None  # load_records exits on any problem, the outcomes' included
    day = as_of.date() if as_of else dt.date.today()
    run = prepare_run(records, orders, register, day)
    decisions, conflicts = decide(read.records, read.lines, str(outcomes))
    found_problems = outcome_problems(run, read.records, read.lines, str(outcomes))
    if found_problems or conflicts:
        report_problems(sorted([*found_problems, *conflicts], key=lambda p: p.line or 0))
        raise typer.Exit(EXIT_INVALID)
    try:
        found = compare(run, decisions)
    except LearningError as error:
        typer.echo(f"error: {outcomes}: {error}", err=True)
        raise typer.Exit(EXIT_INVALID) from None
    proposal = propose(run, found, len(read.records), licences_checked=agencies is not None)
    page = None
    if report_html is not None:
        from matcher.reporting.learning import learning_report

        page = learning_report(run, records, found, proposal)
    try:
        # The page is renamed into place before the proposal: a failure leaves neither.
        with atomic_output(out) as handle:
            handle.write(json.dumps(proposal, ensure_ascii=False, indent=2) + "\n")
            if page is not None and report_html is not None:
                with atomic_output(report_html) as page_handle:
                    page_handle.write(page)
    except OSError as error:
        typer.echo(f"error: cannot write {error.filename or out}: {error.strerror}", err=True)
        raise typer.Exit(EXIT_INVALID) from None
