"""A course catalogue read into engine terms: what a course confers, whom it admits, when.

A :class:`models.course.Course` is validated by ``models`` (types, dates, levels, seats,
costs, unique ids). What ``models`` cannot check needs the taxonomy and the exchange-rate
table, and is checked here for the whole file before anything is used: every conferred
skill and every prerequisite skill must be in the taxonomy, and every course's currency
must have a rate. A problem names the file, the line and the field
(``courses.jsonl:3: confers.skills[0].name: ...``); one problem anywhere rejects the file.

What a worker holds after a course (FORMAT.md, "Training course") is
:func:`after_course`: each conferred skill at at least its level (a higher level already
held is kept) with its months added, each certificate issued on the completion date and
valid ``valid_months``, each language result dated on the completion date. The
counterfactual pass and its property test both build "the worker after the course" with
it, so the two see the same worker.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import msgspec

from matcher.dates import add_months
from matcher.rules.exchange_rates import ExchangeRateError, ExchangeRateTable
from matcher.rules.screening import AgeGate, LanguageGate, SkillNeed
from matcher.scoring.facts import (
    CertificateFact,
    LanguageFact,
    SkillFact,
    WorkerFacts,
    language_fact,
)
from matcher.taxonomy.skills import SkillMatch, SkillNormalizer
from models.course import Course
from models.files import InvalidInputError, Problem
from models.worker import EDUCATION_LEVELS

__all__ = [
    "Catalogue",
    "ConferredCertificate",
    "CourseFacts",
    "after_course",
    "read_catalogue",
]


@dataclass(frozen=True)
class ConferredCertificate:
    """A certificate a course issues: concepts it certifies, scheme, name, months valid."""

    concepts: tuple[str, ...]
    scheme: str
    name: str
    valid_months: int | None


@dataclass(frozen=True)
class CourseFacts:
    """One course in engine terms.

    Attributes
    ----------
    id, title, provider, provider_kind : str
    skills : tuple of SkillFact
        Conferred skills (one per concept a conferred name names; ``months`` to add).
    certificates : tuple of ConferredCertificate
    languages : tuple of (test, result)
        Conferred language results (canonical, as ``models`` reads them).
    prerequisite_skills : tuple of SkillNeed
    prerequisite_languages : tuple of (tests, language, min_cefr)
        Each an ``any_of`` of named tests with minima, or a language at a CEFR level.
    age_min, age_max : int or None
        Age in completed years on the cohort's start date, both inclusive.
    education : tuple of int
        Accepted education codes (indices into ``EDUCATION_LEVELS``); empty: any.
    duration_weeks : int
    cohorts : tuple of (start date, seats)
    cost_amount : float
    cost_currency : str
    pass_rate : float
    line : int
        The line of the catalogue file it was read from.
    """

    id: str
    title: str
    provider: str
    provider_kind: str
    skills: tuple[SkillFact, ...]
    certificates: tuple[ConferredCertificate, ...]
    languages: tuple[tuple[str, str | int | float], ...]
    prerequisite_skills: tuple[SkillNeed, ...]
    prerequisite_languages: tuple[
        tuple[tuple[tuple[str, str | int | float], ...], str | None, str | None], ...
    ]
    age_min: int | None
    age_max: int | None
    education: tuple[int, ...]
    duration_weeks: int
    cohorts: tuple[tuple[dt.date, int], ...]
    cost_amount: float
    cost_currency: str
    pass_rate: float
    line: int

    def completes(self, start: dt.date) -> dt.date:
        """The completion date of the cohort starting on ``start`` (start + duration)."""
        return start + dt.timedelta(weeks=self.duration_weeks)

    @property
    def has_prerequisites(self) -> bool:
        """Whether any prerequisite gates entry."""
        return bool(
            self.prerequisite_skills
            or self.prerequisite_languages
            or self.age_min is not None
            or self.age_max is not None
            or self.education
        )

    def language_gates(self) -> tuple[LanguageGate, ...]:
        """The language prerequisites as the gates read them (the tests' own validity)."""
        return tuple(
            LanguageGate(tests, language, cefr, True, "course", (), {}, (), None)
            for tests, language, cefr in self.prerequisite_languages
        )

    def age_gates(self, day: dt.date) -> tuple[AgeGate, ...]:
        """The age prerequisite on ``day`` (the cohort's start), as the gates read it."""
        if self.age_min is None and self.age_max is None:
            return ()
        return (AgeGate(self.age_min, self.age_max, day, "course", None, False),)


@dataclass(frozen=True)
class Catalogue:
    """Courses read from one file, in file order.

    Attributes
    ----------
    courses : tuple of CourseFacts
    file : str
        The file they came from (for messages).
    """

    courses: tuple[CourseFacts, ...]
    file: str


def read_catalogue(
    courses: Sequence[Course],
    lines: Sequence[int],
    *,
    file: str,
    skills: SkillNormalizer,
    rates: ExchangeRateTable,
    on: dt.date,
) -> Catalogue:
    """Read validated course records into engine terms, checking what needs the engine.

    Parameters
    ----------
    courses : sequence of Course
        Records validated by ``models`` (``read_records(path, "courses")``).
    lines : sequence of int
        The line of each record in ``file``.
    file : str
        The file name, for messages.
    skills : SkillNormalizer
        Reads conferred and prerequisite skill names.
    rates : ExchangeRateTable
        Every course's currency must have a rate on ``on``.
    on : datetime.date
        The date whose rates convert costs (the run's ``as_of``).

    Returns
    -------
    Catalogue

    Raises
    ------
    InvalidInputError
        Every problem found, each naming file, line and field; nothing is read partially.
    """
    names = [
        *(s.name for c in courses for s in c.confers.skills),
        *(s.name for c in courses for s in c.prerequisites.skills),
        *(k.skill or k.name for c in courses for k in c.confers.certificates),
    ]
    read = iter(skills.normalize_many(names))
    conferred = [[next(read) for _ in c.confers.skills] for c in courses]
    needed = [[next(read) for _ in c.prerequisites.skills] for c in courses]
    certified = [[next(read) for _ in c.confers.certificates] for c in courses]
    problems: list[Problem] = []
    out: list[CourseFacts] = []
    for course, line, gives, needs, certs in zip(
        courses, lines, conferred, needed, certified, strict=True
    ):
        where = (file, line)
        for index, (claim, match) in enumerate(zip(course.confers.skills, gives, strict=True)):
            if not match.concepts:
                problems.append(
                    Problem(*where, f"confers.skills[{index}].name", _outside(claim.name))
                )
        for index, (need, match) in enumerate(zip(course.prerequisites.skills, needs, strict=True)):
            if not match.concepts:
                problems.append(
                    Problem(*where, f"prerequisites.skills[{index}].name", _outside(need.name))
                )
        try:
            rates.convert(course.cost.amount, course.cost.currency, "IDR", on)
        except ExchangeRateError as error:
            problems.append(Problem(*where, "cost.currency", str(error)))
        if problems:
            continue
        out.append(_course_facts(course, line, gives, needs, certs))
    if problems:
        raise InvalidInputError(problems)
    return Catalogue(tuple(out), file)


def _outside(name: str) -> str:
    return f"skill {name!r} is not in the Selaras taxonomy (see `selaras normalize skill`)"


def _course_facts(
    course: Course,
    line: int,
    gives: list[SkillMatch],
    needs: list[SkillMatch],
    certs: list[SkillMatch],
) -> CourseFacts:
    skills = tuple(
        SkillFact(hit.concept.id, claim.months or 0, claim.level, claim.name)
        for claim, match in zip(course.confers.skills, gives, strict=True)
        for hit in match.concepts
    )
    certificates = tuple(
        ConferredCertificate(
            tuple(hit.concept.id for hit in match.concepts), c.scheme, c.name, c.valid_months
        )
        for c, match in zip(course.confers.certificates, certs, strict=True)
    )
    languages = tuple((r.test, r.result) for r in course.confers.languages)
    prerequisites = course.prerequisites
    skill_needs = tuple(
        SkillNeed(
            need.name,
            tuple(hit.concept.id for hit in match.concepts),
            True,
            need.certified,
            need.min_level,
            need.min_months,
            need.weight,
        )
        for need, match in zip(prerequisites.skills, needs, strict=True)
    )
    language_needs = tuple(
        (tuple((t.test, t.min) for t in need.any_of or ()), need.language, need.min_cefr)
        for need in prerequisites.languages
    )
    age = prerequisites.age
    return CourseFacts(
        id=course.id,
        title=course.title,
        provider=course.provider.name,
        provider_kind=course.provider.kind,
        skills=skills,
        certificates=certificates,
        languages=languages,
        prerequisite_skills=skill_needs,
        prerequisite_languages=language_needs,
        age_min=None if age is None else age.min,
        age_max=None if age is None else age.max,
        education=tuple(EDUCATION_LEVELS.index(e) for e in prerequisites.education),
        duration_weeks=course.duration_weeks,
        cohorts=tuple((c.start, c.seats) for c in course.cohorts),
        cost_amount=course.cost.amount,
        cost_currency=course.cost.currency,
        pass_rate=course.pass_rate,
        line=line,
    )


@lru_cache(maxsize=4096)
def _gains(
    course: CourseFacts, completes: dt.date
) -> tuple[tuple[CertificateFact, ...], tuple[LanguageFact, ...]]:
    """The certificates and language results a cohort confers (the same for every
    worker of the cohort: read once per cohort, not once per worker)."""
    certificates = tuple(
        CertificateFact(
            c.concepts,
            c.scheme,
            c.name,
            completes,
            None if c.valid_months is None else add_months(completes, c.valid_months),
        )
        for c in course.certificates
    )
    languages = tuple(
        language_fact(test, result, completes, None) for test, result in course.languages
    )
    return certificates, languages


def after_course(worker: WorkerFacts, course: CourseFacts, completes: dt.date) -> WorkerFacts:
    """The worker as she would be on passing ``course`` on ``completes``.

    FORMAT.md, "Training course": each conferred skill at at least its level (a higher
    level already held is kept) with its months added; each certificate issued on the
    completion date, valid ``valid_months`` (no expiry when None); each language result
    dated on the completion date. Nothing else about her changes.

    Parameters
    ----------
    worker : WorkerFacts
    course : CourseFacts
    completes : datetime.date
        The cohort's completion date.

    Returns
    -------
    WorkerFacts
    """
    skills = list(worker.skills)
    for gained in course.skills:
        held = [i for i, s in enumerate(skills) if s.concept == gained.concept]
        for i in held:
            have = skills[i]
            level = have.level if gained.level is None else max(have.level or 0, gained.level)
            skills[i] = msgspec.structs.replace(
                have, months=have.months + gained.months, level=level
            )
        if not held:
            skills.append(gained)
    certificates, languages = _gains(course, completes)
    return msgspec.structs.replace(
        worker,
        skills=tuple(skills),
        certificates=worker.certificates + certificates,
        languages=worker.languages + languages,
    )
