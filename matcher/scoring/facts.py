"""What the engine reads from a worker record, normalized once per run.

Free text (skill names, certificate skills, job titles) is read in one batch per pool with
the normalizers; language results get their CEFR level and language. Protected attributes
(gender, province, religion, ethnicity, marital status) are deliberately absent: nothing
downstream of this module can read them.

The facts are frozen msgspec structs, not dataclasses: a pool builds a million of them,
and a frozen dataclass sets each field through ``object.__setattr__`` (building a
worker's facts took about five times as long); the structs are also untracked by the
cyclic collector (they hold no cycles) and pack as MessagePack arrays, field by position
(:mod:`matcher.pool.packed`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import lru_cache

import msgspec

from matcher.taxonomy.language_scale import LanguageLevel, normalize_language
from matcher.taxonomy.occupations import OccupationNormalizer
from matcher.taxonomy.skills import SkillNormalizer
from models.worker import Worker

__all__ = [
    "CertificateFact",
    "ExperienceFact",
    "LanguageFact",
    "SkillFact",
    "WorkerFacts",
    "language_fact",
    "worker_facts",
]


class SkillFact(msgspec.Struct, frozen=True, gc=False, array_like=True):
    """A skill the worker claims: the concept, months of practice and level (if stated)."""

    concept: str
    months: int
    level: int | None
    written: str


class CertificateFact(msgspec.Struct, frozen=True, gc=False, array_like=True):
    """A certificate: its scheme, the concepts it certifies and its validity."""

    concepts: tuple[str, ...]
    scheme: str
    name: str
    issued: dt.date | None
    expires: dt.date | None

    def valid_on(self, day: dt.date) -> bool:
        """Issued on or before ``day`` (when known) and not expired on it."""
        if self.issued is not None and self.issued > day:
            return False
        return self.expires is None or self.expires >= day


class LanguageFact(msgspec.Struct, frozen=True, gc=False, array_like=True):
    """A language result with its CEFR level (None where no sourced mapping exists)."""

    test: str
    result: str | int | float
    date: dt.date | None
    cefr: str | None
    language: str | None
    sections: tuple[tuple[str, int], ...]


class ExperienceFact(msgspec.Struct, frozen=True, gc=False, array_like=True):
    """Work experience: ISCO-08 unit group (given or read from the title) and months."""

    isco: str | None
    months: int
    country: str | None
    programme: str | None
    title: str | None


class WorkerFacts(msgspec.Struct, frozen=True, gc=False, array_like=True):
    """Everything scoring may read about one worker."""

    id: str
    agency_id: str
    birth_date: dt.date
    education: str | None
    skills: tuple[SkillFact, ...]
    certificates: tuple[CertificateFact, ...]
    languages: tuple[LanguageFact, ...]
    experience: tuple[ExperienceFact, ...]
    fit_to_work: bool | None
    colour_vision_normal: bool | None
    passport_expires: dt.date | None
    preferred_countries: tuple[str, ...]
    min_monthly_wage: tuple[float, str] | None


def worker_facts(
    workers: Sequence[Worker],
    skills: SkillNormalizer,
    occupations: OccupationNormalizer,
    ids: Sequence[str] | None = None,
) -> list[WorkerFacts]:
    """Read a pool of workers into facts, normalizing all free text in batches.

    Parameters
    ----------
    workers : Sequence[Worker]
        Validated worker records.
    skills, occupations : normalizers
        Used for skill names, certificate skills and experience titles.
    ids : Sequence[str], optional
        The facts' ids, one per worker (the API keys its pool by agency and id); the
        workers' own ids by default.

    Returns
    -------
    list[WorkerFacts]
        One per worker, in order.
    """
    # Each distinct text is read once and its concept ids kept: a pool repeats a few
    # thousand skill and certificate texts hundreds of thousands of times.
    texts = list(
        dict.fromkeys(
            [s.name for w in workers for s in w.skills]
            + [c.skill or c.name for w in workers for c in w.certificates]
        )
    )
    concepts = {
        text: tuple(hit.concept.id for hit in match.concepts)
        for text, match in zip(texts, skills.normalize_many(texts), strict=True)
    }
    titles = list(
        dict.fromkeys(e.title or "" for w in workers for e in w.experience if e.isco is None)
    )
    placed = {
        title: match.isco
        for title, match in zip(titles, occupations.normalize_many(titles), strict=True)
    }
    # Facts are frozen: equal claims share one (a claim repeats across workers).
    claims: dict[tuple[str, int, int | None, str], SkillFact] = {}
    facts: list[WorkerFacts] = []
    for worker, worker_id in zip(
        workers, [w.id for w in workers] if ids is None else ids, strict=True
    ):
        skill_facts: list[SkillFact] = []
        for claim in worker.skills:
            months = claim.months or 0
            for concept in concepts[claim.name]:
                key = (concept, months, claim.level, claim.name)
                fact = claims.get(key)
                if fact is None:
                    fact = claims[key] = SkillFact(concept, months, claim.level, claim.name)
                skill_facts.append(fact)
        certificates = tuple(
            [
                CertificateFact(
                    concepts[cert.skill or cert.name],
                    cert.scheme,
                    cert.name,
                    cert.issued,
                    cert.expires,
                )
                for cert in worker.certificates
            ]
        )
        experience = tuple(
            [
                ExperienceFact(
                    e.isco if e.isco is not None else placed[e.title or ""],
                    e.months or 0,
                    e.country,
                    e.programme,
                    e.title,
                )
                for e in worker.experience
            ]
        )
        languages = tuple(
            [language_fact(r.test, r.result, r.date, r.sections) for r in worker.languages]
        )
        health = worker.health
        preferences = worker.preferences
        wage = preferences.min_monthly_wage if preferences else None
        facts.append(
            WorkerFacts(
                id=worker_id,
                agency_id=worker.agency_id,
                birth_date=worker.birth_date,
                education=worker.education,
                skills=tuple(skill_facts),
                certificates=certificates,
                languages=languages,
                experience=experience,
                fit_to_work=health.fit_to_work if health else None,
                colour_vision_normal=health.colour_vision_normal if health else None,
                passport_expires=worker.documents.passport_expires if worker.documents else None,
                preferred_countries=tuple(preferences.countries) if preferences else (),
                min_monthly_wage=(wage.amount, wage.currency) if wage else None,
            )
        )
    return facts


def language_fact(
    test: str, result: str | int | float, date: dt.date | None, sections: dict[str, int] | None
) -> LanguageFact:
    """One language result read into a fact, with its CEFR level and language.

    Parameters
    ----------
    test : str
        The test (``JLPT``, ``EPS-TOPIK``...).
    result : str, int or float
        The result on the test's scale.
    date : datetime.date or None
        When it was obtained (validity counts from it).
    sections : dict or None
        Section scores, for tests that report them (TOEIC).

    Returns
    -------
    LanguageFact
    """
    parts = None if sections is None else tuple(sorted(sections.items()))
    level = _level(test, result, parts)
    return LanguageFact(
        test=test,
        result=level.result,
        date=date,
        cefr=level.cefr,
        language=level.language,
        sections=parts or (),
    )


# A pool holds few distinct results (JLPT N4, TOPIK 2...): reading each once per process
# saves a tenth of a 100,000-worker upload. typed: 5 and 5.0 may read differently.
@lru_cache(maxsize=8192, typed=True)
def _level(
    test: str, result: str | int | float, sections: tuple[tuple[str, int], ...] | None
) -> LanguageLevel:
    return normalize_language(test, result, sections=None if sections is None else dict(sections))
