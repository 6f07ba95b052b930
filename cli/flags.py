"""Bounds of the command line's numbers and dates (the format's own are in ``models.bounds``).

A flag out of its bound is bad usage (exit 2, naming the flag) before any file is read:
a date in the year 9999 would overflow the engine's date arithmetic, and a thread count
of a billion would ask for a billion threads.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Annotated, Literal

import typer

from matcher.text.messages import Lang
from models.bounds import EARLIEST_DATE, LATEST_DATE, check_money

__all__ = [
    "MAX_N_JOBS",
    "MAX_READ_JOBS",
    "MAX_SHORTLIST_PER_SLOT",
    "MAX_TIME_LIMIT",
    "MAX_TOP",
    "AgencyFile",
    "AsOfOption",
    "BudgetOption",
    "DataFile",
    "DetailsLangOption",
    "FormatOption",
    "IncludeIneligibleOption",
    "OutFile",
    "OutputFormat",
    "PlanTimeLimit",
    "PoolOption",
    "ProgressOption",
    "ReadJobsOption",
    "WorkersOption",
    "as_of_option",
    "bounded_day",
    "input_file",
    "n_jobs_option",
    "output_directory",
    "output_file",
    "read_jobs",
]

MAX_TOP = 1_000_000
"""Most results ``--top`` asks for per job order or worker (0 asks for all)."""
MAX_SHORTLIST_PER_SLOT = 50
"""Longest shortlist per slot (as ``POST /batch-runs``)."""
MAX_N_JOBS = 4096
"""Most parallel jobs ``--n-jobs`` asks for (threads here, or tasks on a Dask cluster)."""
MAX_READ_JOBS = 256
"""Most processes ``--read-jobs`` asks for (each holds its part's records while reading)."""
MAX_TIME_LIMIT = 86_400.0
"""Longest ``--time-limit`` for a training plan's solver: a day (longer is a typo)."""


def bounded_day(value: dt.datetime | None) -> dt.datetime | None:
    """A typer callback: refuse a date outside the format's bounds.

    Raises
    ------
    typer.BadParameter
    """
    if value is not None and not EARLIEST_DATE <= value.date() <= LATEST_DATE:
        raise typer.BadParameter(f"must be a date from {EARLIEST_DATE} to {LATEST_DATE}")
    return value


def _budget(value: tuple[float, str] | None) -> tuple[float, str] | None:
    """A typer callback: refuse a negative (or NaN) budget, and one above the ceiling of
    any amount of money (``models.bounds.check_money``, as the API's budget)."""
    if value is None:
        return value
    if not value[0] >= 0:
        raise typer.BadParameter(f"the amount must be zero or more (got {value[0]:g})")
    try:
        check_money(*value)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None
    return value


BudgetOption = Annotated[
    tuple[float, str] | None,
    typer.Option(
        metavar="AMOUNT CUR",
        help="Most a training plan's enrolments may cost, in any currency of the "
        "exchange-rate table (e.g. --budget 500000000 IDR). Default: no limit.",
        callback=_budget,
    ),
]
"""``--budget`` of the commands that plan training."""

PlanTimeLimit = Annotated[
    float,
    typer.Option(
        min=0.001,
        max=MAX_TIME_LIMIT,
        metavar="S",
        help="Seconds for the training plan's solver; when it runs out the best plan found "
        "is used, with its proven bound and gap.",
    ),
]
"""``--time-limit`` of the commands that plan training."""


def input_file(help_text: str) -> typer.models.OptionInfo:
    """The option of an optional input file that must exist (``Annotated[Path | None,
    input_file("...")] = None``)."""
    option: typer.models.OptionInfo = typer.Option(
        exists=True, dir_okay=False, metavar="FILE", help=help_text
    )
    return option


def _writable_folder(folder: Path) -> None:
    """Raise ``typer.BadParameter`` unless files can be made in ``folder``."""
    if not folder.exists():
        raise typer.BadParameter(f"the folder {str(folder)!r} does not exist")
    if not folder.is_dir():
        raise typer.BadParameter(f"{str(folder)!r} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise typer.BadParameter(f"the folder {str(folder)!r} is not writable")


def _writable_file(value: Path | None) -> Path | None:
    # Checked before any work: a command that writes several outputs must not write the
    # first ones and then fail on the last.
    if value is not None:
        _writable_folder(value.parent)
    return value


def _writable_directory(value: Path | None) -> Path | None:
    if value is not None:
        existing = value
        while not existing.exists() and existing != existing.parent:
            existing = existing.parent
        _writable_folder(existing)  # the directory is made below it
    return value


def output_file(help_text: str | None = None, metavar: str = "FILE") -> typer.models.OptionInfo:
    """The option of a file a command writes: bad usage unless its folder exists and can
    be written (``Annotated[Path | None, output_file("...")] = None``)."""
    option: typer.models.OptionInfo = typer.Option(
        dir_okay=False, metavar=metavar, help=help_text, callback=_writable_file
    )
    return option


def output_directory(help_text: str) -> typer.models.OptionInfo:
    """The option of a directory a command writes into (made if missing): bad usage
    unless its nearest existing folder can be written."""
    option: typer.models.OptionInfo = typer.Option(
        file_okay=False, metavar="DIR", help=help_text, callback=_writable_directory
    )
    return option


DataFile = Annotated[Path, typer.Option(exists=True, dir_okay=False, metavar="FILE")]
"""A required input file that must exist."""

OutFile = Annotated[Path | None, output_file()]
"""``--out``: the records' file (default stdout)."""

OutputFormat = Literal["jsonl", "parquet"]
FormatOption = Annotated[
    OutputFormat | None,
    typer.Option(
        "--format",
        help="jsonl or parquet (default: parquet when --out ends in .parquet, else jsonl; "
        "parquet on stdout too).",
    ),
]
"""``--format`` of the commands that write records: JSON Lines or Parquet, whatever the
name of ``--out``."""

AgencyFile = Annotated[Path | None, input_file("The agency register.")]
"""``--agencies`` of the commands that only need the register as it is."""

WorkersOption = Annotated[Path | None, input_file("The worker file (or give --pool).")]
"""``--workers`` of the commands that also take a pool snapshot (exactly one of the two)."""

PoolOption = Annotated[
    Path | None,
    typer.Option(
        "--pool",
        exists=True,
        dir_okay=False,
        metavar="POOL",
        help="A pool snapshot (selaras pool build) in place of --workers.",
    ),
]
"""``--pool``: a pool snapshot read in place of ``--workers`` (``cli.pool.load_pool``)."""


def as_of_option(help_text: str) -> typer.models.OptionInfo:
    """The option of the evaluation date, bounded by the format's dates
    (``Annotated[dt.datetime | None, as_of_option("...")] = None``)."""
    option: typer.models.OptionInfo = typer.Option(
        formats=["%Y-%m-%d"], metavar="DATE", help=help_text, callback=bounded_day
    )
    return option


AsOfOption = Annotated[dt.datetime | None, as_of_option("Evaluation date (default today).")]
"""``--as-of`` of the commands whose date needs no more words."""


def n_jobs_option(help_text: str) -> typer.models.OptionInfo:
    """The option of a parallel job count, bounded by :data:`MAX_N_JOBS`
    (``Annotated[int | None, n_jobs_option("...")] = None``)."""
    option: typer.models.OptionInfo = typer.Option(
        min=-1, max=MAX_N_JOBS, metavar="N", help=help_text
    )
    return option


ReadJobsOption = Annotated[
    int | None,
    typer.Option(
        "--read-jobs",
        min=1,
        max=MAX_READ_JOBS,
        metavar="N",
        help="Processes that read a JSON Lines worker file of 8 MiB or more, or a Parquet "
        "one of 10,000 rows or more, in parts "
        "(the same results; default: one per core; 1 reads it in this process; "
        "allocate with a round report reads it in one).",
    ),
]
"""``--read-jobs`` of the commands that read a worker file (``cli.pool.load_pool``)."""


def read_jobs(value: int | None) -> int:
    """The processes of ``--read-jobs``: one per core when not given."""
    return value if value is not None else os.cpu_count() or 1


ProgressOption = Annotated[
    bool | None,
    typer.Option(
        "--progress/--no-progress",
        help="Progress bar with ETA on stderr (default: when stderr is a terminal).",
    ),
]
"""``--progress`` of the long commands."""

IncludeIneligibleOption = Annotated[
    bool, typer.Option("--include-ineligible", help="Also list ineligible pairs with gaps.")
]
"""``--include-ineligible`` of the ranking commands."""

DetailsLangOption = Annotated[Lang, typer.Option(help="Language of gap and flag details.")]
"""``--lang`` of the ranking commands."""
