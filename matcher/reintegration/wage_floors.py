"""Indonesia's minimum wages: the provincial (UMP) and regency/city (UMK) floor in force.

The table is ``matcher/data/minimum_wages_id.json`` (sources and caveats in
matcher/data/SOURCES_v2.md), validated when loaded: a malformed file raises
:class:`MinimumWageError` naming the file and the key. The floor for a place on a date is
the regency's UMK where the table has one, else the province's UMP, each the row with the
latest ``effective_from`` on or before the date; a UMK below the UMP gives way to the UMP
(rules ``floor-in-force`` and ``umk-not-below-ump`` of the file). Wages paid per hour or
per year are compared per month through the file's ``wage_periods`` (PP 36/2021: an
hourly wage may not be below the monthly wage / 126).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Literal

from matcher.reintegration.reading import DataFileError, Header, Node, data_reader
from matcher.rules.reading import DataLoader
from models.regions import PROVINCES, Place, Province, Regency, find_province, find_regency

__all__ = [
    "Floor",
    "MinimumWage",
    "MinimumWageError",
    "MinimumWageTable",
    "WagePeriod",
    "floor_in_force",
    "load_minimum_wages",
    "monthly_wage",
]

SCHEMA = "selaras.minimum_wages_id/1"
_DATA_FILE = "minimum_wages_id.json"
_PERIOD_UNITS = ("hour", "year")  # every wage unit of the format other than the floor's own
_BASES = ("carried_forward",)

FloorBasis = Literal["UMK", "UMP"]


class MinimumWageError(DataFileError):
    """The minimum-wage file is malformed; the message names the file and the key."""


@dataclass(frozen=True)
class MinimumWage:
    """One row of the table: a UMP of a province or a UMK of a regency/city, from a date."""

    id: str
    kind: FloorBasis
    province: Province
    regency: Regency | None
    year: int
    amount: float
    effective_from: dt.date
    legal_basis: str
    decree: str | None
    source: str
    also: tuple[str, ...]
    status: str
    note: str | None


@dataclass(frozen=True)
class WagePeriod:
    """How a wage per ``per`` is expressed per month: multiplied or divided ``by``."""

    id: str
    per: str
    to_month: Literal["multiply", "divide"]
    by: float
    text: str
    legal_basis: str
    source: str
    also: tuple[str, ...]
    status: str

    def monthly(self, amount: float) -> float:
        """``amount`` per :attr:`per`, expressed per month."""
        return amount * self.by if self.to_month == "multiply" else amount / self.by


@dataclass(frozen=True)
class Floor:
    """The minimum wage in force at a place on a date.

    ``basis`` is ``UMK`` (the regency/city's own) or ``UMP`` (the province's); ``place`` the
    official name of the regency/city or province it belongs to; ``source`` the URL of the
    row's source; ``verified`` false when the table marks the row unverified;
    ``beyond_coverage`` true when the date is after the table's ``covered_until`` (the row is
    the latest known floor, and a newer one may exist); ``note`` the row's caveat, if any.
    """

    amount: float
    currency: str
    per: str
    basis: FloorBasis
    place: str
    effective_from: dt.date
    row_id: str
    source: str
    verified: bool
    beyond_coverage: bool
    note: str | None


@dataclass(frozen=True)
class MinimumWageTable:
    """The validated table: rows by province and regency code, the wage periods, sources."""

    header: Header
    currency: str
    per: str
    covered_until: dt.date
    ump: Mapping[str, tuple[MinimumWage, ...]]
    umk: Mapping[str, tuple[MinimumWage, ...]]
    periods: Mapping[str, WagePeriod]
    origin: str

    @property
    def version(self) -> str:
        """The file's ``version``."""
        return self.header.version

    def floor_on(self, place: Place, on: dt.date) -> Floor | None:
        """The floor in force at ``place`` on ``on``; None before the table's first row.

        Parameters
        ----------
        place : models.regions.Place
            A province and, optionally, a regency or city.
        on : datetime.date
            The evaluation date (an opportunity's ``start_date``, else ``as_of``).

        Returns
        -------
        Floor or None
        """
        ump = _in_force(self.ump.get(place.official_province.code, ()), on)
        regency = place.official_regency
        umk = _in_force(self.umk.get(regency.code, ()), on) if regency is not None else None
        # umk-not-below-ump: a UMK lower than the UMP gives way to it.
        row = umk if umk is not None and (ump is None or umk.amount >= ump.amount) else ump
        if row is None:
            return None
        return Floor(
            amount=row.amount,
            currency=self.currency,
            per=self.per,
            basis=row.kind,
            place=row.regency.name if row.regency is not None else row.province.name,
            effective_from=row.effective_from,
            row_id=row.id,
            source=self.header.sources[row.source].url,
            verified=row.status == "verified",
            beyond_coverage=on > self.covered_until,
            note=row.note,
        )

    def monthly(self, amount: float, per: str) -> float:
        """Express a wage per month (``per`` is ``hour``, ``month`` or ``year``).

        Raises
        ------
        ValueError
            For a unit the table has no period for.
        """
        if per == self.per:
            return float(amount)
        period = self.periods.get(per)
        if period is None:
            raise ValueError(f"no wage period for {per!r} in {self.origin}")
        return period.monthly(amount)


def _in_force(rows: tuple[MinimumWage, ...], on: dt.date) -> MinimumWage | None:
    index = bisect.bisect_right([r.effective_from for r in rows], on)
    return rows[index - 1] if index else None


def _official_province(o: Node, key: str) -> Province:
    written = o.text(key)
    try:
        province = find_province(written)
    except ValueError as exc:
        raise o.error(key, str(exc)) from None
    if province.name != written:
        raise o.error(key, f"write the official name {province.name!r}, not {written!r}")
    return province


def _official_regency(o: Node, key: str, province: Province) -> Regency:
    written = o.text(key)
    try:
        regency = find_regency(written, province)
    except ValueError as exc:
        raise o.error(key, str(exc)) from None
    if regency.name != written:
        raise o.error(key, f"write the official name {regency.name!r}, not {written!r}")
    return regency


def _row(o: Node, kind: FloorBasis, currency: str, per: str) -> MinimumWage:
    o.choice("kind", (kind,))
    province = _official_province(o, "province")
    regency = _official_regency(o, "regency", province) if kind == "UMK" else None
    start = o.day("effective_from")
    year = o.integer("year", low=2000, high=2100)
    if start.year != year:
        raise o.error("effective_from", f"{start} is not in the row's year {year}")
    o.choice("currency", (currency,))
    o.choice("per", (per,))
    for alternative in o.nodes("alternatives", required=False):
        alternative.positive("amount")
        alternative.source_key()
        alternative.opt_text("note")
        alternative.finish()
    if o.raw("basis", required=False) is not None:
        o.choice("basis", _BASES)
    decree = o.raw("decree")  # required key: null says the decree number was not found
    row = MinimumWage(
        id=o.text("id"),
        kind=kind,
        province=province,
        regency=regency,
        year=year,
        amount=o.positive("amount"),
        effective_from=start,
        legal_basis=o.text("legal_basis"),
        decree=None if decree is None else o.text("decree"),
        source=o.source_key(),
        also=o.source_keys("also", required=False),
        status=o.status(),
        note=o.opt_text("note"),
    )
    o.finish()
    return row


def _period(o: Node) -> WagePeriod:
    to_month = o.choice("to_month", ("multiply", "divide"))
    period = WagePeriod(
        id=o.text("id"),
        per=o.choice("per", _PERIOD_UNITS),
        to_month="multiply" if to_month == "multiply" else "divide",
        by=o.positive("by"),
        text=o.text("text"),
        legal_basis=o.text("legal_basis"),
        source=o.source_key(),
        also=o.source_keys("also", required=False),
        status=o.status(),
    )
    o.opt_text("note")
    o.finish()
    return period


def _rule_sources(o: Node) -> None:
    """The sources of the file's prose rules (the engine implements the rules)."""
    o.source_key()
    o.source_keys("also", required=False)


def _by_place(
    rows: list[MinimumWage], key: str, top: Node
) -> Mapping[str, tuple[MinimumWage, ...]]:
    ids: set[str] = set()
    grouped: dict[str, list[MinimumWage]] = defaultdict(list)
    for row in rows:
        if row.id in ids:
            raise top.error(key, f"duplicate id {row.id!r}")
        ids.add(row.id)
        place = row.regency.code if row.regency is not None else row.province.code
        if any(r.effective_from == row.effective_from for r in grouped[place]):
            where = row.regency.name if row.regency is not None else row.province.name
            raise top.error(key, f"two rows for {where} from {row.effective_from} ({row.id})")
        grouped[place].append(row)
    return MappingProxyType(
        {k: tuple(sorted(v, key=lambda r: r.effective_from)) for k, v in grouped.items()}
    )


def _wages_table(top: Node, header: Header) -> MinimumWageTable:
    top.choice("country", ("ID",))
    currency = top.choice("currency", ("IDR",))
    per = top.choice("per", ("month",))
    for rule in top.nodes("rules"):
        rule.prose_entry("text", _rule_sources)
    periods = [_period(p) for p in top.nodes("wage_periods")]
    units = sorted(p.per for p in periods)
    if units != sorted(_PERIOD_UNITS):
        raise top.error(
            "wage_periods", f"needs exactly one period for each of {', '.join(_PERIOD_UNITS)}"
        )
    coverage = top.node("coverage")
    years = coverage.raw("years")
    if not isinstance(years, list) or not all(
        isinstance(y, int) and not isinstance(y, bool) for y in years
    ):
        raise coverage.error("years", f"expected a list of years, got {years!r}")
    covered_until = coverage.day("covered_until")
    coverage.text("note")
    coverage.finish()
    ump = _by_place([_row(r, "UMP", currency, per) for r in top.nodes("ump")], "ump", top)
    missing = [p.name for p in PROVINCES.values() if p.code not in ump]
    if missing:
        raise top.error("ump", f"no UMP for {', '.join(missing)}: every province needs one")
    umk = _by_place([_row(r, "UMK", currency, per) for r in top.nodes("umk")], "umk", top)
    return MinimumWageTable(
        header=header,
        currency=currency,
        per=per,
        covered_until=covered_until,
        ump=ump,
        umk=umk,
        periods=MappingProxyType({p.per: p for p in periods}),
        origin=top.file,
    )


_default_table = DataLoader(_DATA_FILE, data_reader(MinimumWageError, SCHEMA, _wages_table))


def load_minimum_wages(path: str | Path | None = None) -> MinimumWageTable:
    """The shipped minimum-wage table (kept once read), or a replacement file of the same
    shape (:class:`matcher.rules.reading.DataLoader`); a malformed file raises
    ``MinimumWageError`` naming the file and the key."""
    return _default_table(path)


def floor_in_force(
    place: Place, on: dt.date, *, table: MinimumWageTable | None = None
) -> Floor | None:
    """The minimum wage in force at ``place`` on ``on``: the UMK where the table has one for
    the regency or city, else the province's UMP.

    Parameters
    ----------
    place : models.regions.Place
        A province and, optionally, a regency or city (any accepted spelling).
    on : datetime.date
        The evaluation date.
    table : MinimumWageTable, optional
        From :func:`load_minimum_wages`; the shipped table when omitted.

    Returns
    -------
    Floor or None
        None when the date is before every row of the table (no floor known).
    """
    return (table or _default_table()).floor_on(place, on)


def monthly_wage(amount: float, per: str, *, table: MinimumWageTable | None = None) -> float:
    """Express a wage per month with the table's sourced periods (hour x 126, year / 12).

    Parameters
    ----------
    amount : float
        The wage.
    per : str
        ``hour``, ``month`` or ``year`` (FORMAT.md ``wage.per``).
    table : MinimumWageTable, optional
        The shipped table when omitted.

    Returns
    -------
    float
    """
    return (table or _default_table()).monthly(amount, per)
