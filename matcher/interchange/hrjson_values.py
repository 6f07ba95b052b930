"""How HR-JSON values become worker values: shared by the typed and the reference reader.

Both readers of :mod:`matcher.interchange.hrjson_import` read dates, genders, durations
and certificate links through these functions, so a document both accept maps to the same
record.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

from matcher.interchange.hrjson_export import GENDER_CODES

__all__ = ["GENDERS", "MONTHS_PER", "certificate_for", "partial_date"]

GENDERS = {code: gender for gender, code in GENDER_CODES.items()}
"""HR Open GenderCodeList -> Selaras ``gender``."""
MONTHS_PER = {"MON": 1, "ANN": 12}
"""Months in one unit of an ``experienceMeasure``."""
_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?(?:T.*)?$")


def partial_date(value: object, *, last: bool) -> str:
    """An HR Open date, year-month or year as an ISO date: its first day, or ``last`` day.

    Parameters
    ----------
    value : object
        The document's value (text: ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` or a date-time).
    last : bool
        Whether a year or month stands for its last day (an end) or its first (a start).

    Returns
    -------
    str
        ``YYYY-MM-DD``.

    Raises
    ------
    ValueError
        When ``value`` is not such a text, or names no calendar day; the message is the
        error the readers report.
    """
    match = _PARTIAL_DATE.match(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"{value!r} is not a date (YYYY, YYYY-MM, YYYY-MM-DD or a date-time)")
    year, month, day = int(match[1]), match[2], match[3]
    try:
        if day is not None:
            return dt.date(year, int(month), int(day)).isoformat()
        if month is not None:
            end = calendar.monthrange(year, int(month))[1] if last else 1
            return dt.date(year, int(month), end).isoformat()
        return dt.date(year, 12, 31).isoformat() if last else dt.date(year, 1, 1).isoformat()
    except ValueError as error:
        raise ValueError(f"{value!r}: {error}") from None


def certificate_for(
    name: Any, number: Any, certificates: Sequence[Mapping[str, Any]], linked: set[int]
) -> int | None:
    """The first certificate not yet linked that a competency's evidence names.

    A certificate whose name and number (the evidence's first id, or none) both match wins;
    failing that, one whose name matches (another system may not repeat the number).

    Parameters
    ----------
    name, number : object
        The evidence's ``evidenceName`` and the ``value`` of its first id (or None).
    certificates : sequence of mappings
        The profile's certificates as mapped so far (``name``, ``number``).
    linked : set of int
        Indexes of the certificates already linked to an earlier evidence.

    Returns
    -------
    int or None
        The index of the certificate, or None when none is named.
    """
    named = [
        index
        for index, certificate in enumerate(certificates)
        if index not in linked and certificate.get("name") == name
    ]
    exact = [index for index in named if certificates[index].get("number") == number]
    candidates = exact or named
    return candidates[0] if candidates else None
