"""Work history: jobs in Indonesia and stays abroad under a programme."""

from __future__ import annotations

import math
from collections.abc import Mapping

from benchmarks.synthetic.draws import FastRandom, cumulative, pick
from benchmarks.synthetic.settings import VARIANTS, Record
from benchmarks.synthetic.trades import PRODUCTION, Family
from benchmarks.synthetic.worker_tables import WorkerTables

_ABROAD_TITLES: Mapping[str, tuple[str, ...]] = {
    "KR-EPS": ("production operator", "operator pabrik", "pekerja pabrik korea", "EPS worker"),
    "JP-TITP": ("kenshusei", "jisshusei", "magang jepang", "technical intern"),
    "JP-SSW1": ("tokutei ginou", "SSW worker", "pekerja tokutei ginou"),
    "TW-FACTORY": ("operator pabrik", "factory worker", "buruh pabrik taiwan"),
    "MY-PLKS": ("operator kilang", "pekerja kilang", "production operator"),
}
_ABROAD_MONTHS: Mapping[str, tuple[tuple[int, ...], list[float]]] = {
    # E-9: 36 + 22 = 58 months at most per entry; a few "sincere worker" re-entries go past
    # the 60-month cap.
    "KR-EPS": ((12, 24, 36, 46, 58, 70, 94), cumulative((1, 2, 5, 2, 4, 0.3, 0.2))),
    "JP-TITP": ((12, 24, 36, 48, 60), cumulative((2, 1, 6, 1, 1))),
    "JP-SSW1": ((12, 18, 24, 36, 48, 54), cumulative((2, 1, 2, 2, 1, 1))),
    "TW-FACTORY": ((24, 36, 72, 108, 144), cumulative((1, 4, 2, 1, 0.3))),
    "MY-PLKS": ((24, 36, 60, 96), cumulative((2, 3, 2, 1))),
}


# Jobs held in Indonesia, 0-3 (cumulative weights).
_HOME_JOBS_CUM = cumulative((18.0, 44.0, 27.0, 11.0))


_PROGRAMME_ABROAD_COUNTRY = {
    "KR-EPS": "KR", "JP-TITP": "JP", "JP-SSW1": "JP", "TW-FACTORY": "TW", "MY-PLKS": "MY",
}  # fmt: skip
_DAYS_PER_MONTH = 30.44


def _abroad_programme(track: str | None, rnd: FastRandom) -> str:
    if track in ("JP-SSW1", "JP-TITP"):
        return "JP-TITP" if rnd.random() < 0.7 else "JP-SSW1"
    if track in ("KR-EPS", "TW-FACTORY", "MY-PLKS"):
        return track if rnd.random() < 0.85 else rnd.choice(("KR-EPS", "TW-FACTORY", "MY-PLKS"))
    return rnd.choice(("KR-EPS", "JP-TITP", "TW-FACTORY", "MY-PLKS"))


def draw_experience(
    family: Family,
    track: str | None,
    age: int,
    birth: int,
    tables: WorkerTables,
    rnd: FastRandom,
) -> list[Record]:
    """Work history built backwards from a recent end date, returned oldest first.

    0-3 jobs in Indonesia (ISCO code on 85%, dates on 70%) and, for 15% of those aged 22+,
    a stay abroad under a programme, with its own typical length.
    """
    random_ = rnd.random
    today = tables.dates.today
    iso = tables.dates.iso
    earliest = birth + int(17.5 * 365.25)
    # Most under-19s have not worked yet.
    n_home = 0 if age < 19 and random_() < 0.7 else pick(rnd, (0, 1, 2, 3), _HOME_JOBS_CUM)
    kinds: list[str | None] = [None] * n_home
    if age >= 22 and random_() < 0.15:
        kinds.insert(rnd.randint(0, n_home), _abroad_programme(track, rnd))
    entries: list[Record] = []
    end = today - rnd.randint(15, 300)
    for programme in kinds:
        entry: Record
        if programme is None:
            months = 2 + int(-math.log(1.0 - random_()) * 20.0)
            months = 60 if months > 60 else months
            jobs = family.jobs if random_() < 0.8 else PRODUCTION.jobs
            title, isco = jobs[int(random_() * len(jobs))]
            entry = {"title": tables.title_variants[title][int(random_() * VARIANTS)]}
            if random_() < 0.85:
                entry["isco"] = isco
            if random_() < 0.9:
                entry["country"] = "ID"
        else:
            values, cum = _ABROAD_MONTHS[programme]
            months = pick(rnd, values, cum)
            entry = {
                "title": rnd.choice(_ABROAD_TITLES[programme]),
                "isco": rnd.choice(family.jobs)[1],
                "country": _PROGRAMME_ABROAD_COUNTRY[programme],
                "programme": programme,
            }
        start = end - int(months * _DAYS_PER_MONTH)
        if start < earliest:
            # Nobody works before 17: shorten the entry to fit, or stop the history here.
            start = earliest
            months = int((end - start) / _DAYS_PER_MONTH)
            if months < 1:
                break
        entry["months"] = months
        if programme is not None or random_() < 0.7:
            entry["start"] = iso(start)
            entry["end"] = iso(end)
        entries.append(entry)
        end = start - rnd.randint(10, 240)
        if end < earliest:
            break
    entries.reverse()
    return entries
