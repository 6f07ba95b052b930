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

__all__ = ["DEFAULT_BITMAP_BYTES", "CellIndex", "distinct_workers", "spread"]

DEFAULT_BITMAP_BYTES = 256 * 2**20
"""Bytes of cells x workers bitmap counted at a time."""


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


def distinct_workers(
    cell: Ints,
    worker: Ints,
    n_cells: int,
    n_workers: int,
    *,
    minus: tuple[Ints, Ints] | None = None,
    memory_budget: int = DEFAULT_BITMAP_BYTES,
) -> Ints:
    """Per cell, the distinct workers among the pairs ``(cell, worker)``.

    A cells x workers bitmap, filled by scattering the pairs and counted by rows, in blocks
    of cells that fit ``memory_budget``: linear in the pairs, where sorting ten million
    pair keys to find the distinct ones took seconds.

    Parameters
    ----------
    cell, worker : ndarray of int64, shape (n_pairs,)
    n_cells, n_workers : int
    minus : (cell, worker) arrays or None
        Pairs not to count (a worker one gap away from a cell's job orders is not counted
        where she is eligible for one of them).
    memory_budget : int
        Bytes of bitmap per block.

    Returns
    -------
    ndarray of int64, shape (n_cells,)
    """
    counts = np.zeros(n_cells, np.int64)
    width = max(n_workers, 1)
    step = max(1, memory_budget // width)
    for lo in range(0, n_cells, step):
        hi = min(lo + step, n_cells)
        seen = np.zeros((hi - lo, width), np.bool_)
        rows, cols = _block(cell, worker, lo, hi, n_cells)
        seen[rows, cols] = True
        if minus is not None:
            rows, cols = _block(*minus, lo, hi, n_cells)
            seen[rows, cols] = False
        counts[lo:hi] = np.count_nonzero(seen, axis=1)
    return counts


def _block(cell: Ints, worker: Ints, lo: int, hi: int, n_cells: int) -> tuple[Ints, Ints]:
    """The pairs of cells ``lo:hi``, with cells numbered from ``lo``."""
    if lo == 0 and hi == n_cells:
        return cell, worker
    keep = (cell >= lo) & (cell < hi)
    return cell[keep] - lo, worker[keep]
