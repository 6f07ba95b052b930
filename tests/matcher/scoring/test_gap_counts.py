"""Gap counts (``PoolScorer.count_gaps``) against the gaps of ``score_vacancy``.

The pools and job orders are test_kernel.py's (hypothesis), and a synthetic pool large
enough for bitsets of many words. The counts are held to an obvious computation over the
gap matrix of ``score_vacancy`` (itself held to the reference scorer in test_kernel.py):
per gate the workers it blocks and for whom it is the only gap, the workers with exactly
one gap and which, and the gaps of tracked workers. The bitsets kept across job orders
are exercised by counting each job order twice, in other orders, with a cache that keeps
everything and one that keeps almost nothing, and with chunks of a few workers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from benchmarks.synthetic import AS_OF as SYNTHETIC_AS_OF
from matcher.arrays import Ints
from matcher.rules.screening import ScreenedVacancy
from matcher.scoring.encoding import encode_pool
from matcher.scoring.kernel import (
    GateCounts,
    PoolScorer,
    VacancyScores,
    counts_from_gaps,
    pool_scorer,
)
from matcher.scoring.kernel.context import Context
from matcher.scoring.kernel.plan import Plan
from matcher.scoring.matching import MatchRun
from tests.matcher.scoring.synthetic_runs import synthetic_run
from tests.matcher.scoring.test_kernel import AS_OF, Case, _case, _params, _slow

# A memory budget of a few rows a chunk (see pool_scorer._chunk_rows).
_FEW_ROWS = 5 * 600


def _expected(scores: VacancyScores, tracked: Ints) -> GateCounts:
    """The counts of a gap matrix, computed the obvious way."""
    gaps = scores.gaps
    per_worker = gaps.sum(axis=0)
    alone = np.flatnonzero(per_worker == 1)
    return GateCounts(
        labels=scores.gap_labels,
        blocked=gaps.sum(axis=1),
        only=gaps[:, alone].sum(axis=1),
        alone=alone,
        alone_label=np.argmax(gaps[:, alone], axis=0) if len(alone) else alone,
        tracked=gaps[:, tracked],
    )


def _assert_same(found: GateCounts, expected: GateCounts, where: str) -> None:
    assert found.labels == expected.labels, where
    for name in ("blocked", "only", "alone", "alone_label", "tracked"):
        mine, theirs = getattr(found, name), getattr(expected, name)
        assert mine.shape == theirs.shape, (where, name)
        assert np.array_equal(mine, theirs), (where, name, mine, theirs)


def _check(scorer: PoolScorer, orders: list[ScreenedVacancy], tracked: Ints) -> None:
    expected = [_expected(scorer.score_vacancy(o, with_score=False), tracked) for o in orders]
    for o, e in zip(orders, expected, strict=True):
        from_matrix = counts_from_gaps(scorer.score_vacancy(o).gaps, e.labels, tracked)
        _assert_same(from_matrix, e, o.vacancy.id)
    # Each job order twice, the second time in reverse, so that later ones meet bitsets
    # kept for other job orders (under other labels); then with a cache of one bitset
    # (evicting all the time) and chunks of a few workers, filling bitsets chunk by chunk.
    twice = orders + orders[::-1]
    cold = PoolScorer(scorer.pool, scorer.params, mask_cache_bytes=1)
    for found in (
        scorer.count_gaps(twice, tracked=tracked),
        cold.count_gaps(twice, tracked=tracked, memory_budget=_FEW_ROWS),
    ):
        for f, e, o in zip(found, expected + expected[::-1], twice, strict=True):
            _assert_same(f, e, o.vacancy.id)


@_slow(40)
@given(case=_case(), picks=st.lists(st.integers(0, 40), max_size=6))
def test_counts_equal_the_gap_matrix_of_score_vacancy(case: Case, picks: list[int]) -> None:
    pool_facts, orders = case
    params = _params()
    scorer = PoolScorer(encode_pool(pool_facts, params.taxonomy, AS_OF), params)
    tracked = np.array([p % scorer.pool.n_workers for p in picks], np.int64)
    open_orders = [o for o in orders if not o.refused]
    # The same requirements a day later: a validity edge of the pool (see Hints).
    later = [replace(o, day=o.day + dt.timedelta(days=1)) for o in open_orders]
    _check(scorer, open_orders + later, tracked)


@pytest.fixture(scope="module")
def synthetic() -> MatchRun:
    return synthetic_run(1000, 40, seed=11)


def test_counts_on_a_synthetic_pool_equal_the_gap_matrix(synthetic: MatchRun) -> None:
    """1,000 workers (16 words a bitset), job orders sharing requirements, the same with
    every skill optional, and some starting a month later."""
    orders = [v for v in synthetic.vacancies if not v.refused]
    optional = [
        replace(o, skills=tuple(replace(n, required=False) for n in o.skills)) for o in orders
    ]
    later = [replace(o, day=o.day + dt.timedelta(days=31)) for o in orders[:10]]
    tracked = np.arange(0, synthetic.pool.n_workers, 7, dtype=np.int64)
    _check(PoolScorer(synthetic.pool, synthetic.params), orders + optional + later, tracked)


def test_a_refused_job_order_is_an_error(synthetic: MatchRun) -> None:
    refused = next(v for v in synthetic.vacancies if v.refused)
    scorer = PoolScorer(synthetic.pool, synthetic.params)
    with pytest.raises(ValueError, match=f"job order {refused.vacancy.id} is refused"):
        scorer.count_gaps([refused])


def test_an_empty_pool_counts_nothing(synthetic: MatchRun) -> None:
    pool = encode_pool([], synthetic.params.taxonomy, SYNTHETIC_AS_OF)
    orders = [v for v in synthetic.vacancies if not v.refused][:5]
    _check(PoolScorer(pool, synthetic.params), orders, np.zeros(0, np.int64))


def test_plans_are_compiled_once_per_job_order_and_evicted_beyond_the_limit(
    synthetic: MatchRun, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A round scores and then counts the same job orders: each is compiled once while
    kept, again after it was dropped, and a kept plan gives the answers of a fresh one."""
    compiled: list[str] = []
    compile_plan = pool_scorer.compile_plan

    def counting(ctx: Context, screened: ScreenedVacancy) -> Plan:
        compiled.append(screened.vacancy.id)
        return compile_plan(ctx, screened)

    monkeypatch.setattr(pool_scorer, "compile_plan", counting)
    orders = [v for v in synthetic.vacancies if not v.refused]
    tracked = np.arange(0, synthetic.pool.n_workers, 5, dtype=np.int64)
    fresh = [PoolScorer(synthetic.pool, synthetic.params).count_gaps([o], tracked=tracked)[0]
             for o in orders]  # fmt: skip
    scorer = PoolScorer(synthetic.pool, synthetic.params)
    compiled.clear()
    best = scorer.top_workers(orders, k=None)
    counts = scorer.count_gaps(orders, tracked=tracked)
    assert compiled == [o.vacancy.id for o in orders]
    for mine, theirs in zip(counts, fresh, strict=True):
        assert mine.labels == theirs.labels
        assert np.array_equal(mine.blocked, theirs.blocked)
        assert np.array_equal(mine.only, theirs.only)
        assert np.array_equal(mine.tracked, theirs.tracked)
    again = scorer.top_workers(orders, k=None)  # kept plans, kept masks
    for first, second in zip(best, again, strict=True):
        assert first is not None
        assert second is not None
        assert np.array_equal(first.workers, second.workers)
        assert np.array_equal(first.score, second.score)
    assert len(compiled) == len(orders)
    # A copy of a job order is another object: compiled again.
    scorer.count_gaps([replace(orders[0])], tracked=tracked)
    assert len(compiled) == len(orders) + 1
    monkeypatch.setattr(pool_scorer, "PLANS_KEPT", 2)
    small = PoolScorer(synthetic.pool, synthetic.params)
    compiled.clear()
    small.count_gaps(orders[:3], tracked=tracked)
    small.count_gaps(orders[:3], tracked=tracked)  # the first was dropped, then the others
    assert compiled == [o.vacancy.id for o in orders[:3]] * 2
