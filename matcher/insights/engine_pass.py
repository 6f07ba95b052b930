"""One pass of the engine for the policy tables: who is eligible, who is one gap away, and
who the optimal allocation places.

1. The pool is encoded once and the open job orders are scored against it, pruned, for
   the eligible graph (:func:`matcher.allocation.round.eligible_graph`), which the optimal
   allocator allocates (:func:`matcher.allocation.round.allocate`): the round of
   ``selaras allocate --method optimal``, pair for pair.
2. Every open job order runs the kernel's gates over the whole pool
   (:meth:`matcher.scoring.kernel.PoolScorer.count_gaps`: each requirement's mask once,
   for every job order that asks it), and the workers with exactly one gap are kept with
   that gap: the same "only gap" as the round's
   unfilled reasons count (:class:`matcher.allocation.reasons.GapTally`), but as pairs,
   because the tables count distinct workers per cell and a worker can be one gap away
   from many job orders of one cell.

Both passes run in chunks of job orders on a :class:`~matcher.allocation.runner.ChunkRunner`
(threads here), so ``n_jobs`` changes the time, never the result. Everything the pass
returns is arrays over job orders, workers and pairs; nothing here reads a person's
record beyond the facts the engine already reads.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass

import numpy as np

from matcher.allocation.chunks import Chunk, PoolPayload, split_orders
from matcher.allocation.graph import EligibleGraph
from matcher.allocation.round import allocate, eligible_graph
from matcher.allocation.runner import ChunkRunner
from matcher.arrays import Bools, Ints
from matcher.rules.screening import ScreenedVacancy
from matcher.scoring.encoding import EncodedPool
from matcher.scoring.kernel import PoolScorer
from matcher.scoring.matching import MatchRun

__all__ = ["EnginePass", "OneGaps", "Timings", "one_gaps", "run_engine_pass"]

Label = tuple[str, str]

# The one-gap pass keeps, per job order, the one-gap pairs it finds (job, worker and gap as
# int64, at most one per worker); the gates' bitsets (a bit a worker) are kept by the kernel.
_ONE_GAP_BYTES = 24


class Timings(dict[str, float]):
    """Seconds per phase, added up: ``with timings("score"): ...``; the process's CPU
    seconds per phase in :attr:`cpu` (the steadier figure on a shared machine)."""

    def __init__(self, **seconds: float) -> None:
        super().__init__(**seconds)
        self.cpu: dict[str, float] = {}

    @contextmanager
    def __call__(self, phase: str) -> Iterator[None]:
        start, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self[phase] = self.get(phase, 0.0) + time.perf_counter() - start
            self.cpu[phase] = self.cpu.get(phase, 0.0) + time.process_time() - cpu


@dataclass(frozen=True)
class OneGaps:
    """Workers with exactly one gap, per job order.

    Attributes
    ----------
    job : ndarray of int64, shape (n_pairs,)
        Position of the job order among the open ones.
    worker : ndarray of int64, shape (n_pairs,)
        Pool index.
    label : ndarray of int64, shape (n_pairs,)
        The gap, an index into ``labels``.
    labels : tuple of (kind, requirement)
        Every gate of the job orders passed over, in the order first seen.
    job_labels : tuple of tuple of int
        Per job order passed over (``jobs`` order), its gates that block at least one
        worker, as indices into ``labels``.
    jobs : ndarray of int64
        The job orders passed over.
    """

    job: Ints
    worker: Ints
    label: Ints
    labels: tuple[Label, ...]
    job_labels: tuple[tuple[int, ...], ...]
    jobs: Ints


def one_gaps(payload: PoolPayload, chunk: Chunk) -> OneGaps:
    """Run the gates of the chunk's job orders over the whole pool; keep one-gap workers.

    A chunk task for :meth:`ChunkRunner.map`: plain arrays out, so chunks merge in any
    order into the same result.

    Parameters
    ----------
    payload : PoolPayload
        The encoded pool and the run's parameters.
    chunk : Chunk
        Job orders (none refused).

    Returns
    -------
    OneGaps
    """
    index: dict[Label, int] = {}
    jobs, workers, labels, job_labels = [], [], [], []
    counts = payload.pool_scorer().count_gaps(chunk.orders)
    for j, found in zip(chunk.jobs, counts, strict=True):
        ids = np.array([index.setdefault(lb, len(index)) for lb in found.labels], np.int64)
        job_labels.append(tuple(ids[found.blocked > 0].tolist()) if len(ids) else ())
        if not len(ids):
            continue
        jobs.append(np.full(found.alone.size, j, np.int64))
        workers.append(found.alone)
        labels.append(ids[found.alone_label])
    return _joined(jobs, workers, labels, index, job_labels, np.asarray(chunk.jobs, np.int64))


def _joined(
    jobs: list[Ints],
    workers: list[Ints],
    labels: list[Ints],
    index: dict[Label, int],
    job_labels: list[tuple[int, ...]],
    passed: Ints,
) -> OneGaps:
    """A :class:`OneGaps` from its pieces: pair arrays joined, labels in index order."""
    empty = np.zeros(0, np.int64)
    return OneGaps(
        job=np.concatenate([*jobs, empty]),
        worker=np.concatenate([*workers, empty]),
        label=np.concatenate([*labels, empty]),
        labels=tuple(index),
        job_labels=tuple(job_labels),
        jobs=passed,
    )


def _merge(parts: list[OneGaps], n_jobs: int) -> OneGaps:
    """One :class:`OneGaps` over every chunk, labels renumbered in first-seen order."""
    index: dict[Label, int] = {}
    jobs, workers, labels = [], [], []
    job_labels: list[tuple[int, ...]] = [() for _ in range(n_jobs)]
    for part in parts:
        remap = np.array([index.setdefault(lb, len(index)) for lb in part.labels], np.int64)
        jobs.append(part.job)
        workers.append(part.worker)
        labels.append(remap[part.label] if part.label.size else part.label)
        for j, own in zip(part.jobs.tolist(), part.job_labels, strict=True):
            job_labels[j] = tuple(remap[list(own)].tolist()) if own else ()
    return _joined(jobs, workers, labels, index, job_labels, np.arange(n_jobs, dtype=np.int64))


@dataclass(frozen=True)
class EnginePass:
    """What the policy tables are counted from.

    Attributes
    ----------
    orders : tuple of ScreenedVacancy
        The open (not refused) job orders; job ``j`` of the graph and of ``one_gaps``.
    pool : EncodedPool
        The workers, encoded; worker ``i`` is ``run.workers[i]``.
    graph : EligibleGraph
        Every eligible pair, with its score.
    chosen : ndarray of bool, shape (n_edges,)
        The optimal allocation's edges.
    one_gaps : OneGaps
        The one-gap pairs of every open job order.
    scorer : PoolScorer
        The pool's kernel, with the tables it derived during the pass.
    """

    orders: tuple[ScreenedVacancy, ...]
    pool: EncodedPool
    graph: EligibleGraph
    chosen: Bools
    one_gaps: OneGaps
    scorer: PoolScorer


def run_engine_pass(
    run: MatchRun, *, runner: ChunkRunner | None = None, timings: Timings | None = None
) -> EnginePass:
    """Score, allocate optimally and find the one-gap workers of every open job order.

    Parameters
    ----------
    run : MatchRun
        The pool and the screened job orders (:func:`matcher.scoring.matching.prepare_run`).
    runner : ChunkRunner or None
        Runs the chunks of both passes; one thread when None. The result is the same for
        every runner.
    timings : Timings or None
        Told the seconds of each phase: ``encode``, ``score``, ``allocate``, ``one_gaps``.

    Returns
    -------
    EnginePass
    """
    runner = runner or ChunkRunner()
    clock = timings if timings is not None else Timings()
    orders = tuple(v for v in run.vacancies if not v.refused)
    with clock("encode"):
        pool = run.pool  # the run's one encoding (a snapshot's, or encoded here on first use)
    payload = PoolPayload(pool, run.params)
    with clock("score"):
        graph = eligible_graph(payload, orders, runner=runner)
    with clock("allocate"):
        chosen = allocate(graph, method="optimal")
    chunks = split_orders(
        orders,
        np.arange(len(orders), dtype=np.int64),
        bytes_per_order=_ONE_GAP_BYTES * max(pool.n_workers, 1),
    )
    with clock("one_gaps"), closing(runner.map(one_gaps, payload, chunks)) as found:
        parts = list(found)
    return EnginePass(
        orders, pool, graph, chosen, _merge(parts, len(orders)), payload.pool_scorer()
    )
