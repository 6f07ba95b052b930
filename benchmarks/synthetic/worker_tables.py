"""What every block of workers reads, prepared once per pool."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from benchmarks.synthetic.days import Dates
from benchmarks.synthetic.draws import FastRandom, cumulative, probabilities
from benchmarks.synthetic.people import AGE_BANDS, EDUCATION_WEIGHTS, PROVINCES, TRACKS
from benchmarks.synthetic.settings import VARIANT_STREAM, VARIANTS
from benchmarks.synthetic.spelling import fresh_skill_name, mess, written_forms
from benchmarks.synthetic.trades import FAMILIES, GENERAL_SKILLS
from matcher.taxonomy.skills import load_taxonomy


class WorkerTables:
    """Everything a worker block reads, prepared once per pool (seeded, so still reproducible).

    Agencies copy the same spellings from form to form, so each concept and job title gets
    ``VARIANTS`` messy written forms drawn once per pool; a share of workers gets a fresh
    form (the long tail of one-off typos). Reusing forms also keeps the loop fast.
    """

    def __init__(self, agencies: Sequence[Mapping[str, Any]], as_of: dt.date, seed: int) -> None:
        self.dates = Dates(as_of)
        self.forms = written_forms()
        taxonomy = load_taxonomy()
        missing = [c for f in FAMILIES for c in f.concepts if c not in taxonomy] + [
            c for c, _ in GENERAL_SKILLS if c not in taxonomy
        ]
        if missing:
            raise RuntimeError(f"pool tables name concepts missing from the taxonomy: {missing}")
        # Bigger agencies register more workers (Zipf-like by register order).
        self.agency_ids = [str(a["id"]) for a in agencies]
        self.agency_p = probabilities(1.0 / (rank + 1) ** 0.7 for rank in range(len(agencies)))
        ages = [
            (age, band * w / sum(ws.values())) for band, ws in AGE_BANDS for age, w in ws.items()
        ]
        self.ages = np.array([a for a, _ in ages], dtype=np.int64)
        self.age_p = probabilities(p for _, p in ages)
        self.province_p = probabilities(w for _, w, _ in PROVINCES)
        self.track_p = probabilities(w for _, w in TRACKS)
        self.family_p_m = probabilities(f.weight_m for f in FAMILIES)
        self.family_p_f = probabilities(f.weight_f for f in FAMILIES)
        self.n_skills_p = probabilities((30.0, 35.0, 25.0, 10.0))
        self.education_p = {k: probabilities(v) for k, v in EDUCATION_WEIGHTS.items()}
        self.general = [c for c, _ in GENERAL_SKILLS]
        self.general_cum = cumulative(w for _, w in GENERAL_SKILLS)
        self.country_cum = cumulative((5.0, 3.0, 3.0, 2.0, 1.0))
        rnd = FastRandom(f"selaras-pool:{seed}:{VARIANT_STREAM}")
        self.skill_variants = {
            concept_id: tuple(fresh_skill_name(self.forms[concept_id], rnd)
                              for _ in range(VARIANTS))
            for concept_id in sorted(self.forms)
        }  # fmt: skip
        self.title_variants = {
            title: tuple(mess(title, rnd, rate=0.5) for _ in range(VARIANTS))
            for title in sorted({t for f in FAMILIES for t, _ in f.jobs})
        }
