"""Benchmark: ranking with the vectorized kernel, against the reference scorer.

Builds a seeded synthetic pool with ``benchmarks.synthetic`` (records validated with
``models``, read with ``matcher.scoring.facts.worker_facts``, job orders screened), encodes it once
with ``matcher.scoring.encoding.encode_pool`` and measures

* **one job order against 1,000,000 pre-encoded workers, top 50**: the median over
  ``--repeats`` of ``top_workers`` for each of ``--single-orders`` job orders; reported as
  the median, 90th and 99th percentile and maximum over job orders, also with every
  skill made optional (no required skill: only the other gates' posting lists and the
  score tiers of ``matcher.scoring.kernel.candidates`` narrow the pool); then every job
  order once, both ways, with the time 10,000 would take at that rate;
* **100,000 workers x 1,000 job orders, top 50**: total time of ``top_workers`` (the top
  workers of every job order) and of ``top_vacancies`` (the top job orders of every worker);
* **memory of the encoded 1,000,000-worker pool**: the bytes of its arrays, and the
  growth of the process's resident set (``VmRSS``) while it was built;
* **the reference scorer** (``Scorer.evaluate``) on a sample of pairs, extrapolated to the
  same workloads for a speed ratio.

Generating, validating and normalizing a million dict records takes many minutes, so the
1,000,000-worker pool is ``--replicas`` copies of the encoded ``--workers`` pool with
distinct ids (``concat_pools``), as the output says. Copies tie with their original on
score; ties are broken by id, so the work per job order is that of a real pool of that size.

Run (from the repository root): ``.venv/bin/python -m benchmarks.bench_rank [--workers 100000]
[--vacancies 1000] [--replicas 10] [--repeats 7] [--quick]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from benchmarks.common import ms, parse_args, timed, validated
from benchmarks.synthetic import AS_OF, generate_pool
from matcher.rules.screening import ScreenedVacancy
from matcher.scoring.encoding import EncodedPool, concat_pools, encode_pool
from matcher.scoring.kernel import PoolScorer
from matcher.scoring.matching import prepare_run

K = 50


def _rss_bytes() -> int:
    """Resident set size of this process now (Linux ``/proc``; 0 elsewhere)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def tile_pool(pool: EncodedPool, replicas: int) -> EncodedPool:
    """``replicas`` copies of ``pool`` joined, with distinct ids (``<id>.r<copy>``)."""
    copies = [
        replace(pool, ids=tuple(f"{i}.r{r}" for i in pool.ids)) if r else pool
        for r in range(replicas)
    ]
    return concat_pools(copies)


def side_by_side(
    fast: PoolScorer, slow: PoolScorer, orders: Sequence[ScreenedVacancy], repeats: int
) -> tuple[list[float], list[float]]:
    """Median seconds of ``top_workers`` for each job order alone with each kernel, runs
    interleaved (after one warm-up each); the two must select the same workers."""
    medians: tuple[list[float], list[float]] = ([], [])
    for order in orders:
        a, b = fast.top_workers([order], k=K)[0], slow.top_workers([order], k=K)[0]
        assert a is not None
        assert b is not None
        if a.workers.tolist() != b.workers.tolist():
            raise SystemExit(f"the kernels disagree on {order.vacancy.id}")
        times: tuple[list[float], list[float]] = ([], [])
        for _ in range(repeats):
            for kernel, spent in zip((fast, slow), times, strict=True):
                start = time.perf_counter()
                kernel.top_workers([order], k=K)
                spent.append(time.perf_counter() - start)
        for found, spent in zip(medians, times, strict=True):
            found.append(statistics.median(spent))
    return medians


def quantiles(ranked: Sequence[float]) -> str:
    """Median, 90th and 99th percentile and maximum of sorted seconds, in ms."""
    return (
        f"median {ms(statistics.median(ranked))}, "
        f"p90 {ms(ranked[int(0.9 * (len(ranked) - 1))])}, "
        f"p99 {ms(ranked[int(0.99 * (len(ranked) - 1))])}, max {ms(ranked[-1])}"
    )


def _optional_skills(order: ScreenedVacancy) -> ScreenedVacancy:
    """The job order with every skill optional: same score, nothing for the index to prune."""
    return replace(order, skills=tuple(replace(n, required=False) for n in order.skills))


def worst_orders(orders: Sequence[ScreenedVacancy]) -> list[ScreenedVacancy]:
    """Every job order with its skills optional."""
    return [_optional_skills(o) for o in orders]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=100_000)
    parser.add_argument("--vacancies", type=int, default=1_000)
    parser.add_argument("--replicas", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--single-orders", type=int, default=40)
    parser.add_argument("--reference-pairs", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parse_args(
        parser,
        argv,
        quick={
            "workers": 2_000,
            "vacancies": 40,
            "replicas": 2,
            "repeats": 1,
            "single_orders": 3,
            "reference_pairs": 200,
        },
    )
    print(
        f"bench_rank: python {platform.python_version()}, numpy {np.__version__}, "
        f"{os.cpu_count()} CPUs, as_of {AS_OF}, seed {args.seed}"
    )

    print(f"building {args.workers:,} workers and {args.vacancies:,} job orders")
    with timed("generate (benchmarks.synthetic)"):
        raw = generate_pool(args.workers, args.vacancies, seed=args.seed, as_of=AS_OF)
    workers, vacancies, agencies = validated(raw)
    del raw
    with timed("read and screen (prepare_run)"):
        run = prepare_run(workers, vacancies, agencies, AS_OF)
    del workers, vacancies, agencies
    params = run.params
    orders = [v for v in run.vacancies if not v.refused]
    print(f"  {len(orders):,} job orders open, {len(run.vacancies) - len(orders)} refused")
    with timed("encode_pool"):
        pool = encode_pool(run.workers, params.taxonomy, AS_OF)

    print(f"\n{args.workers:,} workers x {len(orders):,} open job orders, top {K}")
    start = time.perf_counter()
    best = PoolScorer(pool, params).top_workers(orders, k=K)
    by_order = time.perf_counter() - start
    selected = [len(b.workers) for b in best if b is not None]
    print(
        f"  top_workers (best workers of every job order): {by_order:.2f} s "
        f"({ms(by_order / len(orders))} a job order; {statistics.mean(selected):.1f} "
        f"eligible workers returned on average)"
    )
    start = time.perf_counter()
    PoolScorer(pool, params).top_vacancies(orders, k=K)
    by_worker = time.perf_counter() - start
    print(f"  top_vacancies (best job orders of every worker): {by_worker:.2f} s")

    n_big = args.workers * args.replicas
    print(f"\none job order against {n_big:,} pre-encoded workers, top {K}")
    print(
        f"  the pool is {args.replicas} copies of the {args.workers:,} encoded workers "
        "with distinct ids (concat_pools), not that many distinct records"
    )
    rss_before = _rss_bytes()
    with timed("tile and concat_pools"):
        big = tile_pool(pool, args.replicas)
    rss_growth = _rss_bytes() - rss_before
    print(
        f"  memory: encoded arrays {big.nbytes / 2**20:,.0f} MiB; resident set grew "
        f"{rss_growth / 2**20:,.0f} MiB while building it"
    )
    with timed("PoolScorer (once per pool and parameters)"):
        prepared = PoolScorer(big, params)
    # The baseline, side by side: the same kernel scanning the pool in contiguous chunks
    # (pruned by the required skills' postings only), no candidate lists, no score tiers.
    scan = PoolScorer(big, params, dense_share=-1.0, tier_share=-1.0)
    chosen = orders[:: max(1, len(orders) // args.single_orders)][: args.single_orders]
    single = 0.0  # the median of the job orders as generated, for the reference's ratio
    for label, batch in (
        ("as generated", chosen),
        ("with every skill optional (no required skill to prune by)", worst_orders(chosen)),
    ):
        fast, slow = (sorted(t) for t in side_by_side(prepared, scan, batch, args.repeats))
        single = single or statistics.median(fast)
        print(f"  {len(batch)} job orders {label}, median of {args.repeats} runs each:")
        for name, ranked in (("candidates", fast), ("scan (baseline)", slow)):
            print(f"    {name}: {quantiles(ranked)}")
        print(f"    median ratio {statistics.median(slow) / statistics.median(fast):.1f}x")
    # Every job order once, as a batch would: posting lists are built on first use.
    for label, batch in (("as generated", orders), ("every skill optional", worst_orders(orders))):
        start = time.perf_counter()
        prepared.top_workers(batch, k=K)
        spent = time.perf_counter() - start
        print(
            f"  all {len(batch):,} job orders {label} over {n_big:,} workers: {spent:.2f} s "
            f"({ms(spent / len(batch))} a job order; 10,000 would take "
            f"{10_000 * spent / len(batch):.1f} s)"
        )
    del big, prepared, scan

    print(f"\nreference scorer on {args.reference_pairs:,} sampled pairs")
    rng = np.random.default_rng(args.seed)
    sample_workers = rng.integers(0, len(run.workers), args.reference_pairs)
    sample_orders = rng.integers(0, len(orders), args.reference_pairs)
    start = time.perf_counter()
    for i, j in zip(sample_workers, sample_orders, strict=True):
        run.scorer.evaluate(run.workers[i], orders[j])
    per_pair = (time.perf_counter() - start) / args.reference_pairs
    full = per_pair * args.workers * len(orders)
    print(
        f"  {1e6 * per_pair:.0f} µs a pair: {args.workers:,} x {len(orders):,} would take "
        f"{full / 60:,.0f} min ({full / by_order:,.0f}x top_workers); one job order against "
        f"{n_big:,} workers {per_pair * n_big:,.0f} s ({per_pair * n_big / single:,.0f}x)"
    )
    print(f"\n(finished {dt.datetime.now().isoformat(timespec='seconds')})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
