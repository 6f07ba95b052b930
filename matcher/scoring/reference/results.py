"""The reference scorer's result types: one pair's gaps and outcome."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from matcher.rules.screening import Note
from matcher.text.messages import Message

__all__ = ["Gap", "PairOutcome", "first_per_requirement"]


@dataclass(frozen=True)
class Gap:
    """One unmet gate."""

    kind: str
    requirement: str
    message: Message


@dataclass(frozen=True)
class PairOutcome:
    """The evaluation of one pair."""

    eligible: bool
    score: float
    components: Mapping[str, float]
    gaps: tuple[Gap, ...]
    flags: tuple[Note, ...]


def first_per_requirement(gaps: Sequence[Gap]) -> list[Gap]:
    """The first gap of each (kind, requirement): the same gate can come from Indonesian
    law, the rule pack and the job order (age 18, JLPT N4); one gap each is enough."""
    first: dict[tuple[str, str], Gap] = {}
    for gap in gaps:
        first.setdefault((gap.kind, gap.requirement), gap)
    return list(first.values())
