"""``selaras reintegrate``: returnees matched to domestic opportunities (FORMAT.md v2).

Refused opportunities are written first as refusal records, then pair records by
returnee (``--for returnees``, the default) or by opportunity, in input order, by rank.
Every input file is read whole and validated first: one invalid file stops the run
(exit 1) with every problem of every file on stderr.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from cli.flags import (
    MAX_TOP,
    AsOfOption,
    DataFile,
    DetailsLangOption,
    FormatOption,
    IncludeIneligibleOption,
    OutFile,
    input_file,
)
from cli.report import EXIT_INVALID, EXIT_USAGE, report_problems
from matcher.options import ReintegrateFor

__all__ = ["reintegrate"]


def reintegrate(
    returnees: DataFile,
    opportunities: DataFile,
    agencies: Annotated[
        Path | None,
        input_file(
            "The agency register (validated; a domestic opportunity needs no P3MI licence)."
        ),
    ] = None,
    for_: Annotated[
        ReintegrateFor,
        typer.Option(
            "--for", help="returnees: top opportunities per returnee; opportunities: the reverse."
        ),
    ] = "returnees",
    top: Annotated[
        int, typer.Option(min=0, max=MAX_TOP, help="How many per returnee or opportunity; 0 = all.")
    ] = 10,
    as_of: AsOfOption = None,
    include_ineligible: IncludeIneligibleOption = False,
    lang: DetailsLangOption = "en",
    out: OutFile = None,
    fmt: FormatOption = None,
    explain: Annotated[
        tuple[str, str] | None,
        typer.Option(
            metavar="RETURNEE OPPORTUNITY",
            help="Explain one pair instead: its record with one line per component, "
            "recognised level, gap and flag.",
        ),
    ] = None,
) -> None:
    """Match returnees to domestic opportunities (jobs, IKM programmes, cooperatives,
    trainer posts) as JSON Lines: gates, score, gaps with what would close them, the
    recognised levels used, and how near home each opportunity is."""
    from cli.matching import read_into, write_records
    from matcher.reintegration.run import explain_reintegration, prepare_reintegration
    from models.files import Problem

    problems: list[Problem] = []
    people = [] if returnees is None else read_into(returnees, "returnees", problems)
    offers = [] if opportunities is None else read_into(opportunities, "opportunities", problems)
    if agencies is not None:
        read_into(agencies, "agencies", problems)
    if problems:
        report_problems(problems)
        raise typer.Exit(EXIT_INVALID)
    day = as_of.date() if as_of else dt.date.today()
    run = prepare_reintegration(people, offers, day)
    if explain is not None:
        returnee_id, opportunity_id = explain
        try:
            record = explain_reintegration(run, returnee_id, opportunity_id, lang)
        except KeyError as error:
            typer.echo(f"error: --explain: {error.args[0]}", err=True)
            raise typer.Exit(EXIT_USAGE) from None
        write_records([record], out, fmt=fmt)
        return
    records = (
        r.model_dump(mode="json")
        for r in (*run.refusals(lang), *run.rank(for_, top, include_ineligible, lang))
    )
    write_records(records, out, fmt=fmt)
