"""Protected attributes (gender, province, religion, ethnicity, marital status) never
change a score, an eligibility or a rank."""

from __future__ import annotations

import datetime as dt
import random

from matcher.scoring.facts import WorkerFacts
from matcher.scoring.matching import prepare_run
from models.files import read_records
from tests.paths import SAMPLE

PROTECTED = {"gender", "province", "religion", "ethnicity", "marital_status"}


def _results(workers: list, vacancies: list, agencies: list) -> list[dict]:
    run = prepare_run(workers, vacancies, agencies, dt.date(2026, 3, 1))
    return [r.model_dump() for r in run.rank("vacancies", top=0, include_ineligible=True)]


def test_scores_and_ranks_ignore_protected_attributes() -> None:
    workers = list(read_records(SAMPLE / "workers.jsonl", "workers").records)
    vacancies = list(read_records(SAMPLE / "vacancies.jsonl", "vacancies").records)
    agencies = list(read_records(SAMPLE / "agencies.jsonl", "agencies").records)
    before = _results(workers, vacancies, agencies)
    rng = random.Random(7)
    changed = [
        w.model_copy(update={
            "gender": rng.choice(["F", "M"]),
            "province": rng.choice(["Aceh", "Papua", "Bali", "Jawa Barat"]),
            "religion": rng.choice(["Islam", "Kristen", "Hindu", None]),
            "ethnicity": rng.choice(["Jawa", "Sunda", "Bugis", None]),
            "marital_status": rng.choice(["single", "married", None]),
        })
        for w in workers
    ]  # fmt: skip
    assert [w.gender for w in changed] != [w.gender for w in workers]
    assert before  # the sample has open job orders and candidates
    assert _results(changed, vacancies, agencies) == before


def test_facts_carry_no_protected_attribute() -> None:
    names = set(WorkerFacts.__struct_fields__)
    assert not names & PROTECTED
