"""Stable allocation: worker-proposing deferred acceptance with slots (hospital-resident).

Workers propose down their preference lists (job orders by published score descending,
then job-order id); a job order holds its best ``capacity`` proposals by its own ranking
(score descending, then worker id) and rejects the rest. With strict preferences on both
sides the worker-optimal stable allocation is unique, so this gives exactly the
resident-optimal solution of the ``matching`` library's ``HospitalResident`` game.

The proposals are processed in rounds, all free workers at once, as arrays: a job order
merges the ranks it holds with the round's new ones and keeps the best. A proposal to a
full job order from a worker it ranks below the worst it holds is skipped without a
round: that job order only ever gets pickier (as the library deletes such pairs).
"""

from __future__ import annotations

import numpy as np

from matcher.allocation.graph import EligibleGraph
from matcher.arrays import Bools

__all__ = ["stable_allocation"]


def stable_allocation(graph: EligibleGraph) -> Bools:
    """The worker-optimal stable allocation of the graph's workers to its job orders.

    An allocator (:data:`matcher.allocation.round.ALLOCATORS`): the chosen edges of
    ``graph``, shape ``(n_edges,)``, each worker at most once, each job order at most its
    capacity.
    """
    capacity = graph.capacity
    w_ptr, w_order = graph.by_worker()
    target = graph.job()[w_order]  # the job order of each proposal
    rank = (graph.rank() - 1)[w_order]  # the proposer's rank at that job order (0-based)
    # A job order's held ranks live in its own run of a flat slot table, best first.
    s_ptr = np.concatenate(([0], np.cumsum(capacity))).astype(np.int64)
    never = np.int64(np.iinfo(np.int64).max)
    held = np.full(int(s_ptr[-1]), never, np.int64)
    # Rank a proposal must beat: the worst held rank once full (never before; -1 when
    # a job order has no slot at all).
    worst = np.where(capacity > 0, never, -1).astype(np.int64)
    nxt = w_ptr[:-1].copy()
    end = w_ptr[1:]
    free = np.flatnonzero(nxt < end)
    while free.size:
        # Skip proposals that would be rejected at once. ``worst`` holds still meanwhile,
        # so a worker with a proposal worth making keeps it: only the others are looked at
        # again (a worker can skip dozens of full job orders in one round).
        skipping = free
        while skipping.size:
            at = nxt[skipping]
            skipping = skipping[rank[at] > worst[target[at]]]
            nxt[skipping] += 1
            skipping = skipping[nxt[skipping] < end[skipping]]
        free = free[nxt[free] < end[free]]
        if not free.size:
            break
        proposals = nxt[free]
        jobs = np.unique(target[proposals])
        # The held runs of the job orders proposed to, as flat slot positions.
        lengths = capacity[jobs]
        starts = s_ptr[jobs]
        slot = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(
            int(lengths.sum())
        )
        slot_job = np.repeat(jobs, lengths)
        kept = held[slot] != never
        cand_job = np.concatenate((slot_job[kept], target[proposals]))
        cand_rank = np.concatenate((held[slot][kept], rank[proposals]))
        order = np.lexsort((cand_rank, cand_job))
        cand_job, cand_rank = cand_job[order], cand_rank[order]
        first = np.searchsorted(cand_job, cand_job, side="left")
        position = np.arange(len(cand_job)) - first
        accept = position < capacity[cand_job]
        held[slot] = never
        held[s_ptr[cand_job[accept]] + position[accept]] = cand_rank[accept]
        full = (position == capacity[cand_job] - 1) & accept
        worst[cand_job[full]] = cand_rank[full]
        # Rejected: held workers bumped and proposers turned away move to their next choice.
        rejected_edges = graph.ptr[cand_job[~accept]] + cand_rank[~accept]
        bumped = graph.worker[rejected_edges]
        nxt[bumped] += 1
        free = bumped[nxt[bumped] < end[bumped]]
    chosen = np.zeros(graph.n_edges, np.bool_)
    taken = held != never
    chosen[graph.ptr[np.repeat(np.arange(graph.n_jobs), capacity)[taken]] + held[taken]] = True
    return chosen
