"""Each (job order, worker) pair's decision, read from its outcome records.

An employer's choice is what the score ranks for: a pair is **selected** when its latest
decision is ``selected`` (or the placement it led to: ``departed``, ``completed``,
``early_return``), **rejected** when it is ``rejected``. A worker who ``withdrew`` made
her own choice, which says nothing of how the employer weighed her (and an early return
is a matter for the monitoring of placed workers, not a mark against the worker), so a
pair with no employer decision is left out: ``withdrew`` when she withdrew, ``undecided``
when it only reached ``shortlisted`` or ``interviewed``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from models.files import InvalidInputError, Problem
from models.outcome import Outcome, OutcomeStage

__all__ = ["DECIDING", "Decision", "PairDecision", "decide"]

Decision = Literal["selected", "rejected", "withdrew", "undecided"]

DECIDING: dict[OutcomeStage, Decision] = {
    "selected": "selected",
    "departed": "selected",
    "completed": "selected",
    "early_return": "selected",
    "rejected": "rejected",
}
"""The stages that show the employer's decision, and the decision each shows."""


@dataclass(frozen=True)
class PairDecision:
    """One pair and what its outcomes decide (``line``: its first outcome's line)."""

    vacancy_id: str
    worker_id: str
    decision: Decision
    line: int


def decide(outcomes: Sequence[Outcome], lines: Sequence[int], file: str) -> list[PairDecision]:
    """The decision of every pair the outcomes name, in order of first appearance.

    Parameters
    ----------
    outcomes : sequence of Outcome
        Validated outcome records (no record twice).
    lines : sequence of int
        Each record's line in ``file``.
    file : str
        The outcome file's name, for problems.

    Returns
    -------
    list of PairDecision

    Raises
    ------
    models.files.InvalidInputError
        With a problem for each pair selected and rejected on the same day (no later
        record settles it).
    """
    first: dict[tuple[str, str], int] = {}
    latest: dict[tuple[str, str], tuple[str, Decision, int]] = {}
    withdrew: set[tuple[str, str]] = set()
    problems: list[Problem] = []
    for outcome, line in zip(outcomes, lines, strict=True):
        key = (outcome.vacancy_id, outcome.worker_id)
        first.setdefault(key, line)
        if outcome.stage == "withdrew":
            withdrew.add(key)
        decision = DECIDING.get(outcome.stage)
        if decision is None:
            continue
        day = outcome.date.isoformat()
        held = latest.get(key)
        if held is None or day > held[0]:
            latest[key] = (day, decision, line)
        elif day == held[0] and decision != held[1]:
            problems.append(
                Problem(
                    file,
                    line,
                    "stage",
                    f"worker {outcome.worker_id!r} is both selected and rejected for "
                    f"{outcome.vacancy_id!r} on {day} (line {held[2]})",
                )
            )
    if problems:
        raise InvalidInputError(problems)
    found = []
    for key, line in first.items():
        held = latest.get(key)
        settled: Decision = (
            held[1] if held is not None else "withdrew" if key in withdrew else "undecided"
        )
        found.append(PairDecision(key[0], key[1], settled, line))
    return found
