"""Exact top-k and ranks over the segments of a live-pool snapshot.

Each segment is ranked by the kernel on its own and the per-segment bests are merged in
the FORMAT.md order (:mod:`matcher.scoring.publish`): eligible first, then the published
score descending, then the worker id ascending. A segment's rows out of scope (dead, or of
another agency) are never candidates: the kernel ranks only the rows in scope
(``top_workers(among=...)``), so a request's work does not grow with them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from api.live_pool.workers import Segment, Snapshot
from matcher.rules.screening import ScreenedVacancy
from matcher.scoring.facts import WorkerFacts
from matcher.scoring.publish import published_scores, ranking_key
from matcher.scoring.reference import Scorer

__all__ = ["Picked", "rank_among", "top_in_scope"]


@dataclass(frozen=True)
class Picked:
    """The workers the kernel selected for one job order, best first, as columns.

    Attributes
    ----------
    facts : list of WorkerFacts
    serials : list of int
    eligible : list of bool
    score : list of float
        The kernel's scores (unrounded).
    """

    facts: list[WorkerFacts]
    serials: list[int]
    eligible: list[bool]
    score: list[float]


def top_in_scope(
    snapshot: Snapshot,
    scope: tuple[NDArray[np.bool_], ...],
    screened: ScreenedVacancy,
    scorer: Scorer,
    *,
    k: int,
    include_ineligible: bool,
) -> Picked:
    """The ``k`` best workers in scope for one open job order, best first.

    Parameters
    ----------
    snapshot : Snapshot
    scope : tuple of ndarray of bool
        Per segment, the rows that may be returned (shape ``(n_rows,)`` each).
    screened : ScreenedVacancy
        A job order that is not refused.
    scorer : Scorer
        The scorer of the evaluation date.
    k : int
        How many (at least 1).
    include_ineligible : bool
        Also return ineligible workers, after the eligible ones.

    Returns
    -------
    Picked
    """
    parts: list[Picked] = []
    for segment, rows in zip(snapshot.segments, scope, strict=True):
        if not rows.any():
            continue
        # Only the rows in scope are candidates: the work follows them and k, not the
        # segment's dead or other agencies' rows.
        found = segment.scorer(scorer.params).top_workers(
            [screened], k=k, include_ineligible=include_ineligible, among=rows
        )[0]
        assert found is not None  # the job order is open
        facts = segment.facts
        parts.append(
            Picked(
                [facts[row] for row in found.workers.tolist()],
                segment.serials[found.workers].tolist(),
                found.eligible.tolist(),
                found.score.tolist(),
            )
        )
    if len(parts) == 1:  # the kernel's order is the ranking order already
        return parts[0]
    merged = sorted(
        (
            (ranking_key(ok, score, facts.id), facts, serial, ok, score)
            for part in parts
            for facts, serial, ok, score in zip(
                part.facts, part.serials, part.eligible, part.score, strict=True
            )
        ),
        key=lambda pick: pick[0],
    )[:k]
    return Picked(
        [pick[1] for pick in merged],
        [pick[2] for pick in merged],
        [pick[3] for pick in merged],
        [pick[4] for pick in merged],
    )


def rank_among(
    snapshot: Snapshot,
    scope: tuple[NDArray[np.bool_], ...],
    screened: ScreenedVacancy,
    scorer: Scorer,
    *,
    worker_id: str,
    eligible: bool,
    score: float,
) -> int:
    """The rank (1-based) of a pair among every worker in scope, ineligible ones included.

    Parameters
    ----------
    snapshot, scope, screened, scorer
        As :func:`top_in_scope`.
    worker_id : str
        The pair's worker (it need not be in scope).
    eligible, score
        The pair's evaluation.

    Returns
    -------
    int
        One more than the number of workers in scope that rank before the pair.
    """
    before = 0
    for segment, rows in zip(snapshot.segments, scope, strict=True):
        if not rows.any():
            continue
        scores = segment.scorer(scorer.params).score_vacancy(screened)
        before += int(
            np.count_nonzero(
                _ranks_before(
                    segment, rows, scores.eligible, scores.score, worker_id, eligible, score
                )
            )
        )
    return before + 1


def _ranks_before(
    segment: Segment,
    rows: NDArray[np.bool_],
    eligible: NDArray[np.bool_],
    score: NDArray[np.float64],
    worker_id: str,
    pair_eligible: bool,
    pair_score: float,
) -> NDArray[np.bool_]:
    """Per row in scope: it ranks before the pair (worker ``worker_id``)."""
    eligible = eligible[rows]
    id_before = segment.pool.id_rank[rows] < segment.ids_before(worker_id)
    theirs = published_scores(score[rows])
    mine = published_scores(np.array([pair_score]))[0]
    higher, same = theirs > mine, theirs == mine
    in_class = (eligible == pair_eligible) & (higher | (same & id_before))
    before: NDArray[np.bool_] = in_class | (eligible & ~pair_eligible)
    return before
