"""Bounds of the command line's numbers and dates (the format's own are in ``models.bounds``).

A flag out of its bound is bad usage (exit 2, naming the flag) before any file is read:
a date in the year 9999 would overflow the engine's date arithmetic, and a thread count
of a billion would ask for a billion threads.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from models.bounds import EARLIEST_DATE, LATEST_DATE

__all__ = [
    "MAX_N_JOBS",
    "MAX_SHORTLIST_PER_SLOT",
    "MAX_TIME_LIMIT",
    "MAX_TOP",
    "BudgetOption",
    "PlanTimeLimit",
    "bounded_day",
    "input_file",
]

MAX_TOP = 1_000_000
"""Most results ``--top`` asks for per job order or worker (0 asks for all)."""
MAX_SHORTLIST_PER_SLOT = 50
"""Longest shortlist per slot (as ``POST /batch-runs``)."""
MAX_N_JOBS = 4096
"""Most parallel jobs ``--n-jobs`` asks for (threads here, or tasks on a Dask cluster)."""
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
    """A typer callback: refuse a negative (or NaN) budget."""
    if value is not None and not value[0] >= 0:
        raise typer.BadParameter(f"the amount must be zero or more (got {value[0]:g})")
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
