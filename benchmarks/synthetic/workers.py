"""Worker records, drawn a block of ``WORKER_BLOCK`` at a time, each block from its own
random stream."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from benchmarks.synthetic.careers import draw_experience
from benchmarks.synthetic.certificates import draw_certificates
from benchmarks.synthetic.draws import FastRandom
from benchmarks.synthetic.language_results import draw_languages
from benchmarks.synthetic.names import draw_name
from benchmarks.synthetic.people import EDUCATION, FEMALE_SHARE, PROVINCES, TRACKS
from benchmarks.synthetic.preferences import draw_preferences
from benchmarks.synthetic.settings import AS_OF, SEED, WORKER_BLOCK, WORKER_STREAM, Record
from benchmarks.synthetic.skill_claims import draw_skills
from benchmarks.synthetic.trades import FAMILIES
from benchmarks.synthetic.worker_tables import WorkerTables

_TWO_DIGITS = tuple(f"{number:02d}" for number in range(100))


def worker_block(block: int, n: int, seed: int, tables: WorkerTables, width: int) -> list[Record]:
    """Workers ``block * WORKER_BLOCK + 1`` .. ``+ n`` (``n <= WORKER_BLOCK``).

    Vectorised draws are always made for a whole block, so a record does not depend on
    how many workers the pool holds.
    """
    size = WORKER_BLOCK
    gen = np.random.default_rng([seed, WORKER_STREAM, block])
    female_mask = gen.random(size) < FEMALE_SHARE
    ages = tables.ages[gen.choice(len(tables.ages), size=size, p=tables.age_p)]
    offsets = (ages * 365.2425).astype(np.int64) + gen.integers(0, 365, size)
    birth_days = (tables.dates.today - offsets).tolist()
    provinces = gen.choice(len(PROVINCES), size=size, p=tables.province_p).tolist()
    regency_draw = gen.integers(0, 1 << 30, size).tolist()
    districts = gen.integers(1, 31, size).tolist()
    serials = gen.integers(1, 3000, size).tolist()
    tracks = gen.choice(len(TRACKS), size=size, p=tables.track_p).tolist()
    family_m = gen.choice(len(FAMILIES), size=size, p=tables.family_p_m)
    family_f = gen.choice(len(FAMILIES), size=size, p=tables.family_p_f)
    families = np.where(female_mask, family_f, family_m).tolist()
    n_skills = (gen.choice(4, size=size, p=tables.n_skills_p) + 1).tolist()
    agencies = gen.choice(len(tables.agency_ids), size=size, p=tables.agency_p).tolist()
    educations = {
        kind: gen.choice(len(EDUCATION), size=size, p=p).tolist()
        for kind, p in tables.education_p.items()
    }
    # Health: 90% have a record, 97% of them fit, 5% with abnormal colour vision.
    health_u = gen.random((size, 3)).tolist()
    checked = (tables.dates.today - gen.integers(5, 541, size)).tolist()
    # Passports: 75% have one, issued up to 5.5 years ago (some 5-year ones have lapsed),
    # 30% valid 10 years.
    passport_u = gen.random((size, 2)).tolist()
    passport_issued = (tables.dates.today - gen.integers(0, 2001, size)).tolist()
    female = female_mask.tolist()
    ages_list = ages.tolist()
    rnd = FastRandom(int(gen.integers(0, 1 << 62)))

    iso = tables.dates.iso
    agency_ids = tables.agency_ids
    first = block * size
    out: list[Record] = []
    for i in range(n):
        is_female = female[i]
        age = ages_list[i]
        birth = birth_days[i]
        birth_iso = iso(birth)
        province, _, regencies = PROVINCES[provinces[i]]
        track = TRACKS[tracks[i]][0]
        if track == "JP-TITP" and age > 26:
            track = "JP-SSW1"
        family = FAMILIES[families[i]]
        # NIK: regency (4) + district (2) + DDMMYY with 40 added to a woman's day + serial
        # (4). Built from the ISO birth date: str.format is the slow part of the loop.
        day = str(int(birth_iso[8:10]) + 40) if is_female else birth_iso[8:10]
        nik = "".join((
            regencies[regency_draw[i] % len(regencies)], _TWO_DIGITS[districts[i]], day,
            birth_iso[5:7], birth_iso[2:4], str(serials[i]).zfill(4),
        ))  # fmt: skip
        if track == "DE-SKILLED":
            education = EDUCATION[educations["DE-SKILLED"][i]]
        else:
            education = EDUCATION[educations["technical" if family.technical else "general"][i]]
        experience = draw_experience(family, track, age, birth, tables, rnd)
        abroad = None
        for entry in experience:
            if "programme" in entry:
                abroad = entry["country"]
        skills, concepts = draw_skills(
            family, n_skills[i], max(0, (age - 17) * 12), abroad, tables, rnd
        )
        languages, jp_ready, eps = draw_languages(track, education, birth, tables, rnd)
        certificates = draw_certificates(
            family, concepts, track, age, birth, jp_ready, eps, experience, abroad, tables, rnd
        )
        worker: Record = {
            "id": "W-" + str(first + i + 1).zfill(width),
            "agency_id": agency_ids[agencies[i]],
            "full_name": draw_name(is_female, province, rnd),
            "nik": nik,
            "birth_date": birth_iso,
            "gender": "F" if is_female else "M",
            "province": province,
            "education": education,
            "skills": skills,
        }
        if certificates:
            worker["certificates"] = certificates
        if languages:
            worker["languages"] = languages
        if experience:
            worker["experience"] = experience
        present, fit, vision = health_u[i]
        if present < 0.9:
            worker["health"] = {
                "fit_to_work": fit < 0.97,
                "colour_vision_normal": vision >= 0.05,
                "checked": iso(checked[i]),
            }
        present, ten_years = passport_u[i]
        if present < 0.75:
            years = 10 if ten_years < 0.3 else 5
            expires = passport_issued[i] + years * 365 + years // 4
            worker["documents"] = {"passport_expires": iso(expires)}
        preferences = draw_preferences(track, tables, rnd)
        if preferences is not None:
            worker["preferences"] = preferences
        out.append(worker)
    return out


def without_gc(build: Callable[..., list[Record]], *args: Any) -> list[Record]:
    """Call ``build`` with the cyclic garbage collector paused.

    The records are trees of dicts and lists (no reference cycles), so the collector finds
    nothing, yet it would walk every young record each few hundred allocations: pausing it
    takes about a third off the generation time.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return build(*args)
    finally:
        if enabled:
            gc.enable()


def iter_workers(
    n_workers: int,
    agencies: Sequence[Mapping[str, Any]],
    *,
    seed: int = SEED,
    as_of: dt.date = AS_OF,
) -> Iterator[Record]:
    """Yield worker records one by one, generated a block at a time.

    Parameters
    ----------
    n_workers : int
        Number of workers.
    agencies : sequence of dict
        The register the workers are registered with (every status: a suspended agency
        still holds candidates).
    seed : int
        Random seed.
    as_of : datetime.date
        Evaluation date: ages, result and certificate dates and passports are set around it.

    Yields
    ------
    dict
        Worker records ``W-0000001`` upwards (7 digits, more when ``n_workers`` needs
        them); each validates with ``models.worker.Worker`` without warnings.
    """
    if n_workers < 0:
        raise ValueError(f"n_workers must be non-negative; got {n_workers}")
    if not agencies:
        raise ValueError("workers need at least one agency")
    tables = WorkerTables(agencies, as_of, seed)
    width = max(7, len(str(n_workers)))
    for block in range(-(-n_workers // WORKER_BLOCK)):
        n = min(WORKER_BLOCK, n_workers - block * WORKER_BLOCK)
        yield from without_gc(worker_block, block, n, seed, tables, width)
