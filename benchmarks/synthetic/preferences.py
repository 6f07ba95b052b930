"""Where a worker wants to go and, sometimes, the least wage she would take."""

from __future__ import annotations

from benchmarks.synthetic.draws import FastRandom, cumulative, pick
from benchmarks.synthetic.people import COUNTRIES, TRACK_COUNTRY, WAGE_WISH_IDR
from benchmarks.synthetic.settings import Record
from benchmarks.synthetic.worker_tables import WorkerTables

# Countries besides the first, 0-2 (cumulative weights).
_EXTRA_COUNTRIES_CUM = cumulative((55.0, 35.0, 10.0))


def draw_preferences(track: str | None, tables: WorkerTables, rnd: FastRandom) -> Record | None:
    """Countries (the destination prepared for first) and, for 35%, a minimum wage in IDR."""
    primary = TRACK_COUNTRY.get(track) if track else None
    if primary is None and rnd.random() < 0.5:
        return None
    countries = [primary] if primary else []
    extra = pick(rnd, (0, 1, 2), _EXTRA_COUNTRIES_CUM) + (0 if primary else 1)
    for _ in range(extra):
        country = pick(rnd, COUNTRIES, tables.country_cum)
        if country not in countries:
            countries.append(country)
    preferences: Record = {"countries": countries}
    if rnd.random() < 0.35:
        low, high = WAGE_WISH_IDR[countries[0]]
        amount = 500_000 * rnd.randint(low // 500_000, high // 500_000)
        preferences["min_monthly_wage"] = {"amount": amount, "currency": "IDR"}
    return preferences
