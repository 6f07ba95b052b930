"""What the gates and the components of one pair both read: skill relations, certificates,
language margins, experience and exemptions (the kernel's counterpart is
:mod:`matcher.scoring.kernel.context`)."""

from __future__ import annotations

import datetime as dt
import math

from matcher.rules.screening import LanguageGate, ScreenedVacancy
from matcher.rules.types import CertificateRequirement, ExperienceRequirement
from matcher.scoring.facts import CertificateFact, WorkerFacts
from matcher.scoring.params import ScoringParams
from matcher.taxonomy.isco import is_unit_group, isco_relation
from matcher.taxonomy.language_scale import cefr_rank, meets_minimum, native_rank, result_valid
from matcher.taxonomy.skills import SkillTaxonomy

__all__ = [
    "broader_held",
    "certified",
    "exempt",
    "experience_months",
    "has_certificate",
    "has_experience",
    "label",
    "labels",
    "language_margin",
]


def broader_held(taxonomy: SkillTaxonomy, worker: WorkerFacts, need: str) -> list[str]:
    """The worker's skills that ``need`` lies within (a required skill met only in part)."""
    return [s.concept for s in worker.skills if taxonomy.relation(s.concept, need) == "broader"]


def certified(taxonomy: SkillTaxonomy, worker: WorkerFacts, concept: str, day: dt.date) -> bool:
    """A certificate valid on ``day`` names ``concept`` or a concept within it."""
    return any(
        c.valid_on(day) and any(taxonomy.is_within(k, concept) for k in c.concepts)
        for c in worker.certificates
    )


def label(taxonomy: SkillTaxonomy, concept: str) -> tuple[str, str]:
    """A concept's English and Indonesian labels."""
    found = taxonomy[concept]
    return found.label_en, found.label_id


def labels(taxonomy: SkillTaxonomy, concepts: list[str]) -> tuple[str, str]:
    """Labels of several concepts, comma-joined, in each language."""
    if not concepts:
        return "no listed skill", "tidak ada keahlian tercatat"
    names = [label(taxonomy, c) for c in dict.fromkeys(concepts)]
    return ", ".join(n[0] for n in names), ", ".join(n[1] for n in names)


def language_margin(
    params: ScoringParams, worker: WorkerFacts, gate: LanguageGate, day: dt.date
) -> float:
    """Steps above the requirement of the best valid result (-inf when none meets it)."""
    best = -math.inf
    for fact in worker.languages:
        if not result_valid(fact.test, fact.date, day, gate.validity.get(fact.test)):
            continue
        if gate.tests:
            for test, minimum in gate.tests:
                if fact.test == test and meets_minimum(test, fact.result, minimum):
                    margin = (
                        native_rank(test, fact.result) - native_rank(test, minimum)
                    ) / params.step(test)
                    best = max(best, margin)
        elif (
            gate.language is not None
            and gate.min_cefr is not None
            and fact.language == gate.language
            and fact.cefr is not None
            and cefr_rank(fact.cefr) >= cefr_rank(gate.min_cefr)
        ):
            best = max(best, float(cefr_rank(fact.cefr) - cefr_rank(gate.min_cefr)))
    return best


def experience_months(
    params: ScoringParams, worker: WorkerFacts, targets: tuple[str, ...]
) -> tuple[int, float]:
    """Months in the target unit groups exactly, and months weighted by closeness."""
    exact, weighted = 0, 0.0
    for entry in worker.experience:
        if entry.isco is None or not is_unit_group(entry.isco):
            continue
        credit = max(
            (params.isco_credit.get(isco_relation(entry.isco, t), 0.0) for t in targets),
            default=0.0,
        )
        exact += entry.months if entry.isco in targets else 0
        weighted += credit * entry.months
    return exact, weighted


def exempt(
    taxonomy: SkillTaxonomy,
    worker: WorkerFacts,
    screened: ScreenedVacancy,
    ids: tuple[str, ...],
    gate: str,
) -> bool:
    """Whether an exemption named in ``ids`` waives ``gate`` (a skill gate id or
    ``language``): the pack marks that waiver verified, and the worker shows the
    exemption's experience and one of its certificates, valid on the start date and,
    where the pack says so, in the job's field (a "related field" waiver)."""
    for exemption in screened.pack.exemptions:
        if exemption.id not in ids or exemption.experience is None:
            continue
        if not any(e.gate == gate and e.status == "verified" for e in exemption.exempts):
            continue
        shown = not exemption.certificates_any or any(
            has_certificate(taxonomy, worker, need, screened) for need in exemption.certificates_any
        )
        if shown and has_experience(worker, exemption.experience):
            return True
    return False


def has_experience(worker: WorkerFacts, need: ExperienceRequirement) -> bool:
    """Months in the country and programme ``need`` names reach its minimum."""
    months = sum(
        e.months
        for e in worker.experience
        if (need.country is None or e.country == need.country)
        and (need.programme is None or e.programme == need.programme)
    )
    return months >= need.min_months


def has_certificate(
    taxonomy: SkillTaxonomy,
    worker: WorkerFacts,
    need: CertificateRequirement,
    screened: ScreenedVacancy,
) -> bool:
    """A certificate of the scheme and name ``need`` asks for, valid on the start date."""
    return any(
        (need.scheme is None or cert.scheme == need.scheme)
        and cert.valid_on(screened.day)
        and (
            not need.name_contains_any
            or any(n.casefold() in cert.name.casefold() for n in need.name_contains_any)
        )
        and (not need.skill_matches_job or _matches_job(taxonomy, cert, screened))
        for cert in worker.certificates
    )


def _matches_job(taxonomy: SkillTaxonomy, cert: CertificateFact, screened: ScreenedVacancy) -> bool:
    """A skills test counts for the job when its field contains, or lies within, a
    skill the job asks for, or shares the job's ISCO unit group."""
    job = [c for need in screened.skills for c in need.concepts]
    isco = screened.vacancy.isco
    for concept in cert.concepts:
        if any(taxonomy.is_within(concept, j) or taxonomy.is_within(j, concept) for j in job):
            return True
        if isco is not None and isco in taxonomy[concept].isco:
            return True
    return False
