"""The eligible graph: rank order, preference order, checks."""

from __future__ import annotations

import numpy as np
import pytest

from matcher.allocation import graph as graph_module
from matcher.allocation.graph import build_graph
from matcher.allocation.optimal import edges_by_job_id
from matcher.allocation.shortlist import positions, shortlist_capacity
from matcher.scoring.publish import SCALE


def _graph():
    # job 0 has workers 2, 0, 1 (scores 5000, 9000, 9000); job 1 has worker 0 (9000).
    return build_graph(
        np.array([0, 0, 1, 0]),
        np.array([2, 0, 0, 1]),
        np.array([5000, 9000, 9000, 9000]),
        capacity=np.array([2, 1]),
        worker_rank=np.array([1, 0, 2]),
        job_rank=np.array([1, 0]),
    )


def test_candidates_in_rank_order() -> None:
    graph = _graph()
    # Job 0: score descending, then worker id rank (worker 1 has the lower id).
    assert graph.worker[graph.ptr[0] : graph.ptr[1]].tolist() == [1, 0, 2]
    assert graph.rank().tolist() == [1, 2, 3, 1]
    assert graph.job().tolist() == [0, 0, 0, 1]


def test_worker_preferences_by_score_then_job_id() -> None:
    graph = _graph()
    ptr, order = graph.by_worker()
    assert ptr.tolist() == [0, 2, 3, 4]
    # Worker 0 scores 9000 at both; job 1 has the lower id.
    assert graph.job()[order[ptr[0] : ptr[1]]].tolist() == [1, 0]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"job": np.array([0, 5])}, "job index"),
        ({"worker": np.array([0, 9])}, "worker index"),
        ({"score": np.array([1, SCALE + 1])}, "scores must be"),
        ({"score": np.array([1])}, "same length"),
    ],
)
def test_build_graph_rejects_bad_pairs(change: dict, message: str) -> None:
    arrays = {"job": np.array([0, 1]), "worker": np.array([0, 1]), "score": np.array([1, 2])}
    arrays.update(change)
    with pytest.raises(ValueError, match=message):
        build_graph(
            arrays["job"],
            arrays["worker"],
            arrays["score"],
            capacity=np.array([1, 1]),
            worker_rank=np.arange(2),
            job_rank=np.arange(2),
        )


def test_shortlist_positions_and_capacity() -> None:
    graph = _graph()
    chosen = np.array([True, False, True, True])
    assert positions(graph, chosen).tolist() == [1, 0, 2, 1]
    assert shortlist_capacity(graph, 3).tolist() == [6, 3]
    with pytest.raises(ValueError, match=r"range \[1, inf\). Got 0"):
        shortlist_capacity(graph, 0)


@pytest.mark.parametrize("seed", range(4))
def test_one_sort_key_gives_the_order_of_two_keys(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """build_graph sorts by one int64 key when it fits, else by two: the same graph; and
    the optimal allocator's arcs come in (job id, rank) order, as a lexsort gives."""
    rng = np.random.default_rng(seed)
    n_jobs, n_workers = 7, 40
    pairs = rng.choice(n_jobs * n_workers, 150, replace=False)
    args = (pairs // n_workers, pairs % n_workers, rng.integers(0, 4, 150) * 2500)
    ranks = {
        "capacity": rng.integers(0, 4, n_jobs),
        "worker_rank": rng.permutation(n_workers),
        "job_rank": rng.permutation(n_jobs),
    }
    one = build_graph(*args, **ranks)
    monkeypatch.setattr(graph_module, "_ONE_KEY_MAX", 0)
    two = build_graph(*args, **ranks)
    for name in ("ptr", "worker", "score"):
        assert np.array_equal(getattr(one, name), getattr(two, name))
    assert one.worker.tolist() != sorted(one.worker.tolist())  # not trivially ordered
    expected = np.lexsort((np.arange(one.n_edges), one.job_rank[one.job()]))
    assert edges_by_job_id(one).tolist() == expected.tolist()
