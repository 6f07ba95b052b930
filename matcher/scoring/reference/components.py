"""The score of one pair: four components and their weighted mean (the kernel's
counterpart is :mod:`matcher.scoring.kernel.components`).

The score in [0, 1] is a weighted mean of skills, certification, language and experience;
a component with nothing to measure is reported as 1.0 and left out of the mean. The
kernel reproduces these operations in the same order, so scores agree bit for bit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence

from matcher.rules.screening import ScreenedVacancy, SkillNeed
from matcher.scoring.facts import WorkerFacts
from matcher.scoring.params import COMPONENTS, SKILL_RELATION_CREDIT, ScoringParams
from matcher.scoring.reference.context import certified

__all__ = ["components", "measured_components", "skill_credit", "weighted_score"]


def skill_credit(params: ScoringParams, worker: WorkerFacts, concept: str, day: dt.date) -> float:
    """Best credit for one concept: by how each listed skill stands to it
    (:data:`~matcher.scoring.params.SKILL_RELATION_CREDIT`: 1 for the concept or a narrower
    one, 0.5 for a broader one or a sibling), times depth by months; a valid certificate
    shows the skill (0.5) even when it is not listed."""
    taxonomy = params.taxonomy
    best = 0.0
    for skill in worker.skills:
        relation = taxonomy.relation(skill.concept, concept)
        if relation is None:
            continue
        best = max(best, SKILL_RELATION_CREDIT[relation] * params.depth(skill.months))
    if best < 0.5 and certified(taxonomy, worker, concept, day):
        best = 0.5
    return best


def components(
    params: ScoringParams,
    worker: WorkerFacts,
    screened: ScreenedVacancy,
    margins: Sequence[float],
    weighted_months: float,
) -> tuple[dict[str, float], list[str]]:
    """Every component's value (1.0 when unmeasured) and the measured ones, in order."""
    day = screened.day
    found = dict.fromkeys(COMPONENTS, 1.0)
    measured = measured_components(screened)
    needs = screened.skills
    if needs:
        found["skills"] = _weighted(needs, lambda c: skill_credit(params, worker, c, day))
        found["certification"] = _weighted(
            needs, lambda c: float(certified(params.taxonomy, worker, c, day))
        )
    if screened.languages:
        found["language"] = sum(params.language_credit(m) for m in margins) / len(margins)
    if screened.experience_targets:
        found["experience"] = params.experience_credit(weighted_months)
    return found, measured


def measured_components(screened: ScreenedVacancy) -> list[str]:
    """The components a job order measures.

    Parameters
    ----------
    screened : ScreenedVacancy
        The job order after screening.

    Returns
    -------
    list of str
        In :data:`~matcher.scoring.params.COMPONENTS` order: skills and certification
        when it asks for skills, language when it asks for a language, experience when it
        asks for experience (the others show 1.0 and are left out of the mean).
    """
    measured = []
    if screened.skills:
        measured += ["skills", "certification"]
    if screened.languages:
        measured.append("language")
    if screened.experience_targets:
        measured.append("experience")
    return measured


def weighted_score(
    weights: Mapping[str, float], found: Mapping[str, float], measured: Sequence[str]
) -> float:
    """The weighted mean of the measured components (1.0 when none is measured)."""
    total = sum(weights[c] for c in measured)
    return sum(weights[c] * found[c] for c in measured) / total if total else 1.0


def _weighted(needs: Sequence[SkillNeed], credit: Callable[[str], float]) -> float:
    """Weighted mean over requirements of the mean credit of each requirement's concepts."""
    weight = sum(n.weight for n in needs)
    return (
        sum(n.weight * sum(credit(c) for c in n.concepts) / len(n.concepts) for n in needs) / weight
    )
