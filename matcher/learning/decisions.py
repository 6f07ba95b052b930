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

from models.files import Problem
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


def decide(
    outcomes: Sequence[Outcome], lines: Sequence[int], file: str
) -> tuple[list[PairDecision], list[Problem]]:
    """The decision of every pair the outcomes name, in (job order, worker) id order.

    A pair's decision is that of its latest deciding record; selected and rejected both
    on that latest day is a problem (an earlier day's conflict a later decision settles
    is not). The answer does not depend on the order of the records.

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
    decisions : list of PairDecision
        Each with the line of its first record.
    problems : list of Problem
        A pair selected and rejected on its latest deciding day, at the later line.
    """
    first: dict[tuple[str, str], int] = {}
    deciding: dict[tuple[str, str], list[tuple[str, int, Decision]]] = {}
    withdrew: set[tuple[str, str]] = set()
    for outcome, line in zip(outcomes, lines, strict=True):
        key = (outcome.vacancy_id, outcome.worker_id)
        first[key] = min(line, first.get(key, line))
        if outcome.stage == "withdrew":
            withdrew.add(key)
        decision = DECIDING.get(outcome.stage)
        if decision is not None:
            deciding.setdefault(key, []).append((outcome.date.isoformat(), line, decision))
    found: list[PairDecision] = []
    problems: list[Problem] = []
    for key in sorted(first):
        records = sorted(deciding.get(key, []))
        settled: Decision = "withdrew" if key in withdrew else "undecided"
        if records:
            day = records[-1][0]
            last = [r for r in records if r[0] == day]
            settled = last[-1][2]
            if len({r[2] for r in last}) > 1:
                problems.append(
                    Problem(
                        file,
                        last[-1][1],
                        "stage",
                        f"worker {key[1]!r} is both selected and rejected for {key[0]!r} on "
                        f"{day} (line {last[0][1]}), and no later record decides",
                    )
                )
        found.append(PairDecision(key[0], key[1], settled, first[key]))
    return found, problems
