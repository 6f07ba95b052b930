"""Job orders across the manufacturing programmes, with wages checked against the
statutory floor (except the planted refusals)."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from benchmarks.synthetic.days import first_of_month
from benchmarks.synthetic.draws import cumulative, exact_counts, pick, quota
from benchmarks.synthetic.job_templates import JOBS
from benchmarks.synthetic.programmes import (
    CONTRACT_MONTHS,
    CURRENCY,
    DENSE_PROGRAMME_SHARES,
    EMPLOYER_WORDS,
    PROGRAMME_COUNTRY,
    PROGRAMME_SHARES,
    REGIONS,
    SLOTS,
    WAGE_UNIT,
)
from benchmarks.synthetic.requirements import job_requirements, relax_requirements
from benchmarks.synthetic.settings import AS_OF, SEED, VACANCY_STREAM, Record
from matcher.rules.packs import rule_pack, wage_floor_on

_BELOW_FLOOR_SHARE = 0.03
_SEX_FLAG_SHARE = 0.02
_UNLICENSED_SHARE = 0.03


@lru_cache(maxsize=4096)
def _floor(programme: str, region: str | None, on: dt.date, per: str) -> float:
    result = wage_floor_on(programme, region, on, per=per)
    if result.amount is None or result.per != per:
        raise RuntimeError(f"no {per}ly wage floor for {programme} {region} on {on}: {result}")
    return result.amount


def _wage(
    programme: str, region: str | None, start: dt.date, below: bool, rnd: random.Random
) -> Record:
    country = PROGRAMME_COUNTRY[programme]
    units = WAGE_UNIT[country]
    per, step, _ = pick(rnd, units, cumulative(u[2] for u in units))
    floor = _floor(programme, region, start, per)
    if below:
        amount = math.floor(floor * rnd.uniform(0.86, 0.985) / step) * step
        amount = min(amount, floor - step)
    else:
        # Mostly a little above the floor, some well above (skilled and German jobs).
        top = 1.45 if programme in ("JP-SSW2", "DE-SKILLED") else 1.25
        amount = math.ceil(floor * rnd.uniform(1.0, top) / step) * step
    value: int | float = round(amount, 2) if step < 1 else round(amount)
    return {"amount": value, "currency": CURRENCY[country], "per": per}


def _employer(country: str, rnd: random.Random) -> str:
    first, second, suffix = EMPLOYER_WORDS[country]
    return f"{rnd.choice(first)} {rnd.choice(second)} {rnd.choice(suffix)}"


def _shaped(requirements: Record, dense: bool) -> Record:
    return relax_requirements(requirements) if dense else requirements


def generate_vacancies(
    n_vacancies: int,
    agencies: Sequence[Mapping[str, Any]],
    *,
    seed: int = SEED,
    as_of: dt.date = AS_OF,
    dense: bool = False,
) -> list[Record]:
    """Generate job orders across the manufacturing programmes.

    Parameters
    ----------
    n_vacancies : int
        Number of job orders. Programme counts follow ``PROGRAMME_SHARES`` exactly
        (largest remainder); 3% (at least one from 20 job orders) offer a wage below the
        floor in force on ``start_date``, 2% name a sex and 3% come from an agency that is
        not active on ``as_of``: three disjoint sets.
    agencies : sequence of dict
        The register (``generate_agencies``); job orders come from its active agencies,
        except the unlicensed ones.
    seed : int
        Random seed.
    as_of : datetime.date
        Evaluation date; start dates fall 2 to 14 months after it, on the first of a month.
    dense : bool
        Draw programmes by ``DENSE_PROGRAMME_SHARES`` and relax the requirements
        (:func:`~benchmarks.synthetic.requirements.relax_requirements`) so that most
        workers are eligible for several job orders.

    Returns
    -------
    list of dict
        Job-order records with ids ``JO-<as_of year>-0001`` upwards; every one validates
        with ``models.vacancy.Vacancy``.
    """
    if n_vacancies < 0:
        raise ValueError(f"n_vacancies must be non-negative; got {n_vacancies}")
    active = [a["id"] for a in agencies if a["status"] == "active"]
    # Unlicensed job orders take a suspended, a revoked, an expired agency, in turn.
    by_status = [[a["id"] for a in agencies if a["status"] == status]
                 for status in ("suspended", "revoked", "expired")]  # fmt: skip
    inactive = [ids[turn] for turn in range(len(agencies)) for ids in by_status if turn < len(ids)]
    if not active:
        raise ValueError("the agency register has no active agency")
    rnd = random.Random(f"selaras-pool:{seed}:{VACANCY_STREAM}")
    counts = exact_counts(n_vacancies, DENSE_PROGRAMME_SHARES if dense else PROGRAMME_SHARES)
    programmes = [p for p, count in counts.items() for _ in range(count)]
    rnd.shuffle(programmes)
    special = rnd.sample(range(n_vacancies), n_vacancies)
    n_below = quota(n_vacancies, _BELOW_FLOOR_SHARE)
    n_sex = quota(n_vacancies, _SEX_FLAG_SHARE)
    n_unlicensed = quota(n_vacancies, _UNLICENSED_SHARE) if inactive else 0
    # Only membership is asked of these sets, never their order.
    below = set(special[:n_below])
    sexed = set(special[n_below : n_below + n_sex])
    unlicensed = {
        index: inactive[rank % len(inactive)]
        for rank, index in enumerate(special[n_below + n_sex : n_below + n_sex + n_unlicensed])
    }
    agency_cum = cumulative(1.0 / (rank + 1) ** 0.8 for rank in range(len(active)))
    titp_last = rule_pack("JP-TITP").availability
    width = max(4, len(str(n_vacancies)))
    vacancies = []
    for index, programme in enumerate(programmes):
        country = PROGRAMME_COUNTRY[programme]
        jobs = [job for job in JOBS if programme in job.programmes]
        job = pick(rnd, jobs, cumulative(job.programmes[programme] for job in jobs))
        regions = REGIONS[country]
        region = pick(rnd, [r for r, _ in regions], cumulative(w for _, w in regions))
        start = first_of_month(as_of, rnd.randint(2, 14))
        if programme == "JP-TITP" and titp_last is not None:
            last = titp_last.last_start_date
            while start > last and start > first_of_month(as_of, 2):
                start = first_of_month(start, -1)
        sex = job.sex_if_flagged if index in sexed else None
        agency_id = unlicensed.get(index) or pick(rnd, active, agency_cum)
        low, high = SLOTS[programme]
        slots = min(high, low + int(rnd.expovariate(1.0 / max(1.0, (high - low) / 3))))
        vacancies.append(
            {
                "id": f"JO-{as_of.year}-{index + 1:0{width}d}",
                "agency_id": agency_id,
                "employer": {"name": _employer(country, rnd), "type": "company"},
                "country": country,
                "region": region,
                "programme": programme,
                "title": job.title,
                "isco": job.isco,
                "slots": slots,
                "start_date": start.isoformat(),
                "contract_months": rnd.choice(CONTRACT_MONTHS[programme]),
                "wage": _wage(programme, region, start, index in below, rnd),
                # Drawn last, as always: ``dense`` changes no other draw.
                "requirements": _shaped(job_requirements(programme, job, rnd, sex), dense),
            }
        )
    return vacancies
