"""Hypothesis strategies for allocation tests: whole eligible graphs, ties included."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from matcher.allocation.graph import EligibleGraph, build_graph


@st.composite
def graphs(
    draw: st.DrawFn, *, max_workers: int = 8, max_jobs: int = 4, max_capacity: int = 3
) -> EligibleGraph:
    """A random eligible graph; scores come from a few values so that ties are common."""
    n_workers = draw(st.integers(1, max_workers))
    n_jobs = draw(st.integers(1, max_jobs))
    pairs = draw(
        st.lists(
            st.tuples(st.integers(0, n_jobs - 1), st.integers(0, n_workers - 1)),
            unique=True,
            max_size=n_workers * n_jobs,
        )
    )
    scores = draw(
        st.lists(
            st.sampled_from([0, 2500, 5000, 5001, 10000]), min_size=len(pairs), max_size=len(pairs)
        )
    )
    capacity = draw(st.lists(st.integers(1, max_capacity), min_size=n_jobs, max_size=n_jobs))
    worker_rank = draw(st.permutations(range(n_workers)))
    job_rank = draw(st.permutations(range(n_jobs)))
    job = np.array([j for j, _ in pairs], np.int64)
    worker = np.array([w for _, w in pairs], np.int64)
    return build_graph(
        job,
        worker,
        np.array(scores, np.int64),
        capacity=np.array(capacity, np.int64),
        worker_rank=np.array(worker_rank, np.int64),
        job_rank=np.array(job_rank, np.int64),
    )


def random_graph(
    rng: np.random.Generator, n_workers: int, n_jobs: int, density: float, max_capacity: int
) -> EligibleGraph:
    """A seeded random graph whose scores follow worker quality (as real pools do)."""
    mask = rng.random((n_jobs, n_workers)) < density
    job, worker = np.nonzero(mask)
    quality = rng.random(n_workers)
    score = np.round((0.7 * quality[worker] + 0.3 * rng.random(len(job))) * 10_000)
    return build_graph(
        job.astype(np.int64),
        worker.astype(np.int64),
        score.astype(np.int64),
        capacity=rng.integers(1, max_capacity + 1, n_jobs).astype(np.int64),
        worker_rank=rng.permutation(n_workers).astype(np.int64),
        job_rank=rng.permutation(n_jobs).astype(np.int64),
    )
