"""Candidate generation (matcher.scoring.kernel.candidates) against the reference scorer.

The pools and job orders are test_kernel.py's (hypothesis). Ranking through the posting
lists and ranking by scanning the pool must both give the reference's order; every
criterion keeps every eligible worker; and the score bound of a worker outside a tier
holds for every worker outside it.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import Any
from unittest.mock import patch

import msgspec
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from benchmarks.synthetic import AS_OF as SYNTHETIC_AS_OF
from matcher.rules.screening import ScreenedVacancy
from matcher.scoring.encoding import encode_pool
from matcher.scoring.kernel import PoolScorer
from matcher.scoring.kernel.candidates import TIER_SHARE, CandidateIndex, Criterion, narrow
from matcher.scoring.kernel.context import Context
from matcher.scoring.kernel.plan import compile_plan
from matcher.scoring.kernel.results import TopWorkers
from matcher.scoring.matching import MatchRun
from matcher.scoring.publish import published_scores
from matcher.scoring.reference import Scorer
from tests.matcher.scoring.synthetic_runs import synthetic_run
from tests.matcher.scoring.test_kernel import AS_OF, Case, _case, _params, _reference_order, _slow

# -1: always scan the pool; 2: always gather candidates (no estimate reaches it).
SHARES = (-1.0, 2.0)
# 2: score a tier first whatever its size, so small pools take that path too.
TIERS = (TIER_SHARE, 2.0)


@_slow(40)
@given(case=_case(), k=st.sampled_from([1, 2, 3, 50, None]), copies=st.sampled_from([1, 3]))
def test_both_paths_rank_as_the_reference(case: Case, k: int | None, copies: int) -> None:
    pool, orders = case
    params = _params()
    scorer = Scorer(params)
    # Copies tie on score with the original: the id alone decides between them.
    facts = [msgspec.structs.replace(w, id=f"{w.id}.{c}") for c in range(copies) for w in pool]
    encoded = encode_pool(facts, params.taxonomy, AS_OF)
    for share, tiers in itertools.product(SHARES, TIERS):
        kernel = PoolScorer(encoded, params, dense_share=share, tier_share=tiers)
        found = kernel.top_workers(orders, k=k)
        for order, best in zip(orders, found, strict=True):
            if order.refused:
                assert best is None
                continue
            assert best is not None
            rows = [(w.id, *_outcome(scorer, w, order), i) for i, w in enumerate(facts)]
            got = list(
                zip(best.workers.tolist(), best.eligible.tolist(), best.score.tolist(), strict=True)
            )
            assert got == _reference_order(rows, k, False), (share, tiers, order.vacancy.id)


def _outcome(scorer: Scorer, worker: object, order: object) -> tuple[bool, float]:
    found = scorer.evaluate(worker, order)  # type: ignore[arg-type]
    return found.eligible, found.score


@_slow(40)
@given(case=_case())
def test_criteria_keep_every_eligible_worker_and_bounds_hold(case: Case) -> None:
    pool, orders = case
    params = _params()
    encoded = encode_pool(pool, params.taxonomy, AS_OF)
    kernel = PoolScorer(encoded, params)
    index = CandidateIndex(Context(encoded, params))
    for order in orders:
        if order.refused:
            continue
        scores = kernel.score_vacancy(order)
        eligible = np.flatnonzero(scores.eligible)
        plan = compile_plan(index.ctx, order)
        criteria = index.criteria(plan)
        if criteria is None:  # the programme is closed on the start date
            assert not len(eligible)
            continue
        rows = index.rows(criteria, dense_share=2.0)
        assert rows is not None
        assert set(eligible.tolist()) <= set(rows.tolist())
        assert index.rows(criteria, dense_share=-1.0) is None
        for criterion in criteria:
            assert set(eligible.tolist()) <= set(criterion.workers.tolist())
        published = published_scores(scores.score)
        for reach, bound in index.tiers(plan):
            outside = ~reach.mask if reach.mask is not None else None
            assert outside is not None
            assert (published[outside] <= bound).all(), order.vacancy.id


def test_criterion_keeps_by_list_or_by_mask() -> None:
    workers = np.array([1, 4, 5, 9], np.int64)
    mask = np.zeros(10, np.bool_)
    mask[workers] = True
    rows = np.arange(10, dtype=np.int64)
    assert Criterion(10, workers=workers).keep(rows).tolist() == [1, 4, 5, 9]
    assert Criterion(10, mask=mask).keep(rows).tolist() == [1, 4, 5, 9]
    assert Criterion(10, workers=np.zeros(0, np.int64)).keep(rows).tolist() == []
    assert Criterion(10, mask=mask).share == 0.4
    other = Criterion(10, workers=np.array([0, 4, 9], np.int64))
    assert narrow([Criterion(10, mask=mask), other], None).tolist() == [4, 9]
    with pytest.raises(ValueError, match="workers or its mask"):
        Criterion(10)


def test_a_list_probed_by_few_rows_searches_and_by_many_becomes_a_mask() -> None:
    listed = Criterion(100, workers=np.arange(0, 100, 3, dtype=np.int64))  # 34 workers
    assert listed.keep(np.array([3, 4, 99], np.int64)).tolist() == [3, 99]
    assert listed.mask is None  # 3 rows: a binary search each
    assert listed.keep(np.arange(10, dtype=np.int64)).tolist() == [0, 3, 6, 9]
    assert listed.mask is not None  # 10 rows: the list became a mask, kept
    assert listed.keep(np.array([3, 4, 99], np.int64)).tolist() == [3, 99]


@pytest.fixture(scope="module")
def synthetic() -> tuple[MatchRun, list[ScreenedVacancy]]:
    run = synthetic_run(1500, 24, seed=7)
    orders = [v for v in run.vacancies if not v.refused]
    # Every skill optional too: no required skill narrows them, only the score tiers can.
    optional = [
        replace(o, skills=tuple(replace(n, required=False) for n in o.skills)) for o in orders
    ]
    return run, orders + optional


# With 1,500 workers the 50th best is rarely beyond everyone else's reach; 1 and 10 are.
@pytest.mark.parametrize(("k", "tiers_hold"), [(1, True), (10, True), (50, False)])
def test_tiers_on_a_realistic_pool_rank_as_the_reference(
    synthetic: tuple[MatchRun, list[ScreenedVacancy]], k: int, tiers_hold: bool
) -> None:
    run, orders = synthetic
    encoded = encode_pool(run.workers, run.params.taxonomy, SYNTHETIC_AS_OF)
    early: list[bool] = []
    within = PoolScorer._within_tiers

    def spy(self: PoolScorer, *args: Any) -> tuple[TopWorkers, bool]:
        found = within(self, *args)
        early.append(found[1])
        return found

    with patch.object(PoolScorer, "_within_tiers", spy):
        fast = PoolScorer(encoded, run.params).top_workers(orders, k=k)
    slow = PoolScorer(encoded, run.params, dense_share=-1.0, tier_share=-1.0).top_workers(
        orders, k=k
    )
    assert any(early) or not tiers_hold, "no job order was ranked from a tier alone"
    for order, a, b in zip(orders, fast, slow, strict=True):
        assert a is not None
        assert b is not None
        assert a.workers.tolist() == b.workers.tolist(), order.vacancy.id
        assert a.score.tolist() == b.score.tolist(), order.vacancy.id
    # And the scan is the reference's order (checked on a few job orders: it is slow).
    for order, found in list(zip(orders, fast, strict=True))[:: max(1, len(orders) // 4)]:
        assert found is not None
        rows = [(w.id, *_outcome(run.scorer, w, order), i) for i, w in enumerate(run.workers)]
        got = list(
            zip(found.workers.tolist(), found.eligible.tolist(), found.score.tolist(), strict=True)
        )
        assert got == _reference_order(rows, k, False), order.vacancy.id


@_slow(30)
@given(
    case=_case(),
    k=st.sampled_from([1, 3, None]),
    include_ineligible=st.booleans(),
    data=st.data(),
)
def test_among_ranks_only_those_workers(
    case: Case, k: int | None, include_ineligible: bool, data: st.DataObject
) -> None:
    pool, orders = case
    params = _params()
    scorer = Scorer(params)
    encoded = encode_pool(pool, params.taxonomy, AS_OF)
    among = np.array(data.draw(st.lists(st.booleans(), min_size=len(pool), max_size=len(pool))))
    found = PoolScorer(encoded, params).top_workers(
        orders, k=k, include_ineligible=include_ineligible, among=among
    )
    for order, best in zip(orders, found, strict=True):
        if order.refused:
            continue
        assert best is not None
        rows = [(w.id, *_outcome(scorer, w, order), i) for i, w in enumerate(pool) if among[i]]
        got = list(
            zip(best.workers.tolist(), best.eligible.tolist(), best.score.tolist(), strict=True)
        )
        assert got == _reference_order(rows, k, include_ineligible), order.vacancy.id


def test_among_must_cover_the_pool() -> None:
    params = _params()
    encoded = encode_pool([], params.taxonomy, AS_OF)
    with pytest.raises(ValueError, match="'among' must have shape"):
        PoolScorer(encoded, params).top_workers([], among=np.ones(3, np.bool_))


@pytest.mark.parametrize("include_ineligible", [False, True])
def test_ranking_in_forked_processes_gives_the_same_answer(
    synthetic: tuple[MatchRun, list[ScreenedVacancy]], include_ineligible: bool
) -> None:
    run, orders = synthetic
    # A refused job order among them keeps its place (None) whichever process ranks it.
    refused = next(v for v in run.vacancies if v.refused)
    asked = [*orders[:5], refused, *orders[5:]]
    encoded = encode_pool(run.workers, run.params.taxonomy, SYNTHETIC_AS_OF)
    among = np.arange(encoded.n_workers) % 3 != 0
    here = PoolScorer(encoded, run.params).top_workers(
        asked, k=10, include_ineligible=include_ineligible, among=among
    )
    for n_jobs in (2, 3, -1):
        forked = PoolScorer(encoded, run.params).top_workers(
            asked, k=10, include_ineligible=include_ineligible, among=among, n_jobs=n_jobs
        )
        assert len(forked) == len(here)
        for a, b in zip(here, forked, strict=True):
            if a is None:
                assert b is None
                continue
            assert b is not None
            for field in ("workers", "eligible", "score"):
                assert getattr(a, field).tolist() == getattr(b, field).tolist()


def test_n_jobs_must_be_a_count_or_minus_one() -> None:
    params = _params()
    encoded = encode_pool([], params.taxonomy, AS_OF)
    for wrong in (0, True, 1.5):
        with pytest.raises(ValueError, match="'n_jobs' must be an int other than 0"):
            PoolScorer(encoded, params).top_workers([], n_jobs=wrong)  # type: ignore[arg-type]
