"""Trainer supply per course skill: returnees interested in teaching who hold the skill
(stated or recognised) at the trainer level."""

from __future__ import annotations

import datetime as dt
from typing import Any

from matcher.reintegration.facts import returnee_facts
from matcher.reintegration.trainers import TRAINER_MIN_LEVEL, course_trainer_supply, trainer_supply
from matcher.taxonomy.occupations import default_occupation_normalizer
from matcher.taxonomy.skills import default_skill_normalizer
from models.course import Course
from models.worker import Returnee

AS_OF = dt.date(2026, 3, 1)
ABROAD = [
    {"title": "welder", "country": "JP", "programme": "JP-TITP", "months": 36,
     "start": "2019-04-01", "end": "2022-03-31", "completed_contract": True,
     "skills_used": ["溶接"]},
    {"title": "welder", "country": "JP", "programme": "JP-SSW1", "months": 24,
     "start": "2022-05-01", "end": "2024-04-30", "completed_contract": True,
     "skills_used": ["welding"]},
]  # fmt: skip


def returnee(rid: str, interests: list[str], **fields: Any) -> Returnee:
    record = {
        "id": rid,
        "agency_id": "P3MI-0001",
        "birth_date": "1990-01-01",
        "returned": "2024-06-01",
        "reintegration": {"interests": interests},
        **fields,
    }
    return Returnee.model_validate(record)


def facts(*people: Returnee) -> Any:
    skills = default_skill_normalizer()
    return returnee_facts(people, skills, default_occupation_normalizer(), AS_OF)


def test_recognised_and_stated_levels_count_for_those_who_would_teach() -> None:
    stated = [{"name": "SMAW welding", "level": 4}]
    low = [{"name": "welding", "level": TRAINER_MIN_LEVEL - 1}]
    pool = facts(
        returnee("R-RECOGNISED", ["trainer"], experience=ABROAD),  # welding level 3, recognised
        returnee("R-NOT-TEACHING", ["employment"], experience=ABROAD),
        returnee("R-STATED", ["trainer", "employment"], skills=stated),
        returnee("R-LOW", ["trainer"], skills=low),
    )
    wanted = ["welding", "smaw-welding", "milling"]
    supply = trainer_supply(pool, default_skill_normalizer(), wanted)
    assert supply["welding"] == ("R-RECOGNISED", "R-STATED")  # SMAW welding is within welding
    assert supply["smaw-welding"] == ("R-STATED",)  # welding in general is not SMAW
    assert supply["milling"] == ()


def test_course_supply_reads_the_skills_a_course_confers() -> None:
    course = Course.model_validate(
        {
            "id": "CRS-1",
            "provider": {"name": "BDI Denpasar", "kind": "BDI", "province": "Bali"},
            "title": "Pengelasan",
            "confers": {"skills": [{"name": "welding", "level": 2, "months": 3}]},
            "duration_weeks": 12,
            "cohorts": [{"start": "2026-04-06", "seats": 20}],
            "cost": {"amount": 7500000, "currency": "IDR"},
        }
    )
    pool = facts(returnee("R-RECOGNISED", ["trainer"], experience=ABROAD))
    assert course_trainer_supply(pool, default_skill_normalizer(), [course]) == {
        "CRS-1": {"welding": ("R-RECOGNISED",)}
    }
