"""The minimum-wage gate of a domestic opportunity (FORMAT.md v2, "Domestic opportunity").

A ``job`` or ``trainer_post`` whose monthly wage is below the minimum wage in force at its
location on its ``start_date`` (or ``as_of``) is refused, ``wage_below_floor`` with the
source. A wage in another currency is converted to IDR through the dated exchange-rate
table (the rate and its date are shown); a currency the table has no rate for cannot be
checked, and the opportunity is refused as ``invalid``. Hourly and yearly wages are compared
per month through the minimum-wage table's sourced periods (hour x 126, year / 12).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from matcher.reintegration.wage_floors import Floor, MinimumWageTable, load_minimum_wages
from matcher.rules.exchange_rates import (
    ExchangeRateError,
    ExchangeRateTable,
    convert_currency,
    load_exchange_rates,
)
from matcher.rules.screening import Note
from matcher.text.messages import Message
from models.opportunity import Opportunity
from models.vacancy import Wage

__all__ = ["WageCheck", "check_opportunity_wage"]

_UNIT_ID = {"hour": "jam", "month": "bulan", "year": "tahun"}


@dataclass(frozen=True)
class WageCheck:
    """The outcome of the wage gate for one opportunity.

    ``day`` is the evaluation date, ``floor`` the minimum wage in force (None when unknown or
    the opportunity pays no wage), ``monthly_wage`` the wage in IDR per month (None when it
    pays none or cannot be converted), ``refusals`` and ``flags`` the notes to report.
    """

    day: dt.date
    floor: Floor | None
    monthly_wage: float | None
    refusals: tuple[Note, ...]
    flags: tuple[Note, ...]

    @property
    def refused(self) -> bool:
        """Whether the opportunity is refused."""
        return bool(self.refusals)


def _amount(value: float) -> str:
    """1226 -> "1,226"; 8.72 -> "8.72": whole amounts without decimals, others with two."""
    return f"{value:,.0f}" if value == round(value) else f"{value:,.2f}"


def _per(currency: str, per: str) -> tuple[str, str]:
    return f"{currency}/{per}", f"{currency}/{_UNIT_ID.get(per, per)}"


def check_opportunity_wage(
    opportunity: Opportunity,
    as_of: dt.date,
    *,
    table: MinimumWageTable | None = None,
    rates: ExchangeRateTable | None = None,
) -> WageCheck:
    """Check an opportunity's wage against the minimum wage in force where and when it starts.

    Parameters
    ----------
    opportunity : models.opportunity.Opportunity
        A validated opportunity; kinds without a wage pass with nothing to report.
    as_of : datetime.date
        The run's evaluation date, used when the opportunity has no ``start_date``.
    table : MinimumWageTable, optional
        From :func:`matcher.reintegration.load_minimum_wages`; the shipped table if omitted.
    rates : matcher.rules.exchange_rates.ExchangeRateTable, optional
        The exchange-rate table for wages not in IDR; the shipped one if omitted.

    Returns
    -------
    WageCheck
        Refusals (``wage_below_floor``, ``invalid``) and flags (``wage_floor_unknown`` when
        no floor is known or the date is past the table's coverage, ``unverified_rule`` when
        the floor row is unverified), each with its source.
    """
    day = opportunity.start_date or as_of
    wage = opportunity.wage
    if wage is None:
        return WageCheck(day, None, None, (), ())
    table = table or load_minimum_wages()
    floor = table.floor_on(opportunity.location, day)
    wage_text = _wage_text(wage)
    amount = wage.amount
    if wage.currency != table.currency:
        try:
            conversion = convert_currency(amount, wage.currency, table.currency, day, table=rates)
        except ExchangeRateError as exc:
            why = (
                f"the wage in {wage.currency} cannot be compared with the minimum wage in "
                f"{table.currency}: {exc}"
            )
            # The floor that could not be checked, else the rate table that lacks the rate.
            source = floor.source if floor is not None else (rates or load_exchange_rates()).origin
            refusal = Note("invalid", Message("invalid", {"why": why}), source)
            return WageCheck(day, floor, None, (refusal,), ())
        amount = conversion.amount
        rate = f"{_amount(conversion.rate)} {table.currency}/{wage.currency}"
        when = conversion.rate_date.isoformat()
        local = _per(table.currency, wage.per)
        wage_text = (
            f"{wage_text[0]} ≈ {_amount(amount)} {local[0]} (rate {rate} of {when})",
            f"{wage_text[1]} ≈ {_amount(amount)} {local[1]} (kurs {rate} tanggal {when})",
        )
    monthly = table.monthly(amount, wage.per)
    if wage.per != table.per:
        period = table.periods[wage.per]
        how = f"{'x' if period.to_month == 'multiply' else '/'} {_amount(period.by)}"
        unit = _per(table.currency, table.per)
        wage_text = (
            f"{wage_text[0]} = {_amount(monthly)} {unit[0]} ({how}, {period.legal_basis})",
            f"{wage_text[1]} = {_amount(monthly)} {unit[1]} ({how}, {period.legal_basis})",
        )
    if floor is None:
        first = min(r.effective_from for rows in table.ump.values() for r in rows)
        why = (
            f"no minimum wage is known for {opportunity.location.province} on {day}: "
            f"{table.origin} ({table.version}) starts on {first}"
        )
        note = Note("wage_floor_unknown", Message("wage_floor_unknown", {"why": why}), None)
        return WageCheck(day, None, monthly, (), (note,))
    flags = _flags(floor, table, day)
    refusals: tuple[Note, ...] = ()
    if monthly < floor.amount:
        unit = _per(floor.currency, floor.per)
        params = {
            "wage": wage_text,
            "region": f"{floor.place} ({floor.basis})",
            "floor": (f"{_amount(floor.amount)} {unit[0]}", f"{_amount(floor.amount)} {unit[1]}"),
            "since": floor.effective_from.isoformat(),
        }
        refusals = (Note("wage_below_floor", Message("wage_below_floor", params), floor.source),)
    return WageCheck(day, floor, monthly, refusals, flags)


def _wage_text(wage: Wage) -> tuple[str, str]:
    unit = _per(wage.currency, wage.per)
    return f"{_amount(wage.amount)} {unit[0]}", f"{_amount(wage.amount)} {unit[1]}"


def _flags(floor: Floor, table: MinimumWageTable, day: dt.date) -> tuple[Note, ...]:
    flags = []
    if floor.beyond_coverage:
        why = (
            f"minimum wages are loaded until {table.covered_until}; the floor used for {day} "
            f"({floor.row_id}, from {floor.effective_from}) may have been superseded"
        )
        flags.append(
            Note("wage_floor_unknown", Message("wage_floor_unknown", {"why": why}), floor.source)
        )
    if not floor.verified:
        params = {
            "rule": f"{floor.basis} {floor.place} ({floor.row_id})",
            "table": table.origin,
            "detail": floor.note or "unverified",
        }
        flags.append(Note("unverified_rule", Message("unverified_table", params), floor.source))
    return tuple(flags)
