"""The catalogue read into engine terms, and "the worker after the course" (FORMAT.md)."""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.rules.exchange_rates import load_exchange_rates
from matcher.scoring.facts import CertificateFact, SkillFact, WorkerFacts
from matcher.taxonomy.skills import default_skill_normalizer
from matcher.training.catalogue import (
    after_course,
    read_catalogue,
)
from models.course import Course
from models.files import InvalidInputError

DONE = dt.date(2026, 6, 29)


def _course(**changes: object) -> Course:
    record = {
        "id": "CRS-1",
        "provider": {"name": "BBPVP Serang", "kind": "BLK"},
        "title": "SMAW",
        "confers": {
            "skills": [{"name": "SMAW welding", "level": 2, "months": 3}],
            "certificates": [
                {"name": "Juru Las", "skill": "SMAW welding", "scheme": "BNSP", "valid_months": 36}
            ],
            "languages": [{"test": "JFT-Basic", "result": "A2"}],
        },
        "duration_weeks": 12,
        "cohorts": [{"start": "2026-04-06", "seats": 16}],
        "cost": {"amount": 100, "currency": "USD"},
        **changes,
    }
    return Course.model_validate(record)


def _read(*courses: Course) -> object:
    return read_catalogue(
        courses,
        list(range(1, len(courses) + 1)),
        file="courses.jsonl",
        skills=default_skill_normalizer(),
        rates=load_exchange_rates(),
        on=dt.date(2026, 3, 1),
    )


def _worker(*skills: SkillFact) -> WorkerFacts:
    return WorkerFacts(
        id="W-1", agency_id="A", birth_date=dt.date(2000, 1, 1), education="SMK",
        skills=skills, certificates=(), languages=(), experience=(), fit_to_work=True,
        colour_vision_normal=True, passport_expires=None, preferred_countries=(),
        min_monthly_wage=None,
    )  # fmt: skip


def test_after_the_course_a_higher_level_is_kept_and_months_add_up() -> None:
    course = _read(_course()).courses[0]  # type: ignore[attr-defined]
    held = _worker(SkillFact("smaw-welding", 10, 4, "las"), SkillFact("gmaw-welding", 5, 1, "mig"))
    after = after_course(held, course, DONE)
    assert after.skills[0] == SkillFact("smaw-welding", 13, 4, "las")
    assert after.skills[1] == held.skills[1]
    fresh = after_course(_worker(SkillFact("smaw-welding", 0, 1, "las")), course, DONE)
    assert fresh.skills[0].level == 2
    assert fresh.skills[0].months == 3
    new = after_course(_worker(), course, DONE)
    assert [s.concept for s in new.skills] == ["smaw-welding"]


def test_after_the_course_certificates_and_results_are_dated_on_completion() -> None:
    course = _read(_course()).courses[0]  # type: ignore[attr-defined]
    after = after_course(_worker(), course, DONE)
    assert after.certificates == (
        CertificateFact(("smaw-welding",), "BNSP", "Juru Las", DONE, dt.date(2029, 6, 29)),
    )
    assert [(f.test, f.result, f.date) for f in after.languages] == [("JFT-Basic", "A2", DONE)]
    assert after.id == "W-1"
    assert after.birth_date == dt.date(2000, 1, 1)


def test_a_skill_outside_the_taxonomy_and_a_currency_without_a_rate_are_named() -> None:
    bad = _course(
        confers={"skills": [{"name": "underwater basket weaving"}]},
        prerequisites={"skills": [{"name": "zither tuning"}]},
        cost={"amount": 1, "currency": "CHF"},
    )
    with pytest.raises(InvalidInputError) as caught:
        _read(_course(), bad)
    found = {(p.line, p.field) for p in caught.value.problems}
    assert found == {
        (2, "confers.skills[0].name"),
        (2, "prerequisites.skills[0].name"),
        (2, "cost.currency"),
    }
