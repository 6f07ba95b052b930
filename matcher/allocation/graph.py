"""The sparse graph of eligible (job order, worker) pairs that every allocator works on.

Only eligible pairs are edges: an allocation can never place a worker where a gate fails.
Edges are grouped by job order (CSR) and, within a job order, sorted as the job order
ranks its candidates in docs/format.md (:mod:`matcher.scoring.publish`): published score
descending, then worker id ascending. A worker's position in that run is her rank for
the job order.

Scores are held as published integers (:func:`matcher.scoring.publish.published_scores`),
so every comparison and every optimisation cost is exact and reproducible.

The graph is built from flat arrays of pairs (:func:`build_graph`), so pairs scored in
chunks of job orders (:func:`matcher.allocation.round.eligible_graph`) are concatenated
before building.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matcher.arrays import Ints
from matcher.scoring.publish import SCALE, eligible_below, ranking_keys

__all__ = ["EligibleGraph", "build_graph"]

# Largest (job order, rank) key that one int64 holds; beyond it the pairs are sorted by
# two keys.
_ONE_KEY_MAX = int(np.iinfo(np.int64).max)


@dataclass(frozen=True)
class EligibleGraph:
    """Eligible pairs grouped by job order, each job order's candidates in rank order.

    Attributes
    ----------
    n_workers : int
        Workers in the pool (those without an edge included).
    capacity : ndarray of int64, shape (n_jobs,)
        Slots of each job order.
    ptr : ndarray of int64, shape (n_jobs + 1,)
        Edges of job order ``j`` are ``ptr[j]:ptr[j + 1]``.
    worker : ndarray of int64, shape (n_edges,)
        The worker of each edge (pool index).
    score : ndarray of int64, shape (n_edges,)
        Published score of each edge times :data:`~matcher.scoring.publish.SCALE`.
    worker_rank : ndarray of int64, shape (n_workers,)
        Position of each worker's id in ascending id order.
    job_rank : ndarray of int64, shape (n_jobs,)
        Position of each job order's id in ascending id order.
    """

    n_workers: int
    capacity: Ints
    ptr: Ints
    worker: Ints
    score: Ints
    worker_rank: Ints
    job_rank: Ints

    @property
    def n_jobs(self) -> int:
        """Number of job orders."""
        return len(self.capacity)

    @property
    def n_edges(self) -> int:
        """Number of eligible pairs."""
        return len(self.worker)

    def job(self) -> Ints:
        """The job order of each edge, shape (n_edges,)."""
        return np.repeat(np.arange(self.n_jobs, dtype=np.int64), np.diff(self.ptr))

    def rank(self) -> Ints:
        """The worker's rank (1-based) among the job order's candidates, per edge."""
        return (
            np.arange(self.n_edges, dtype=np.int64)
            - np.repeat(self.ptr[:-1], np.diff(self.ptr))
            + 1
        )

    def by_worker(self) -> tuple[Ints, Ints]:
        """Edges grouped by worker, each worker's job orders in her order of preference.

        A worker prefers the higher published score, then the lower job-order id (a
        country she did not list is a ``preference`` gap, so every edge is already
        within her stated preferences).

        Returns
        -------
        ptr : ndarray of int64, shape (n_workers + 1,)
            Worker ``i``'s edges are ``order[ptr[i]:ptr[i + 1]]``.
        order : ndarray of int64, shape (n_edges,)
            Edge indices.
        """
        # One int64 key (unique: a pair is an edge once) sorts several times faster than
        # a lexsort over three keys: the worker, then her ranking of the job orders.
        ranked = ranking_keys(True, self.score, self.job_rank[self.job()], self.n_jobs)
        order = np.argsort(self.worker * eligible_below(self.n_jobs) + ranked)
        counts = np.bincount(self.worker, minlength=self.n_workers)
        ptr = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        return ptr, order.astype(np.int64)

    def with_capacity(self, capacity: Ints) -> EligibleGraph:
        """The same pairs with other capacities (a shortlist's N x slots)."""
        if capacity.shape != self.capacity.shape:
            raise ValueError(
                f"capacity must have shape {self.capacity.shape}, got {capacity.shape}"
            )
        return EligibleGraph(
            self.n_workers,
            capacity.astype(np.int64),
            self.ptr,
            self.worker,
            self.score,
            self.worker_rank,
            self.job_rank,
        )


def build_graph(
    job: Ints,
    worker: Ints,
    score: Ints,
    *,
    capacity: Ints,
    worker_rank: Ints,
    job_rank: Ints,
) -> EligibleGraph:
    """Build the graph from eligible pairs given in any order (e.g. concatenated chunks).

    Parameters
    ----------
    job, worker : ndarray of int64, shape (n_edges,)
        Job-order and worker index of each eligible pair; no pair twice.
    score : ndarray of int64, shape (n_edges,)
        Published score times :data:`~matcher.scoring.publish.SCALE`
        (:func:`~matcher.scoring.publish.published_scores`).
    capacity : ndarray of int64, shape (n_jobs,)
        Slots of each job order.
    worker_rank : ndarray of int64, shape (n_workers,)
        Position of each worker id in ascending id order (the tie-break).
    job_rank : ndarray of int64, shape (n_jobs,)
        Position of each job-order id in ascending id order.

    Returns
    -------
    EligibleGraph

    Raises
    ------
    ValueError
        If the arrays disagree in length, an index is out of range or a score is not in
        ``[0, SCALE]``.
    """
    job, worker, score = (np.asarray(a, dtype=np.int64) for a in (job, worker, score))
    n_jobs, n_workers = len(capacity), len(worker_rank)
    if not len(job) == len(worker) == len(score):
        raise ValueError("job, worker and score must have the same length")
    if len(job_rank) != n_jobs:
        raise ValueError("job_rank must have one entry per job order")
    if job.size and (job.min() < 0 or job.max() >= n_jobs):
        raise ValueError("a job index is out of range")
    if worker.size and (worker.min() < 0 or worker.max() >= n_workers):
        raise ValueError("a worker index is out of range")
    if score.size and (score.min() < 0 or score.max() > SCALE):
        raise ValueError(f"scores must be integers in [0, {SCALE}]")
    ranked = ranking_keys(True, score, np.asarray(worker_rank, np.int64)[worker], n_workers)
    below = eligible_below(n_workers)
    if n_jobs * below <= _ONE_KEY_MAX:
        # One int64 key (unique: a pair is an edge once) sorts several times faster than
        # a lexsort over two; the order is the same.
        order = np.argsort(job * below + ranked)
    else:
        order = np.lexsort((ranked, job))
    counts = np.bincount(job, minlength=n_jobs)
    return EligibleGraph(
        n_workers=n_workers,
        capacity=np.asarray(capacity, dtype=np.int64),
        ptr=np.concatenate(([0], np.cumsum(counts))).astype(np.int64),
        worker=worker[order],
        score=score[order],
        worker_rank=np.asarray(worker_rank, dtype=np.int64),
        job_rank=np.asarray(job_rank, dtype=np.int64),
    )
