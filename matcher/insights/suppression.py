"""Disclosure control of policy tables: primary and complementary cell suppression.

The method (docs/insights.md, "The suppression method"), per person-count measure:

1. **Primary**: every count from 1 to ``min_cell - 1`` is blanked; zero is shown.
2. **Line rule** (FORMAT): while a line of two or more cells holds exactly one blank,
   blank one more of its published cells — the one with the smallest count (plus
   ``min_cell`` per line it would leave deficient) per deficient line it would mend, so
   one cell closing two lines beats two cells; non-zero counts before zeros, cells the
   margins already give away last, ties by row order. Cells that leave no line deficient
   are blanked together; otherwise only the cheapest, so that the next cell can close
   the line it opened and another at once.
3. **Audit**: the line rule is necessary but not sufficient (in three dimensions, or in
   two when a blank bridges two groups of blanks). :func:`matcher.insights.lines.coloops`
   lists every blank that the published cells and the line totals still pin down.
4. **Repair**: for each such cell, the cheapest set of published cells whose blanking puts
   it on a circuit (a non-zero null vector of the line totals restricted to the blanks):
   a linear programme ``min sum cost_c |z_c|`` subject to ``A z = 0`` and ``z_j = 1``
   over a box of cells around it, then over the whole table. Blanks are only ever added and
   a cell on a circuit stays on it, so steps 2-4 repeat until the audit finds nothing.

A cell the line totals determine even with every cell blank (the margins give it away)
cannot be protected by suppression at all; it is blanked if small, is never used to
protect another, and is reported in :attr:`Protection.exposed`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.optimize import linprog

from matcher.insights.lines import Lines, coloops
from matcher.insights.table import PolicyTable, ProtectedTable

__all__ = [
    "DEFAULT_MIN_CELL",
    "MIN_CELL_FLOOR",
    "Protection",
    "protect",
    "protect_detailed",
    "suppress_measure",
]

DEFAULT_MIN_CELL = 10
"""The smallest person count shown (other than zero) unless told otherwise."""
MIN_CELL_FLOOR = 3
"""Below this a threshold protects nothing worth the name: an error."""

# Cost classes of a candidate for complementary suppression, in order of preference.
_NONZERO, _ZERO, _EXPOSED = 0, 1, 2
# LP costs: reusing a blank is almost free; a zero only when nothing else will do.
_REUSE = 1e-3
_PER_CELL = 1e-2
_BOX_WIDTHS = (4, 12)  # alternatives per dimension before the box becomes the whole table


@dataclass(frozen=True)
class Protection:
    """What suppression did to one measure.

    Attributes
    ----------
    blanked : ndarray of bool, shape (n_rows,)
        Every withheld cell (primary and complementary).
    primary : int
        How many were blanked for being small.
    exposed : ndarray of int
        Rows whose count the line totals alone determine (see the module docstring).
    """

    blanked: NDArray[np.bool_]
    primary: int
    exposed: NDArray[np.intp]


def protect(table: PolicyTable, *, min_cell: int = DEFAULT_MIN_CELL) -> ProtectedTable:
    """Apply primary and complementary suppression to every person count of ``table``.

    Parameters
    ----------
    table : PolicyTable
        True counts.
    min_cell : int, default 10
        The smallest person count shown other than zero; at least 3.

    Returns
    -------
    ProtectedTable
        The same rows with, per person-count measure, the cells to withhold.

    Raises
    ------
    ValueError
        If ``min_cell`` is below 3.
    """
    return protect_detailed(table, min_cell=min_cell)[0]


def protect_detailed(
    table: PolicyTable, *, min_cell: int = DEFAULT_MIN_CELL
) -> tuple[ProtectedTable, Mapping[str, Protection]]:
    """:func:`protect`, also returning what was done to each measure (for reports)."""
    _check_min_cell(min_cell)
    lines = Lines(table.codes())
    exposed = _exposed(lines)
    done = {
        name: suppress_measure(table.measures[name], lines, min_cell=min_cell, exposed=exposed)
        for name in table.schema.person_counts
    }
    blanked = {name: p.blanked for name, p in done.items()}
    return ProtectedTable(table, blanked, min_cell), done


def suppress_measure(
    values: NDArray[np.int64],
    lines: Lines,
    *,
    min_cell: int,
    exposed: NDArray[np.bool_] | None = None,
) -> Protection:
    """Primary and complementary suppression of one person-count column.

    Parameters
    ----------
    values : ndarray of int, shape (n_rows,)
        The true counts.
    lines : Lines
        The table's lines.
    min_cell : int
        The smallest count shown other than zero.
    exposed : ndarray of bool, shape (n_rows,), optional
        Cells the line totals determine on their own; computed when not given.

    Returns
    -------
    Protection
    """
    _check_min_cell(min_cell)
    if values.size == 0:
        return Protection(np.zeros(0, dtype=np.bool_), 0, np.zeros(0, dtype=np.intp))
    if exposed is None:
        exposed = _exposed(lines)
    blank = (values >= 1) & (values < min_cell)
    primary = int(blank.sum())
    cost_class = np.where(exposed, _EXPOSED, np.where(values > 0, _NONZERO, _ZERO))
    safe = exposed.copy()  # cells needing no further work: on a circuit, or beyond help
    boxes = [0, 0]
    while True:
        _line_rule(blank, values, cost_class, lines, min_cell)
        cells = np.flatnonzero(blank & ~safe)
        if cells.size == 0:
            break
        pinned = cells[coloops(lines.incidence, np.flatnonzero(blank))[~safe[blank]]]
        safe[cells] = True
        safe[pinned] = False
        if pinned.size == 0:
            break
        for cell in pinned.tolist():
            if not safe[cell]:
                _repair(int(cell), blank, safe, values, cost_class, lines, boxes)
    return Protection(blank, primary, np.flatnonzero(exposed & blank))


def _check_min_cell(min_cell: int) -> None:
    if min_cell < MIN_CELL_FLOOR:
        raise ValueError(
            f"min_cell must be at least {MIN_CELL_FLOOR} (a smaller threshold lets single "
            f"people be counted); got {min_cell}"
        )


def _exposed(lines: Lines) -> NDArray[np.bool_]:
    """Cells the line totals determine even when every cell is blank."""
    return coloops(lines.incidence, np.arange(lines.n_cells))


def _line_rule(
    blank: NDArray[np.bool_],
    values: NDArray[np.int64],
    cost_class: NDArray[np.int64],
    lines: Lines,
    min_cell: int,
) -> None:
    """Blank cells until no line of two or more cells holds exactly one blank (in place).

    A candidate costs its count, plus ``min_cell`` for every line it would leave holding a
    single blank (the least that mending that line will cost: every published non-zero
    count is at least ``min_cell``), divided by the deficient lines it mends at once.
    """
    rows = np.arange(blank.size)
    while True:
        counts = lines.counts(blank)
        deficient = [
            (count == 1) & (size >= 2) for count, size in zip(counts, lines.sizes, strict=True)
        ]
        if not any(d.any() for d in deficient):
            return
        keys = lines.keys
        mends = sum(d[key].astype(np.int64) for d, key in zip(deficient, keys, strict=True))
        opens = sum(
            ((count == 0) & (size >= 2))[key].astype(np.int64)
            for count, size, key in zip(counts, lines.sizes, keys, strict=True)
        )
        unit_cost = (values + min_cell * opens) / np.maximum(mends, 1)
        chosen = []
        for d, key in zip(deficient, keys, strict=True):
            candidates = np.flatnonzero(d[key] & ~blank)
            order = np.lexsort(
                (rows[candidates], unit_cost[candidates], cost_class[candidates], key[candidates])
            )
            ordered = candidates[order]
            first = np.unique(key[ordered], return_index=True)[1]
            chosen.append(ordered[first])
        picked = np.unique(np.concatenate(chosen))
        closing = picked[opens[picked] == 0]
        if closing.size:
            # Cells that leave no line short are taken together; the others wait, since
            # these may make them needless.
            blank[closing] = True
        else:
            # Each cell here leaves another line short: the cheapest alone, so that the
            # next step can close that line and another with one cell (two lines each
            # short of one blank, mended at once, would each open a line of their own).
            best = np.lexsort((rows[picked], unit_cost[picked], cost_class[picked]))[0]
            blank[picked[best]] = True


def _repair(
    cell: int,
    blank: NDArray[np.bool_],
    safe: NDArray[np.bool_],
    values: NDArray[np.int64],
    cost_class: NDArray[np.int64],
    lines: Lines,
    boxes: list[int],
) -> None:
    """Blank the cheapest published cells that put ``cell`` on a circuit (in place).

    ``boxes`` counts [tries, successes] of the box regions for this measure: in a sparse
    table boxes rarely hold a circuit, and once fewer than one in four has, the search goes
    straight to the whole table (each failed box costs a linear programme).
    """
    cost = np.where(
        blank,
        _REUSE,
        values + _PER_CELL + np.where(cost_class == _ZERO, 10.0 * (values.max() + 1), 0.0),
    )
    usable = cost_class != _EXPOSED
    hopeless = boxes[0] >= 8 and 4 * boxes[1] < boxes[0]
    for width in (() if hopeless else _BOX_WIDTHS) + (None,):
        region = _box(cell, width, cost, usable, lines)
        support = _cheapest_circuit(cell, region, cost, lines.incidence)
        if width is not None:
            boxes[0] += 1
            boxes[1] += support is not None
        if support is not None:
            blank[support] = True
            safe[support] = True
            return
    # Unreachable: a cell outside the margins' reach lies on a circuit of the whole table.
    raise AssertionError(f"no circuit through cell {cell} although the margins leave it free")


def _box(
    cell: int,
    width: int | None,
    cost: NDArray[np.float64],
    usable: NDArray[np.bool_],
    lines: Lines,
) -> NDArray[np.intp]:
    """The usable cells whose every coordinate is the cell's or one of the ``width``
    cheapest alternatives along that dimension (every usable cell when ``width`` is None).
    """
    if width is None:
        return np.flatnonzero(usable)
    inside = usable.copy()
    for d, key in enumerate(lines.keys):
        # The cells of the cell's line along d differ from it in coordinate d only.
        line = np.flatnonzero((key == key[cell]) & usable)
        line = line[line != cell]
        ranked = line[np.lexsort((line, cost[line]))][:width]
        allowed = np.append(lines.codes[ranked, d], lines.codes[cell, d])
        inside &= np.isin(lines.codes[:, d], allowed)
    inside[cell] = True
    return np.flatnonzero(inside)


def _cheapest_circuit(
    cell: int,
    region: NDArray[np.intp],
    cost: NDArray[np.float64],
    incidence: sp.csc_matrix,
) -> NDArray[np.intp] | None:
    """Cells of the cheapest ``z`` with ``A z = 0``, ``z_cell = 1``, support in ``region``."""
    n = region.size
    sub = incidence[:, region]
    # Keep the lines that touch the region, renumbered, and stack [A, -A] for z = u - w.
    lines_used, rows = np.unique(sub.indices, return_inverse=True)
    equality = sp.csc_matrix(
        (
            np.concatenate([sub.data, -sub.data]),
            np.concatenate([rows, rows]),
            np.concatenate([sub.indptr, sub.indptr[1:] + sub.nnz]),
        ),
        shape=(lines_used.size, 2 * n),
    )
    weights = np.concatenate([cost[region], cost[region]])
    at = int(np.searchsorted(region, cell))
    bounds = np.zeros((2 * n, 2))
    bounds[:, 1] = np.inf
    bounds[at] = (1.0, 1.0)
    bounds[n + at] = (0.0, 0.0)
    result = linprog(
        weights, A_eq=equality, b_eq=np.zeros(equality.shape[0]), bounds=bounds, method="highs"
    )
    if result.status != 0:
        return None
    magnitude = np.asarray(result.x[:n] + result.x[n:], dtype=np.float64)
    support: NDArray[np.intp] = region[magnitude > 1e-7]
    return support
