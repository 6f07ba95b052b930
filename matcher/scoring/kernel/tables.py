"""The component curves of :class:`~matcher.scoring.params.ScoringParams`, tabulated once
in Python over the values they can take, so the kernel reproduces the reference exactly
(numpy and Python might round ``exp`` and powers differently)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np

from matcher.arrays import Floats
from matcher.scoring.params import SKILL_RELATION_CREDIT, ScoringParams
from matcher.taxonomy.skills import SkillRelation


def credit_table(values: Sequence[float], credit: Callable[[float], float]) -> Floats:
    """``[0.0, credit(v0), credit(v1), ...]``: a lookup by rank + 1 (rank -1: nothing)."""
    return np.array([0.0, *(credit(v) for v in values)])


# Kept per parameter object (hashed by identity): a server reuses one per evaluation date.
@lru_cache(maxsize=32)
def experience_table(params: ScoringParams) -> Floats:
    """Experience credit for months in quarters (4 * months indexes), up to 1.0."""
    values = []
    quarters = 0
    while True:
        value = params.experience_credit(quarters / 4)
        values.append(value)
        if value == 1.0:
            return np.array(values)
        quarters += 1


@lru_cache(maxsize=32)
def depth_tables(params: ScoringParams) -> dict[SkillRelation, Floats]:
    """Skill credit by stored months (months + 1, capped at full depth + 1) for each
    relation of held to needed skill: its :data:`SKILL_RELATION_CREDIT` x depth, computed
    as the reference does; index 0 is "not listed"."""
    full = [0.0, *(params.depth(m) for m in range(params.skill_months_full + 1))]
    return {
        relation: np.array([credit * d for d in full])
        for relation, credit in SKILL_RELATION_CREDIT.items()
    }
