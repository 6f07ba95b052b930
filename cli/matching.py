"""Reading the inputs of ``selaras match`` and ``selaras explain``, and writing results.

Every input file is read whole with the all-or-nothing reader; the problems of all files
are reported before exiting, so one run shows everything to fix.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import typer

from cli.flags import OutputFormat
from cli.report import EXIT_INVALID, report_problems
from matcher.atomic import atomic_output, atomic_path
from matcher.memory import building_long_lived
from models.agency import Agency
from models.files import InvalidInputError, Problem, ReadResult, RecordKind, read_records
from models.vacancy import Vacancy
from models.worker import Worker

__all__ = [
    "atomic_output",
    "load_records",
    "read_collecting",
    "read_into",
    "write_records",
]


# A command's records live as long as its run: see matcher.memory.
@building_long_lived(collect=False)
def read_collecting(
    path: Path, kind: RecordKind, problems: list[Problem], *, views: bool = False
) -> ReadResult[Any] | None:
    """The file read all or nothing, or None with its problems added to ``problems``.

    Every input of a command is read before any is reported, so one run lists every
    problem of every file. ``views`` as for :func:`models.files.read_records`. The
    collector is paused while the file is read, as for :func:`load_records`.
    """
    try:
        return read_records(path, kind, views=views)
    except InvalidInputError as error:
        problems.extend(error.problems)
        return None


def read_into(
    path: Path, kind: RecordKind, problems: list[Problem], *, views: bool = False
) -> list[Any]:
    """The records of :func:`read_collecting` (empty when the file has problems)."""
    found = read_collecting(path, kind, problems, views=views)
    return [] if found is None else list(found.records)


# Loading builds the run's long-lived objects: see matcher.memory.
@building_long_lived(collect=False)
def load_records(
    workers: Path | None,
    vacancies: Path,
    agencies: Path | None,
    *,
    stored_register: list[Agency] | None = None,
    problems: list[Problem] | None = None,
    views: bool = False,
) -> tuple[list[Worker], list[Vacancy], list[Agency] | None]:
    """Read and validate the files (exit 1 listing every problem of every file).

    Parameters
    ----------
    workers : Path or None
        The worker file; None when the pool comes from a snapshot (no workers read).
    vacancies : Path
        The job-order file.
    agencies : Path or None
        The agency register; without it licences are not checked (said once on stderr).
    stored_register : list of Agency, optional
        The register to use when ``agencies`` is None (a pool snapshot's).
    problems : list of Problem, optional
        The problems of the worker file when it was read elsewhere (in parts), reported
        first with the others.
    views : bool
        Read the workers as views (:func:`models.typed_workers.decode_view`), for a
        caller that reads only their fields and facts (no pydantic method).

    Returns
    -------
    tuple
        The workers, the job orders and the register (None when not given).
    """
    problems = [] if problems is None else list(problems)
    pool: list[Worker] = (
        [] if workers is None else read_into(workers, "workers", problems, views=views)
    )
    orders: list[Vacancy] = read_into(vacancies, "vacancies", problems)
    register: list[Agency] | None = (
        stored_register if agencies is None else read_into(agencies, "agencies", problems)
    )
    if problems:
        report_problems(problems)
        raise typer.Exit(EXIT_INVALID)
    if register is None:
        typer.echo(
            "note: no agency register given: licences are not checked "
            "(every result carries a licence_unchecked flag)",
            err=True,
        )
    return pool, orders, register


def write_records(
    records: Iterable[dict[str, Any]],
    out: Path | None,
    *,
    kind: RecordKind | None = None,
    fmt: OutputFormat | None = None,
) -> None:
    """Write JSON Lines to ``out`` or stdout, or Parquet: with ``fmt`` "parquet", or with
    no ``fmt`` when ``out`` ends in ``.parquet``.

    ``kind`` types a Parquet file's columns by that record kind's schema (an import's
    workers or job orders); without it they are inferred from the records (results).
    """
    if fmt == "parquet" or (fmt is None and out is not None and out.suffix.lower() == ".parquet"):
        from models.parquet_files import parquet_table, write_parquet

        try:
            table = parquet_table(records, kind)
        except ValueError as error:
            typer.echo(f"error: {out or 'stdout'}: {error}", err=True)
            raise typer.Exit(EXIT_INVALID) from None
        if out is None:
            with tempfile.TemporaryDirectory(prefix="selaras-parquet-") as folder:
                temporary = Path(folder) / "out.parquet"
                write_parquet(table, temporary)
                sys.stdout.buffer.write(temporary.read_bytes())
                sys.stdout.buffer.flush()
            return
        with atomic_path(out) as temporary:
            write_parquet(table, temporary)
        return
    lines = (json.dumps(record, ensure_ascii=False) + "\n" for record in records)
    if out is None:
        for line in lines:
            typer.echo(line, nl=False)
        return
    with atomic_output(out) as handle:
        handle.writelines(lines)
