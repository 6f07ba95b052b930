"""Exit statuses and problem reporting shared by the ``selaras`` commands."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from models.files import Problem

__all__ = ["EXIT_INVALID", "EXIT_USAGE", "count_of", "report_problems"]

EXIT_INVALID = 1
"""The input is invalid; every problem is on stderr."""
EXIT_USAGE = 2
"""Bad usage (the status click gives to its own usage errors)."""

_SINGULAR = {"vacancies": "vacancy", "agencies": "agency", "opportunities": "opportunity"}


def report_problems(problems: Iterable[Problem], *, prefix: str = "") -> None:
    """Print problems to stderr, one per line, as ``file:line: field: message``.

    Parameters
    ----------
    problems : Iterable[Problem]
        Errors or warnings from :mod:`models.files`.
    prefix : str
        Put before each line (``"warning: "`` for warnings).
    """
    for problem in problems:
        typer.echo(f"{prefix}{problem}", err=True)


def count_of(count: int, plural: str) -> str:
    """Return ``"1 worker"``, ``"3 workers"``, ``"1 vacancy"``...

    Parameters
    ----------
    count : int
        How many.
    plural : str
        The plural noun (``"workers"``, ``"vacancies"``, ``"warnings"``).

    Returns
    -------
    str
        The count and the noun in the right number.
    """
    if count == 1:
        return f"1 {_SINGULAR.get(plural, plural.removesuffix('s'))}"
    return f"{count} {plural}"
