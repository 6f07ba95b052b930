"""What matching reads from a returnee, once per run: the engine's facts with recognised
levels added, and the returnee fields (home, relocate, interests, capital, work abroad).

The engine's :class:`~matcher.scoring.facts.WorkerFacts` are read as for any worker (no
protected attribute among them), then two changes make them a returnee's:

- every **recognised level** (:func:`~matcher.reintegration.recognition.recognise_pool`)
  is added as a skill the returnee holds at that level, with the verified months abroad
  that showed it, so the engine's own skill gates and skill component read it beside the
  levels the returnee states and use the higher. Recognition never adds a certificate.
- the **preferences for work abroad** (destination countries, the least wage abroad) are
  left out: they were stated for placement abroad and say nothing about a job at home.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import msgspec

from matcher.reintegration.recognition import DAYS_PER_MONTH, RecognisedLevel, recognise_pool
from matcher.reintegration.recognition_rules import RecognitionRules
from matcher.scoring.facts import SkillFact, WorkerFacts, worker_facts
from matcher.taxonomy.occupations import OccupationNormalizer
from matcher.taxonomy.skills import SkillNormalizer
from models.regions import Place
from models.returnee import INTERESTS, Interest, Relocate
from models.worker import Experience, Worker

__all__ = ["RECOGNISED", "ReturneeFacts", "months_abroad", "returnee_facts"]

RECOGNISED = "recognised"
"""The ``written`` text of a skill fact that recognition added (not the returnee's own)."""


@dataclass(frozen=True)
class ReturneeFacts:
    """Everything matching may read about one returnee.

    Attributes
    ----------
    worker : WorkerFacts
        What the engine reads (recognised levels added, preferences abroad left out).
    home : Place or None
        ``home``; None when not recorded.
    relocate : {"none", "province", "island", "any"}
    interests : tuple of str
        ``reintegration.interests`` (all four when absent).
    capital : tuple of (float, str) or None
        ``reintegration.capital`` as (amount, currency).
    abroad : tuple of (str or None, int)
        Each experience entry abroad: the country worked (None when unknown) and months.
    recognised : tuple of RecognisedLevel
        Recognised levels, by skill.
    """

    worker: WorkerFacts
    home: Place | None
    relocate: Relocate
    interests: tuple[Interest, ...]
    capital: tuple[float, str] | None
    abroad: tuple[tuple[str | None, int], ...]
    recognised: tuple[RecognisedLevel, ...]

    @property
    def id(self) -> str:
        """The returnee's worker id."""
        return self.worker.id


def months_abroad(entry: Experience) -> int:
    """Months of one experience entry: ``months`` when given, else from its dates (a month
    being 365.2425/12 days, rounded, as recognition counts), else 0."""
    if entry.months is not None:
        return entry.months
    if entry.start is not None and entry.end is not None:
        return round(((entry.end - entry.start).days + 1) / DAYS_PER_MONTH)
    return 0


def returnee_facts(
    returnees: Sequence[Worker],
    skills: SkillNormalizer,
    occupations: OccupationNormalizer,
    as_of: dt.date,
    *,
    rules: RecognitionRules | None = None,
) -> list[ReturneeFacts]:
    """Read a pool of returnees once per run.

    Parameters
    ----------
    returnees : Sequence[models.worker.Worker]
        Validated returnee records.
    skills, occupations : normalizers
        Read all free text of the pool in batches.
    as_of : datetime.date
        Evaluation date (recognition counts work and certificates up to it).
    rules : RecognitionRules, optional
        The shipped recognition rules when omitted.

    Returns
    -------
    list of ReturneeFacts
        One per returnee, in order.
    """
    base = worker_facts(returnees, skills, occupations)

    def read(texts: Sequence[str]) -> list[list[str]]:
        return [[h.concept.id for h in m.concepts] for m in skills.normalize_many(texts)]

    levels = recognise_pool(returnees, read, as_of, rules=rules)
    out = []
    for record, facts, recognised in zip(returnees, base, levels, strict=True):
        added = tuple(
            SkillFact(r.skill, max((e.months for e in r.evidence), default=0), r.level, RECOGNISED)
            for r in recognised
        )
        plan = record.reintegration
        capital = plan.capital if plan is not None else None
        out.append(
            ReturneeFacts(
                worker=msgspec.structs.replace(
                    facts,
                    skills=facts.skills + added,
                    preferred_countries=(),
                    min_monthly_wage=None,
                ),
                home=record.home,
                relocate=plan.relocate if plan is not None else "none",
                interests=tuple(plan.interests) if plan is not None else INTERESTS,
                capital=(capital.amount, capital.currency) if capital is not None else None,
                abroad=tuple(
                    (e.country_worked, months_abroad(e)) for e in record.experience if e.abroad
                ),
                recognised=recognised,
            )
        )
    return out
