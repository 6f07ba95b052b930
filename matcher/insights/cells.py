"""Counting pairs into the cells of a policy table, with numpy.

A table's cells are numbered by :class:`CellIndex` from their dimension values (a few
thousand keys, built from job orders, never from pairs). Pairs of the engine pass (job
order, worker) are spread onto the cells of their job order with :func:`spread` and
counted with :func:`distinct_workers`: a worker eligible for three job orders of one cell
counts once there.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np

from matcher.arrays import Ints

__all__ = ["CellIndex", "distinct_keys", "distinct_workers", "spread"]


class CellIndex:
    """Numbers distinct keys (tuples of dimension values) in the order first seen."""

    def __init__(self) -> None:
        self._index: dict[tuple[Hashable, ...], int] = {}

    def __len__(self) -> int:
        return len(self._index)

    def id(self, key: tuple[Hashable, ...]) -> int:
        """The key's number, assigned on first use."""
        return self._index.setdefault(key, len(self._index))

    def keys(self) -> list[tuple[Hashable, ...]]:
        """Every key, by number."""
        return list(self._index)

    def columns(self, names: Sequence[str]) -> dict[str, list[str]]:
        """The keys as one column of strings per dimension name, by number."""
        keys = self.keys()
        return {name: [str(k[d]) for k in keys] for d, name in enumerate(names)}


def spread(job: Ints, worker: Ints, ptr: Ints, cells: Ints) -> tuple[Ints, Ints]:
    """Each (job order, worker) pair once per cell of its job order.

    Parameters
    ----------
    job, worker : ndarray of int64, shape (n_pairs,)
    ptr : ndarray of int64, shape (n_jobs + 1,)
        The cells of job order ``j`` are ``cells[ptr[j]:ptr[j + 1]]``.
    cells : ndarray of int64

    Returns
    -------
    cell, worker : ndarray of int64, shape (n_spread,)
    """
    job = np.asarray(job, np.int64)
    counts = ptr[job + 1] - ptr[job]
    total = int(counts.sum())
    ends = np.cumsum(counts)
    offsets = np.arange(total, dtype=np.int64) - np.repeat(ends - counts, counts)
    return cells[np.repeat(ptr[job], counts) + offsets], np.repeat(worker, counts)


def distinct_keys(cell: Ints, worker: Ints, n_workers: int) -> Ints:
    """The distinct (cell, worker) pairs as sorted keys ``cell * n_workers + worker``."""
    return np.unique(np.asarray(cell, np.int64) * max(n_workers, 1) + worker)


def distinct_workers(keys: Ints, n_workers: int, n_cells: int) -> Ints:
    """Per cell, the workers among :func:`distinct_keys` ``keys``.

    Returns
    -------
    ndarray of int64, shape (n_cells,)
    """
    return np.bincount(keys // max(n_workers, 1), minlength=n_cells).astype(np.int64)
