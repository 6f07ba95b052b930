"""Day arithmetic on ordinals and ISO strings (the worker loop's dates)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from benchmarks.synthetic.draws import FastRandom


def add_years(day: dt.date, years: int) -> dt.date:
    """``day`` moved by whole years; 29 February becomes 28 February when needed."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def first_of_month(day: dt.date, months_ahead: int) -> dt.date:
    """The first day of the month ``months_ahead`` after ``day``'s (negative: before)."""
    index = day.year * 12 + day.month - 1 + months_ahead
    return dt.date(index // 12, index % 12 + 1, 1)


@lru_cache(maxsize=4)
def _iso_dates(as_of: dt.date) -> tuple[int, tuple[str, ...]]:
    """ISO strings of every day from 70 years before ``as_of`` to 20 years after."""
    first = as_of.toordinal() - 70 * 366
    return first, tuple(
        dt.date.fromordinal(day).isoformat() for day in range(first, first + 90 * 366)
    )


class Dates:
    """Day ordinals to ISO strings through a table (``date.isoformat`` is the slow part)."""

    def __init__(self, as_of: dt.date) -> None:
        self.today = as_of.toordinal()
        self.first, self.table = _iso_dates(as_of)

    def iso(self, ordinal: int) -> str:
        """The ISO string of a day ordinal within the table's 90 years."""
        return self.table[ordinal - self.first]


def day_between(low: int, high: int, rnd: FastRandom) -> int:
    """A day ordinal from ``low`` to ``high`` (``high`` when they cross)."""
    return rnd.randint(low, high) if low < high else high


def ordinal(iso_date: str) -> int:
    """The day ordinal of an ISO date string."""
    return dt.date.fromisoformat(iso_date).toordinal()
