"""The policy tables of one engine pass: true counts, before disclosure control.

Every table counts cells from the arrays of :class:`~matcher.insights.engine_pass.EnginePass`
with ``bincount`` and ``unique``; the only Python loops run over job orders, gates, result
codes and destinations. Definitions (docs/insights.md, "What the tables count"):

* A job order's **skills** are the concepts of its required skill requirements (``none``
  when it requires no skill); its **quarter** is that of its start date (``as_of`` when it
  has none); its **destination** its country. Only open (not refused) job orders count
  for slots, eligibility, gaps and languages; refused ones are counted in ``refusals``.
* ``eligible_workers``: distinct workers eligible for at least one job order of the cell.
  ``one_gap_workers``: distinct workers exactly one gap away from at least one job order
  of the cell and eligible for none of them. ``filled_slots`` and ``placed_workers``: the
  optimal allocation's placements (each worker is placed once).
* ``blocked_workers``: distinct workers for whom this gate alone blocks at least one job
  order of the destination.
* ``workers_holding``: workers whose best result in the test (dated on or before
  ``as_of``) is this level and whose stated preferences admit the destination, for the
  tests the destination's job orders require (for a ``CEFR (<language>)`` minimum, whose
  best CEFR level over every result in the language is this level); ``slots_requiring``:
  slots of job orders whose required language gates accept the test at this minimum
  level. Scores are shown in bands of ten (``140-149``) so that a score scale does not
  split the counts into cells of one.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from matcher.arrays import Bools, Floats, Ints
from matcher.insights.cells import CellIndex, distinct_workers, spread
from matcher.insights.engine_pass import EnginePass
from matcher.insights.schema import schema_for
from matcher.insights.table import PolicyTable
from matcher.rules.screening import ScreenedVacancy
from matcher.scoring.encoding import NO_START, day_number
from matcher.scoring.matching import MatchRun
from matcher.taxonomy.language_scale import native_rank
from models.language_results import CEFR_LEVELS
from models.regions import find_province
from models.worker import Worker

__all__ = [
    "NO_SKILL",
    "UNKNOWN",
    "engine_tables",
    "job_skills",
    "level_text",
    "published_province",
    "quarter_of",
]

NO_SKILL = "none"
"""The skill of a job order (or an opportunity) that requires none."""
UNKNOWN = "unknown"
"""The province of a worker whose record states none, or none the register knows."""


# A worker's ``province`` is free text: published as written, a misspelling or anything
# else typed there (a name, a NIK) would be a row of its own naming one person.
@functools.lru_cache(maxsize=4096)
def published_province(written: str | None) -> str:
    """The province a table shows for a province as written.

    Parameters
    ----------
    written : str or None
        A worker's ``province`` as the record states it.

    Returns
    -------
    str
        Its official name (Kemendagri; the usual variants are read), else
        :data:`UNKNOWN`.
    """
    if written is None:
        return UNKNOWN
    try:
        return find_province(written).name
    except ValueError:
        return UNKNOWN


def quarter_of(day: dt.date) -> str:
    """``2026Q2`` for a day in April-June 2026."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def level_text(value: str | int | float) -> str:
    """A test result or minimum as a ``level``: scores of ten or more in bands of ten."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 10:
        return str(value)
    low = int(value // 10 * 10)
    return f"{low}-{low + 9}"


def job_skills(order: ScreenedVacancy) -> tuple[str, ...]:
    """The concepts a job order requires, sorted (``(NO_SKILL,)`` when none)."""
    found = sorted({c for need in order.skills if need.required for c in need.concepts})
    return tuple(found) or (NO_SKILL,)


def engine_tables(
    run: MatchRun, workers: Sequence[Worker] | None, passed: EnginePass
) -> dict[str, PolicyTable]:
    """``supply_demand``, ``gaps``, ``languages``, ``origin`` and ``refusals``.

    Parameters
    ----------
    run : MatchRun
        The run the pass was made on.
    workers : sequence of Worker or None
        The raw worker records, in the run's order (only the province of origin is read);
        None: no ``origin`` table (a pool snapshot keeps no raw record).
    passed : EnginePass
        :func:`matcher.insights.engine_pass.run_engine_pass` of ``run``.

    Returns
    -------
    dict of str to PolicyTable
        By table name, in the order of :data:`matcher.insights.schema.TABLE_NAMES`.

    Raises
    ------
    ValueError
        If ``workers`` does not match the run's pool.
    """
    if workers is not None and (
        len(workers) != passed.pool.n_workers
        or any(w.id != i for w, i in zip(workers, passed.pool.ids, strict=True))
    ):
        raise ValueError("the worker records are not the run's pool (ids or order differ)")
    as_of = run.params.as_of
    tables = {
        "supply_demand": _supply_demand(passed, as_of),
        "gaps": _gaps(passed, as_of),
        "languages": _languages(passed, run, as_of),
        "origin": None if workers is None else _origin(passed, workers, as_of),
        "refusals": _refusals(run.vacancies, as_of),
    }
    return {name: table for name, table in tables.items() if table is not None}


def _destinations(passed: EnginePass) -> tuple[list[str], Ints]:
    """The destinations of the open job orders, sorted, and each job order's index."""
    countries = [o.vacancy.country for o in passed.orders]
    names = sorted(set(countries))
    where = {c: i for i, c in enumerate(names)}
    return names, np.array([where[c] for c in countries], np.int64)


def _supply_demand(passed: EnginePass, as_of: dt.date) -> PolicyTable:
    index = CellIndex()
    ptr: list[int] = [0]
    cells: list[int] = []
    for order in passed.orders:
        key = (order.vacancy.country, quarter_of(order.day))
        cells.extend(index.id((skill, *key)) for skill in job_skills(order))
        ptr.append(len(cells))
    job_ptr, job_cells = np.array(ptr, np.int64), np.array(cells, np.int64)
    n_cells, n = len(index), passed.pool.n_workers
    slots = np.array([o.vacancy.slots for o in passed.orders], np.int64)
    per_job = np.diff(job_ptr)
    demanded = np.bincount(job_cells, weights=np.repeat(slots, per_job), minlength=n_cells)
    graph = passed.graph
    eligible = spread(graph.job(), graph.worker, job_ptr, job_cells)
    filled_cell, _ = spread(
        graph.job()[passed.chosen], graph.worker[passed.chosen], job_ptr, job_cells
    )
    gaps = passed.one_gaps
    one_gap = spread(gaps.job, gaps.worker, job_ptr, job_cells)
    return PolicyTable(
        schema_for("supply_demand"),
        as_of,
        index.columns(("skill", "destination", "quarter")),
        {
            "slots_demanded": demanded.astype(np.int64),
            "eligible_workers": distinct_workers(*eligible, n_cells, n),
            "one_gap_workers": distinct_workers(*one_gap, n_cells, n, minus=eligible),
            "filled_slots": np.bincount(filled_cell, minlength=n_cells).astype(np.int64),
        },
    )


def _gaps(passed: EnginePass, as_of: dt.date) -> PolicyTable:
    names, destination = _destinations(passed)
    gaps = passed.one_gaps
    index = CellIndex()
    lookup = np.full((len(gaps.labels), max(len(names), 1)), -1, np.int64)
    for j, own in enumerate(gaps.job_labels):
        d = int(destination[j])
        for label in own:
            if lookup[label, d] < 0:
                kind, requirement = gaps.labels[label]
                lookup[label, d] = index.id((kind, requirement, names[d]))
    cell = lookup[gaps.label, destination[gaps.job]] if gaps.job.size else gaps.job
    n = passed.pool.n_workers
    blocked = distinct_workers(cell, gaps.worker, len(index), n)
    return PolicyTable(
        schema_for("gaps"),
        as_of,
        index.columns(("gap_kind", "requirement", "destination")),
        {"blocked_workers": blocked},
    )


def _required_levels(order: ScreenedVacancy) -> set[tuple[str, str]]:
    """The (test, level) minima a job order's required language gates accept."""
    found: set[tuple[str, str]] = set()
    for gate in order.languages:
        if not gate.required:
            continue
        found.update((test, level_text(minimum)) for test, minimum in gate.tests)
        if gate.language is not None and gate.min_cefr is not None:
            found.add((f"CEFR ({gate.language})", gate.min_cefr))
    return found


def _languages(passed: EnginePass, run: MatchRun, as_of: dt.date) -> PolicyTable:
    index = CellIndex()
    slots: dict[int, int] = defaultdict(int)
    tests_of: dict[str, set[str]] = defaultdict(set)
    for order in passed.orders:
        country = order.vacancy.country
        for test, level in sorted(_required_levels(order)):
            slots[index.id((test, level, country))] += order.vacancy.slots
            tests_of[country].add(test)
    langs = passed.pool.languages
    best, worker = _best_results(passed, as_of)
    levels, level_worker = _best_cefr(passed, as_of)
    holding: dict[int, int] = defaultdict(int)
    for country in sorted(tests_of):
        admits = ~passed.scorer.prefers_other(country)
        codes, counts = np.unique(best[admits[worker]], return_counts=True)
        for code, count in zip(codes.tolist(), counts.tolist(), strict=True):
            test, value = langs.results[code]
            if test in tests_of[country]:
                holding[index.id((test, level_text(value), country))] += count
        # A CEFR requirement is met through any test of its language: its row counts the
        # workers by their best level over those tests (the mapping the gate reads).
        codes, counts = np.unique(levels[admits[level_worker]], return_counts=True)
        for code, count in zip(codes.tolist(), counts.tolist(), strict=True):
            language, rank = divmod(code, len(CEFR_LEVELS) + 1)
            test = f"CEFR ({langs.languages[language]})"
            if test in tests_of[country]:
                holding[index.id((test, CEFR_LEVELS[rank - 1], country))] += count
    n_cells = len(index)
    return PolicyTable(
        schema_for("languages"),
        as_of,
        index.columns(("test", "level", "destination")),
        {
            "workers_holding": [holding.get(c, 0) for c in range(n_cells)],
            "slots_requiring": [slots.get(c, 0) for c in range(n_cells)],
        },
    )


def _best_results(passed: EnginePass, as_of: dt.date) -> tuple[Ints, Ints]:
    """Each worker's best result per test, dated on or before ``as_of``.

    Returns
    -------
    result, worker : ndarray of int64
        One entry per worker and test held: the result (an index into the pool's
        ``languages.results``) and the worker.
    """
    langs = passed.pool.languages
    rank = np.array([native_rank(t, v) for t, v in langs.results], np.float64)
    tests = np.unique([t for t, _ in langs.results], return_inverse=True)[1].reshape(-1)
    dated = _dated(passed, as_of)
    code = langs.result[dated].astype(np.int64)
    worker = langs.worker[dated].astype(np.int64)
    best = _best_of_each(worker, tests[code], rank[code])
    return code[best], worker[best]


def _best_cefr(passed: EnginePass, as_of: dt.date) -> tuple[Ints, Ints]:
    """Each worker's best CEFR level per language, over her results dated on or before
    ``as_of`` that map to one.

    Returns
    -------
    level, worker : ndarray of int64
        One entry per worker and language: ``language * (len(CEFR_LEVELS) + 1) + rank``
        (``language`` indexes the pool's ``languages.languages``, ``rank`` is 1-6) and the
        worker.
    """
    langs = passed.pool.languages
    mapped = _dated(passed, as_of) & (langs.cefr > 0) & (langs.language >= 0)
    language = langs.language[mapped].astype(np.int64)
    rank = langs.cefr[mapped].astype(np.int64)
    worker = langs.worker[mapped].astype(np.int64)
    best = _best_of_each(worker, language, rank)
    return language[best] * (len(CEFR_LEVELS) + 1) + rank[best], worker[best]


def _dated(passed: EnginePass, as_of: dt.date) -> Bools:
    """The pool's language results dated on or before ``as_of`` (or undated)."""
    langs = passed.pool.languages
    dated: Bools = (langs.date == NO_START) | (langs.date <= day_number(as_of))
    return dated


def _best_of_each(worker: Ints, group: Ints, rank: Ints | Floats) -> Ints:
    """The entry of highest ``rank`` of each (worker, group), as indices."""
    if not worker.size:
        return np.zeros(0, np.int64)
    order = np.lexsort((rank, group, worker))
    worker, group = worker[order], group[order]
    last = np.append((worker[1:] != worker[:-1]) | (group[1:] != group[:-1]), True)
    best: Ints = order[last]
    return best


def _origin(passed: EnginePass, workers: Sequence[Worker], as_of: dt.date) -> PolicyTable:
    names, destination = _destinations(passed)
    provinces = np.array([published_province(w.province) for w in workers], dtype=object)
    province_names, province = np.unique(provinces, return_inverse=True)
    province = province.reshape(-1).astype(np.int64)
    n_dest, n = max(len(names), 1), passed.pool.n_workers
    graph = passed.graph
    cell = province[graph.worker] * n_dest + destination[graph.job()]
    n_cells = len(province_names) * n_dest
    eligible = distinct_workers(cell, graph.worker, n_cells, n)
    placed = np.bincount(cell[passed.chosen], minlength=n_cells).astype(np.int64)
    rows = np.arange(n_cells) if names else np.zeros(0, np.int64)
    return PolicyTable(
        schema_for("origin"),
        as_of,
        {
            "province": [str(province_names[c // n_dest]) for c in rows],
            "destination": [names[c % n_dest] for c in rows],
        },
        {"eligible_workers": eligible[rows], "placed_workers": placed[rows]},
    )


def _refusals(orders: Sequence[ScreenedVacancy], as_of: dt.date) -> PolicyTable:
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for order in orders:
        for kind in sorted({note.kind for note in order.refusals}):
            counts[(kind, order.vacancy.country)] += 1
    keys = sorted(counts)
    return PolicyTable(
        schema_for("refusals"),
        as_of,
        {"reason_kind": [k for k, _ in keys], "destination": [d for _, d in keys]},
        {"job_orders": [counts[k] for k in keys]},
    )
