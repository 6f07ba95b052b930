"""Reasons: best ranks of unplaced workers, gap tallies, and the texts built from them."""

from __future__ import annotations

import numpy as np
import pytest

from matcher.allocation import reasons
from matcher.allocation.graph import build_graph
from matcher.allocation.reasons import (
    GapTally,
    best_ranks,
    ineligible_reason,
    outcompeted_reason,
    unfilled_reasons,
)
from matcher.scoring.kernel import PoolScorer, VacancyScores
from models.results import GAP_KINDS
from tests.matcher.scoring.synthetic_runs import synthetic_run

LANGUAGE = ("language", "JLPT N4 or JFT-Basic A2")
COUNTRY = ("preference", "countries")
AGE = ("age", "age <= 30")


def test_best_rank_of_each_unplaced_worker() -> None:
    # Job 0 (1 slot): workers 0, 1, 2 in that order; job 1 (1 slot): workers 0, 2.
    graph = build_graph(
        np.array([0, 0, 0, 1, 1]),
        np.array([0, 1, 2, 0, 2]),
        np.array([9000, 8000, 7000, 9000, 6000]),
        capacity=np.array([1, 1]),
        worker_rank=np.arange(4),
        job_rank=np.arange(2),
    )
    chosen = np.array([True, False, False, False, True])  # worker 0 -> job 0, 2 -> job 1
    job, rank = best_ranks(graph, chosen)
    assert job.tolist() == [-1, 0, -1, -1]
    assert rank.tolist() == [0, 2, 0, 0]
    assert outcompeted_reason("JO-1", 2, 1, None).detail == "best rank 2 for JO-1 (1 slot)"
    assert outcompeted_reason("JO-1", 14, 10, 30).detail == (
        "best rank 14 for JO-1 (10 slots, shortlist of 30)"
    )


def _scores(gaps: list[list[bool]], labels: tuple) -> VacancyScores:
    matrix = np.array(gaps, np.bool_)
    return VacancyScores(
        eligible=~matrix.any(axis=0),
        score=np.zeros(matrix.shape[1]),
        gaps=matrix,
        gap_labels=labels,
    )


def test_gap_tally_counts_per_job_and_per_tracked_worker() -> None:
    tally = GapTally(np.array([0, 1, 2]))
    # Job A over workers 0..3: worker 0 lacks the language and prefers other countries,
    # worker 1 only prefers other countries, worker 2 is too old, worker 3 is eligible.
    first = tally.add(
        _scores(
            [[True, False, False, False], [True, True, False, False], [False, False, True, False]],
            (LANGUAGE, COUNTRY, AGE),
        )
    )
    assert first.labels == (COUNTRY, LANGUAGE, AGE)  # two blocked by preference first
    assert first.blocked.tolist() == [2, 1, 1]
    assert first.only.tolist() == [1, 0, 1]
    # Job B: worker 0 lacks the language, worker 2 too.
    tally.add(_scores([[True, False, True, False]], (LANGUAGE,)))
    assert tally.n_jobs == 2
    assert tally.outside_preferences.tolist() == [0, 1, 0]
    labels, index, count = tally.top(k=2)
    assert labels == (LANGUAGE, AGE, COUNTRY)  # kinds in docs/format.md's order
    named = [[labels[i] if i >= 0 else None for i in row] for row in index]
    assert named[0] == [LANGUAGE, COUNTRY]  # language blocked 2 job orders, country 1
    assert count[0].tolist() == [2, 1]
    assert named[1] == [COUNTRY, None]
    assert named[2] == [LANGUAGE, AGE]  # tie at 1: language before age


def test_a_tally_counts_past_a_byte_and_merges_while_adding() -> None:
    """Counts beyond 255 job orders per gate (carried over from the bytes kept between
    reads), read, merged and read again midway, equal the plain sums."""
    rng = np.random.default_rng(3)
    n_tracked, labels = 40, (LANGUAGE, AGE, COUNTRY)
    gaps = rng.random((700, len(labels), n_tracked)) < 0.9
    tally, other = GapTally(np.arange(n_tracked)), GapTally(np.arange(n_tracked))
    for n, job in enumerate(gaps):
        (tally if n % 5 else other).add(_scores(job.tolist(), labels))
        if n == 50:  # a read midway; then over 255 adds before the next
            assert tally.counts()[1].sum() > 0
    tally.merge(other)
    expected = gaps.sum(axis=0)
    assert expected.max() > 255
    found, counts = tally.counts()
    assert found == labels
    assert counts.tolist() == expected.tolist()
    assert tally.top(1)[2][:, 0].tolist() == expected.max(axis=0).tolist()


def test_unfilled_reason_texts() -> None:
    tally = GapTally(np.zeros(0, np.int64))
    gaps = tally.add(_scores([[True] * 412 + [False] * 3, [False] * 415], (LANGUAGE, AGE)))
    reasons = unfilled_reasons(gaps, eligible=3, placed_elsewhere=2)
    assert [r.kind for r in reasons] == ["placed_elsewhere", "language"]
    assert reasons[0].detail == "2 of 3 eligible candidates were placed in other job orders"
    assert reasons[1].detail == (
        "412 candidates lack JLPT N4 or JFT-Basic A2 (the only gap for 412)"
    )


def test_ineligible_reason_texts() -> None:
    reason = ineligible_reason(10, "with open slots", 4, [(LANGUAGE, 4), (AGE, 1)])
    assert reason.kind == "ineligible_everywhere"
    assert reason.detail == (
        "not eligible for any of the 10 open job orders; gates that blocked the most of the "
        "4 job orders with open slots: language: JLPT N4 or JFT-Basic A2 (4); age: age <= 30 (1)"
    )
    assert ineligible_reason(10, "with open slots", 0, []).detail.endswith(
        "every job order was filled"
    )


def test_reason_texts_agree_in_number() -> None:
    """One candidate "lacks", one job order is "the one", one slot is a slot."""
    tally = GapTally(np.zeros(0, np.int64))
    gaps = tally.add(_scores([[True, False], [False, True]], (LANGUAGE, COUNTRY)))
    reasons = unfilled_reasons(gaps, eligible=1, placed_elsewhere=1)
    assert [r.detail for r in reasons] == [
        "1 of 1 eligible candidate was placed in other job orders",
        "1 candidate lacks JLPT N4 or JFT-Basic A2 (the only gap for 1)",
        "1 candidate listed only other countries (the only gap for 1)",
    ]
    assert ineligible_reason(1, "with open slots", 1, [(AGE, 1)]).detail == (
        "not eligible for the one open job order; gates that blocked the most of the one job "
        "order with open slots: age: age <= 30 (1)"
    )
    assert outcompeted_reason("JO-1", 2, 1, None).detail == "best rank 2 for JO-1 (1 slot)"


def _top_by_sorting(tally: GapTally, k: int) -> tuple[list[list[int]], list[list[int]]]:
    """GapTally.top worker by worker, by sorting: most job orders first, then label order."""
    labels, counts = tally.counts()
    canonical = sorted(labels, key=lambda lb: (GAP_KINDS.index(lb[0]), lb[1]))
    index, count = [], []
    for worker in range(len(tally.tracked)):
        ranked = sorted(
            (-int(counts[labels.index(lb), worker]), position)
            for position, lb in enumerate(canonical)
        )
        best = [(position, -n) for n, position in ranked[:k] if n < 0]
        index.append([p for p, _ in best] + [-1] * (k - len(best)))
        count.append([n for _, n in best] + [0] * (k - len(best)))
    return index, count


@pytest.mark.parametrize("block", [4096, 16, 7])
def test_top_gates_per_worker_match_a_sort_with_ties_and_wide_counts(
    block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Also in blocks of workers smaller than the tracked (the last one partial)."""
    monkeypatch.setattr(reasons, "_TOP_BLOCK", block)
    rng = np.random.default_rng(5)
    kinds = ("skill", "language", "age", "preference")
    labels = [(kinds[i % len(kinds)], f"req {i // len(kinds)}") for i in range(9)]
    n_tracked = 60
    for scale in (4, 2**30):  # small counts (ties, int32 keys) and counts that need int64
        counts = (rng.integers(0, 4, (len(labels), n_tracked)) * (scale // 4)).astype(np.int32)
        counts[:, :5] = 0  # workers blocked by no gate: padded
        tally = GapTally.from_counts(
            np.arange(n_tracked),
            n_jobs=scale,
            outside_preferences=np.zeros(n_tracked, np.int64),
            labels=labels,
            counts=counts,
        )
        for k in (1, 3, 12):
            _, index, count = tally.top(k)
            expected_index, expected_count = _top_by_sorting(tally, k)
            assert index.tolist() == expected_index
            assert count.tolist() == expected_count


def test_a_tally_of_gap_counts_equals_a_tally_of_gap_matrices() -> None:
    """The gap pass's counts (PoolScorer.count_gaps) and score_vacancy's gap matrices give
    the same tally: per job order, per tracked worker and outside preferences."""
    run = synthetic_run(600, 40, seed=5)
    orders = [v for v in run.vacancies if not v.refused]
    scorer = PoolScorer(run.pool, run.params)
    tracked = np.arange(1, run.pool.n_workers, 3, dtype=np.int64)
    by_counts, by_matrix = GapTally(tracked), GapTally(tracked)
    for order, counts in zip(orders, scorer.count_gaps(orders, tracked=tracked), strict=True):
        mine = by_counts.add(counts)
        theirs = by_matrix.add(scorer.score_vacancy(order, with_score=False))
        assert mine.labels == theirs.labels
        assert np.array_equal(mine.blocked, theirs.blocked)
        assert np.array_equal(mine.only, theirs.only)
    assert by_counts.outside_preferences.any()  # the case is exercised
    assert np.array_equal(by_counts.outside_preferences, by_matrix.outside_preferences)
    labels, counts = by_counts.counts()
    assert (labels, counts.tolist()) == (by_matrix.counts()[0], by_matrix.counts()[1].tolist())
    with pytest.raises(ValueError, match="the counts track 199 workers; the tally tracks 1"):
        GapTally(np.zeros(1, np.int64)).add(scorer.count_gaps(orders[:1], tracked=tracked[:199])[0])
