"""Disclosure control: primary and complementary suppression held to the definitions.

Random tables (hypothesis) in two and three dimensions with several person counts are
suppressed, then attacked by tests/insights/oracle.py, which shares no code with the
method: exact rational linear algebra for recomputation, a linear programme for intervals.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.insights.lines import Lines
from matcher.insights.schema import Dimension, Measure, TableSchema
from matcher.insights.suppression import protect, protect_detailed
from matcher.insights.table import PolicyTable
from tests.insights.oracle import Cell, determined, intervals, known_lines

AS_OF = dt.date(2026, 3, 1)
MEASURES = ("workers", "placed", "slots")


def _schema(n_dims: int) -> TableSchema:
    return TableSchema(
        "t",
        tuple(Dimension(f"d{i}") for i in range(n_dims)),
        (Measure("workers", True), Measure("placed", True), Measure("slots", False)),
    )


def _table(cells: Sequence[Cell], columns: dict[str, Sequence[int]]) -> PolicyTable:
    n_dims = len(cells[0]) if cells else 2
    return PolicyTable(
        _schema(n_dims),
        AS_OF,
        {f"d{i}": [c[i] for c in cells] for i in range(n_dims)},
        columns,
    )


@st.composite
def tables(draw: st.DrawFn) -> PolicyTable:
    """A sparse table of 2 or 3 dimensions with counts mixing zeros, small and large."""
    n_dims = draw(st.sampled_from([2, 3]))
    sizes = [draw(st.integers(1, 5 if n_dims == 2 else 3)) for _ in range(n_dims)]
    grid = list(itertools.product(*(range(s) for s in sizes)))
    present = draw(st.lists(st.booleans(), min_size=len(grid), max_size=len(grid)))
    cells = [tuple(f"v{v}" for v in cell) for cell, keep in zip(grid, present, strict=True) if keep]
    if not cells:
        cells = [tuple("v0" for _ in range(n_dims))]
    count = st.one_of(st.just(0), st.integers(1, 9), st.integers(10, 60))
    columns = {m: draw(st.lists(count, min_size=len(cells), max_size=len(cells))) for m in MEASURES}
    return _table(cells, columns)


def _cells(table: PolicyTable) -> list[Cell]:
    names = table.schema.dimension_names
    return [tuple(str(table.dimensions[d][i]) for d in names) for i in range(table.n_rows)]


@settings(max_examples=150, deadline=None)
@given(tables(), st.sampled_from([3, 5, 10]))
def test_no_blanked_cell_can_be_recomputed(table: PolicyTable, min_cell: int) -> None:
    protected, done = protect_detailed(table, min_cell=min_cell)
    cells = _cells(table)
    everything = determined(cells, [True] * len(cells))  # what the margins alone give away
    for name in table.schema.person_counts:
        values = table.measures[name]
        blank = protected.blanked[name]
        # (a) every small count is blank, zero and the others are not blank for being small
        assert (blank | ~((values >= 1) & (values < min_cell))).all()
        # (b) what the attacker recomputes exactly, only margin-determined cells
        recomputed = determined(cells, blank.tolist())
        assert recomputed <= everything, (name, sorted(recomputed - everything))
        assert set(done[name].exposed.tolist()) == everything & set(np.flatnonzero(blank))
        # (c) the FORMAT line rule
        for line in known_lines(cells):
            assert sum(bool(blank[i]) for i in line) != 1, (name, line)
    # Measures that count no people are never blanked.
    assert "slots" not in protected.blanked


@st.composite
def larger_tables(draw: st.DrawFn) -> PolicyTable:
    """Three-dimensional tables of up to 8 x 6 x 4 cells: components large enough for the
    audit's iterative solver and the repair's widening boxes."""
    sizes = [draw(st.integers(4, 8)), draw(st.integers(3, 6)), draw(st.integers(2, 4))]
    density = draw(st.sampled_from([0.5, 0.8, 1.0]))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    grid = [c for c in itertools.product(*(range(s) for s in sizes)) if rng.random() < density]
    cells = [tuple(f"v{v}" for v in c) for c in grid] or [("v0", "v0", "v0")]
    n = len(cells)
    columns = {m: rng.choice([0, 2, 5, 8, 12, 20, 45], size=n).tolist() for m in MEASURES}
    return _table(cells, columns)


@settings(max_examples=6, deadline=None)
@given(larger_tables())
def test_larger_tables_resist_a_linear_programming_attacker(table: PolicyTable) -> None:
    """On larger tables the exact rational attacker is too slow; a second, different
    attacker (a linear programme per blank: can it move at all?) takes its place."""
    protected, done = protect_detailed(table)
    cells = _cells(table)
    for name, blank in protected.blanked.items():
        values = table.measures[name].tolist()
        found = intervals(cells, values, blank.tolist(), lower=None)
        pinned = {cell for cell, (low, high) in found.items() if high - low < 1e-6}
        assert pinned == set(done[name].exposed.tolist()), name
        for line in known_lines(cells):
            assert sum(bool(blank[i]) for i in line) != 1


@settings(max_examples=60, deadline=None)
@given(tables())
def test_without_blanked_zeros_every_protected_cell_can_move(table: PolicyTable) -> None:
    """Under non-negativity too: when no zero had to be blanked, the attacker's interval of
    every blanked cell the margins leave free has positive width."""
    protected = protect(table, min_cell=10)
    cells = _cells(table)
    everything = determined(cells, [True] * len(cells))
    for name, blank in protected.blanked.items():
        values = table.measures[name]
        if (values[blank] == 0).any():
            continue
        for cell, (low, high) in intervals(cells, values.tolist(), blank.tolist()).items():
            if cell not in everything:
                assert high - low > 1e-6, (name, cell, low, high)
                assert low <= values[cell] <= high


@settings(max_examples=40, deadline=None)
@given(tables(), st.randoms(use_true_random=False))
def test_suppression_is_deterministic_whatever_the_row_order(table: PolicyTable, random) -> None:  # type: ignore[no-untyped-def]
    order = list(range(table.n_rows))
    random.shuffle(order)
    shuffled = PolicyTable(
        table.schema,
        AS_OF,
        {d: table.dimensions[d][order] for d in table.schema.dimension_names},
        {m: table.measures[m][order] for m in table.schema.measure_names},
    )
    first, again, other = protect(table), protect(table), protect(shuffled)
    assert list(first.rows()) == list(again.rows()) == list(other.rows())


def _grid(values: list[list[int]]) -> PolicyTable:
    cells = [(f"r{i}", f"c{j}") for i in range(len(values)) for j in range(len(values[0]))]
    flat = [v for row in values for v in row]
    return _table(cells, {"workers": flat, "placed": [0] * len(flat), "slots": flat})


def _blank_grid(table: PolicyTable) -> list[list[int]]:
    mask = protect(table).blanked["workers"]
    width = len(set(table.dimensions["d1"].tolist()))
    return mask.reshape(-1, width).astype(int).tolist()


def test_one_small_cell_costs_the_cheapest_rectangle() -> None:
    table = _grid([[3, 40, 12], [50, 60, 70], [11, 80, 13]])
    # Rows r0 and r2 with columns c0 and c2: 12 + 11 + 13 beats every other rectangle.
    assert _blank_grid(table) == [[1, 0, 1], [0, 0, 0], [1, 0, 1]]


def test_zero_is_shown_and_not_suppressed_for_being_small() -> None:
    table = _grid([[0, 40], [50, 60]])
    assert _blank_grid(table) == [[0, 0], [0, 0]]


def test_the_line_rule_alone_can_leave_a_cell_recomputable() -> None:
    """Two blocks of blanks joined by one blank: every line holds two blanks or none, yet
    the rows of the first block minus its columns give the joining cell."""
    #        c0  c1  c2  c3
    rows = [[3, 4, 90, 95],  # r0
            [5, 3, 2, 97],   # r1: (r1, c2) joins the blocks
            [91, 92, 4, 3],  # r2
            [93, 94, 3, 5]]  # r3  # fmt: skip
    table = _grid(rows)
    cells = _cells(table)
    small = [v < 10 for row in rows for v in row]
    assert all(sum(small[i] for i in line) != 1 for line in known_lines(cells))
    assert determined(cells, small) == {6}  # (r1, c2), though the line rule holds
    blank = protect(table).blanked["workers"]
    assert determined(cells, blank.tolist()) == set()


def test_a_cell_the_margins_give_away_is_reported() -> None:
    """Two 2 x 2 blocks joined by one cell, the other cells absent: the rows of the first
    block minus its columns give the joining cell whatever is blanked."""
    present = [(0, 0), (0, 1), (1, 0), (1, 1), (1, 2), (2, 2), (2, 3), (3, 2), (3, 3)]
    cells = [(f"r{r}", f"c{c}") for r, c in present]
    values = [30, 40, 50, 60, 4, 70, 80, 90, 95]
    table = _table(cells, {"workers": values, "placed": [0] * 9, "slots": values})
    protected, done = protect_detailed(table)
    assert done["workers"].exposed.tolist() == [4]
    assert protected.blanked["workers"][4]
    # The margins alone determine it: no blank elsewhere could hide it.
    assert determined(cells, [True] * 9) == {4}


def test_three_dimensions_need_more_than_squares() -> None:
    """In a full 2 x 2 x 2 table one small cell needs the whole cube: a square of blanks
    leaves each corner alone on its line along the third dimension."""
    cells = list(itertools.product(["a0", "a1"], ["b0", "b1"], ["c0", "c1"]))
    values = [4, 20, 21, 22, 23, 24, 25, 26]
    table = _table(cells, {"workers": values, "placed": [0] * 8, "slots": values})
    blank = protect(table).blanked["workers"]
    assert blank.all()
    assert determined(cells, blank.tolist()) == set()


def test_min_cell_below_three_is_an_error() -> None:
    with pytest.raises(ValueError, match="at least 3"):
        protect(_grid([[1, 2], [3, 4]]), min_cell=2)


def test_lines_of_a_table() -> None:
    table = _grid([[1, 2, 3], [4, 5, 6]])
    lines = Lines(table.codes())
    assert lines.incidence.shape == (5, 6)  # 2 rows + 3 columns, each of two or more cells
    assert [s.tolist() for s in lines.sizes] == [[2, 2, 2], [3, 3]]


def test_a_cell_that_opens_a_line_is_taken_alone_so_the_next_closes_two() -> None:
    """Two small cells in one row (min_cell 3 not reached: 2 and 2): each column then
    needs another blank. Mending both columns at once would take a cell in two different
    rows, each then needing a third; the cheapest first (3, row r2) lets its row's zero
    close the other column too: four blanks, not six."""
    #        c0  c1
    rows = [[5, 0],  # r0
            [2, 2],  # r1: the small cells
            [3, 0],  # r2
            [0, 0]]  # r3  # fmt: skip
    table = _grid(rows)
    blank = protect(table, min_cell=3).blanked["workers"]
    assert blank.reshape(4, 2).astype(int).tolist() == [[0, 0], [1, 1], [1, 1], [0, 0]]
    assert determined(_cells(table), blank.tolist()) == set()
