"""An attacker written from the definitions, independent of matcher.insights.

It rebuilds the lines from the dimension values, then decides with exact rational
arithmetic (fractions) which blanked cells the published cells and the line totals
determine, and with a linear programme how far each blanked cell can move when every cell
must stay non-negative. Slow and small on purpose: it is the oracle for random small
tables.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from fractions import Fraction

import numpy as np
from scipy.optimize import linprog

Cell = tuple[str, ...]


def known_lines(cells: Sequence[Cell]) -> list[list[int]]:
    """Every line of two or more cells, as lists of cell positions."""
    lines: dict[tuple[int, Cell], list[int]] = defaultdict(list)
    for position, cell in enumerate(cells):
        for axis in range(len(cell)):
            lines[(axis, cell[:axis] + cell[axis + 1 :])].append(position)
    return [members for members in lines.values() if len(members) >= 2]


def determined(cells: Sequence[Cell], blank: Sequence[bool]) -> set[int]:
    """Blanked cells whose unit vector lies in the row space of the line totals restricted
    to the blanked cells (exact, by reduced row echelon form over the rationals)."""
    columns = [i for i, hidden in enumerate(blank) if hidden]
    at = {cell: k for k, cell in enumerate(columns)}
    rows = []
    for line in known_lines(cells):
        row = [Fraction(0)] * len(columns)
        for member in line:
            if member in at:
                row[at[member]] = Fraction(1)
        if any(row):
            rows.append(row)
    pivots = _rref(rows, len(columns))
    found = set()
    for r, c in pivots:
        # e_c is in the row space iff its pivot row has no entry in a free column.
        if all(rows[r][k] == 0 for k in range(len(columns)) if k != c):
            found.add(columns[c])
    return found


def _rref(rows: list[list[Fraction]], n: int) -> list[tuple[int, int]]:
    pivots: list[tuple[int, int]] = []
    r = 0
    for c in range(n):
        pivot = next((i for i in range(r, len(rows)) if rows[i][c] != 0), None)
        if pivot is None:
            continue
        rows[r], rows[pivot] = rows[pivot], rows[r]
        head = rows[r][c]
        rows[r] = [v / head for v in rows[r]]
        for i in range(len(rows)):
            if i != r and rows[i][c] != 0:
                factor = rows[i][c]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[r], strict=True)]
        pivots.append((r, c))
        r += 1
    return pivots


def intervals(
    cells: Sequence[Cell],
    values: Sequence[int],
    blank: Sequence[bool],
    *,
    lower: float | None = 0.0,
) -> dict[int, tuple[float, float]]:
    """Per blanked cell, the least and greatest value consistent with what is published,
    every line total and ``x >= lower`` (the attacker's linear programmes). With
    ``lower=None`` the cells are only kept within +-10^6, so that a cell the equations do
    not determine has an interval of width about 10^6 and a determined one of width 0."""
    columns = [i for i, hidden in enumerate(blank) if hidden]
    at = {cell: k for k, cell in enumerate(columns)}
    equations, totals = [], []
    for line in known_lines(cells):
        row = np.zeros(len(columns))
        rest = 0.0
        for member in line:
            if member in at:
                row[at[member]] = 1.0
            else:
                rest += values[member]
        if row.any():
            equations.append(row)
            totals.append(sum(values[m] for m in line) - rest)
    found = {}
    for k, cell in enumerate(columns):
        objective = np.zeros(len(columns))
        objective[k] = 1.0
        bounds = []
        for sign in (1.0, -1.0):
            result = linprog(
                sign * objective,
                A_eq=np.array(equations) if equations else None,
                b_eq=np.array(totals) if equations else None,
                bounds=[(lower, None) if lower is not None else (-1e6, 1e6)] * len(columns),
                method="highs",
            )
            # Only a maximum can be unbounded (a cell on no line of two or more).
            bounds.append(sign * result.fun if result.status == 0 else np.inf)
        found[cell] = (bounds[0], bounds[1])
    return found
