"""A weights proposal as one HTML page, with the check an officer needs before adopting it:
who would be ranked at the top under each set of weights, by gender.

Gender is a protected attribute: it never enters a score or the proposal; it is read
here, after the proposal is made, to show what adopting it would change (as the round
report's fairness section does), and in the decisions learned from (employers' past
choices may carry their biases, which a proposal would then learn).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from matcher.learning.proposal import Comparisons
from matcher.reporting.pages import page_environment
from matcher.scoring.kernel import PoolScorer
from matcher.scoring.matching import MatchRun
from models.worker import Worker

__all__ = ["TOP", "learning_report"]

TOP = 10
"""The shortlist compared under each set of weights."""


def _gender(worker: Worker) -> str:
    return worker.gender or "unknown"


def _top_by_gender(
    run: MatchRun, workers: Sequence[Worker], job_ids: Sequence[str], weights: Mapping[str, float]
) -> tuple[Counter[str], set[tuple[str, int]]]:
    """The top :data:`TOP` eligible workers of each job order under ``weights`` (the
    engine's kernel, the run's date and gates): places by gender, and the (job order,
    worker) pairs."""
    wanted = set(job_ids)
    orders = [v for v in run.vacancies if v.vacancy.id in wanted and not v.refused]
    scorer = PoolScorer(run.pool, dataclasses.replace(run.params, weights=dict(weights)))
    places: Counter[str] = Counter()
    pairs: set[tuple[str, int]] = set()
    for order, top in zip(orders, scorer.top_workers(orders, k=TOP), strict=True):
        assert top is not None
        for index in top.workers.tolist():
            places[_gender(workers[index])] += 1
            pairs.add((order.vacancy.id, index))
    return places, pairs


def _decided_by_gender(workers: Sequence[Worker], found: Comparisons) -> list[dict[str, Any]]:
    """Selection rate by gender among the decided pairs the proposal learned from."""
    groups = [_gender(workers[i]) for i in found.worker.tolist()]
    pairs = Counter(groups)
    selected = Counter(g for g, c in zip(groups, found.chosen.tolist(), strict=True) if c)
    return [
        {"group": g, "decided": pairs[g], "selected": selected[g], "rate": selected[g] / pairs[g]}
        for g in sorted(pairs)
    ]


def learning_report(
    run: MatchRun,
    workers: Sequence[Worker],
    found: Comparisons,
    proposal: Mapping[str, Any],
) -> str:
    """The proposal as a standalone page (inline CSS, nothing fetched).

    Parameters
    ----------
    run : MatchRun
        The run the proposal was made in.
    workers : sequence of Worker
        The run's worker records, in its order (gender is read here only).
    found : Comparisons
        The comparisons learned from.
    proposal : Mapping
        :func:`matcher.learning.proposal.propose`'s document.

    Returns
    -------
    str
    """
    before, before_pairs = _top_by_gender(run, workers, found.job_ids, proposal["current"])
    after, after_pairs = _top_by_gender(run, workers, found.job_ids, proposal["weights"])
    groups = sorted(set(before) | set(after))
    total_before, total_after = sum(before.values()), sum(after.values())
    shortlist = [
        {
            "group": g,
            "current": before[g],
            "current_share": before[g] / total_before if total_before else None,
            "proposed": after[g],
            "proposed_share": after[g] / total_after if total_after else None,
        }
        for g in groups
    ]
    decided = _decided_by_gender(workers, found)
    return (
        page_environment()
        .get_template("learning.html")
        .render(
            lang="en",
            p=proposal,
            components=list(proposal["weights"]),
            shortlist=shortlist,
            changed=len(after_pairs - before_pairs),
            places=total_after,
            job_orders=len(found.job_ids),
            top=TOP,
            decided=decided,
        )
    )
