"""Calendar arithmetic every layer shares: ages, and a date some months later.

docs/format.md counts ages in completed years (a birthday counts from its day) and validity
periods in months (a month-end date ends on the last day of the target month); one home
here keeps the language scale, the gates and the flags reading them alike.
"""

from __future__ import annotations

import calendar
import datetime as dt

__all__ = ["add_months", "age_on", "months_of_age_on"]


def age_on(birth: dt.date, day: dt.date) -> int:
    """Age in completed years on ``day`` (29 February's birthday is 1 March).

    Parameters
    ----------
    birth, day : datetime.date

    Returns
    -------
    int
    """
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def months_of_age_on(birth: dt.date, day: dt.date) -> int:
    """Age in completed months on ``day``.

    A month is complete on the birth day's date: a birth on the 31st completes one on the
    31st, or on the 1st of the following month when the month is shorter (as
    :func:`age_on` treats 29 February).
    """
    months = 12 * (day.year - birth.year) + day.month - birth.month
    return months - (day.day < birth.day)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, on the month's last day when it is shorter.

    Parameters
    ----------
    day : datetime.date
    months : int

    Returns
    -------
    datetime.date
    """
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))
