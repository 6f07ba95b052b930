"""The two scoring passes of a round as tasks over chunks of job orders.

A round scores job orders twice: once, pruned, for the eligible pairs (the graph), and
once more, with every worker's gaps, for the job orders whose reasons are needed (the gap
pass). Both split into independent chunks of job orders, whose results merge exactly in
any order: pairs are concatenated, gap counts are integer sums. A task takes the
:class:`PoolPayload` and one chunk and returns plain arrays, so it can run in a thread, in
another process or on a Dask worker, and its result can be saved as a checkpoint.

Chunk sizes follow a memory budget and the number of job orders only, never the number
of parallel jobs: every ``n_jobs`` splits the round the same way, so a checkpoint written
with one value resumes with another.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from matcher.allocation.reasons import GapTally, JobGaps
from matcher.arrays import Ints
from matcher.rules.screening import ScreenedVacancy
from matcher.scoring.encoding import EncodedPool
from matcher.scoring.kernel import DEFAULT_MEMORY_BUDGET, PoolScorer
from matcher.scoring.params import ScoringParams
from matcher.scoring.publish import published_scores

__all__ = [
    "MIN_CHUNKS",
    "Chunk",
    "GapCounts",
    "PoolPayload",
    "ScoredPairs",
    "count_gaps",
    "gap_bytes",
    "pair_bytes",
    "score_pairs",
    "split_orders",
]

MIN_CHUNKS = 32
"""Chunks a pass is split into at least (when it has that many job orders): enough steps
for the progress bar, for checkpoints and for balancing the load between jobs."""


# Largest possible result of one job order, in bytes, per worker the result can hold:
# an eligible pair is three int64 (job, worker, score); a gap pass keeps int32 counts per
# tracked worker for each new gate, about eight per job order.
_PAIR_BYTES = 24
_GAP_BYTES = 8 * 4


# Scorers built from unpickled payloads in this process, by payload token: a worker
# process of a process pool gets a fresh copy of the payload with every task.
_BUILT: dict[str, PoolScorer] = {}
_BUILT_KEPT = 2
_BUILT_LOCK = threading.Lock()


class PoolPayload:
    """What every task needs: the encoded pool and the run's scoring parameters.

    The :class:`PoolScorer` (with the tables it derives from the pool) is built on first
    use and kept with the payload: once per round in this process, once per worker
    process on a Dask cluster, where the scattered payload lives for the whole pass, and
    once per round in a loky worker process, which gets a copy of the payload with every
    task (copies share a token; the process keeps the scorers of the last two). It is
    not pickled.

    Parameters
    ----------
    pool : EncodedPool
    params : ScoringParams
    """

    def __init__(self, pool: EncodedPool, params: ScoringParams) -> None:
        self.pool = pool
        self.params = params
        self._token = uuid.uuid4().hex
        self._copy = False  # unpickled: other copies may follow in this process
        self._lock = threading.Lock()
        self._built: PoolScorer | None = None

    def pool_scorer(self) -> PoolScorer:
        """The pool's scorer, built on first use (thread-safe)."""
        with self._lock:
            if self._built is None:
                self._built = PoolScorer(self.pool, self.params)
                if self._copy:  # for the next copy unpickled in this process
                    with _BUILT_LOCK:
                        while len(_BUILT) >= _BUILT_KEPT:
                            _BUILT.pop(next(iter(_BUILT)))
                        _BUILT[self._token] = self._built
            return self._built

    def __getstate__(self) -> tuple[EncodedPool, ScoringParams, str]:
        return self.pool, self.params, self._token

    def __setstate__(self, state: tuple[EncodedPool, ScoringParams, str]) -> None:
        # A process pool (loky) unpickles the payload once per task: the scorer built
        # for an earlier copy of the same payload in this process is reused.
        self.pool, self.params, self._token = state
        self._copy = True
        self._lock = threading.Lock()
        with _BUILT_LOCK:
            self._built = _BUILT.get(self._token)


@dataclass(frozen=True)
class Chunk:
    """Job orders of one task.

    Attributes
    ----------
    index : int
        Position of the chunk in its pass (names its checkpoint file).
    jobs : ndarray of int64, shape (n,)
        Positions of the job orders among the round's open job orders.
    orders : tuple of ScreenedVacancy
        The job orders themselves, ``orders[jobs[i]]``.
    """

    index: int
    jobs: Ints
    orders: tuple[ScreenedVacancy, ...]


@dataclass(frozen=True)
class ScoredPairs:
    """Eligible pairs of a chunk of job orders.

    Attributes
    ----------
    job, worker : ndarray of int64, shape (n_pairs,)
        Job order (position among the open ones) and worker (pool index).
    score : ndarray of int64, shape (n_pairs,)
        Published score times :data:`matcher.scoring.publish.SCALE`.
    """

    job: Ints
    worker: Ints
    score: Ints


@dataclass(frozen=True)
class GapCounts:
    """The gap pass over a chunk of job orders.

    Attributes
    ----------
    job_gaps : dict of int to JobGaps
        Gap counts of each job order of the chunk, by position among the open ones.
    tally : GapTally
        Per tracked worker, the job orders of the chunk each gate blocked.
    """

    job_gaps: dict[int, JobGaps]
    tally: GapTally


def split_orders(
    orders: Sequence[ScreenedVacancy],
    jobs: Ints,
    *,
    bytes_per_order: int,
    memory_budget: int = DEFAULT_MEMORY_BUDGET,
) -> list[Chunk]:
    """Split job orders into chunks that each fit a memory budget.

    Parameters
    ----------
    orders : Sequence[ScreenedVacancy]
        The round's open job orders.
    jobs : ndarray of int64, shape (n,)
        The positions to split (all of them for scoring, some for the gap pass).
    bytes_per_order : int
        Largest result of one job order, in bytes.
    memory_budget : int
        Bytes a chunk's result may take.

    Returns
    -------
    list of Chunk
        At least :data:`MIN_CHUNKS` chunks when there are that many job orders, in order.
    """
    jobs = np.asarray(jobs, dtype=np.int64)
    by_budget = max(1, memory_budget // max(bytes_per_order, 1))
    size = max(1, min(by_budget, len(jobs) // MIN_CHUNKS))
    return [
        Chunk(index, part, tuple(orders[j] for j in part))
        for index, part in enumerate(jobs[lo : lo + size] for lo in range(0, len(jobs), size))
    ]


def pair_bytes(n_workers: int) -> int:
    """Largest eligible-pair result of one job order, in bytes."""
    return _PAIR_BYTES * max(n_workers, 1)


def gap_bytes(n_tracked: int, n_workers: int) -> int:
    """Largest gap-pass result of one job order, in bytes (and a bool matrix in flight)."""
    return _GAP_BYTES * max(n_tracked, 1) + max(n_workers, 1)


def score_pairs(payload: PoolPayload, chunk: Chunk) -> ScoredPairs:
    """Eligible pairs of the chunk's job orders (exactly pruned, every eligible worker).

    Raises
    ------
    ValueError
        If a job order of the chunk is refused.
    """
    found = payload.pool_scorer().top_workers(chunk.orders, k=None)
    jobs, workers, scores = [], [], []
    for j, order, best in zip(chunk.jobs, chunk.orders, found, strict=True):
        if best is None:
            raise ValueError(f"job order {order.vacancy.id} is refused")
        jobs.append(np.full(len(best.workers), j, np.int64))
        workers.append(np.asarray(best.workers, np.int64))
        scores.append(published_scores(best.score))
    empty = np.zeros(0, np.int64)
    return ScoredPairs(
        job=np.concatenate(jobs) if jobs else empty,
        worker=np.concatenate(workers) if workers else empty,
        score=np.concatenate(scores) if scores else empty,
    )


def count_gaps(payload: PoolPayload, chunk: Chunk, tracked: Ints) -> GapCounts:
    """Run the gates of the chunk's job orders over the whole pool, and count the gaps.

    The kernel's gap counts (:meth:`PoolScorer.count_gaps`): the scores are not
    computed, only which gates block whom, each gate's mask once for the job orders of
    the pass that ask the same requirement.

    Parameters
    ----------
    payload : PoolPayload
    chunk : Chunk
    tracked : ndarray of int64, shape (n_tracked,)
        Workers whose gaps are counted per gate across job orders (those eligible
        nowhere).

    Returns
    -------
    GapCounts
    """
    tally = GapTally(tracked)
    counts = payload.pool_scorer().count_gaps(chunk.orders, tracked=tally.tracked)
    job_gaps = {int(j): tally.add(c) for j, c in zip(chunk.jobs, counts, strict=True)}
    return GapCounts(job_gaps, tally)
