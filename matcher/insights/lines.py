"""The lines of a policy table and which cells their totals pin down.

A *line* is the set of cells that share every dimension value but one (FORMAT, "Policy
tables"). The disclosure model assumes a reader knows the total of every line of two or
more cells, whether or not it is published, and every published cell. Those known totals,
restricted to the blanked cells ``B``, are the rows of a 0/1 matrix ``A_B`` (lines x
cells). A blanked cell ``j`` can be recomputed exactly iff the unit vector ``e_j`` lies in
the row space of ``A_B`` — equivalently iff column ``j`` is independent of the other
columns (a *coloop* of the column matroid: it lies on no circuit), equivalently iff every
vector of the null space of ``A_B`` is zero at ``j``.

:func:`coloops` finds them by projecting a few seeded random vectors on that null space
with LSQR: a coloop's coordinate is exactly zero in every projection, any other cell's is
almost surely not. On a 300 x 8 x 8 table with 5,000 blanked cells in one component this
takes about 0.2 s where a dense null-space basis takes 140 s, and both agree cell for cell
(benchmarks/bench_suppression.py). The answer errs only towards "recomputable" (a spurious
coloop costs a wasted search, never a disclosure), and the residual is checked so that an
unconverged solve cannot pass for an answer.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.linalg import null_space
from scipy.sparse.linalg import lsqr
from threadpoolctl import threadpool_limits

__all__ = ["Lines", "coloops"]

# A coordinate of the null-space projection below this is "zero". Non-coloop coordinates
# are of the order of the cell's share of the null space (1/L for a cell on a cycle of L
# cells), six orders of magnitude above it for cycles of up to 1,000 cells; converged
# projections put coloops near 1e-12.
_ZERO = 1e-9
# LSQR stops when the residual no longer falls; beyond this the projection is not trusted.
_RESIDUAL = 1e-10
_PROBES = 2


class Lines:
    """The lines of a table and the incidence matrix of the known ones.

    Parameters
    ----------
    codes : ndarray of int, shape (n_cells, n_dimensions)
        Each cell's dimension values as integer codes
        (:meth:`matcher.insights.table.PolicyTable.codes`).

    Attributes
    ----------
    n_cells : int
    codes : ndarray
        The codes, as given.
    keys : list of ndarray of int, each of shape (n_cells,)
        Per dimension, the id of each cell's line along that dimension: cells with the same
        id share every dimension value but that one.
    sizes : list of ndarray
        Per dimension, the number of cells of each line.
    incidence : scipy.sparse.csc_matrix of shape (n_known_lines, n_cells)
        One row per line of two or more cells (the lines whose total a reader may know).
    """

    def __init__(self, codes: NDArray[np.int64]) -> None:
        self.n_cells, n_dims = codes.shape
        self.codes = codes
        self.keys: list[NDArray[np.int64]] = []
        for skip in range(n_dims):
            others = np.delete(codes, skip, axis=1)
            if others.shape[1] == 0:
                self.keys.append(np.zeros(self.n_cells, dtype=np.int64))
            else:
                inverse = np.unique(others, axis=0, return_inverse=True)[1]
                self.keys.append(inverse.reshape(-1).astype(np.int64))
        self.sizes = [np.bincount(k, minlength=int(k.max(initial=-1)) + 1) for k in self.keys]
        rows, cols, offset = [], [], 0
        for key, size in zip(self.keys, self.sizes, strict=True):
            known = size[key] >= 2
            rows.append(key[known] + offset)
            cols.append(np.flatnonzero(known))
            offset += size.size
        row = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        col = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
        matrix = sp.csc_matrix(
            (np.ones(row.size), (row, col)), shape=(offset, self.n_cells), dtype=np.float64
        )
        self.incidence = matrix[np.flatnonzero(matrix.getnnz(axis=1))]

    def counts(self, mask: NDArray[np.bool_]) -> list[NDArray[np.int64]]:
        """Per dimension, how many cells of ``mask`` each line holds."""
        return [
            np.bincount(key, weights=mask, minlength=size.size).astype(np.int64)
            for key, size in zip(self.keys, self.sizes, strict=True)
        ]


def coloops(
    incidence: sp.csc_matrix, cells: NDArray[np.intp], *, probes: int = _PROBES
) -> NDArray[np.bool_]:
    """Which of ``cells`` the known line totals determine when exactly ``cells`` are blank.

    Parameters
    ----------
    incidence : scipy.sparse.csc_matrix of shape (n_lines, n_cells)
        :attr:`Lines.incidence`.
    cells : ndarray of int, shape (k,)
        The blanked cells (column indices), sorted.
    probes : int, default 2
        Random projections to take. A cell that is no coloop passes for one only if every
        projection lands within 1e-9 of zero at it: about (1.6e-9 / s)**probes for a cell
        whose share of the null space (the norm of its projection) is s; for s = 1e-3,
        3e-12 with two probes.

    Returns
    -------
    ndarray of bool, shape (k,)
        True where the cell can be recomputed from the published cells and line totals.
    """
    if cells.size == 0:
        return np.zeros(0, dtype=np.bool_)
    sub = incidence[:, cells]
    sub = sub[np.flatnonzero(sub.getnnz(axis=1))]
    if sub.shape[0] == 0:
        return np.zeros(cells.size, dtype=np.bool_)
    # LSQR's many short vector products only lose to BLAS threads (2.5x slower measured on
    # a loaded 2-core machine).
    with threadpool_limits(1):
        return _project(sub, probes)


def _project(sub: sp.csc_matrix, probes: int) -> NDArray[np.bool_]:
    """Largest null-space coordinate over seeded random probes, compared with zero."""
    n = sub.shape[1]
    rng = np.random.default_rng(0)  # seeded: the same table always gives the same answer
    largest = np.zeros(n)
    transposed = sub.T.tocsr()
    for _ in range(probes):
        probe = rng.standard_normal(n)
        solution = lsqr(transposed, probe, atol=1e-15, btol=1e-15, iter_lim=50 * n)[0]
        projected = probe - transposed @ solution
        if np.abs(sub @ projected).max(initial=0.0) > _RESIDUAL:
            return _coloops_dense(sub)
        largest = np.maximum(largest, np.abs(projected))
    return largest < _ZERO


def _coloops_dense(sub: sp.csc_matrix) -> NDArray[np.bool_]:
    """The same answer from an explicit null-space basis (slow; for unconverged solves)."""
    basis = null_space(sub.toarray())
    return np.asarray(np.linalg.norm(basis, axis=1) < _ZERO, dtype=np.bool_)
