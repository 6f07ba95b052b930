"""Benchmark: a whole allocation round, and stable allocation against the ``matching`` library.

* **Round**: ``--workers`` (100,000) x ``--vacancies`` (5,000) job orders from
  ``benchmarks.synthetic`` with their slots rescaled to ``--slots`` (20,000) in all,
  end to end for ``--method optimal`` and ``--method stable``: scoring the eligible
  graph, allocating, and the reasons (gap pass over the job orders left with open slots,
  records), on the benchmark pool and on the dense one (``generate_pool(dense=True)``;
  ``--pool``): the parts on their own (scoring the pairs, the graph, each solve), then
  ``--round-repeats`` rounds per method and ``--n-jobs`` value, wall and CPU (with the
  ``--backend``'s worker processes) as median [min-max], by phase, with the load
  average. Generating, validating and reading the pool are timed apart: they are the
  same for every command and method.
* **Stable vs matching**: ``--small-workers`` (2,000) x ``--small-vacancies`` (100).
  The pool's eligible graph is very sparse (a few hundred pairs), so the comparison is
  also run on a denser game from the same pool: each job order ranks its
  ``--dense-per-job`` best-scoring workers with the gates ignored (real scores, ties by
  id). Both algorithms must return the identical allocation; the speed ratio compares
  ``stable_allocation`` with the library's ``solve`` (and with building the game too).

Run (from the repository root): ``.venv/bin/python -m benchmarks.bench_allocate [--skip-round]
[--workers 100000] [--vacancies 5000] [--slots 20000] [--pool both] [--round-repeats 3]
[--n-jobs 1,2] [--backend loky] [--quick]`` (each end-to-end run is timed for every
``--n-jobs`` value, and the records of every value and repeat must be identical).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import platform
import statistics
import sys
import threading
import time
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import psutil
from matching.games import HospitalResident

from benchmarks.common import int_list, parse_args, timed, validated
from benchmarks.synthetic import AS_OF, generate_pool
from matcher.allocation.chunks import PoolPayload, pair_bytes, score_pairs, split_orders
from matcher.allocation.graph import EligibleGraph, build_graph
from matcher.allocation.records import Record
from matcher.allocation.round import allocate, allocate_round, eligible_graph
from matcher.allocation.runner import Backend, ChunkRunner
from matcher.allocation.stable import stable_allocation
from matcher.scoring.encoding import encode_pool
from matcher.scoring.kernel import PoolScorer
from matcher.scoring.matching import MatchRun, prepare_run
from matcher.scoring.publish import id_rank, published_scores


def _rescale_slots(vacancies: list[dict[str, Any]], total: int) -> None:
    """Scale slots in place to sum to ``total`` (largest remainder, at least 1 each)."""
    slots = np.array([v["slots"] for v in vacancies], np.float64)
    share = slots / slots.sum() * (total - len(slots))
    scaled = np.floor(share).astype(np.int64)
    scaled[np.argsort(-(share - scaled), kind="stable")[: total - len(slots) - scaled.sum()]] += 1
    for vacancy, n in zip(vacancies, scaled + 1, strict=True):
        vacancy["slots"] = int(n)


def _run(n_workers: int, n_vacancies: int, slots: int | None, seed: int, dense: bool) -> MatchRun:
    with timed("generate (benchmarks.synthetic)"):
        raw = generate_pool(n_workers, n_vacancies, seed=seed, as_of=AS_OF, dense=dense)
    if slots is not None:
        _rescale_slots(raw.vacancies, slots)
    workers, vacancies, agencies = validated(raw)
    with timed("read and screen (prepare_run)"):
        return prepare_run(workers, vacancies, agencies, AS_OF)


class _Clock:
    """Wall and CPU seconds since the last reading; CPU counts this process, its live
    children (loky's worker processes) and its children that ended and were waited for
    (the forked processes of ``--backend fork``, joined at the end of each pass). A loky
    worker that ends is not waited for here and takes its CPU time with it, so with loky
    the CPU figure is a lower bound."""

    def __init__(self) -> None:
        self._me = psutil.Process()
        self._last = self._now()

    def _now(self) -> tuple[float, float]:
        cpu = self._me.cpu_times()
        children = 0.0
        for child in self._me.children(recursive=True):
            try:
                times = child.cpu_times()
            except psutil.Error:  # ended between listing and reading
                continue
            children += times.user + times.system
        ended = cpu.children_user + cpu.children_system
        return time.perf_counter(), cpu.user + cpu.system + ended + children

    def lap(self) -> tuple[float, float]:
        """(wall, cpu) since the last lap."""
        now = self._now()
        wall, cpu = now[0] - self._last[0], now[1] - self._last[1]
        self._last = now
        return wall, max(cpu, 0.0)


class _Phases:
    """A round's progress, turned into phase times: each stage from its start to the next
    one's, and the reasons and records from the gap pass's start to the end."""

    def __init__(self) -> None:
        self.clock = _Clock()
        self.times: dict[str, tuple[float, float]] = {}
        self._stage: str | None = None

    def start(self, stage: str, total: int) -> None:
        lap = self.clock.lap()
        if self._stage is not None:
            self.times[self._stage] = lap
        self._stage = stage

    def advance(self, n: int) -> None:
        """Units are not timed."""

    def finish(self) -> None:
        if self._stage is not None:
            self.times[self._stage] = self.clock.lap()


PHASES = (
    ("scoring", "score eligible pairs + build graph"),
    ("allocating", "solve"),
    ("gap pass", "gap pass + reasons + records"),
)


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} s [{min(values):.2f}-{max(values):.2f}]"


def _parts(run: MatchRun, n_jobs: int, backend: Backend) -> None:
    """Scoring, graph build and both solves, each timed on its own (once)."""
    orders = [v for v in run.vacancies if not v.refused]
    payload = PoolPayload(run.pool, run.params)
    clock = _Clock()
    chunks = split_orders(
        orders, np.arange(len(orders)), bytes_per_order=pair_bytes(run.pool.n_workers)
    )
    runner = ChunkRunner(n_jobs=n_jobs, backend=backend)
    parts = list(runner.map(score_pairs, payload, chunks))
    wall, cpu = clock.lap()
    print(f"    score eligible pairs: wall {wall:.2f} s, cpu {cpu:.2f} s")
    graph = build_graph(
        np.concatenate([p.job for p in parts]),
        np.concatenate([p.worker for p in parts]),
        np.concatenate([p.score for p in parts]),
        capacity=np.array([o.vacancy.slots for o in orders], np.int64),
        worker_rank=np.asarray(run.pool.id_rank, dtype=np.int64),
        job_rank=id_rank([o.vacancy.id for o in orders]),
    )
    wall, cpu = clock.lap()
    eligible = np.bincount(graph.worker, minlength=graph.n_workers)
    print(
        f"    build the graph: wall {wall:.2f} s, cpu {cpu:.2f} s ({graph.n_edges:,} eligible "
        f"pairs; workers eligible for >= 1 job order {np.mean(eligible >= 1):.0%}, >= 2 "
        f"{np.mean(eligible >= 2):.0%}; median among them {np.median(eligible[eligible > 0]):.0f})"
    )
    for method in ("optimal", "stable"):
        clock.lap()
        chosen = allocate(graph, method=method)
        wall, cpu = clock.lap()
        print(
            f"    solve {method}: wall {wall:.2f} s, cpu {cpu:.2f} s ({int(chosen.sum()):,} "
            f"placed, total score {graph.score[chosen].sum() / 1e4:,.1f})"
        )


def _round(args: argparse.Namespace, dense: bool) -> None:
    name = "dense pool" if dense else "benchmark pool"
    print(
        f"\nround, {name}: {args.workers:,} workers x {args.vacancies:,} job orders, "
        f"{args.slots:,} slots"
    )
    run = _run(args.workers, args.vacancies, args.slots, args.seed, dense)
    orders = [v for v in run.vacancies if not v.refused]
    print(f"  {len(orders):,} job orders open ({sum(o.vacancy.slots for o in orders):,} slots)")
    start = time.perf_counter()
    _ = run.pool
    print(
        f"  encode the pool (once per run, outside the round): {time.perf_counter() - start:.1f} s"
    )
    print(f"  parts, --n-jobs {args.n_jobs[-1]} --backend {args.backend}:")
    _parts(run, args.n_jobs[-1], args.backend)
    texts = set()
    for method in ("optimal", "stable"):
        for n_jobs in args.n_jobs:
            runs: list[dict[str, tuple[float, float]]] = []
            loads = []
            for _ in range(args.round_repeats):
                phases = _Phases()
                total = _Clock()
                outcome = allocate_round(
                    run,
                    method=method,
                    runner=ChunkRunner(n_jobs=n_jobs, backend=args.backend),
                    progress=phases,
                )
                phases.finish()
                phases.times["total"] = total.lap()
                runs.append(phases.times)
                loads.append(os.getloadavg()[0])
                texts.add((dense, method, _digest(outcome.records)))
            split = "; ".join(
                f"{label} {_spread([r[stage][0] for r in runs])} "
                f"(cpu {_spread([r[stage][1] for r in runs])})"
                for stage, label in PHASES
            )
            print(
                f"  end to end --method {method} --n-jobs {n_jobs} --backend {args.backend} "
                f"({args.round_repeats} runs, median [min-max]): wall "
                f"{_spread([r['total'][0] for r in runs])}, cpu "
                f"{_spread([r['total'][1] for r in runs])}; load average "
                f"{min(loads):.1f}-{max(loads):.1f}\n    wall by phase: {split}\n    "
                f"{int(outcome.chosen.sum()):,} placed, "
                f"{int((outcome.open_slots() > 0).sum()):,} job orders left with open slots "
                f"(gap pass), {len(outcome.records):,} records",
                flush=True,
            )
    if len(texts) != 2:
        raise SystemExit("the records differ between --n-jobs values or repeats")
    print(f"  records identical for --n-jobs {', '.join(map(str, args.n_jobs))} and every repeat")


def _digest(records: Sequence[Record]) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    for record in records:
        digest.update(record.model_dump_json().encode())
        digest.update(b"\n")
    return digest.hexdigest()


def _library(graph: EligibleGraph) -> tuple[set[tuple[int, int]], float, float]:
    """Solve with ``matching`` in a thread with a deep stack (its game constructor
    deep-copies the players' web of references recursively)."""
    found: list[tuple[set[tuple[int, int]], float, float]] = []
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(1_000_000)
    threading.stack_size(1 << 30)
    try:
        thread = threading.Thread(target=lambda: found.append(_library_solve(graph)))
        thread.start()
        thread.join()
    finally:
        threading.stack_size(0)
        sys.setrecursionlimit(limit)
    return found[0]


def _library_solve(graph: EligibleGraph) -> tuple[set[tuple[int, int]], float, float]:
    """The pairs, seconds to build the game, seconds to solve."""
    jobs = graph.job()
    w_ptr, w_order = graph.by_worker()
    residents = {
        f"w{w}": [f"j{jobs[e]}" for e in w_order[w_ptr[w] : w_ptr[w + 1]]]
        for w in range(graph.n_workers)
        if w_ptr[w + 1] > w_ptr[w]
    }
    hospitals = {
        f"j{j}": [f"w{w}" for w in graph.worker[graph.ptr[j] : graph.ptr[j + 1]]]
        for j in range(graph.n_jobs)
        if graph.ptr[j + 1] > graph.ptr[j]
    }
    capacities = {h: int(graph.capacity[int(h[1:])]) for h in hospitals}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # capacities above the residents who rank a hospital
        start = time.perf_counter()
        game = HospitalResident.create_from_dictionaries(residents, hospitals, capacities)
        built = time.perf_counter() - start
        start = time.perf_counter()
        solution = game.solve(optimal="resident")
        solved = time.perf_counter() - start
    pairs = {(int(h.name[1:]), int(r.name[1:])) for h, rs in solution.items() for r in rs}
    return pairs, built, solved


def _dense_graph(run: MatchRun, per_job: int) -> EligibleGraph:
    """Each open job order's ``per_job`` best workers by score, gates ignored."""
    orders = [v for v in run.vacancies if not v.refused]
    scorer = PoolScorer(encode_pool(run.workers, run.params.taxonomy, AS_OF), run.params)
    found = scorer.top_workers(orders, k=per_job, include_ineligible=True)
    jobs = np.concatenate([np.full(len(f.workers), j) for j, f in enumerate(found) if f])
    workers = np.concatenate([f.workers for f in found if f])
    scores = np.concatenate([published_scores(f.score) for f in found if f])
    return build_graph(
        jobs,
        workers,
        scores,
        capacity=np.array([o.vacancy.slots for o in orders], np.int64),
        worker_rank=np.asarray(scorer.pool.id_rank, dtype=np.int64),
        job_rank=id_rank([o.vacancy.id for o in orders]),
    )


def _compare(name: str, graph: EligibleGraph, repeats: int) -> None:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        chosen = stable_allocation(graph)
        times.append(time.perf_counter() - start)
    ours = statistics.median(times)
    mine = {
        (int(j), int(w)) for j, w in zip(graph.job()[chosen], graph.worker[chosen], strict=True)
    }
    theirs, built, solved = _library(graph)
    print(
        f"  {name}: {graph.n_edges:,} pairs, {len(mine):,} placed; identical: {mine == theirs}; "
        f"stable_allocation {1000 * ours:.2f} ms (median of {repeats}); matching: build "
        f"{built:.2f} s, solve {solved:.2f} s; speed ratio {solved / ours:,.0f}x on solve, "
        f"{(built + solved) / ours:,.0f}x with the build"
    )
    if mine != theirs:
        raise SystemExit("stable_allocation and the matching library disagree")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=100_000)
    parser.add_argument("--vacancies", type=int, default=5_000)
    parser.add_argument("--slots", type=int, default=20_000)
    parser.add_argument(
        "--pool",
        choices=("benchmark", "dense", "both"),
        default="both",
        help="the synthetic pool, the dense one (generate_pool(dense=True)) or both",
    )
    parser.add_argument("--round-repeats", type=int, default=3)
    parser.add_argument("--backend", choices=("threading", "loky", "fork"), default="loky")
    parser.add_argument("--small-workers", type=int, default=2_000)
    parser.add_argument("--small-vacancies", type=int, default=100)
    parser.add_argument("--dense-per-job", type=int, default=1_000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--n-jobs",
        type=int_list,
        default=[1, 2],
        help="comma-separated --n-jobs values to time (default 1,2)",
    )
    parser.add_argument("--skip-round", action="store_true", help="only the comparison")
    args = parse_args(
        parser,
        argv,
        quick={
            "workers": 3_000,
            "vacancies": 100,
            "slots": 400,
            "small_workers": 500,
            "small_vacancies": 30,
            "dense_per_job": 50,
            "repeats": 1,
            "round_repeats": 1,
        },
    )
    print(
        f"bench_allocate: python {platform.python_version()}, numpy {np.__version__}, "
        f"{os.cpu_count()} CPUs, as_of {AS_OF}, seed {args.seed}"
    )
    print(
        f"\nstable vs matching: {args.small_workers:,} workers x {args.small_vacancies} job orders"
    )
    run = _run(args.small_workers, args.small_vacancies, None, args.seed, False)
    orders = [v for v in run.vacancies if not v.refused]
    small_pool = encode_pool(run.workers, run.params.taxonomy, AS_OF)
    payload = PoolPayload(small_pool, run.params)
    _compare("eligible graph", eligible_graph(payload, orders), args.repeats)
    _compare(
        f"denser game (top {args.dense_per_job} per job order, gates ignored)",
        _dense_graph(run, args.dense_per_job),
        args.repeats,
    )
    if not args.skip_round:
        for dense in {"benchmark": (False,), "dense": (True,), "both": (False, True)}[args.pool]:
            _round(args, dense)
    print(f"\n(finished {dt.datetime.now().isoformat(timespec='seconds')})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
