"""Functions of one value that numpy and Python might round differently, tabulated once
in Python over the values they can take, so the kernel reproduces the reference exactly."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from matcher.arrays import Floats
from matcher.scoring.reference import EXPERIENCE_SCALE, SKILL_MONTHS_FULL


def credit_table(values: Sequence[float], credit: Callable[[float], float]) -> Floats:
    """``[0.0, credit(v0), credit(v1), ...]``: a lookup by rank + 1 (rank -1: nothing)."""
    return np.array([0.0, *(credit(v) for v in values)])


def language_credit(margin: float) -> float:
    credit: float = 1.0 - 0.5 * 2.0 ** (-margin)  # as Scorer._components
    return credit


def _experience_table() -> Floats:
    """``1 - exp(-months / 24)`` for months in quarters (4 * months indexes), up to 1.0."""
    values = []
    quarters = 0
    while True:
        value = 1.0 - math.exp(-(quarters / 4) / EXPERIENCE_SCALE)
        values.append(value)
        if value == 1.0:
            return np.array(values)
        quarters += 1


def _depth_tables() -> tuple[Floats, Floats]:
    """Skill credit by stored months (months + 1, capped): within (1.0) and related (0.5)."""
    full = [0.0]
    for months in range(SKILL_MONTHS_FULL + 1):
        full.append(0.5 + 0.5 * min(months, SKILL_MONTHS_FULL) / SKILL_MONTHS_FULL)
    return np.array([1.0 * d for d in full]), np.array([0.5 * d for d in full])


EXPERIENCE_CREDIT = _experience_table()
WITHIN_CREDIT, RELATED_CREDIT = _depth_tables()
