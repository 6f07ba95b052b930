"""Array aliases, the rows of a chunk, per-row reductions over CSR entry tables, and the
state of one job order over one chunk."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias, TypeVar

import numpy as np
from numpy.typing import NDArray

from matcher.scoring.columns import Listed

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
    # What the rows read more than once (their entries in a table), kept with them.
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

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

    def take_local(self, values: NDArray[Any]) -> NDArray[Any]:
        """Per-worker values of the range ``lo:hi``, at these rows."""
        return values if self.index is None else values[self.index - self.lo]

    def entries(self, ptr: Ints, worker: NDArray[np.int32]) -> tuple[slice | Ints, Ints]:
        """Entries of these rows in a CSR table: a selector and each entry's row (sorted)."""
        if self.index is None:
            start, stop = int(ptr[self.lo]), int(ptr[self.hi])
            return slice(start, stop), worker[start:stop].astype(np.int64) - self.lo
        return entries_of(ptr, self.index)


def entries_of(ptr: Ints, index: Ints) -> tuple[Ints, Ints]:
    """Entries of the workers ``index`` in a CSR table: their indices and each entry's
    position in ``index`` (sorted)."""
    starts = ptr[index]
    counts = ptr[index + 1] - starts
    local = np.repeat(np.arange(len(index)), counts)
    offsets = np.cumsum(counts) - counts
    selector = np.arange(int(counts.sum()), dtype=np.int64) + np.repeat(starts - offsets, counts)
    return selector, local


# ---------------------------------------------------------------------------- context


@dataclass(frozen=True, eq=False)
class ByWorker:
    """The skills listed, worker-major (the kernel's copy for indexed rows): the entries
    of worker ``i`` are ``ptr[i]:ptr[i + 1]``, concepts ascending."""

    ptr: Ints
    concept: NDArray[np.int16]
    months: NDArray[np.uint16]
    level: NDArray[np.uint8]
    per_concept: list[int]  # entries of each concept (Python ints: summed per call)


def by_worker(listed: Listed, n_workers: int) -> ByWorker:
    """``listed`` sorted by worker (stable: concepts stay ascending within a worker).

    Parameters
    ----------
    listed : Listed
    n_workers : int

    Returns
    -------
    ByWorker
    """
    order = np.argsort(listed.workers, kind="stable")
    pointers = np.zeros(n_workers + 1, np.int64)
    np.cumsum(np.bincount(listed.workers, minlength=n_workers), out=pointers[1:])
    concept = listed.keys()[order].astype(np.int16)
    counts = np.diff(listed.ptr).tolist()
    return ByWorker(pointers, concept, listed.months[order], listed.level[order], counts)


def row_max(
    listed: Listed,
    name: Literal["months", "level"],
    rows: Rows,
    concepts: NDArray[np.intp],
    transposed: Callable[[], ByWorker],
) -> NDArray[Any]:
    """Per row, the maximum over ``concepts`` of the skill's ``name`` (0 where the row
    lists none of them).

    A contiguous range reads each concept's entries in it (a binary search of the
    concept's sorted workers, then a scatter: no pass over the range per concept).
    Indexed rows do the same over their range and gather their own values when they are
    many (tens of thousands over a million workers); otherwise they read their own
    entries in the worker-major copy (``transposed()``), every concept at once, and keep
    them (:attr:`Rows.memo`) for the next call. (A binary search per row and concept
    cost several times a dense matrix's gather.)

    Parameters
    ----------
    listed : Listed
        Concept -> sorted workers, with months and level per entry.
    name : {"months", "level"}
    rows : Rows
    concepts : ndarray of intp
    transposed : callable
        Gives :func:`by_worker` of ``listed`` (the caller keeps it).

    Returns
    -------
    ndarray, shape (len(rows),), of the column's dtype
    """
    column: NDArray[Any] = getattr(listed, name)
    width = rows.hi - rows.lo
    if rows.index is not None:
        table = transposed()
        key = f"skills {name}"
        n_workers = max(len(table.ptr) - 1, 1)
        # Rough costs (ns): the rows' own entries (read once, then kept), against the
        # concepts' entries in the range spread over it and gathered at the rows.
        in_range = sum(table.per_concept[c] for c in concepts.tolist()) * width / n_workers
        own = len(rows) * len(table.concept) / n_workers * (10 if key in rows.memo else 35)
        if own > width / 16 + 8 * in_range + 5 * len(rows):
            return rows.take_local(range_max(listed, column, rows.lo, rows.hi, concepts))
        read = rows.memo.get(key)
        if read is None:
            # The rows' own entries, read once for every set of concepts asked of them.
            selector, local = entries_of(table.ptr, rows.index)
            read = rows.memo[key] = (local, table.concept[selector], getattr(table, name)[selector])
        local, concept, values = read
        wanted = np.zeros(len(listed.ptr) - 1, np.bool_)
        wanted[concepts] = True
        keep = wanted[concept]
        best = np.zeros(len(rows), column.dtype)
        np.maximum.at(best, local[keep], values[keep])
        return best
    return range_max(listed, column, rows.lo, rows.hi, concepts)


def range_max(
    listed: Listed, column: NDArray[_N], lo: int, hi: int, concepts: NDArray[np.intp]
) -> NDArray[_N]:
    """Per worker of the range ``lo:hi``, the maximum of ``column`` (a column of
    ``listed``) over ``concepts`` (0 where none is listed)."""
    spread = np.zeros(hi - lo, column.dtype)
    for concept in concepts:
        start, stop = int(listed.ptr[concept]), int(listed.ptr[concept + 1])
        workers = listed.workers[start:stop]
        a, b = np.searchsorted(workers, (lo, hi))
        # A worker has one entry a concept: a plain scatter is safe.
        at = workers[a:b] - lo
        spread[at] = np.maximum(spread[at], column[start + a : start + b])
    return spread


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
