"""A finished allocation as docs/format.md records, with a reason for everyone left out.

Output order: refusals, then per open job order (input order) its placements or
shortlist by rank and its ``unfilled`` record, then ``unplaced`` workers (input order).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from matcher.allocation.graph import EligibleGraph
from matcher.allocation.reasons import (
    GapTally,
    JobGaps,
    best_ranks,
    ineligible_reason,
    outcompeted_reason,
    preference_reason,
    unfilled_reasons,
)
from matcher.allocation.shortlist import positions
from matcher.arrays import Bools, Ints
from matcher.rules.screening import ScreenedVacancy
from matcher.scoring.facts import WorkerFacts
from matcher.scoring.publish import SCALE
from models.results import (
    AllocationPlaced,
    AllocationShortlisted,
    AllocationUnfilled,
    AllocationUnplaced,
    Reason,
    Refusal,
)

__all__ = ["Record", "filled", "job_of", "open_slots", "round_records"]

Record = (
    Refusal | AllocationPlaced | AllocationShortlisted | AllocationUnfilled | AllocationUnplaced
)


def job_of(graph: EligibleGraph, chosen: Bools) -> Ints:
    """Per worker, the job order she was placed in (or shortlisted for); -1 if none."""
    out = np.full(graph.n_workers, -1, np.int64)
    out[graph.worker[chosen]] = graph.job()[chosen]
    return out


def filled(graph: EligibleGraph, chosen: Bools) -> Ints:
    """Per job order, the workers placed (or shortlisted)."""
    return np.bincount(graph.job()[chosen], minlength=graph.n_jobs).astype(np.int64)


def open_slots(graph: EligibleGraph, chosen: Bools) -> Ints:
    """Per job order, the slots no one fills (a shortlist fills as many as it lists)."""
    found: Ints = np.maximum(graph.capacity - filled(graph, chosen), 0)
    return found


def round_records(
    *,
    refusals: Sequence[Refusal],
    orders: Sequence[ScreenedVacancy],
    workers: Sequence[WorkerFacts],
    graph: EligibleGraph,
    chosen: Bools,
    tally: GapTally,
    job_gaps: dict[int, JobGaps],
    scanned: str,
    shortlist_per_slot: int | None,
) -> tuple[list[Record], list[str | None]]:
    """The records of a round, and each worker's unplaced reason kind.

    Parameters
    ----------
    refusals : sequence of Refusal
    orders, workers, graph, chosen
        The allocated round: job ``j`` of ``graph`` is ``orders[j]`` (the open job
        orders), worker ``i`` is ``workers[i]``, ``chosen`` marks its chosen edges.
    tally : GapTally
        The gap pass's counts for the workers eligible nowhere.
    job_gaps : dict of int to JobGaps
        The gap counts of the job orders in the gap pass.
    scanned : str
        Which job orders the gap pass covered, as the reasons say it ("with open slots").
    shortlist_per_slot : int or None

    Returns
    -------
    records : list
        In output order.
    unplaced_kind : list of (str or None)
        Per worker: the kind of her unplaced reason, None when placed.
    """
    jobs, chosen_job, free = graph.job(), job_of(graph, chosen), open_slots(graph, chosen)
    worker_reasons = _worker_reasons(
        workers, graph, chosen, orders, tally, scanned, len(job_gaps), shortlist_per_slot
    )
    elsewhere = (chosen_job[graph.worker] >= 0) & (chosen_job[graph.worker] != jobs)
    placed_elsewhere = np.bincount(jobs[elsewhere], minlength=graph.n_jobs)
    eligible = np.diff(graph.ptr)
    records: list[Record] = list(refusals)
    by_job = _job_records(graph, chosen, orders, workers, shortlist_per_slot)
    for j, order in enumerate(orders):
        records.extend(by_job[j])
        if free[j]:
            records.append(
                AllocationUnfilled(
                    vacancy_id=order.vacancy.id,
                    open_slots=int(free[j]),
                    eligible_candidates=int(eligible[j]),
                    reasons=unfilled_reasons(
                        job_gaps.get(j),
                        eligible=int(eligible[j]),
                        placed_elsewhere=int(placed_elsewhere[j]),
                    ),
                )
            )
    unplaced_kind: list[str | None] = [None] * graph.n_workers
    for i, reason in worker_reasons.items():
        # Constructed without validation, like the reason: one per unplaced worker, and
        # the id comes from a validated record.
        records.append(
            AllocationUnplaced.model_construct(worker_id=workers[i].id, reasons=[reason])
        )
        unplaced_kind[i] = reason.kind
    return records, unplaced_kind


def _job_records(
    graph: EligibleGraph,
    chosen: Bools,
    orders: Sequence[ScreenedVacancy],
    workers: Sequence[WorkerFacts],
    shortlist_per_slot: int | None,
) -> list[list[Record]]:
    """Placement (or shortlist) records of each job order, by rank."""
    edges = np.flatnonzero(chosen)  # graph order: by job order, then rank
    jobs, ranks = graph.job()[edges], graph.rank()[edges]
    place = positions(graph, chosen)[edges]
    out: list[list[Record]] = [[] for _ in orders]
    for e, j, rank, position in zip(edges, jobs, ranks, place, strict=True):
        common = {
            "vacancy_id": orders[j].vacancy.id,
            "worker_id": workers[graph.worker[e]].id,
            "score": int(graph.score[e]) / SCALE,
        }
        if shortlist_per_slot is None:
            out[j].append(AllocationPlaced(**common, rank=int(rank)))
        else:
            out[j].append(AllocationShortlisted(**common, position=int(position)))
    return out


def _worker_reasons(
    workers: Sequence[WorkerFacts],
    graph: EligibleGraph,
    chosen: Bools,
    orders: Sequence[ScreenedVacancy],
    tally: GapTally,
    scanned: str,
    n_scanned: int,
    shortlist_per_slot: int | None,
) -> dict[int, Reason]:
    """The reason of every unplaced worker, by pool index (in pool order)."""
    best_job, best_rank = best_ranks(graph, chosen)
    labels, top_index, top_count = tally.top()
    tracked_row = {int(i): r for r, i in enumerate(tally.tracked)}
    placed = np.zeros(graph.n_workers, np.bool_)
    placed[graph.worker[chosen]] = True
    reasons: dict[int, Reason] = {}
    made: dict[tuple[bytes, bytes], Reason] = {}
    for i in np.flatnonzero(~placed):
        if best_job[i] >= 0:
            j = int(best_job[i])
            slots = int(graph.capacity[j])
            shortlist = None if shortlist_per_slot is None else slots * shortlist_per_slot
            reasons[int(i)] = outcompeted_reason(
                orders[j].vacancy.id, int(best_rank[i]), slots, shortlist
            )
            continue
        row = tracked_row[int(i)]
        outside = int(tally.outside_preferences[row])
        if outside:
            reasons[int(i)] = preference_reason(outside, scanned, _preferences(workers[int(i)]))
            continue
        # Workers blocked by the same gates as often share one reason (its text depends
        # on nothing else): built once each, not once per worker.
        key = (top_index[row].tobytes(), top_count[row].tobytes())
        found = made.get(key)
        if found is None:
            gates = [
                (labels[k], int(n))
                for k, n in zip(top_index[row], top_count[row], strict=True)
                if k >= 0
            ]
            found = made[key] = ineligible_reason(len(orders), scanned, n_scanned, gates)
        reasons[int(i)] = found
    return reasons


def _preferences(worker: WorkerFacts) -> str:
    parts = []
    if worker.preferred_countries:
        parts.append("countries " + ", ".join(worker.preferred_countries))
    if worker.min_monthly_wage is not None:
        amount, currency = worker.min_monthly_wage
        parts.append(f"at least {amount:,.0f} {currency} a month")
    return "; ".join(parts)
