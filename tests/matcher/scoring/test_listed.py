"""The skills listed as a concept-major entry table, against dense concepts x workers
matrices: building it from entries in any order, and the kernel's per-row maximum over a
set of concepts for a contiguous range of workers or for some rows within it (read from
the worker-major copy)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.scoring.columns import Listed, keyed_entries
from matcher.scoring.kernel.rows import Rows, by_worker, row_max

N_CONCEPTS = 7


@st.composite
def _entries(draw: st.DrawFn) -> tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Workers, and (concept, worker, months, level) entries, repeats of a pair allowed."""
    n_workers = draw(st.integers(1, 60))
    size = draw(st.integers(0, 120))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    concepts = rng.integers(0, N_CONCEPTS, size)
    workers = rng.integers(0, n_workers, size)
    months = rng.integers(1, 2000, size).astype(np.uint16)
    level = rng.integers(0, 6, size).astype(np.uint8)
    return n_workers, concepts, workers, months, level


def _listed(case: tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray]) -> Listed:
    n_workers, concepts, workers, months, level = case
    return keyed_entries(
        Listed,
        concepts,
        workers,
        (N_CONCEPTS, n_workers),
        {"months": months, "level": level},
        reduce={"months": np.maximum, "level": np.maximum},
    )


def _dense(case: tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray]) -> np.ndarray:
    """The months as the dense matrix the pool held before (0: not listed)."""
    n_workers, concepts, workers, months, _ = case
    dense = np.zeros((N_CONCEPTS, n_workers), np.uint16)
    np.maximum.at(dense, (concepts, workers), months)
    return dense


@settings(max_examples=200, deadline=None)
@given(case=_entries())
def test_one_entry_a_pair_with_the_most_months_and_highest_level(
    case: tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray],
) -> None:
    n_workers, concepts, workers, _, level = case
    listed = _listed(case)
    dense_level = np.zeros((N_CONCEPTS, n_workers), np.uint8)
    np.maximum.at(dense_level, (concepts, workers), level)
    months = _dense(case)
    assert listed.months.dtype == np.uint16
    assert listed.level.dtype == np.uint8
    assert listed.workers.dtype == np.int32
    assert len(listed.ptr) == N_CONCEPTS + 1
    for concept in range(N_CONCEPTS):
        held = np.flatnonzero(months[concept])
        assert listed.of(concept).tolist() == held.tolist()  # ascending, one each
        entries = slice(int(listed.ptr[concept]), int(listed.ptr[concept + 1]))
        assert listed.months[entries].tolist() == months[concept, held].tolist()
        assert listed.level[entries].tolist() == dense_level[concept, held].tolist()


def test_a_repeated_pair_needs_a_reduction() -> None:
    one = np.array([2, 2], np.int64)
    values = {"months": np.array([3, 5], np.uint16), "level": np.array([1, 0], np.uint8)}
    with pytest.raises(ValueError, match="repeats"):
        keyed_entries(Listed, one, one, (3, 3), values)
    summed = keyed_entries(
        Listed, one, one, (3, 3), values, reduce={"months": np.add, "level": np.maximum}
    )
    assert (summed.months.tolist(), summed.level.tolist()) == ([8], [1])
    assert summed.ptr.tolist() == [0, 0, 0, 1]


@settings(max_examples=300, deadline=None)
@given(case=_entries(), data=st.data())
def test_row_max_is_the_dense_maximum(
    case: tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray], data: st.DataObject
) -> None:
    n_workers = case[0]
    listed, dense = _listed(case), _dense(case)
    lo = data.draw(st.integers(0, n_workers - 1))
    hi = data.draw(st.integers(lo + 1, n_workers))
    # No index (each concept's entries in the range) or some rows of it (their own
    # entries, worker-major): both paths of row_max.
    index = data.draw(
        st.none() | st.lists(st.integers(lo, hi - 1), max_size=hi - lo, unique=True).map(sorted)
    )
    rows = Rows(lo, hi, None if index is None else np.array(index, np.int64))
    concepts = np.array(
        data.draw(st.lists(st.integers(0, N_CONCEPTS - 1), max_size=4, unique=True)), np.intp
    )
    got = row_max(listed, "months", rows, concepts, lambda: by_worker(listed, n_workers))
    expected = dense[concepts][:, rows.positions()].max(axis=0, initial=0)
    assert got.dtype == np.uint16
    assert got.tolist() == expected.tolist()
