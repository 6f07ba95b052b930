"""What scoring depends on besides the pair: one frozen object for the reference and the kernel.

:class:`ScoringParams` holds the run's evaluation date, taxonomy and exchange-rate table,
the component weights and the constants of the score components (docs/scoring.md). The
reference scorer (:mod:`matcher.scoring.reference`) and the kernel
(:mod:`matcher.scoring.kernel`) each take one and neither imports the other: the
executable specification and the fast path are peers that share their parameters, and
the property tests check that they agree pair for pair.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from matcher.rules.exchange_rates import ExchangeRateTable
from matcher.taxonomy.skills import SkillRelation, SkillTaxonomy

__all__ = [
    "COMPONENTS",
    "DEFAULT_WEIGHTS",
    "EXPERIENCE_SCALE",
    "ISCO_CREDIT",
    "LANGUAGE_STEP",
    "SKILL_MONTHS_FULL",
    "SKILL_RELATION_CREDIT",
    "ScoringParams",
]

COMPONENTS = ("skills", "certification", "language", "experience")
"""The score components, in the order results list them."""

DEFAULT_WEIGHTS: Mapping[str, float] = {
    "skills": 0.4,
    "certification": 0.2,
    "language": 0.2,
    "experience": 0.2,
}
"""Weights of the score components (a job order may carry its own)."""

SKILL_MONTHS_FULL = 36
"""Months of practice at which a skill earns its full depth credit."""

SKILL_RELATION_CREDIT: Mapping[SkillRelation, float] = {
    "within": 1.0,
    "broader": 0.5,
    "sibling": 0.5,
}
"""Skill credit by how the held skill stands to the needed one
(:meth:`matcher.taxonomy.skills.SkillTaxonomy.relation`), before the depth factor: the
concept or a narrower one meets a requirement in full, a broader or sibling one in part
(docs/scoring.md)."""

EXPERIENCE_SCALE = 24.0
"""Experience: months (weighted by ISCO closeness) at which credit reaches 1 - 1/e."""

ISCO_CREDIT: Mapping[str, float] = {"same_unit": 1.0, "same_minor": 0.5, "same_sub_major": 0.25}
"""Experience credit per month by how close the worker's unit group is to the job's."""

LANGUAGE_STEP: Mapping[str, float] = {
    "EPS-TOPIK": 20.0,
    "TOEIC": 100.0,
    "IELTS": 0.5,
    "JFT-Basic": 25.0,
    "TOEFL-iBT": 0.5,
}
"""One "step" above a language minimum, per test (1 elsewhere); each step halves the
remaining credit."""


@dataclass(frozen=True, eq=False)
class ScoringParams:
    """Everything a pair's evaluation depends on besides the pair itself.

    Parameters
    ----------
    taxonomy : SkillTaxonomy
        For "is this skill within that one" questions (and the kernel's concept axis).
    as_of : datetime.date
        The run's evaluation date.
    rates : ExchangeRateTable
        For comparing a worker's wage preference with the offered wage.
    weights : Mapping[str, float]
        Component weights, :data:`DEFAULT_WEIGHTS` unless given.
    skill_months_full : int
        :data:`SKILL_MONTHS_FULL`.
    experience_scale : float
        :data:`EXPERIENCE_SCALE`.
    isco_credit : Mapping[str, float]
        :data:`ISCO_CREDIT`.
    language_step : Mapping[str, float]
        :data:`LANGUAGE_STEP`.
    """

    taxonomy: SkillTaxonomy
    as_of: dt.date
    rates: ExchangeRateTable
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    skill_months_full: int = SKILL_MONTHS_FULL
    experience_scale: float = EXPERIENCE_SCALE
    isco_credit: Mapping[str, float] = field(default_factory=lambda: dict(ISCO_CREDIT))
    language_step: Mapping[str, float] = field(default_factory=lambda: dict(LANGUAGE_STEP))

    # The component curves: the reference calls them pair by pair and the kernel tabulates
    # them over the values they can take, so both compute every value the same way.
    def depth(self, months: int) -> float:
        """Skill depth credit of ``months`` of practice: 0.5, rising to 1.0 at
        :attr:`skill_months_full`."""
        return 0.5 + 0.5 * min(months, self.skill_months_full) / self.skill_months_full

    def step(self, test: str) -> float:
        """One step above a minimum of ``test`` (1 for a test without its own)."""
        return self.language_step.get(test, 1.0)

    def language_credit(self, margin: float) -> float:
        """Credit of a language gate met ``margin`` steps above its minimum (0 when no
        result meets it): half at the minimum, each step halving what is left."""
        return 0.0 if margin == -math.inf else 1.0 - 0.5 * 2.0 ** (-margin)

    def experience_credit(self, weighted_months: float) -> float:
        """Credit of months of experience weighted by ISCO closeness: ``1 - exp(-m /
        experience_scale)``."""
        return 1.0 - math.exp(-weighted_months / self.experience_scale)
