"""Benchmark: the API's in-memory ranking service (``api.live_pool.pool.LivePool``), in process.

Builds a seeded synthetic pool with ``benchmarks.synthetic`` (records validated with
``models``), loads it into a ``LivePool`` and measures

* **load**: reading and encoding every worker (what the server does on start);
* **candidates, top 50, one thread**: latency per job order over ``--orders`` open job
  orders, *cold* (first query of each: every selected pair evaluated by the reference
  scorer) and *warm* (repeats: the pairs' records are memoized, the kernel runs each time);
* **candidates, top 50, ``--clients`` threads** on one job order (the median one above,
  and the one returning the most workers), as the API benchmark's clients do but without
  HTTP: closed loop (each client sends again as soon as answered: the most requests a
  second) and open loop at ``--rate`` requests a second (latency counted from the
  scheduled send, so waiting counts);
* **writes**: ``upsert_worker`` latency (a replaced worker: facts, encoding of the tail,
  a tombstone), the latency of the first query after each upsert, ``delete_worker``;
* **the same concurrent queries with whole answers memoized** (the server's default: a
  query asked again before any worker is written is not scored again);
* **compaction**: joining the base with the sealed segments after many writes, and
  re-encoding the live workers once a quarter of the rows are dead (the pool compacts in
  the writing thread here, so that the write that starts a compaction shows its cost; the
  server compacts in the background).

The setup disables the garbage collector and freezes what it built (``gc.freeze()``), as a
server should after loading its pool: otherwise every full collection walks the millions
of objects of the stored facts.

Run (from the repository root): ``.venv/bin/python -m benchmarks.bench_live_pool
[--workers 100000] [--vacancies 300] [--orders 30] [--clients 32] [--seconds 10] [--rate 200]
[--quick]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import platform
import statistics
import threading
import time
from collections.abc import Callable, Sequence
from functools import partial

import numpy as np

from api.live_pool.pool import LivePool
from benchmarks.common import ms, parse_args, validated
from benchmarks.synthetic import AS_OF, generate_pool
from models.results import MatchResult
from models.vacancy import Vacancy

K = 50


def _percentiles(seconds: Sequence[float]) -> str:
    ranked = sorted(seconds)
    p99 = ranked[min(len(ranked) - 1, int(0.99 * len(ranked)))]
    return f"p50 {ms(statistics.median(ranked))}, p99 {ms(p99)}, max {ms(ranked[-1])}"


def _timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def _concurrent(
    query: Callable[[], object], clients: int, seconds: float, rate: float | None
) -> tuple[float, list[float]]:
    """Requests a second and latencies of ``clients`` threads running ``query``.

    With ``rate``, each client sends its share of ``rate`` requests a second on a fixed
    schedule (open loop) and a latency counts from the scheduled send, waiting included;
    without, each sends its next request as soon as the previous one is answered.
    """
    latencies: list[list[float]] = [[] for _ in range(clients)]
    barrier = threading.Barrier(clients + 1)
    begin = [0.0]

    def client(index: int) -> None:
        mine = latencies[index]
        barrier.wait()
        sent = begin[0] + (index / rate if rate else 0.0)
        while True:
            if rate:
                time.sleep(max(0.0, sent - time.perf_counter()))
            else:
                sent = time.perf_counter()
            if sent - begin[0] >= seconds:
                return
            query()
            mine.append(time.perf_counter() - sent)
            if rate:
                sent += clients / rate

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    begin[0] = time.perf_counter()
    barrier.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - begin[0]
    found = [t for mine in latencies for t in mine]
    return len(found) / elapsed, found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=100_000)
    parser.add_argument("--vacancies", type=int, default=300)
    parser.add_argument("--orders", type=int, default=30)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--writes", type=int, default=500)
    parser.add_argument("--seed", type=int, default=2026)
    args = parse_args(
        parser,
        argv,
        quick={
            "workers": 2_000,
            "vacancies": 40,
            "orders": 4,
            "clients": 4,
            "seconds": 0.25,
            "rate": 50.0,
            "writes": 20,
        },
    )
    print(
        f"bench_live_pool: python {platform.python_version()}, numpy {np.__version__}, "
        f"{os.cpu_count()} CPUs, as_of {AS_OF}, seed {args.seed}"
    )

    gc.disable()
    print(f"building {args.workers:,} workers and {args.vacancies:,} job orders")
    raw = generate_pool(args.workers, args.vacancies, seed=args.seed, as_of=AS_OF)
    workers, vacancies, agencies = validated(raw)
    del raw
    # Compaction inline, so that its cost shows in the write that starts it; no memo of
    # whole answers, so that every query below runs the kernel.
    pool = LivePool(background=False, cached_results=0)
    loaded = _timed(
        lambda: pool.load(
            [(w, w.agency_id) for w in workers], [(v, v.agency_id) for v in vacancies]
        )
    )
    gc.freeze()
    gc.enable()
    print(f"  load (facts and encoding of {pool.n_workers:,} workers): {loaded:.1f} s")

    refused = {r.vacancy_id for r in pool.refusals(agencies=agencies, as_of=AS_OF)}
    open_orders = [v for v in vacancies if v.id not in refused]
    chosen = open_orders[:: max(1, len(open_orders) // args.orders)][: args.orders]

    def top(order: Vacancy) -> list[MatchResult]:
        found = pool.candidates(order, agencies=agencies, as_of=AS_OF, k=K)
        assert isinstance(found, list)  # the job order is open
        return found

    def query(order: Vacancy) -> float:
        return _timed(lambda: top(order))

    print(f"\ncandidates, top {K}, one thread, {len(chosen)} job orders")
    cold = [query(order) for order in chosen]
    warm = [query(order) for _ in range(5) for order in chosen]
    returned = [len(top(order)) for order in chosen]
    print(f"  cold (pairs evaluated): {_percentiles(cold)}")
    print(f"  warm (pair records memoized): {_percentiles(warm)}")
    print(f"  {statistics.mean(returned):.1f} workers returned on average")

    by_cost = sorted(chosen, key=query)
    typical, heaviest = by_cost[len(by_cost) // 2], max(chosen, key=lambda o: len(top(o)))
    for label, order in (("the median job order", typical), ("the one with most", heaviest)):
        print(
            f"\ncandidates, top {K}, {args.clients} threads, {label} above ({order.id}, "
            f"{len(top(order))} workers returned), {args.seconds:.0f} s each"
        )
        for rate in (None, args.rate):
            served, latencies = _concurrent(partial(top, order), args.clients, args.seconds, rate)
            how = "as fast as answered" if rate is None else f"{rate:.0f} requests/s offered"
            print(f"  {how}: {served:.0f} requests/s served; {_percentiles(latencies)}")

    print(f"\nwrites: {args.writes} workers replaced one by one (other records, same ids)")
    rng = np.random.default_rng(args.seed)
    targets = rng.choice(len(workers), args.writes, replace=False)
    sources = rng.choice(len(workers), args.writes, replace=False)
    upserts, after = [], []
    for i, j in zip(targets.tolist(), sources.tolist(), strict=True):
        record = workers[j].model_copy(
            update={"id": workers[i].id, "agency_id": workers[i].agency_id}
        )
        upserts.append(_timed(partial(pool.upsert_worker, record, record.agency_id)))
        after.append(query(typical))
    print(f"  upsert_worker: {_percentiles(upserts)}")
    print(f"  candidates right after an upsert: {_percentiles(after)}")
    deletes = [_timed(partial(pool.delete_worker, workers[i].id)) for i in targets[:100]]
    print(f"  delete_worker: {_percentiles(deletes)}")

    print("\ncompaction")
    joined = _timed(pool.compact)
    print(f"  join base and sealed segments ({pool.n_workers:,} workers): {ms(joined)}")
    print(f"  first query after it (kernel tables rebuilt): {ms(query(typical))}")
    doomed = np.setdiff1d(np.arange(len(workers)), targets)[: len(workers) // 3]
    deletes = [_timed(partial(pool.delete_worker, workers[i].id)) for i in doomed.tolist()]
    print(
        f"  re-encoding the live workers once a quarter of the rows are dead (in the delete "
        f"that crossed it; {len(doomed):,} deleted): {max(deletes):.2f} s; other deletes "
        f"{ms(statistics.median(deletes))}"
    )
    del pool
    gc.collect()
    print(f"\nwith whole answers memoized (the server's default), {args.clients} threads")
    pool = LivePool()
    pool.load([(w, w.agency_id) for w in workers], [(v, v.agency_id) for v in vacancies])
    for order in (typical, heaviest):
        for rate in (None, args.rate):
            served, latencies = _concurrent(partial(top, order), args.clients, args.seconds, rate)
            how = "as fast as answered" if rate is None else f"{rate:.0f} requests/s offered"
            print(f"  {order.id}, {how}: {served:.0f} requests/s; {_percentiles(latencies)}")
    print(f"\n(finished {dt.datetime.now().isoformat(timespec='seconds')})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
