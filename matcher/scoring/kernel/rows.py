"""Array aliases, the rows of a chunk, per-row reductions over CSR entry tables, and the
state of one job order over one chunk."""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeAlias, TypeVar

import numpy as np
from numpy.typing import NDArray

from matcher.scoring.columns import Postings

Bools = NDArray[np.bool_]
Ints = NDArray[np.int64]
Floats = NDArray[np.float64]
_N = TypeVar("_N", bound=np.generic)

Key: TypeAlias = tuple[Hashable, ...]
"""What a gate requires (:mod:`~matcher.scoring.kernel.plan`); equal keys, equal masks
over one pool."""


class Runs:
    """Entries grouped by row: where each row's run of entries starts (``local`` sorted)."""

    def __init__(self, local: Ints, n_rows: int) -> None:
        self.n_rows = n_rows
        self.starts = np.flatnonzero(np.concatenate(([True], local[1:] != local[:-1])))
        if not local.size:
            self.starts = self.starts[:0]
        self.rows = local[self.starts]

    def max(self, values: NDArray[np.int16]) -> NDArray[np.int16]:
        """Per-row maximum of entry values (-1 for rows without entries)."""
        out = np.full(self.n_rows, -1, np.int16)
        if self.starts.size:
            out[self.rows] = np.maximum.reduceat(values, self.starts)
        return out


def any_by_row(local: Ints, mask: Bools, n_rows: int) -> Bools:
    out = np.zeros(n_rows, np.bool_)
    out[local[mask]] = True
    return out


# ------------------------------------------------------------------------------- rows


@dataclass(frozen=True)
class Rows:
    """The workers a chunk is scoring: the range ``lo:hi``, or indices within it."""

    lo: int
    hi: int
    index: Ints | None = None

    def __len__(self) -> int:
        return self.hi - self.lo if self.index is None else len(self.index)

    def take(self, column: NDArray[Any]) -> NDArray[Any]:
        return column[self.lo : self.hi] if self.index is None else column[self.index]

    def take_row(self, matrix: NDArray[Any], row: int) -> NDArray[Any]:
        return matrix[row, self.lo : self.hi] if self.index is None else matrix[row, self.index]

    def positions(self) -> Ints:
        if self.index is None:
            return np.arange(self.lo, self.hi, dtype=np.int64)
        return self.index

    def subset(self, keep: Bools) -> Rows:
        return Rows(self.lo, self.hi, self.positions()[keep])

    def spread(
        self, ptr: Ints, worker: NDArray[np.int32]
    ) -> tuple[slice | Ints, Ints, int, Callable[[NDArray[Any]], NDArray[Any]]]:
        """Entries to compute on, each entry's slot, the number of slots, and a function
        taking per-slot results to these rows.

        When the rows are a large share of the range, every entry of the range is used
        (contiguous, no gather) with one slot per worker of the range; otherwise only the
        rows' own entries, with one slot per row.
        """
        if self.index is not None and 4 * len(self.index) < self.hi - self.lo:
            selector, local = self.entries(ptr, worker)
            return selector, local, len(self.index), lambda values: values
        start, stop = int(ptr[self.lo]), int(ptr[self.hi])
        local = worker[start:stop].astype(np.int64) - self.lo
        return slice(start, stop), local, self.hi - self.lo, self.take_local

    def among(self, workers: Ints) -> Bools:
        """Per row: whether it is one of ``workers`` (pool indices, ascending, repeats
        allowed)."""
        a, b = np.searchsorted(workers, (self.lo, self.hi))
        inside = workers[a:b]
        if self.index is not None and 4 * len(self.index) < self.hi - self.lo:
            # Few rows in a wide range: look each up instead of marking the range.
            if not len(inside):
                return np.zeros(len(self.index), np.bool_)
            at = np.minimum(np.searchsorted(inside, self.index), len(inside) - 1)
            found: Bools = inside[at] == self.index
            return found
        marked = np.zeros(self.hi - self.lo, np.bool_)
        marked[inside - self.lo] = True
        return self.take_local(marked)

    @property
    def has_slots(self) -> bool:
        """Whether :attr:`slots` is built."""
        return "slots" in self.__dict__

    @cached_property
    def slots(self) -> NDArray[np.int32]:
        """Per worker of the range ``lo:hi``, its position among these rows (-1: none);
        built on first use and kept with the rows (indexed rows only, distinct)."""
        assert self.index is not None
        found = np.full(self.hi - self.lo, -1, np.int32)
        found[self.index - self.lo] = np.arange(len(self.index), dtype=np.int32)
        return found

    def take_local(self, values: NDArray[Any]) -> NDArray[Any]:
        """Per-worker values of the range ``lo:hi``, at these rows."""
        return values if self.index is None else values[self.index - self.lo]

    def entries(self, ptr: Ints, worker: NDArray[np.int32]) -> tuple[slice | Ints, Ints]:
        """Entries of these rows in a CSR table: a selector and each entry's row (sorted)."""
        if self.index is None:
            start, stop = int(ptr[self.lo]), int(ptr[self.hi])
            return slice(start, stop), worker[start:stop].astype(np.int64) - self.lo
        starts = ptr[self.index]
        counts = ptr[self.index + 1] - starts
        local = np.repeat(np.arange(len(self.index)), counts)
        offsets = np.cumsum(counts) - counts
        selector = np.arange(int(counts.sum()), dtype=np.int64) + np.repeat(
            starts - offsets, counts
        )
        return selector, local


# ---------------------------------------------------------------------------- context


def row_max(
    table: Postings, values: NDArray[_N], rows: Rows, concepts: NDArray[np.intp]
) -> NDArray[_N]:
    """Per row, the maximum over ``concepts`` of the values of its entries in a key-major
    table (0 where it has none).

    Each concept's entries in the rows' range are found by a binary search of its sorted
    workers; then, for a contiguous range, scattered into it; for indexed rows, matched
    to the rows by whichever is cheaper for that concept: a binary search of each row
    among the entries, or each entry's slot in the range (:attr:`Rows.slots`, a map of
    the range built once per set of rows).

    Parameters
    ----------
    table : Postings
        Concept -> sorted workers (:class:`~matcher.scoring.columns.Listed`).
    values : ndarray
        One value per entry of ``table`` (its months or levels).
    rows : Rows
    concepts : ndarray of intp

    Returns
    -------
    ndarray, shape (len(rows),), of ``values``' dtype
    """
    best = np.zeros(len(rows), values.dtype)
    n_rows, width = len(rows), rows.hi - rows.lo
    for concept in concepts:
        start, stop = int(table.ptr[concept]), int(table.ptr[concept + 1])
        workers = table.workers[start:stop]
        a, b = (int(i) for i in np.searchsorted(workers, (rows.lo, rows.hi)))
        if a == b:
            continue
        inside, found = workers[a:b], values[start + a : start + b]
        if rows.index is None:
            # A worker has one entry a concept: a plain scatter is safe.
            local = inside - rows.lo
            best[local] = np.maximum(best[local], found)
            continue
        # Rough costs (ns): a binary search per row, or a pass over the entries (and
        # once per set of rows, filling the map of the range).
        searching = 5 * n_rows * math.log2(b - a + 1)
        mapping = 3 * (b - a) + (0 if rows.has_slots else width // 3)
        if searching <= mapping:
            at = np.minimum(np.searchsorted(inside, rows.index), b - a - 1)
            hit = inside[at] == rows.index
            np.maximum(best, np.where(hit, found[at], 0).astype(values.dtype), out=best)
        else:
            slot = rows.slots[inside - rows.lo]
            mine = slot >= 0
            slot = slot[mine]
            best[slot] = np.maximum(best[slot], found[mine])
    return best


class ChunkState:
    """One job order over one chunk: the rows still in play, their failures and gaps."""

    def __init__(self, rows: Rows, n_labels: int, *, prune: bool, with_gaps: bool) -> None:
        self.rows = rows
        self.prune = prune
        self.bad = np.zeros(len(rows), np.bool_)
        self.gaps = np.zeros((n_labels, len(rows)), np.bool_) if with_gaps else None
        self.carried: dict[str, NDArray[Any]] = {}

    def fail(self, label: int, mask: Bools | bool) -> None:
        self.bad |= mask
        if self.gaps is not None:
            self.gaps[label] |= mask

    def gate(self, label: int, key: Key, mask: Callable[[], Bools | bool]) -> None:
        """The rows that fail a gate (``mask()``), under ``label``.

        ``key`` names the requirement the gate checks: equal keys give equal masks over
        one pool, whatever the job order (a gap count reuses them; here it is unused). The
        mask is a function so that a caller holding it already need not compute it.
        """
        self.fail(label, mask())

    def carry(self, name: str, value: Callable[[], NDArray[Any]]) -> None:
        """Keep ``value()`` per row for the score (a gap count needs none)."""
        self.carried[name] = value()

    def settle(self, *, force: bool = False) -> bool:
        """Drop rows that failed a gate, when pruning: always with ``force``, otherwise
        only once they are a quarter of the rows (each drop copies every carried array).

        Returns False when pruning and no row can still be eligible, or no row is left.
        """
        if not self.prune:
            return len(self.rows) > 0
        failed = int(np.count_nonzero(self.bad))
        if failed and (force or 4 * failed >= len(self.rows)):
            keep = ~self.bad
            self.rows = self.rows.subset(keep)
            self.carried = {k: v[keep] for k, v in self.carried.items()}
            self.bad = np.zeros(len(self.rows), np.bool_)
            failed = 0
        return len(self.rows) > failed
