"""Upper and lower bounds on the numbers and dates of the Selaras format.

Every number a record, a file, a flag or a query carries is finite and within a bound
written here, so nothing a client sends can overflow the engine's arithmetic, turn into
``null`` when stored, or make every comparison meaningless. The bounds are generous: they
refuse absurd values (a wage of 10^30, a date in the year 9999), never real ones.

Wages have one ceiling in real terms: USD 100,000 a month (40-50 times the best factory
wage of any destination), converted with the engine's shipped exchange-rate table
(``matcher/data/exchange_rates.json``, the 2025-12-01 snapshot) and rounded up to two
significant figures, so that the bound is the same amount in every currency the table
knows. ``tests/test_bounds.py`` holds the two tables together. A currency the table does
not know gets :data:`UNKNOWN_CURRENCY_MONTHLY_CEILING` (finite, and above the ceiling of
the weakest currency in use). An hourly wage may be at most 1/100 of the monthly ceiling,
a yearly one 20 times it (twelve months and bonuses).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Annotated, Literal

from annotated_types import Interval
from pydantic import AfterValidator, BeforeValidator
from pydantic_core import PydanticCustomError

__all__ = [
    "EARLIEST_DATE",
    "LATEST_DATE",
    "MAX_CERTIFICATE_SCORE",
    "MAX_CONTRACT_MONTHS",
    "MAX_COUNTRIES",
    "MAX_ITEMS",
    "MAX_MONTHS",
    "MAX_SLOTS",
    "MONEY_CEILING_MONTHS",
    "MONTHLY_WAGE_CEILINGS",
    "UNKNOWN_CURRENCY_MONTHLY_CEILING",
    "WAGE_CEILING_USD_PER_MONTH",
    "WAGE_PERIOD_FACTORS",
    "BoundedDateTime",
    "Day",
    "WrittenDay",
    "check_date",
    "check_datetime",
    "check_money",
    "check_wage",
    "wage_ceiling",
]

EARLIEST_DATE = dt.date(1900, 1, 1)
"""The earliest date any record, flag or query may carry."""
LATEST_DATE = dt.date(2199, 12, 31)
"""The latest date any record, flag or query may carry (a contract of 240 months from it
still ends in a year the calendar can hold)."""

MAX_MONTHS = 1200
"""Months of experience (a skill's, a period's, a requirement's): a hundred years."""
MAX_CONTRACT_MONTHS = 240
"""Longest contract of a job order: twenty years."""
MAX_SLOTS = 100_000
"""Most slots one job order may offer."""
MAX_CERTIFICATE_SCORE = 1000.0
"""Highest score a certificate may carry (skills tests score out of 100 or a few hundred)."""
MAX_ITEMS = 100
"""Most items of a record's list (skills, certificates, language results, experience,
requirements, ISCO codes, test alternatives): a job order of 10,000 skill requirements
took a second to rank, and twenty of those a second would take the server."""
MAX_COUNTRIES = 250
"""Most destination countries a worker may list (every ISO 3166-1 country, once)."""

WAGE_CEILING_USD_PER_MONTH = 100_000
"""The wage ceiling in real terms; :data:`MONTHLY_WAGE_CEILINGS` holds it per currency."""

MONTHLY_WAGE_CEILINGS: Mapping[str, float] = MappingProxyType(
    {
        "AED": 370_000,
        "CZK": 2_100_000,
        "EUR": 87_000,
        "HUF": 34_000_000,
        "IDR": 1_700_000_000,
        "JPY": 16_000_000,
        "KRW": 150_000_000,
        "MYR": 420_000,
        "PLN": 370_000,
        "QAR": 370_000,
        "SAR": 380_000,
        "TWD": 3_200_000,
        "USD": 100_000,
    }
)
"""Highest monthly wage per currency: USD 100,000 at the shipped rates, rounded up."""

UNKNOWN_CURRENCY_MONTHLY_CEILING = 100_000_000_000.0
"""Ceiling of a currency the rate table does not know: 10^11 units a month."""

WagePeriod = Literal["hour", "month", "year"]
WAGE_PERIOD_FACTORS: Mapping[str, float] = MappingProxyType(
    {"hour": 0.01, "month": 1.0, "year": 20.0}
)
"""The ceiling of a wage per hour or per year, as a multiple of the monthly ceiling."""


def wage_ceiling(currency: str, per: WagePeriod = "month") -> float:
    """The highest wage accepted in ``currency`` per ``per``.

    Parameters
    ----------
    currency : str
        An ISO 4217 code (upper case).
    per : {"hour", "month", "year"}

    Returns
    -------
    float
    """
    monthly = MONTHLY_WAGE_CEILINGS.get(currency, UNKNOWN_CURRENCY_MONTHLY_CEILING)
    return monthly * WAGE_PERIOD_FACTORS[per]


def check_wage(amount: float, currency: str, per: WagePeriod = "month") -> None:
    """Raise ``ValueError`` when ``amount`` is above the ceiling of its currency and period."""
    ceiling = wage_ceiling(currency, per)
    if amount > ceiling:
        raise ValueError(
            f"amount is above the ceiling of {ceiling:,.0f} {currency} per {per} "
            f"(about USD {WAGE_CEILING_USD_PER_MONTH:,} a month; see docs/format.md)"
        )


MONEY_CEILING_MONTHS = 1000
"""Any amount of money (a cost, a budget) is at most this many months of the wage ceiling."""


def check_money(amount: float, currency: str) -> None:
    """Raise ``ValueError`` when ``amount`` is above :data:`MONEY_CEILING_MONTHS` monthly
    wage ceilings of its currency (about USD 100 million)."""
    ceiling = wage_ceiling(currency, "month") * MONEY_CEILING_MONTHS
    if amount > ceiling:
        raise ValueError(f"amount is above the ceiling of {ceiling:,.0f} {currency}")


def check_date(value: dt.date) -> dt.date:
    """Return ``value`` if it lies within :data:`EARLIEST_DATE`..:data:`LATEST_DATE`."""
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValueError(f"date must be from {EARLIEST_DATE} to {LATEST_DATE}")
    return value


def check_datetime(value: dt.datetime) -> dt.datetime:
    """Return ``value`` if its calendar date lies within the date bounds.

    The date is read as written, before any conversion between time zones: converting
    ``9999-12-31T23:59:59-23:59`` to UTC is what would overflow.
    """
    check_date(value.date())
    return value


_WRITTEN_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _written_as_a_day(value: object) -> object:
    """Refuse a date not written ``YYYY-MM-DD``: pydantic would read a number, or a string
    of digits, as a Unix time and ``2026-01-01T00:00:00`` as its date, so a job order's
    ``"start_date": "1767139200"`` would silently become 31 December 2025."""
    if (isinstance(value, (int, float)) and not isinstance(value, bool)) or (
        isinstance(value, str) and _WRITTEN_DAY.fullmatch(value) is None
    ):
        raise PydanticCustomError("date_format", "Input should be a date written YYYY-MM-DD")
    return value


WrittenDay = Annotated[dt.date, BeforeValidator(_written_as_a_day)]
"""A date written ``YYYY-MM-DD`` (or given as a date): what is written is then read by
pydantic's core, which checks the calendar."""
Day = Annotated[WrittenDay, Interval(ge=EARLIEST_DATE, le=LATEST_DATE)]
"""A date written ``YYYY-MM-DD`` within :data:`EARLIEST_DATE`..:data:`LATEST_DATE`: the
type of every date field of a record and of every date parameter."""
BoundedDateTime = Annotated[dt.datetime, AfterValidator(check_datetime)]
"""A date and time whose date is within the bounds."""
