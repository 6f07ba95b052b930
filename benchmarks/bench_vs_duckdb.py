"""Benchmark: the kernel against DuckDB running the same gates and score in SQL, side by side.

One pool and one set of job orders, both engines in this process, the answers checked:

* **the pool**: ``--workers`` synthetic workers (``benchmarks.synthetic``, validated and
  encoded as a run would), tiled ``--replicas`` times with distinct ids (1,000,000 by
  default; copies tie with their original on score, so the id tie-break is exercised);
* **the job orders**: ``--orders`` of one shape, built from the synthetic ones bound for
  Japan (start date, destination, ISCO group): four single-concept skills, the first
  required (each held by 2-40% of the pool; a second one required in a third of the
  orders; the first certified on the start date in another third, a minimum of months
  in the last third), the others optional; a required JLPT minimum (N5, N4 or N3); an
  age window; months in the ISCO group, which score and in a third of the orders must
  reach 6; no wage, health, stay-cap or programme rules. Every job order also has the
  gates every job order has: fit to work, passport valid on the start date, the
  destination preference;
* **the SQL**: DuckDB (``threads=2``), ``--sql-batches`` job orders a query (100, 25
  and 250 are each timed and the fastest compared; one query for all 1,000 needs more
  than the 8 GB the benchmark runs in), over the pool's
  columns as tables: per-worker columns, skills (listed months and level per concept),
  certificates (one row per concept they name), language results, experience, preferred
  countries, and the pool's inverted indexes (the workers listing or certified for a
  concept or a more specific one), the same the kernel reads. Each job order's
  per-value curves (depth credit by months, language credit by margin, experience
  credit by quarter, ISCO closeness, the first valid JLPT issue day) are given to both
  engines as lookup tables computed once from the parameters: the comparison is the
  per-pair work. The score is written with the kernel's floating-point operations in
  its order, the published score (``round(score, 4)`` as Python rounds) likewise, and
  ties are broken by the id's rank, so the answer must be the same bit for bit;
* **the check**: for every job order the top ``K`` worker ids, in order, and their
  scores as float64 bit patterns; the benchmark stops on the first difference;
* **the times**: every job order at once, wall and CPU, ``--repeats`` times each (DuckDB's
  first run and the kernel's first run, which builds its posting lists, reported
  apart), ms per job order and the ratio; then one job order at a time with the kernel
  (median and p99 over ``--single-orders`` job orders, also with every skill made
  optional so that no required skill narrows the pool), against the same kernel told to
  scan the pool (``dense_share=-1, tier_share=-1``), in the same run.

Run (from the repository root; duckdb is the ``bench`` extra):
``.venv/bin/python -m benchmarks.bench_vs_duckdb [--workers 100000] [--replicas 10]
[--orders 1000] [--repeats 3] [--batch-orders 10000] [--batch-jobs 1,2] [--batch-only]
[--quick]``. The 1,000,000-worker run needs about 6 GB.

Before all that, the **batch section** ranks ``--batch-orders`` job orders of the same
shape at once with the kernel alone, top ``K``, once per ``--batch-jobs`` value in every
repeat (``PoolScorer.top_workers(n_jobs=...)``: 1 in this process, more in forked
processes), alternated, each with a new scorer; every answer must be the first's.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import platform
import resource
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from benchmarks.bench_rank import quantiles, side_by_side, tile_pool, worst_orders
from benchmarks.common import int_list, ms, parse_args, timed, validated
from benchmarks.synthetic import AS_OF, generate_pool
from matcher.rules.screening import AgeGate, LanguageGate, ScreenedVacancy, SkillNeed
from matcher.scoring.encoding import NO_START, EncodedPool, encode_pool
from matcher.scoring.kernel import PoolScorer
from matcher.scoring.kernel.plan import Plan
from matcher.scoring.matching import prepare_run
from matcher.scoring.params import ScoringParams
from matcher.taxonomy.skills import SkillRelation

K = 50
N_NEEDS = 4
JLPT_LEVELS = ("N5", "N4", "N4", "N3")
RELATIONS: tuple[SkillRelation, ...] = ("within", "broader", "sibling")

# The published score as matcher.scoring.publish.published_scores computes it (Python's
# round(score, 4) * 10**4, exactly): the fast path, and near a decimal tie the sign of
# score * 20000 - (2m + 1) decided with a Veltkamp split.
_PUBLISHED_MACRO = """
CREATE OR REPLACE MACRO published(x) AS (
    CASE WHEN abs(x * 10000.0 - floor(x * 10000.0) - 0.5) < 1e-6 THEN
        CAST(floor(x * 10000.0) AS BIGINT) + CAST(
            ((134217729.0 * x - (134217729.0 * x - x)) * 20000.0
              - (2.0 * floor(x * 10000.0) + 1.0))
            + (x - (134217729.0 * x - (134217729.0 * x - x))) * 20000.0 > 0
            OR ((134217729.0 * x - (134217729.0 * x - x)) * 20000.0
                 - (2.0 * floor(x * 10000.0) + 1.0))
               + (x - (134217729.0 * x - (134217729.0 * x - x))) * 20000.0 = 0
               AND CAST(floor(x * 10000.0) AS BIGINT) % 2 = 1
        AS BIGINT)
    ELSE CAST(floor(x * 10000.0) AS BIGINT)
        + CAST(x * 10000.0 - floor(x * 10000.0) >= 0.5 AS BIGINT)
    END
)
"""

# Each need's weighted credit and certificate share as columns s<i>, c<i> (0.0 if absent).
_PER_NEED_COLUMNS = ", ".join(
    f"coalesce(max(CASE WHEN need = {i} THEN weight * "
    f"CASE WHEN best < 0.5 AND cert THEN 0.5 ELSE best END END), 0.0) AS s{i}, "
    f"coalesce(max(CASE WHEN need = {i} THEN weight * CAST(cert AS DOUBLE) END), 0.0) AS c{i}"
    for i in range(N_NEEDS)
)

# Every job order at once. Candidates from the inverted indexes of the required skills,
# then the gates, then the score with the kernel's operations in its order: each
# component a left-to-right sum (0.0 + ...), divided once; the weighted mean likewise.
_TOP_QUERY = f"""
WITH
req AS (SELECT o, concept FROM needs WHERE required AND o >= $lo AND o < $hi),
n_req AS (SELECT o, count(*) AS n FROM req GROUP BY o),
reach AS (
    SELECT r.o, r.concept, h.w FROM req r JOIN held h ON h.concept = r.concept
    UNION
    SELECT r.o, r.concept, c.w FROM req r JOIN certified c ON c.concept = r.concept
),
cand AS (
    SELECT r.o, r.w FROM reach r JOIN n_req USING (o)
    GROUP BY r.o, r.w, n_req.n HAVING count(*) = n_req.n
),
gated AS (
    SELECT c.o, c.w FROM cand c JOIN orders od ON od.o = c.o JOIN workers wk ON wk.w = c.w
    WHERE wk.fit <> 0 AND wk.passport >= od.day
      AND od.year - wk.birth_year - CAST(od.monthday < wk.birth_monthday AS INTEGER)
          BETWEEN od.age_min AND od.age_max
      AND NOT (wk.any_country AND NOT EXISTS (
          SELECT 1 FROM prefs p WHERE p.w = c.w AND p.country = od.country))
),
lang AS (
    SELECT g.o, g.w, max(lr.rank) AS rank
    FROM gated g JOIN langs l ON l.w = g.w
    JOIN lang_rank lr ON lr.o = g.o AND lr.result = l.result
    JOIN lang_valid v ON v.o = g.o AND v.test = l.test
    JOIN orders od ON od.o = g.o
    WHERE CASE WHEN l.date = {NO_START} THEN v.undated
               ELSE l.date >= v.start AND l.date <= od.day END
    GROUP BY g.o, g.w
),
exp AS (
    SELECT g.o, g.w, sum(i.quarters * e.months) AS quarters,
           sum(CASE WHEN i.exact THEN e.months ELSE 0 END) AS exact
    FROM lang g JOIN experience e ON e.w = g.w JOIN isco i ON i.o = g.o AND i.isco = e.isco
    GROUP BY g.o, g.w
),
passed AS (
    SELECT g.o, g.w, g.rank, coalesce(x.quarters, 0) AS quarters
    FROM lang g JOIN orders od ON od.o = g.o LEFT JOIN exp x ON x.o = g.o AND x.w = g.w
    WHERE coalesce(x.exact, 0) >= od.exp_min
),
by_relation AS (
    SELECT p.o, p.w, n.need, rl.relation, max(s.months) AS months, max(s.level) AS level
    FROM passed p JOIN needs n ON n.o = p.o JOIN relatives rl ON rl.concept = n.concept
    JOIN skills s ON s.w = p.w AND s.concept = rl.held
    GROUP BY ALL
),
credit AS (
    SELECT b.o, b.w, b.need, max(d.credit) AS best,
           max(CASE WHEN b.relation = 0 THEN b.months END) AS months,
           max(CASE WHEN b.relation = 0 THEN b.level END) AS level
    FROM by_relation b JOIN depth d ON d.relation = b.relation
         AND d.stored = least(b.months, (SELECT max(stored) FROM depth))
    GROUP BY ALL
),
valid_cert AS (
    SELECT DISTINCT p.o, p.w, n.need
    FROM passed p JOIN needs n ON n.o = p.o JOIN within_ wi ON wi.concept = n.concept
    JOIN certs c ON c.w = p.w AND c.concept = wi.held JOIN orders od ON od.o = p.o
    WHERE c.issued <= od.day AND c.expires >= od.day
),
per_need AS (
    SELECT p.o, p.w, n.need, n.weight, n.required, n.certified, n.min_level, n.min_months,
           coalesce(cr.best, 0.0) AS best, coalesce(cr.months, 0) AS months,
           coalesce(cr.level, 0) AS level, vc.w IS NOT NULL AS cert
    FROM passed p JOIN needs n ON n.o = p.o
    LEFT JOIN credit cr ON cr.o = p.o AND cr.w = p.w AND cr.need = n.need
    LEFT JOIN valid_cert vc ON vc.o = p.o AND vc.w = p.w AND vc.need = n.need
),
needs_met AS (
    SELECT o, w,
        bool_and(NOT required OR NOT (
            (months = 0 AND NOT cert)
            OR coalesce(level < min_level, false)
            OR coalesce(months <= min_months, false)
            OR (certified AND NOT cert AND NOT (months = 0 AND NOT cert)))) AS ok,
        {_PER_NEED_COLUMNS}
    FROM per_need GROUP BY o, w
),
scored AS (
    SELECT m.o, m.w, wk.id_rank,
        (((((0.0 + od.w_skills * (({" + ".join(f"s{i}" for i in range(N_NEEDS))})
                                    / od.needs_weight))
            + od.w_certification * (({" + ".join(f"c{i}" for i in range(N_NEEDS))})
                                     / od.needs_weight))
           + od.w_language * ((0.0 + lc.credit) / 1.0))
          + od.w_experience * ec.credit) / od.weight_total) AS score
    FROM needs_met m JOIN passed p ON p.o = m.o AND p.w = m.w
    JOIN orders od ON od.o = m.o JOIN workers wk ON wk.w = m.w
    JOIN lang_credit lc ON lc.o = m.o AND lc.rank1 = p.rank + 1
    JOIN exp_credit ec ON ec.quarters = least(p.quarters, (SELECT max(quarters) FROM exp_credit))
    WHERE m.ok
)
SELECT o, w, score FROM scored
QUALIFY row_number() OVER (PARTITION BY o ORDER BY published(score) DESC, id_rank) <= {K}
ORDER BY o, published(score) DESC, id_rank
"""


def bench_orders(
    base: Sequence[ScreenedVacancy], pool: EncodedPool, n: int, seed: int
) -> list[ScreenedVacancy]:
    """``n`` job orders of the benchmark's shape (module docstring), from ``base``."""
    rng = np.random.default_rng(seed)
    share = np.diff(pool.skills.held.ptr) / pool.n_workers
    # Required skills held by 2-40% of the pool narrow it as a real job order's do.
    required_pool = np.flatnonzero((share >= 0.02) & (share <= 0.4))
    optional_pool = np.flatnonzero(share > 0)
    isco_codes = pool.experience.isco_codes
    out = []
    for j in range(n):
        order = base[j % len(base)]
        n_required = 1 + (j % 3 == 2)
        chosen = list(rng.choice(required_pool, n_required, replace=False))
        rest = [c for c in rng.permutation(optional_pool) if c not in chosen]
        chosen += rest[: N_NEEDS - n_required]
        needs = tuple(
            SkillNeed(
                name=f"skill {pool.concepts[c]}",
                concepts=(pool.concepts[c],),
                required=i < n_required,
                certified=i == 0 and j % 3 == 0,
                min_level=None,
                min_months=12 if i == 0 and j % 3 == 1 else None,
                weight=float(rng.choice([0.5, 1.0, 2.0])),
            )
            for i, c in enumerate(chosen)
        )
        youngest = int(rng.integers(18, 26))
        age = AgeGate(
            youngest, youngest + int(rng.integers(10, 25)), order.day, "benchmark", None, False
        )
        jlpt = LanguageGate(
            tests=(("JLPT", JLPT_LEVELS[j % len(JLPT_LEVELS)]),),
            language=None,
            min_cefr=None,
            required=True,
            origin="job",
            not_accepted=(),
            validity={},
            unverified=(),
            source=None,
        )
        targets = order.experience_targets or (str(rng.choice(isco_codes)),)
        pack = replace(
            order.pack,
            health=(),
            stay_cap_months=None,
            availability=None,
            skill_gates=(),
            exemptions=(),
        )
        out.append(
            replace(
                order,
                pack=pack,
                skills=needs,
                languages=(jlpt,),
                ages=(age,),
                experience_isco=targets[:1],
                experience_min_months=6 if j % 3 == 1 else 0,
                monthly_wage=None,
                weights=None,
            )
        )
    return out


def _table(con: duckdb.DuckDBPyConnection, name: str, **columns: Any) -> None:
    """Create table ``name`` from numpy columns (through Arrow, no copy per row)."""
    view = f"_{name}_arrow"
    arrays = {k: v if isinstance(v, pa.Array) else np.asarray(v) for k, v in columns.items()}
    con.register(view, pa.table(arrays))
    con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM {view}")
    con.unregister(view)


def _rows_table(
    con: duckdb.DuckDBPyConnection, name: str, rows: Sequence[tuple[Any, ...]], **dtypes: Any
) -> None:
    """Create table ``name`` from tuples, one column per keyword (in tuple order) with its
    numpy dtype."""
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(dtypes)
    _table(
        con,
        name,
        **{k: np.array(c, t) for (k, t), c in zip(dtypes.items(), columns, strict=True)},
    )


def load_pool(con: duckdb.DuckDBPyConnection, pool: EncodedPool) -> None:
    """The pool's columns as tables (module docstring)."""
    n = pool.n_workers
    _table(
        con,
        "workers",
        w=np.arange(n, dtype=np.int32),
        id_rank=pool.id_rank,
        birth_year=pool.birth_year.astype(np.int32),
        birth_monthday=pool.birth_monthday.astype(np.int32),
        fit=pool.fit_to_work,
        passport=pool.passport_expires,
        any_country=pool.preferences.any_country,
    )
    skills = pool.skills
    listed = skills.listed
    _table(
        con,
        "skills",
        w=listed.workers,
        concept=listed.keys().astype(np.int32),
        months=listed.months.astype(np.int32),
        level=listed.level.astype(np.int32),
    )
    for name, postings in (("held", skills.held), ("certified", skills.certified)):
        counts = np.diff(postings.ptr)
        _table(
            con,
            name,
            concept=np.repeat(np.arange(len(counts), dtype=np.int32), counts),
            w=postings.workers,
        )
    certs = pool.certificates
    bits = np.unpackbits(certs.concepts.view(np.uint8), axis=1, bitorder="little")
    entry, named = np.nonzero(bits[:, : len(pool.concepts)])
    _table(
        con,
        "certs",
        w=certs.worker[entry],
        concept=named.astype(np.int32),
        issued=certs.issued[entry],
        expires=certs.expires[entry],
    )
    langs = pool.languages
    _table(con, "langs", w=langs.worker, test=langs.test, result=langs.result, date=langs.date)
    exp = pool.experience
    _table(con, "experience", w=exp.worker, isco=exp.isco, months=exp.months)
    prefs = pool.preferences
    _table(con, "prefs", w=prefs.worker, country=prefs.country)


def load_orders(
    con: duckdb.DuckDBPyConnection, scorer: PoolScorer, orders: Sequence[ScreenedVacancy]
) -> None:
    """The job orders as tables, each compiled once by the kernel for its lookup tables."""
    pool = scorer.pool
    plans = [scorer.plan(o) for o in orders]
    countries = pool.countries
    weights = [dict(p.weights) for p in plans]
    _table(
        con,
        "orders",
        o=np.arange(len(orders), dtype=np.int32),
        day=np.array([p.day for p in plans], np.int32),
        year=np.array([o.ages[0].day.year for o in orders], np.int32),
        monthday=np.array([100 * o.ages[0].day.month + o.ages[0].day.day for o in orders]),
        age_min=np.array([o.ages[0].minimum for o in orders], np.int32),
        age_max=np.array([o.ages[0].maximum for o in orders], np.int32),
        country=np.array(
            [
                countries.index(c) if c in countries else -2
                for c in (o.vacancy.country for o in orders)
            ],
            np.int32,
        ),
        exp_min=np.array([p.experience_min for p in plans], np.int64),
        needs_weight=np.array([p.needs_weight for p in plans]),
        weight_total=np.array([p.weight_total for p in plans]),
        **{
            f"w_{name}": np.array([w[name] for w in weights])
            for name in ("skills", "certification", "language", "experience")
        },
    )
    needs = [
        (j, i, plan.needs[i][1][0], need)
        for j, (o, plan) in enumerate(zip(orders, plans, strict=True))
        for i, need in enumerate(o.skills)
    ]
    _rows_table(
        con,
        "needs",
        [(j, i, c, n.weight, n.required, n.certified) for j, i, c, n in needs],
        o=np.int32,
        need=np.int32,
        concept=np.int32,
        weight=np.float64,
        required=np.bool_,
        certified=np.bool_,
    )
    # Nullable columns, added apart. Both compare stored months (months + 1) with
    # ``<= min_months``.
    _table(
        con,
        "limits",
        min_level=pa.array([n.min_level for *_, n in needs], pa.int32()),
        min_months=pa.array([n.min_months for *_, n in needs], pa.int32()),
    )
    con.execute("CREATE OR REPLACE TABLE needs AS SELECT * FROM needs POSITIONAL JOIN limits")
    _load_tables(con, scorer, plans)


def _load_tables(con: duckdb.DuckDBPyConnection, scorer: PoolScorer, plans: list[Plan]) -> None:
    """Concept relations and each job order's per-value curves."""
    ctx = scorer._context  # the kernel's tables, so that both read the same curves
    concepts = sorted({c for p in plans for _, cs in p.needs for c in cs})
    rel = [
        (c, int(h), r)
        for c in concepts
        for r, name in enumerate(RELATIONS)
        for h in ctx.relatives[c][name]
    ]
    _rows_table(con, "relatives", rel, concept=np.int32, held=np.int32, relation=np.int32)
    con.execute("CREATE OR REPLACE TABLE within_ AS SELECT * FROM relatives WHERE relation = 0")
    tables = [ctx.relation_credit[name] for name in RELATIONS]
    _table(
        con,
        "depth",
        relation=np.repeat(np.arange(len(tables), dtype=np.int32), [len(t) for t in tables]),
        stored=np.concatenate([np.arange(len(t), dtype=np.int32) for t in tables]),
        credit=np.concatenate(tables),
    )
    table = ctx.experience_credit
    _table(con, "exp_credit", quarters=np.arange(len(table), dtype=np.int64), credit=table)
    n_isco = len(scorer.pool.experience.isco_codes)
    n_tests = len(scorer.pool.languages.tests)
    lang_rank, lang_credit = [], []
    for j, plan in enumerate(plans):
        gate = plan.languages[0]
        assert gate.by_result is not None
        accepted = np.flatnonzero(gate.by_result >= 0)
        lang_rank.append((np.full(len(accepted), j), accepted, gate.by_result[accepted]))
        lang_credit.append((np.full(len(gate.credit), j), np.arange(len(gate.credit)), gate.credit))
    for name, parts, labels in (
        ("lang_rank", lang_rank, ("o", "result", "rank")),
        ("lang_credit", lang_credit, ("o", "rank1", "credit")),
    ):
        joined = [np.concatenate(column) for column in zip(*parts, strict=True)]
        _table(con, name, **dict(zip(labels, joined, strict=True)))
    _table(
        con,
        "lang_valid",
        o=np.repeat(np.arange(len(plans), dtype=np.int32), n_tests),
        test=np.tile(np.arange(n_tests, dtype=np.int32), len(plans)),
        start=np.concatenate([p.languages[0].start for p in plans]),
        undated=np.concatenate([p.languages[0].undated for p in plans]),
    )
    quarters = [p.isco_quarters for p in plans if p.isco_quarters is not None]
    exact = [p.isco_exact for p in plans if p.isco_exact is not None]
    assert len(quarters) == len(exact) == len(plans)  # every job order measures experience
    _table(
        con,
        "isco",
        o=np.repeat(np.arange(len(plans), dtype=np.int32), n_isco),
        isco=np.tile(np.arange(n_isco, dtype=np.int32), len(plans)),
        quarters=np.concatenate(quarters),
        exact=np.concatenate(exact),
    )


def sql_top(
    con: duckdb.DuckDBPyConnection, n_orders: int, batch: int
) -> list[tuple[list[int], list[float]]]:
    """Every job order's top ``K`` (worker indices, scores), by the SQL, ``batch`` job
    orders a query (the query's intermediate pairs grow with the job orders it takes)."""
    parts = [
        con.execute(_TOP_QUERY, {"lo": lo, "hi": lo + batch}).fetchnumpy()
        for lo in range(0, n_orders, batch)
    ]
    order, workers, scores = (np.concatenate([p[c] for p in parts]) for c in ("o", "w", "score"))
    bounds = np.searchsorted(order, np.arange(n_orders + 1))
    return [
        (workers[a:b].astype(np.int64).tolist(), scores[a:b].tolist())
        for a, b in itertools.pairwise(bounds)
    ]


def kernel_top(
    scorer: PoolScorer, orders: Sequence[ScreenedVacancy]
) -> list[tuple[list[int], list[float]]]:
    """Every job order's top ``K`` (worker indices, scores), by the kernel."""
    out = []
    for best in scorer.top_workers(orders, k=K):
        assert best is not None
        out.append((best.workers.tolist(), best.score.tolist()))
    return out


def _same(
    kernel: list[tuple[list[int], list[float]]], sql: list[tuple[list[int], list[float]]]
) -> None:
    """Stop unless both give the same ids in the same order with the same score bits."""
    for j, ((kw, ks), (sw, ss)) in enumerate(zip(kernel, sql, strict=True)):
        if kw != sw:
            raise SystemExit(f"job order {j}: the kernel and the SQL select different workers")
        if np.array(ks).view(np.int64).tolist() != np.array(ss).view(np.int64).tolist():
            raise SystemExit(f"job order {j}: scores differ in their bits")


def _timed_runs(run: Callable[[], object], repeats: int) -> tuple[list[float], list[float]]:
    """(wall, CPU) seconds of ``repeats`` calls."""
    wall, cpu = [], []
    for _ in range(repeats):
        w0, c0 = time.perf_counter(), time.process_time()
        run()
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
    return wall, cpu


def _batch(
    pool: EncodedPool, params: ScoringParams, orders: list[ScreenedVacancy], args: Any
) -> None:
    """Many job orders at once, top ``K``: one process against ``n_jobs`` forked processes
    (``PoolScorer.top_workers(n_jobs=...)``), alternated, each with a new scorer (its
    posting lists built on first use, as a run's are); the answers must be the same."""
    n = len(orders)
    print(f"\n{n:,} job orders at once over {pool.n_workers:,} workers, top {K}, new scorers")
    first: list[tuple[list[int], list[float]]] | None = None
    times: dict[int, list[tuple[float, float]]] = {jobs: [] for jobs in args.batch_jobs}
    for _ in range(args.repeats):
        for jobs in args.batch_jobs:
            ended = resource.getrusage(resource.RUSAGE_CHILDREN)
            w0, c0 = time.perf_counter(), time.process_time()
            found = PoolScorer(pool, params).top_workers(orders, k=K, n_jobs=jobs)
            wall, cpu = time.perf_counter() - w0, time.process_time() - c0
            now = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu += now.ru_utime + now.ru_stime - ended.ru_utime - ended.ru_stime
            times[jobs].append((wall, cpu))
            answer = [(b.workers.tolist(), b.score.tolist()) for b in found if b is not None]
            first = answer if first is None else first
            if answer != first:
                raise SystemExit(f"n_jobs={jobs} ranked otherwise")
    print(f"  the same top {K} for every n_jobs and run ({args.repeats} runs each, alternated)")
    base = statistics.median(w for w, _ in times[args.batch_jobs[0]])
    for jobs, runs in times.items():
        walls, cpus = [w for w, _ in runs], [c for _, c in runs]
        print(
            f"  n_jobs={jobs}: wall {statistics.median(walls):.2f} s (range {min(walls):.2f}-"
            f"{max(walls):.2f}), {ms(statistics.median(walls) / n)} a job order; CPU "
            f"{statistics.median(cpus):.2f} s (with the forked processes'); "
            f"{base / statistics.median(walls):.2f}x the wall of n_jobs={args.batch_jobs[0]}"
        )


def _spread(seconds: list[float], per: int) -> str:
    """Median and range, in ms per job order."""
    each = sorted(s / per for s in seconds)
    return f"median {ms(statistics.median(each))} (range {ms(each[0])}-{ms(each[-1])})"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=100_000)
    parser.add_argument("--replicas", type=int, default=10)
    parser.add_argument("--orders", type=int, default=1_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--single-orders", type=int, default=100)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--sql-batches",
        type=int_list,
        default=[100, 25, 250],
        help="job orders a query, comma-separated: each is timed, the fastest compared",
    )
    parser.add_argument("--duckdb-memory", default="3GB")
    parser.add_argument(
        "--batch-orders",
        type=int,
        default=10_000,
        help="job orders of the batch section (0: none): the kernel alone, once per "
        "--batch-jobs value",
    )
    parser.add_argument(
        "--batch-jobs",
        type=int_list,
        default=[1, 2],
        help="comma-separated n_jobs values of the batch section, the first the baseline",
    )
    parser.add_argument("--batch-only", action="store_true", help="only the batch section")
    parser.add_argument("--seed", type=int, default=2026)
    args = parse_args(
        parser,
        argv,
        quick={
            "workers": 2_000,
            "replicas": 2,
            "orders": 20,
            "repeats": 1,
            "single_orders": 3,
            "sql_batches": [20, 7],
            "batch_orders": 40,
        },
    )
    print(
        f"bench_vs_duckdb: python {platform.python_version()}, numpy {np.__version__}, "
        f"duckdb {duckdb.__version__}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}, "
        f"as_of {AS_OF}, seed {args.seed}"
    )
    with timed("generate (benchmarks.synthetic)"):
        raw = generate_pool(args.workers, max(args.orders // 10, 20), seed=args.seed, as_of=AS_OF)
    workers, vacancies, agencies = validated(raw)
    del raw
    with timed("read and screen (prepare_run)"):
        run = prepare_run(workers, vacancies, agencies, AS_OF)
    del workers, vacancies, agencies
    with timed(f"encode_pool and tile x{args.replicas}"):
        pool = tile_pool(encode_pool(run.workers, run.params.taxonomy, AS_OF), args.replicas)
    # A JLPT minimum is a Japanese job order's: the destinations and dates are Japan's.
    open_orders = [v for v in run.vacancies if not v.refused]
    base = [v for v in open_orders if v.vacancy.country == "JP"] or open_orders
    orders = [] if args.batch_only else bench_orders(base, pool, args.orders, args.seed)
    n = pool.n_workers
    print(f"{n:,} workers ({args.replicas} copies of {args.workers:,}), {len(orders):,} job orders")

    params = run.params
    del run, open_orders  # the worker records: the pool is encoded
    print(f"  memory: encoded pool {pool.nbytes / 2**20:,.0f} MiB")
    if args.batch_orders:
        _batch(pool, params, bench_orders(base, pool, args.batch_orders, args.seed + 1), args)
    if args.batch_only:
        return 0
    scorer = PoolScorer(pool, params)
    con = duckdb.connect(
        config={
            "threads": args.threads,
            "memory_limit": args.duckdb_memory,
            "preserve_insertion_order": False,
        }
    )
    with timed("load the pool and job orders into DuckDB"):
        load_pool(con, pool)
        load_orders(con, scorer, orders)
        con.execute(_PUBLISHED_MACRO)

    print(f"\nevery job order at once, top {K} (first runs: DuckDB cold, kernel builds its lists)")
    w0, c0 = time.perf_counter(), time.process_time()
    from_kernel = kernel_top(scorer, orders)
    kernel_first = (time.perf_counter() - w0, time.process_time() - c0)
    w0, c0 = time.perf_counter(), time.process_time()
    from_sql = sql_top(con, len(orders), args.sql_batches[0])
    sql_first = (time.perf_counter() - w0, time.process_time() - c0)
    _same(from_kernel, from_sql)
    selected = statistics.mean(len(w) for w, _ in from_kernel)
    print(
        f"  the same top {K} ids in the same order, scores bit for bit, for all "
        f"{len(orders):,} job orders ({selected:.1f} selected on average)"
    )
    per = len(orders)
    for name, first in (("kernel", kernel_first), ("DuckDB", sql_first)):
        print(
            f"  {name} first run: {ms(first[0] / per)} wall, {ms(first[1] / per)} CPU a job order"
        )
    kernel_wall, kernel_cpu = _timed_runs(lambda: kernel_top(scorer, orders), args.repeats)
    print(f"  kernel: wall {_spread(kernel_wall, per)}; CPU {_spread(kernel_cpu, per)} a job order")
    # DuckDB's best: the batch size whose median wall time is lowest (each checked too).
    best: tuple[float, float, int] | None = None
    for batch in args.sql_batches:
        try:
            _same(from_kernel, sql_top(con, per, batch))
            wall, cpu = _timed_runs(partial(sql_top, con, per, batch), args.repeats)
        except duckdb.OutOfMemoryException:
            print(f"  DuckDB, {batch} job orders a query: out of memory")
            continue
        print(
            f"  DuckDB (threads={args.threads}), {batch} job orders a query: wall "
            f"{_spread(wall, per)}; CPU {_spread(cpu, per)} a job order"
        )
        if best is None or statistics.median(wall) < best[0]:
            best = (statistics.median(wall), statistics.median(cpu), batch)
    if best is not None:
        print(
            f"  ratio (DuckDB's best, {best[2]} a query / kernel, medians): wall "
            f"{best[0] / statistics.median(kernel_wall):.2f}x, CPU "
            f"{best[1] / statistics.median(kernel_cpu):.2f}x"
        )
    con.close()

    scan = PoolScorer(pool, params, dense_share=-1.0, tier_share=-1.0)
    chosen = orders[: args.single_orders]
    print(f"\none job order at a time over {n:,} workers, top {K}, median of 5 runs each")
    for label, batch in (("as built", chosen), ("every skill optional", worst_orders(chosen))):
        print(f"  {len(batch)} job orders {label} (load {os.getloadavg()[0]:.1f}):")
        fast, slow = (sorted(t) for t in side_by_side(scorer, scan, batch, 5))
        for name, ranked in (("candidates", fast), ("scan (before)", slow)):
            print(f"    {name}: {quantiles(ranked)}")
    print(f"\n(finished {dt.datetime.now().isoformat(timespec='seconds')})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
