"""A recruitment round end to end: score, allocate, explain, as docs/format.md records.

1. The open job orders are scored against the pool in chunks of job orders, keeping
   eligible pairs only (:func:`eligible_graph`).
2. The graph is allocated, optimally or stably, into slots or into shortlists of N x
   slots.
3. A gap pass scores the job orders that kept open slots against the whole pool with
   their gaps (``gap_scope="open"``; ``"all"`` covers every open job order, at the cost
   of one full pass per job order), again in chunks. It gives each such job order its
   blocking gates and each worker eligible nowhere the gates that blocked her most and
   whether she would be eligible but for her stated preferences.

Both passes run their chunks through a :class:`~matcher.allocation.runner.ChunkRunner`
(threads or a Dask cluster; the same result for every ``n_jobs``), can save each chunk to
a :class:`~matcher.allocation.checkpoint.Checkpoint` and resume from it, and report to a
:class:`~matcher.allocation.runner.Progress`.

**Ties.** Every order in a round, and so the allocation itself, breaks ties of the
published score by id ascending (code point order, as docs/format.md ranks): a job order's
ranking of its candidates, a worker's ranking of job orders, and the optimal allocator's
node order, from which the solver's deterministic choice among equally good allocations
follows. A caller whose ids repeat across agencies (the API's ``/batch-runs``) passes its
records under :func:`round_key`, which sorts by the id and then the agency, so records
whose ids are unique get the same round as ``selaras allocate`` gives them.

Protected attributes play no part here: the pool is :class:`matcher.scoring.facts.WorkerFacts`,
which does not carry them. The round report reads them afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from contextlib import closing
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np

from matcher.allocation.checkpoint import Checkpoint, Stage
from matcher.allocation.chunks import (
    Chunk,
    GapCounts,
    PoolPayload,
    ScoredPairs,
    count_gaps,
    gap_bytes,
    pair_bytes,
    score_pairs,
    split_orders,
)
from matcher.allocation.graph import EligibleGraph, build_graph
from matcher.allocation.optimal import optimal_allocation
from matcher.allocation.reasons import GapTally, JobGaps
from matcher.allocation.records import Record, filled, job_of, open_slots, round_records
from matcher.allocation.runner import ChunkRunner, Progress, QuietProgress
from matcher.allocation.shortlist import shortlist_capacity
from matcher.allocation.stable import stable_allocation
from matcher.arrays import Bools, Ints
from matcher.memory import collector_paused
from matcher.options import GapScope, Method
from matcher.rules.screening import ScreenedVacancy
from matcher.scoring.matching import MatchRun
from matcher.scoring.publish import id_rank
from matcher.scoring.versions import engine_versions

__all__ = [
    "ALLOCATORS",
    "STAGES",
    "GapScope",
    "Method",
    "RoundOutcome",
    "allocate",
    "allocate_round",
    "eligible_graph",
    "round_key",
    "split_round_key",
]

R = TypeVar("R")

ALLOCATORS: dict[Method, Callable[[EligibleGraph], Bools]] = {
    "optimal": optimal_allocation,
    "stable": stable_allocation,
}
"""Every allocator takes the graph (eligible pairs and each job order's slots) and returns
the chosen edges, a bool array of shape ``(n_edges,)``: each worker at most once, each job
order at most its capacity. One contract; tests/matcher/allocation/test_allocators.py
holds every allocator to it."""

STAGES = ("scoring", "allocating", "gap pass")
"""The stages a round reports to its progress, in order (units: job orders)."""

# The unit separator cannot occur in an id and sorts before every character one may hold.
_KEY_SEPARATOR = "\x1f"


def round_key(agency_id: str, record_id: str) -> str:
    """The id a record takes in a round whose ids are unique only within an agency.

    Keys sort as ``(id, agency_id)``: by the id first, so the round's tie rule (id
    ascending) is the same as for plain ids, and by the agency only between equal ids.

    Parameters
    ----------
    agency_id, record_id : str

    Returns
    -------
    str
    """
    return f"{record_id}{_KEY_SEPARATOR}{agency_id}"


def split_round_key(key: str) -> tuple[str, str]:
    """``(agency_id, id)`` of a :func:`round_key`."""
    record_id, _, agency_id = key.partition(_KEY_SEPARATOR)
    return agency_id, record_id


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
    _check_method(method)
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
        The gap counts of the job orders in the gap pass (ascending job order).
    n_refused : int
    records : list
        docs/format.md records in output order: refusals, then per open job order (input
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
        return job_of(self.graph, self.chosen)

    def filled(self) -> Ints:
        """Per job order, the workers placed (or shortlisted)."""
        return filled(self.graph, self.chosen)

    def open_slots(self) -> Ints:
        """Per job order, the slots no one fills (a shortlist fills as many as it lists)."""
        return open_slots(self.graph, self.chosen)


def _check_method(method: str) -> None:
    if method not in ALLOCATORS:
        raise ValueError(
            f"The 'method' parameter of allocate must be one of {sorted(ALLOCATORS)}. "
            f"Got {method!r}."
        )


def allocate_round(
    run: MatchRun,
    *,
    method: Method = "optimal",
    shortlist_per_slot: int | None = None,
    gap_scope: GapScope = "open",
    runner: ChunkRunner | None = None,
    checkpoint: Checkpoint | None = None,
    progress: Progress | None = None,
) -> RoundOutcome:
    """Score, allocate and explain one round.

    Parameters
    ----------
    run : MatchRun
        The pool and the screened job orders (:func:`matcher.scoring.matching.prepare_run`).
    method : {"optimal", "stable"}
    shortlist_per_slot : int or None
        Shortlists of this many candidates per slot instead of placements.
    gap_scope : {"open", "all"}
        Job orders the gap pass covers: those left with open slots, or every open one.
    runner : ChunkRunner or None
        Runs the chunks of both passes; one thread when None. The result is the same for
        every runner.
    checkpoint : Checkpoint or None
        Saves every chunk as it finishes and reuses the chunks already saved.
    progress : Progress or None
        Told each stage of :data:`STAGES` and its job orders done.

    Returns
    -------
    RoundOutcome

    Raises
    ------
    matcher.allocation.checkpoint.CheckpointError
        If ``checkpoint`` holds another round's chunks.
    """
    if gap_scope not in ("open", "all"):
        raise ValueError(
            f"The 'gap_scope' parameter of allocate_round must be 'open' or 'all'. "
            f"Got {gap_scope!r}."
        )
    _check_method(method)
    runner = runner or ChunkRunner()
    progress = progress or QuietProgress()
    if checkpoint is not None:
        checkpoint.open(
            {
                "as_of": run.params.as_of.isoformat(),
                "method": method,
                "shortlist_per_slot": str(shortlist_per_slot),
                "gap_scope": gap_scope,
                **{
                    f"version:{name}": value
                    for name, value in engine_versions(
                        rates=run.params.rates, weights=run.params.weights
                    ).items()
                },
            }
        )
    orders = tuple(v for v in run.vacancies if not v.refused)
    pool = run.pool
    payload = PoolPayload(pool, run.params)
    graph = eligible_graph(payload, orders, runner=runner, checkpoint=checkpoint, progress=progress)
    progress.start(STAGES[1], graph.n_jobs)
    chosen = allocate(graph, method=method, shortlist_per_slot=shortlist_per_slot)
    progress.advance(graph.n_jobs)

    tracked = np.flatnonzero(np.bincount(graph.worker, minlength=graph.n_workers) == 0)
    free = open_slots(graph, chosen)
    scanned = np.flatnonzero(free > 0) if gap_scope == "open" else np.arange(graph.n_jobs)
    tally, job_gaps = _gap_pass(
        payload, orders, scanned, tracked, runner=runner, checkpoint=checkpoint, progress=progress
    )
    refusals = run.refusals()
    # The records are about one object per worker and make no reference cycles, but
    # allocating them sets off full collections that walk every object the pool holds (a
    # fifth of the records' time at 100,000 workers); a process that runs another round
    # pays the skipped collection there (docs/allocation.md, "Performance").
    with collector_paused():
        records, unplaced_kind = round_records(
            refusals=refusals,
            orders=orders,
            workers=run.workers,
            graph=graph,
            chosen=chosen,
            tally=tally,
            job_gaps=job_gaps,
            scanned="with open slots" if gap_scope == "open" else "open",
            shortlist_per_slot=shortlist_per_slot,
        )
    return RoundOutcome(
        method=method,
        shortlist_per_slot=shortlist_per_slot,
        orders=orders,
        worker_ids=pool.ids,
        graph=graph,
        chosen=chosen,
        unplaced_kind=tuple(unplaced_kind),
        job_gaps=job_gaps,
        n_refused=len(refusals),
        records=records,
    )


def eligible_graph(
    payload: PoolPayload,
    orders: Sequence[ScreenedVacancy],
    *,
    runner: ChunkRunner | None = None,
    checkpoint: Checkpoint | None = None,
    progress: Progress | None = None,
) -> EligibleGraph:
    """Score job orders against the pool, in chunks, and keep the eligible pairs.

    Parameters
    ----------
    payload : PoolPayload
        The encoded pool and the run's scoring parameters.
    orders : Sequence[ScreenedVacancy]
        Job orders that are not refused; job ``j`` of the graph is ``orders[j]``.
    runner, checkpoint, progress
        As for :func:`allocate_round` (the checkpoint must be open).

    Returns
    -------
    EligibleGraph
    """
    chunks = split_orders(
        orders,
        np.arange(len(orders), dtype=np.int64),
        bytes_per_order=pair_bytes(payload.pool.n_workers),
    )
    parts: list[ScoredPairs] = list(
        _stage(
            STAGES[0],
            "score",
            score_pairs,
            payload,
            chunks,
            (),
            runner=runner or ChunkRunner(),
            checkpoint=checkpoint,
            progress=progress or QuietProgress(),
        )
    )
    empty = np.zeros(0, np.int64)
    return build_graph(
        np.concatenate([p.job for p in parts] + [empty]),
        np.concatenate([p.worker for p in parts] + [empty]),
        np.concatenate([p.score for p in parts] + [empty]),
        capacity=np.array([o.vacancy.slots for o in orders], np.int64),
        worker_rank=np.asarray(payload.pool.id_rank, dtype=np.int64),
        job_rank=id_rank([o.vacancy.id for o in orders]),
    )


def _gap_pass(
    payload: PoolPayload,
    orders: Sequence[ScreenedVacancy],
    scanned: Ints,
    tracked: Ints,
    *,
    runner: ChunkRunner,
    checkpoint: Checkpoint | None,
    progress: Progress,
) -> tuple[GapTally, dict[int, JobGaps]]:
    """Gap counts of the scanned job orders, merged chunk by chunk in job order."""
    chunks = split_orders(
        orders, scanned, bytes_per_order=gap_bytes(len(tracked), payload.pool.n_workers)
    )
    tally = GapTally(tracked)
    job_gaps: dict[int, JobGaps] = {}
    found: Generator[GapCounts, None, None] = _stage(
        STAGES[2],
        "gaps",
        count_gaps,
        payload,
        chunks,
        (tracked,),
        runner=runner,
        checkpoint=checkpoint,
        progress=progress,
    )
    for counts in found:
        tally.merge(counts.tally)
        job_gaps.update(counts.job_gaps)
    return tally, job_gaps


def _stage(
    name: str,
    stage: Stage,
    task: Callable[..., R],
    payload: PoolPayload,
    chunks: Sequence[Chunk],
    shared: tuple[Any, ...],
    *,
    runner: ChunkRunner,
    checkpoint: Checkpoint | None,
    progress: Progress,
) -> Generator[R, None, None]:
    """Each chunk's result in chunk order: loaded from the checkpoint, or computed (and
    saved) by the runner. Progress advances after a chunk is saved, so a chunk counted
    done is on disk."""
    progress.start(name, sum(len(chunk.jobs) for chunk in chunks))
    saved = {chunk.index for chunk in chunks if checkpoint and checkpoint.has(stage, chunk)}
    todo = [chunk for chunk in chunks if chunk.index not in saved]
    with closing(runner.map(task, payload, todo, *shared)) as computed:
        for chunk in chunks:
            result: R
            if checkpoint is None:
                result = next(computed)
            elif chunk.index in saved:
                result = checkpoint.load(stage, chunk, *shared)
            else:
                result = next(computed)
                checkpoint.save(stage, chunk, result)
            progress.advance(len(chunk.jobs))
            yield result
