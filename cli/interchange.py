"""``selaras export`` and ``selaras import``: job orders and workers in other standards.

``export jobposting`` writes schema.org JobPosting JSON-LD (one object per line) for the
open, non-refused job orders; ``export hr-json`` writes workers as HR Open HR-JSON
candidate documents. ``import jobposting`` and ``import hr-json`` read those standards
into Selaras records. The mappings are :mod:`matcher.interchange` (docs/integrations.md).

An import is all or nothing, like ``selaras validate``: any error (named by file, line and
JSON path) exits 1 and writes nothing; what a Selaras record has no field for is a warning
on stderr. Notes of an export (a field the standard cannot carry, a requirement that is
never published) go to stderr as ``note:`` lines.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli.flags import (
    AgencyFile,
    DataFile,
    FormatOption,
    OutputFormat,
    as_of_option,
    output_file,
)
from cli.report import EXIT_INVALID, count_of, report_problems

if TYPE_CHECKING:
    from matcher.interchange.records import RecordNote
    from models.files import ReadResult
    from models.kinds import RecordKind

__all__ = ["export_app", "import_app"]

export_app = typer.Typer(
    help="Write Selaras records in other standards (schema.org JobPosting, HR-JSON).",
    no_args_is_help=True,
)
import_app = typer.Typer(
    help="Read schema.org JobPosting or HR-JSON documents into Selaras records.",
    no_args_is_help=True,
)

InFile = Annotated[
    Path,
    typer.Argument(exists=True, dir_okay=False, readable=True, metavar="FILE"),
]
OutFile = Annotated[
    Path | None,
    output_file("Write here (JSON Lines; .parquet for Parquet); default stdout."),
]
DocumentsOut = Annotated[Path | None, output_file("Write here (JSON Lines); default stdout.")]


def _documents_only(out: Path | None, what: str) -> None:
    """Bad usage for a ``.parquet`` --out of an export: its documents are JSON, which the
    imports read back; Parquet holds Selaras records (import them first)."""
    if out is not None and out.suffix.lower() == ".parquet":
        raise typer.BadParameter(
            f"{what} documents are written as JSON Lines (Parquet holds Selaras records: "
            "import the documents, then write those as Parquet)",
            param_hint="--out",
        )


def _agency_id(value: str | None) -> str | None:
    """A typer callback: an agency id as the format writes one (bad usage otherwise)."""
    from pydantic import TypeAdapter, ValidationError

    from models.common import Identifier

    if value is not None:
        try:
            TypeAdapter(Identifier).validate_python(value)
        except ValidationError:
            raise typer.BadParameter(
                "an id is 1-64 letters, digits and . _ : / -, starting with a letter or digit"
            ) from None
    return value


def _programme(value: str | None) -> str | None:
    """A typer callback: one of the format's programmes (bad usage otherwise)."""
    from models.common import PROGRAMMES

    if value is None:
        return value
    # As the job-order field reads it: case aside.
    found = next((p for p in PROGRAMMES if p == value.strip().upper()), None)
    if found is None:
        raise typer.BadParameter(f"must be one of {', '.join(PROGRAMMES)}")
    return found


AgencyId = Annotated[
    str | None,
    typer.Option(
        "--agency",
        metavar="ID",
        help="The agency of every record; else each document must carry Selaras's own.",
        callback=_agency_id,
    ),
]


@export_app.command("jobposting")
def export_jobposting(
    vacancies: DataFile,
    agencies: AgencyFile = None,
    as_of: Annotated[
        dt.datetime | None,
        as_of_option("The day of the export: datePosted, and what is still open (default today)."),
    ] = None,
    out: DocumentsOut = None,
) -> None:
    """Write every open, non-refused job order as schema.org JobPosting JSON-LD, one per line.

    A job order is open until its start date. Screening is the one ``selaras match`` runs
    (refused job orders are left out; with no --agencies licences are not checked).
    """
    from cli.matching import read_into, write_records
    from matcher.interchange.records import ExportError
    from matcher.rules.postings import advertised, export_postings
    from models.files import Problem

    _documents_only(out, "JobPosting JSON-LD")
    day = as_of.date() if as_of else dt.date.today()
    problems: list[Problem] = []
    orders = read_into(vacancies, "vacancies", problems)
    register = None if agencies is None else read_into(agencies, "agencies", problems)
    if problems:
        report_problems(problems)
        raise typer.Exit(EXIT_INVALID)
    chosen = advertised(orders, register, day)
    try:
        exported = export_postings(chosen, day)
    except ExportError as error:
        _report_notes(error.problems, prefix="error: ")
        raise typer.Exit(EXIT_INVALID) from None
    _report_notes(exported.notes)
    write_records(exported.postings, out)
    left = len(orders) - len(chosen)
    typer.echo(
        f"{count_of(len(chosen), 'postings')} written; {left} of {len(orders)} job orders "
        "not open (refused, or started)",
        err=True,
    )


@export_app.command("hr-json")
def export_hrjson(workers: DataFile, out: DocumentsOut = None) -> None:
    """Write every worker as an HR Open HR-JSON 4.2 candidate document, one per line."""
    _documents_only(out, "HR-JSON")
    from cli.matching import write_records
    from matcher.interchange.hrjson_export import export_candidates
    from matcher.memory import building_long_lived
    from models.files import InvalidInputError, read_records

    # The records and their documents live as long as the run (see matcher.memory): a
    # collection walking them, again and again as they were built and written, took
    # most of it.
    with building_long_lived(collect=False):
        try:
            # Views: the export reads the workers' fields, as from records.
            records = read_records(workers, "workers", views=True)
        except InvalidInputError as error:
            report_problems(error.problems)
            raise typer.Exit(EXIT_INVALID) from None
        exported = export_candidates(records.records)
        _report_notes(exported.notes)
        write_records(exported.candidates, out)


@import_app.command("jobposting")
def import_jobposting(
    file: InFile,
    agency: AgencyId = None,
    programme: Annotated[
        str | None,
        typer.Option(
            metavar="P",
            help="The destination programme of every posting; else each must carry "
            "Selaras's selaras:programme (it is never guessed).",
            callback=_programme,
        ),
    ] = None,
    out: OutFile = None,
    fmt: FormatOption = None,
) -> None:
    """Read schema.org JobPosting JSON-LD into job orders (JSON Lines, or Parquet by --out).

    Exit 1 listing every error when any posting cannot be read: nothing is written then.
    """
    from matcher.interchange.jobposting_import import read_jobpostings

    text = _text(file)
    result = read_jobpostings(text, name=str(file), programme=programme, agency_id=agency)
    _write_records(result, "vacancies", out, fmt)


@import_app.command("hr-json")
def import_hrjson(
    file: InFile, agency: AgencyId = None, out: OutFile = None, fmt: FormatOption = None
) -> None:
    """Read HR Open HR-JSON candidate documents into worker records.

    Exit 1 listing every error when any document cannot be read: nothing is written then.
    """
    from matcher.interchange.hrjson_import import read_candidates
    from matcher.memory import building_long_lived

    with building_long_lived(
        collect=False
    ):  # a hundred thousand records: no collection walks them while they are built
        result = read_candidates(_text(file), name=str(file), agency_id=agency)
    _write_records(result, "workers", out, fmt)


def _text(path: Path) -> str:
    try:
        return path.read_text("utf-8-sig")
    except UnicodeDecodeError as error:
        typer.echo(f"{path}: file is not UTF-8 text ({error.reason})", err=True)
        raise typer.Exit(EXIT_INVALID) from None


def _write_records(
    result: ReadResult[Any], kind: RecordKind, out: Path | None, fmt: OutputFormat | None
) -> None:
    """Write an import's records, or report its errors and exit 1 (writing nothing)."""
    report_problems(result.warnings, prefix="warning: ")
    if not result.ok:
        report_problems(result.errors)
        if result.truncated:
            typer.echo(f"{result.lines_with_errors:,} records with errors in all", err=True)
        raise typer.Exit(EXIT_INVALID)
    from cli.matching import write_records

    records = (r.model_dump(mode="json", exclude_none=True) for r in result.records)
    write_records(records, out, kind=kind, fmt=fmt)
    typer.echo(f"{count_of(len(result.records), kind)} imported", err=True)


def _report_notes(notes: Iterable[RecordNote], *, prefix: str = "note: ") -> None:
    # A few thousand lines a write: an export can note every one of 100,000 workers.
    lines = (f"{prefix}{note}" for note in notes)
    while chunk := list(islice(lines, 4096)):
        typer.echo("\n".join(chunk), err=True)
