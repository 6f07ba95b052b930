"""``selaras match`` output: a record for every job order (or worker), matched or not.

A job order with no eligible worker gets a ``{"vacancy_id", "eligible_candidates": 0,
"reasons"}`` record in its place in the output (before any ineligible pairs listed for it),
and with ``--for workers`` a worker eligible for no job order gets ``{"worker_id",
"eligible_job_orders": 0, "reasons"}``: silence never means "nothing fits". The reasons are
the gates that blocked the most, counted by the allocation round's gap tally
(:mod:`matcher.allocation.reasons`) over the whole pool from the kernel's gap counts
(:meth:`~matcher.scoring.kernel.PoolScorer.count_gaps`), so ``match`` and ``allocate`` name
the same gates in the same words.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np

from matcher.allocation.reasons import (
    TOP_GAPS,
    GapTally,
    unfilled_reasons,
    worker_gate_reasons,
)
from matcher.options import Direction
from matcher.scoring.matching import MatchRun
from matcher.text.messages import Lang
from models.results import MatchResult, NoEligibleCandidates, NoEligibleJobOrders

__all__ = ["match_records"]


def match_records(
    run: MatchRun, direction: Direction, top: int, include_ineligible: bool, lang: Lang
) -> Iterator[dict[str, Any]]:
    """Every record ``selaras match`` writes, in order.

    Parameters
    ----------
    run : MatchRun
        The pool and the screened job orders.
    direction : {"vacancies", "workers"}
        Rank workers per job order, or job orders per worker.
    top : int
        How many per job order (or worker); 0 means all.
    include_ineligible : bool
        Also list ineligible pairs, with their gaps.
    lang : {"en", "id"}
        Language of every detail.

    Yields
    ------
    dict
        Refusals first; then, by job order (or worker) in input order, a no-eligible record
        when none of its pairs is eligible, then its ranked results.
    """
    for refusal in run.refusals(lang):
        yield refusal.model_dump()
    results = run.rank(direction, top, include_ineligible, lang)
    if direction == "vacancies":
        yield from _by_job_order(run, results, lang)
    else:
        yield from _by_worker(run, results, lang)


def _by_job_order(
    run: MatchRun, results: Iterable[MatchResult], lang: Lang
) -> Iterator[dict[str, Any]]:
    """Stream the results, adding a record where a job order has no eligible worker."""
    grouped = itertools.groupby(results, key=lambda r: r.vacancy_id)
    pending = next(grouped, None)
    for screened in (v for v in run.vacancies if not v.refused):
        rows: list[MatchResult] = []
        if pending is not None and pending[0] == screened.vacancy.id:
            rows = list(pending[1])
            pending = next(grouped, None)
        if not any(r.eligible for r in rows):
            tally = GapTally(np.zeros(0, np.int64))
            gaps = tally.add(run.kernel.count_gaps([screened])[0])
            reasons = unfilled_reasons(gaps, eligible=0, placed_elsewhere=0, lang=lang)
            record = NoEligibleCandidates(vacancy_id=screened.vacancy.id, reasons=reasons)
            yield record.model_dump(exclude_none=True)  # reasons name no source
        yield from (r.model_dump() for r in rows)


def _by_worker(
    run: MatchRun, results: Iterable[MatchResult], lang: Lang
) -> Iterator[dict[str, Any]]:
    """The results by worker, with a record for each worker eligible for no job order.

    A worker's reasons count her gaps over every open job order, so the results are read
    whole first to know whom to count for.
    """
    by_worker = {
        worker_id: list(rows)
        for worker_id, rows in itertools.groupby(results, key=lambda r: r.worker_id)
    }
    empty = [
        i
        for i, worker in enumerate(run.workers)
        if not any(r.eligible for r in by_worker.get(worker.id, ()))
    ]
    reasons = {}
    if empty:
        tally = GapTally(np.asarray(empty, np.int64))
        scorer = run.kernel
        # One job order at a time: the kernel keeps each requirement's mask between calls,
        # and only one job order's tracked-worker gaps are held at once.
        for screened in run.vacancies:
            if not screened.refused:
                tally.add(scorer.count_gaps([screened], tracked=tally.tracked)[0])
        labels, index, count = tally.top(TOP_GAPS)
        for row, i in enumerate(empty):
            gates = [
                (labels[j], int(n)) for j, n in zip(index[row], count[row], strict=True) if j >= 0
            ]
            reasons[i] = worker_gate_reasons(gates, lang)
    for i, worker in enumerate(run.workers):
        if i in reasons:
            record = NoEligibleJobOrders(worker_id=worker.id, reasons=reasons[i])
            yield record.model_dump(exclude_none=True)
        yield from (r.model_dump() for r in by_worker.get(worker.id, ()))
