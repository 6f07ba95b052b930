"""Benchmark: disclosure control of a policy table of realistic size.

A ``supply_demand`` table of ``--skills`` (300) x ``--destinations`` (8) x ``--quarters``
(8), of which ``--density`` (0.6) of the cells exist, with three person counts drawn so
that many are below ``--min-cell`` (skills are Pareto-popular, destinations and quarters
uneven). ``--density 0.15`` is closer to a round of 2,000 job orders, where a row exists
only where slots are demanded. Timed ``--repeat`` times each,
side by side in one process:

* **ours**: :func:`matcher.insights.suppression.protect` (line rule, coloop audit,
  cheapest-circuit repair);
* **naive line rule**: the FORMAT rule alone, each deficient line mended with its first
  published cell in row order, iterated to a fixpoint — then audited with the same exact
  test, to show how many blanks it leaves recomputable.

Reported: rows, primary blanks, all blanks and their summed counts, blanks still
recomputable (margin-determined ones apart), and seconds (median and range).
``--dense`` also checks the LSQR coloop audit against an explicit dense null-space basis
on the largest audit (minutes: the dense path is what the LSQR one replaces).

Run: ``.venv/bin/python -m benchmarks.bench_suppression [--skills 300] [--repeat 3]
[--dense]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from benchmarks.common import parse_args
from matcher.insights.lines import Lines, coloops
from matcher.insights.schema import SCHEMAS
from matcher.insights.suppression import protect_detailed, suppress_measure
from matcher.insights.table import PolicyTable


def make_table(args: argparse.Namespace) -> PolicyTable:
    """A sparse skills x destinations x quarters table with uneven, often small counts."""
    rng = np.random.default_rng(args.seed)
    shape = (args.skills, args.destinations, args.quarters)
    popularity = rng.pareto(1.2, args.skills) + 0.2
    mean = 600 * np.einsum(
        "i,j,k->ijk",
        popularity / popularity.sum() * 30,
        rng.dirichlet(np.full(args.destinations, 2.0)),
        rng.dirichlet(np.full(args.quarters, 5.0)),
    )
    present = rng.random(shape) < args.density
    cells = np.argwhere(present)

    def counts() -> NDArray[np.int64]:
        drawn: NDArray[np.int64] = rng.poisson((mean * rng.gamma(0.7, 1 / 0.7, shape))[present])
        return drawn

    return PolicyTable(
        SCHEMAS["supply_demand"],
        dt.date(2026, 3, 1),
        {
            "skill": [f"S{i:04d}" for i in cells[:, 0]],
            "destination": [f"D{i}" for i in cells[:, 1]],
            "quarter": [f"2026Q{i}" for i in cells[:, 2]],
        },
        {m: counts() for m in SCHEMAS["supply_demand"].measure_names},
    )


def naive_line_rule(values: np.ndarray, lines: Lines, min_cell: int) -> np.ndarray:
    """The FORMAT rule alone: mend each deficient line with its first published cell."""
    blank = (values >= 1) & (values < min_cell)
    while True:
        chosen = []
        for count, size, key in zip(lines.counts(blank), lines.sizes, lines.keys, strict=True):
            deficient = (count == 1) & (size >= 2)
            candidates = np.flatnonzero(deficient[key] & ~blank)
            first = np.unique(key[candidates], return_index=True)[1]
            chosen.append(candidates[first])
        picked = np.concatenate(chosen)
        if picked.size == 0:
            return blank
        blank[picked] = True


def _timed(repeat: int, run):  # type: ignore[no-untyped-def]
    seconds, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        seconds.append(time.perf_counter() - start)
    return result, seconds


def _spread(seconds: list[float]) -> str:
    return f"{statistics.median(seconds):.2f} s (range {min(seconds):.2f}-{max(seconds):.2f})"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--skills", type=int, default=300)
    parser.add_argument("--destinations", type=int, default=8)
    parser.add_argument("--quarters", type=int, default=8)
    parser.add_argument("--density", type=float, default=0.6)
    parser.add_argument("--min-cell", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dense", action="store_true")
    args = parse_args(parser, argv, {"skills": 20, "destinations": 3, "quarters": 3, "repeat": 1})

    table = make_table(args)
    print(f"supply_demand: {table.n_rows:,} rows, person counts {table.schema.person_counts}")
    (protected, done), ours = _timed(
        args.repeat, lambda: protect_detailed(table, min_cell=args.min_cell)
    )
    lines = Lines(table.codes())
    exposed_all = coloops(lines.incidence, np.arange(lines.n_cells))

    def naive_all() -> dict[str, np.ndarray]:
        return {
            m: naive_line_rule(table.measures[m], lines, args.min_cell)
            for m in table.schema.person_counts
        }

    naive, naive_seconds = _timed(args.repeat, naive_all)
    print(f"ours:  {_spread(ours)} for all three measures (table lines built inside)")
    print(f"naive: {_spread(naive_seconds)}")
    header = f"{'measure':<17}{'primary':>8}{'ours':>8}{'naive':>8}"
    print(header + f"{'ours sum':>10}{'naive sum':>10}{'recomp. ours':>14}{'naive':>7}")
    for m in table.schema.person_counts:
        values = table.measures[m]
        blank_ours, blank_naive = protected.blanked[m], naive[m]
        left = []
        for blank in (blank_ours, blank_naive):
            cells = np.flatnonzero(blank)
            found = cells[coloops(lines.incidence, cells)]
            left.append(int((~exposed_all[found]).sum()))
        print(
            f"{m:<17}{done[m].primary:>8}{int(blank_ours.sum()):>8}{int(blank_naive.sum()):>8}"
            f"{int(values[blank_ours].sum()):>10}{int(values[blank_naive].sum()):>10}"
            f"{left[0]:>14}{left[1]:>7}"
        )
    print(f"margin-determined cells (exposed whatever is blanked): {int(exposed_all.sum())}")
    if args.dense:
        from scipy.linalg import null_space

        m = table.schema.person_counts[0]
        cells = np.flatnonzero(protected.blanked[m])
        sub = lines.incidence[:, cells]
        sub = sub[np.flatnonzero(sub.getnnz(axis=1))]
        start = time.perf_counter()
        fast = coloops(lines.incidence, cells)
        fast_seconds = time.perf_counter() - start
        start = time.perf_counter()
        basis = null_space(sub.toarray())
        dense = np.linalg.norm(basis, axis=1) < 1e-7
        dense_seconds = time.perf_counter() - start
        print(
            f"audit of {cells.size:,} blanks: LSQR {fast_seconds:.2f} s, dense null space "
            f"{dense_seconds:.1f} s, same answer: {bool((fast == dense).all())}"
        )
    # Reuse check: suppress_measure is what protect runs per measure.
    assert (
        suppress_measure(table.measures[m], lines, min_cell=args.min_cell).blanked
        == protected.blanked[m]
    ).all()


if __name__ == "__main__":
    main()
