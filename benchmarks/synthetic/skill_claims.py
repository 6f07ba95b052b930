"""The skills a worker lists, with months and levels, written as agencies write them."""

from __future__ import annotations

import bisect
import math

from benchmarks.synthetic.draws import FastRandom
from benchmarks.synthetic.settings import VARIANTS, Record
from benchmarks.synthetic.spelling import fresh_skill_name
from benchmarks.synthetic.trades import OUTSIDE_SKILLS, Family
from benchmarks.synthetic.worker_tables import WorkerTables

_LEVEL_JITTER = (0, 1, 1, 2)  # level = months // 30 + this, clipped to 1..5


def _skill_name(concept_id: str, abroad: str | None, tables: WorkerTables, rnd: FastRandom) -> str:
    """A skill as written: a pool-wide variant (85%), else freshly typed; returnees from
    Japan or Korea sometimes write the Japanese or Korean name they learnt there."""
    roll = rnd.random()
    if roll < 0.08 and abroad in ("JP", "KR"):
        return rnd.choice(tables.forms[concept_id][3 if abroad == "JP" else 4])
    if roll < 0.85:
        return tables.skill_variants[concept_id][int(rnd.random() * VARIANTS)]
    return fresh_skill_name(tables.forms[concept_id], rnd)


def draw_skills(
    family: Family,
    n_skills: int,
    cap_months: int,
    abroad: str | None,
    tables: WorkerTables,
    rnd: FastRandom,
) -> tuple[list[Record], list[str]]:
    """1-4 skill claims: the trade's main skill first, then trade or general skills.

    Months are exponential (mean 30 for the main skill, 14 for others) capped at 120 and
    at the months since age 17; 45% state a level that grows with the months.
    """
    random_ = rnd.random
    log = math.log
    concepts = family.concepts
    n_concepts = len(concepts)
    general, general_cum = tables.general, tables.general_cum
    # The first concepts of a trade are its commonest (index ~ exponential, mean 1.7).
    chosen = [concepts[min(int(-log(1.0 - random_()) * 1.7), n_concepts - 1)]]
    for _ in range(n_skills - 1):
        for _attempt in range(4):
            if random_() < 0.7:
                candidate = concepts[int(random_() * n_concepts)]
            else:
                candidate = general[bisect.bisect_right(general_cum, random_() * general_cum[-1])]
            if candidate not in chosen:
                chosen.append(candidate)
                break
    cap = min(cap_months, 120)
    skills = []
    for rank, concept in enumerate(chosen):
        if rank and random_() < 0.03:
            skills.append({"name": OUTSIDE_SKILLS[int(random_() * len(OUTSIDE_SKILLS))]})
            continue
        skill: Record = {"name": _skill_name(concept, abroad, tables, rnd)}
        roll = random_()
        if roll < 0.9:
            months = int(-log(1.0 - random_()) * (30.0 if rank == 0 else 14.0))
            months = cap if months > cap else months
            skill["months"] = months
            if roll < 0.45:
                level = months // 30 + _LEVEL_JITTER[int(random_() * 4)]
                skill["level"] = 1 if level < 1 else (5 if level > 5 else level)
        elif roll < 0.93:
            skill["level"] = 1 + int(random_() * 3)
        skills.append(skill)
    return skills, chosen
