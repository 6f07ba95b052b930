"""A recruitment round end to end: score, allocate, explain, as FORMAT.md records.

1. The open job orders are scored against the pool, keeping eligible pairs only
   (:func:`matcher.allocation.graph.eligible_graph`).
2. The graph is allocated, optimally or stably, into slots or into shortlists of N x
   slots.
3. A gap pass scores the job orders that kept open slots against the whole pool with
   their gaps (``gap_scope="open"``; ``"all"`` covers every open job order, at the cost
   of one full pass per job order). It gives each such job order its blocking gates and
   each worker eligible nowhere the gates that blocked her most and whether she would
   be eligible but for her stated preferences.

Protected attributes play no part here: the pool is :class:`matcher.facts.WorkerFacts`,
which does not carry them. The round report reads them afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from matcher.allocation.graph import SCORE_SCALE, EligibleGraph, eligible_graph, in_parallel
from matcher.allocation.optimal import optimal_allocation
from matcher.allocation.reasons import (
    GapTally,
    JobGaps,
    best_ranks,
    ineligible_reason,
    outcompeted_reason,
    preference_reason,
    unfilled_reasons,
)
from matcher.allocation.shortlist import positions, shortlist_capacity
from matcher.allocation.stable import stable_allocation
from matcher.encoding import encode_pool
from matcher.facts import WorkerFacts
from matcher.kernel import PoolScorer
from matcher.matching import MatchRun
from matcher.screening import ScreenedVacancy
from models.results import (
    AllocationPlaced,
    AllocationShortlisted,
    AllocationUnfilled,
    AllocationUnplaced,
    Reason,
    Refusal,
)

__all__ = ["ALLOCATORS", "GapScope", "Method", "RoundOutcome", "allocate", "allocate_round"]

Method = Literal["optimal", "stable"]
GapScope = Literal["open", "all"]
Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]
Record = (
    Refusal | AllocationPlaced | AllocationShortlisted | AllocationUnfilled | AllocationUnplaced
)

ALLOCATORS: dict[Method, Callable[[EligibleGraph], Bools]] = {
    "optimal": optimal_allocation,
    "stable": stable_allocation,
}
"""Every allocator takes the graph and returns the chosen edges (one contract)."""


def allocate(
    graph: EligibleGraph, *, method: Method = "optimal", shortlist_per_slot: int | None = None
) -> Bools:
    """Allocate the graph's workers to its job orders.

    Parameters
    ----------
    graph : EligibleGraph
    method : {"optimal", "stable"}
        Maximum total score, or worker-proposing deferred acceptance.
    shortlist_per_slot : int or None
        Build shortlists of this many candidates per slot instead of placements.

    Returns
    -------
    ndarray of bool, shape (n_edges,)
        The chosen edges.
    """
    if method not in ALLOCATORS:
        raise ValueError(
            f"The 'method' parameter of allocate must be one of {sorted(ALLOCATORS)}. "
            f"Got {method!r}."
        )
    if shortlist_per_slot is not None:
        graph = graph.with_capacity(shortlist_capacity(graph, shortlist_per_slot))
    return ALLOCATORS[method](graph)


@dataclass(frozen=True)
class RoundOutcome:
    """A finished round: the allocation, its reasons and its records.

    Attributes
    ----------
    method : {"optimal", "stable"}
    shortlist_per_slot : int or None
    orders : tuple of ScreenedVacancy
        The open job orders; job ``j`` of ``graph``.
    worker_ids : tuple of str
        Pool order; worker ``i`` of ``graph``.
    graph : EligibleGraph
    chosen : ndarray of bool, shape (n_edges,)
    unplaced_kind : tuple of (str or None)
        Per worker: the kind of her unplaced reason, None when placed.
    job_gaps : dict of int to JobGaps
        The gap counts of the job orders in the gap pass.
    n_refused : int
    records : list
        FORMAT.md records in output order: refusals, then per open job order (input
        order) its placements or shortlist and its ``unfilled`` record, then ``unplaced``
        workers (input order).
    """

    method: Method
    shortlist_per_slot: int | None
    orders: tuple[ScreenedVacancy, ...]
    worker_ids: tuple[str, ...]
    graph: EligibleGraph
    chosen: Bools
    unplaced_kind: tuple[str | None, ...]
    job_gaps: dict[int, JobGaps]
    n_refused: int
    records: list[Record]

    def job_of(self) -> Ints:
        """Per worker, the job order she was placed in (or shortlisted for); -1 if none."""
        return _job_of(self.graph, self.chosen)

    def filled(self) -> Ints:
        """Per job order, the workers placed (or shortlisted)."""
        return _filled(self.graph, self.chosen)

    def open_slots(self) -> Ints:
        """Per job order, the slots no one fills (a shortlist fills as many as it lists)."""
        return _open_slots(self.graph, self.chosen)


def _job_of(graph: EligibleGraph, chosen: Bools) -> Ints:
    out = np.full(graph.n_workers, -1, np.int64)
    out[graph.worker[chosen]] = graph.job()[chosen]
    return out


def _filled(graph: EligibleGraph, chosen: Bools) -> Ints:
    return np.bincount(graph.job()[chosen], minlength=graph.n_jobs).astype(np.int64)


def _open_slots(graph: EligibleGraph, chosen: Bools) -> Ints:
    open_slots: Ints = np.maximum(graph.capacity - _filled(graph, chosen), 0)
    return open_slots


def allocate_round(
    run: MatchRun,
    *,
    method: Method = "optimal",
    shortlist_per_slot: int | None = None,
    gap_scope: GapScope = "open",
    n_jobs: int = 1,
) -> RoundOutcome:
    """Score, allocate and explain one round.

    Parameters
    ----------
    run : MatchRun
        The pool and the screened job orders (:func:`matcher.matching.prepare_run`).
    method : {"optimal", "stable"}
    shortlist_per_slot : int or None
        Shortlists of this many candidates per slot instead of placements.
    gap_scope : {"open", "all"}
        Job orders the gap pass covers: those left with open slots, or every open one.
    n_jobs : int
        Threads for scoring and the gap pass; the outcome is the same for every value.

    Returns
    -------
    RoundOutcome
    """
    if gap_scope not in ("open", "all"):
        raise ValueError(
            f"The 'gap_scope' parameter of allocate_round must be 'open' or 'all'. "
            f"Got {gap_scope!r}."
        )
    orders = tuple(v for v in run.vacancies if not v.refused)
    pool = encode_pool(run.workers, run.scorer.taxonomy, run.scorer.as_of)
    scorer = PoolScorer(pool, run.scorer)
    graph = eligible_graph(scorer, orders, n_jobs=n_jobs)
    chosen = allocate(graph, method=method, shortlist_per_slot=shortlist_per_slot)
    jobs, job_of, open_slots = graph.job(), _job_of(graph, chosen), _open_slots(graph, chosen)

    tracked = np.flatnonzero(np.bincount(graph.worker, minlength=graph.n_workers) == 0)
    scanned = np.flatnonzero(open_slots > 0) if gap_scope == "open" else np.arange(graph.n_jobs)
    tally = GapTally(tracked)
    # Gates of the scanned job orders, a block at a time (each holds a gap matrix over
    # the whole pool), in parallel within a block, tallied in order: the same counts.
    job_gaps: dict[int, JobGaps] = {}
    block = 4 * n_jobs
    for start in range(0, len(scanned), block):
        chunk = [int(j) for j in scanned[start : start + block]]
        gates = in_parallel(
            lambda part: [scorer.score_vacancy(orders[j], with_score=False) for j in part],
            chunk,
            n_jobs,
        )
        for j, found in zip(chunk, gates, strict=True):
            job_gaps[j] = tally.add(found)

    worker_reasons = _worker_reasons(
        run.workers, graph, chosen, orders, tally, gap_scope, len(scanned), shortlist_per_slot
    )
    elsewhere = (job_of[graph.worker] >= 0) & (job_of[graph.worker] != jobs)
    placed_elsewhere = np.bincount(jobs[elsewhere], minlength=graph.n_jobs)
    eligible = np.diff(graph.ptr)
    refusals = run.refusals()
    records: list[Record] = list(refusals)
    by_job = _job_records(graph, chosen, orders, run.workers, shortlist_per_slot)
    for j, order in enumerate(orders):
        records.extend(by_job[j])
        if open_slots[j]:
            records.append(
                AllocationUnfilled(
                    vacancy_id=order.vacancy.id,
                    open_slots=int(open_slots[j]),
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
        records.append(AllocationUnplaced(worker_id=run.workers[i].id, reasons=[reason]))
        unplaced_kind[i] = reason.kind
    return RoundOutcome(
        method=method,
        shortlist_per_slot=shortlist_per_slot,
        orders=orders,
        worker_ids=tuple(w.id for w in run.workers),
        graph=graph,
        chosen=chosen,
        unplaced_kind=tuple(unplaced_kind),
        job_gaps=job_gaps,
        n_refused=len(refusals),
        records=records,
    )


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
            "score": int(graph.score[e]) / SCORE_SCALE,
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
    gap_scope: GapScope,
    n_scanned: int,
    shortlist_per_slot: int | None,
) -> dict[int, Reason]:
    """The reason of every unplaced worker, by pool index (in pool order)."""
    best_job, best_rank = best_ranks(graph, chosen)
    scanned = "with open slots" if gap_scope == "open" else "open"
    labels, top_index, top_count = tally.top()
    tracked_row = {int(i): r for r, i in enumerate(tally.tracked)}
    placed = np.zeros(graph.n_workers, np.bool_)
    placed[graph.worker[chosen]] = True
    reasons: dict[int, Reason] = {}
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
        gates = [
            (labels[k], int(n))
            for k, n in zip(top_index[row], top_count[row], strict=True)
            if k >= 0
        ]
        reasons[int(i)] = ineligible_reason(len(orders), scanned, n_scanned, gates)
    return reasons


def _preferences(worker: WorkerFacts) -> str:
    parts = []
    if worker.preferred_countries:
        parts.append("countries " + ", ".join(worker.preferred_countries))
    if worker.min_monthly_wage is not None:
        amount, currency = worker.min_monthly_wage
        parts.append(f"at least {amount:,.0f} {currency} a month")
    return "; ".join(parts)
