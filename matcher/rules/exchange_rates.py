"""A dated exchange-rate table (IDR per unit) for comparing wages with worker preferences.

The shipped table is ``matcher/data/exchange_rates.json``: an *indicative* snapshot, to be
replaced by the operator's own file of the same shape (``load_exchange_rates(path)``).
Destination wage floors are never checked through this table; they stay in the destination
currency. A domestic opportunity's wage in a foreign currency is converted through it to
meet Indonesia's minimum wage in IDR (``matcher/reintegration/wage_gate.py``), with the rate
and its date shown.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from matcher.rules.reading import DataLoader
from models.iso_codes import CURRENCIES

__all__ = [
    "BASE_CURRENCY",
    "Conversion",
    "ExchangeRateError",
    "ExchangeRateTable",
    "RateSnapshot",
    "convert_currency",
    "load_exchange_rates",
]

BASE_CURRENCY = "IDR"
_DATA_FILE = "exchange_rates.json"


class ExchangeRateError(ValueError):
    """The exchange-rate file is malformed, or a currency is not in it."""


class Conversion(NamedTuple):
    """A converted amount, the rate used (``to`` per ``from``), the rate's date and source."""

    amount: float
    rate: float
    rate_date: dt.date
    source: str


@dataclass(frozen=True)
class RateSnapshot:
    """Rates on one date: ``rates[ccy]`` is IDR per one unit of ``ccy``."""

    as_of: dt.date
    status: str
    source: str
    rates: Mapping[str, float]


@dataclass(frozen=True)
class ExchangeRateTable:
    """Snapshots sorted by date; the one used is the latest on or before the date asked."""

    snapshots: tuple[RateSnapshot, ...]
    origin: str

    def snapshot_on(self, on: dt.date) -> RateSnapshot:
        """Return the latest snapshot dated on or before ``on`` (the earliest if none is).

        Parameters
        ----------
        on : datetime.date
            The evaluation date.

        Returns
        -------
        RateSnapshot
            The snapshot to use; its ``as_of`` is reported with every conversion.
        """
        usable = [s for s in self.snapshots if s.as_of <= on]
        # Before the first snapshot there is nothing better; the rate date makes that visible.
        return usable[-1] if usable else self.snapshots[0]

    def convert(self, amount: float, from_ccy: str, to_ccy: str, on: dt.date) -> Conversion:
        """Convert ``amount`` of ``from_ccy`` into ``to_ccy`` with the rates in use on ``on``.

        Parameters
        ----------
        amount : float
            The amount in ``from_ccy``.
        from_ccy, to_ccy : str
            ISO 4217 codes present in the snapshot.
        on : datetime.date
            The evaluation date.

        Returns
        -------
        Conversion
            ``(amount, rate, rate_date, source)`` with ``rate`` in ``to_ccy`` per ``from_ccy``.

        Raises
        ------
        ExchangeRateError
            If either currency is not in the snapshot.
        """
        snapshot = self.snapshot_on(on)
        source = f"{snapshot.source} [{snapshot.status}; {self.origin}]"
        from_code, to_code = from_ccy.strip().upper(), to_ccy.strip().upper()
        for code in (from_code, to_code):
            if code not in snapshot.rates:
                known = ", ".join(sorted(snapshot.rates))
                raise ExchangeRateError(
                    f"no exchange rate for {code!r} on {snapshot.as_of.isoformat()} "
                    f"({self.origin}); known: {known}"
                )
        rate = snapshot.rates[from_code] / snapshot.rates[to_code]
        return Conversion(amount * rate, rate, snapshot.as_of, source)


def _snapshot(raw: Any, where: str) -> RateSnapshot:
    if not isinstance(raw, dict):
        raise ExchangeRateError(f"{where}: expected an object")
    try:
        as_of = dt.date.fromisoformat(raw["as_of"])
        status, source, rates = str(raw["status"]), str(raw["source"]), raw["rates"]
    except (KeyError, TypeError, ValueError) as exc:
        raise ExchangeRateError(
            f"{where}: needs as_of (YYYY-MM-DD), status, source, rates"
        ) from exc
    if not isinstance(rates, dict):
        raise ExchangeRateError(f"{where}.rates: expected an object of currency -> IDR")
    parsed: dict[str, float] = {}
    for code, value in rates.items():
        if code not in CURRENCIES:
            raise ExchangeRateError(f"{where}.rates.{code}: not an ISO 4217 currency code")
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise ExchangeRateError(f"{where}.rates.{code}: expected a number > 0, got {value!r}")
        parsed[code] = float(value)
    if parsed.get(BASE_CURRENCY) != 1.0:
        raise ExchangeRateError(f"{where}.rates.{BASE_CURRENCY}: the base currency must be 1")
    return RateSnapshot(as_of, status, source, MappingProxyType(parsed))


def _table(text: str, origin: str) -> ExchangeRateTable:
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ExchangeRateError(f"{origin}: not valid JSON: {exc}") from None
    entries = raw.get("snapshots") if isinstance(raw, dict) else None
    if not isinstance(entries, list) or not entries:
        raise ExchangeRateError(f"{origin}: key 'snapshots': expected a non-empty list")
    snapshots = sorted(
        (_snapshot(s, f"{origin}: snapshots[{i}]") for i, s in enumerate(entries)),
        key=lambda s: s.as_of,
    )
    dates = [s.as_of for s in snapshots]
    if len(set(dates)) != len(dates):
        raise ExchangeRateError(f"{origin}: two snapshots share an as_of date")
    return ExchangeRateTable(tuple(snapshots), origin)


_default_table = DataLoader(_DATA_FILE, _table)


def load_exchange_rates(path: str | Path | None = None) -> ExchangeRateTable:
    """The shipped rate table (kept once read), or an operator's replacement file of the
    same shape (:class:`matcher.rules.reading.DataLoader`); a malformed file raises
    ``ExchangeRateError`` naming the file and the key."""
    return _default_table(path)


def convert_currency(
    amount: float,
    from_ccy: str,
    to_ccy: str,
    on: dt.date,
    *,
    table: ExchangeRateTable | None = None,
) -> Conversion:
    """Convert ``amount`` between currencies with the rates in use on ``on``.

    Parameters
    ----------
    amount : float
        The amount in ``from_ccy``.
    from_ccy, to_ccy : str
        ISO 4217 codes.
    on : datetime.date
        The evaluation date; the latest snapshot on or before it is used.
    table : ExchangeRateTable, optional
        A table from ``load_exchange_rates(path)``; the shipped table when omitted.

    Returns
    -------
    Conversion
        ``(amount, rate, rate_date, source)``; show ``rate`` and ``rate_date`` in explanations.
    """
    return (table or _default_table()).convert(amount, from_ccy, to_ccy, on)
