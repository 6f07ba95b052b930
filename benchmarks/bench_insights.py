"""Benchmark: every policy table of ``selaras insights`` at 100,000 workers x 2,000 job orders.

The target (issue 15): all tables in at most 30 s. Timed, from the validated records,
``--repeat`` times in one process with the spread: ``prepare_run`` (facts and screening,
shared by every command), then :func:`matcher.insights.build.build_tables` by phase
(encode, score the eligible graph, allocate optimally, the one-gap pass, count, suppress).
Generating and validating the records are timed apart (the same for every command).

Side by side, as the baseline, the round of ``selaras allocate --method optimal`` on the
same run (:func:`matcher.allocation.round.allocate_round`, gap pass over the job orders
left with open slots, records), which scores the same graph, allocates it the same way,
and runs the gates over the whole pool only for the job orders left open; the insights
pass runs them for every open job order. The ratio says what the tables cost over a round.
CPU seconds are printed beside the wall-clock ones: on a shared machine the wall clock
counts the time other jobs held the cores.

Then the whole command, as a planner runs it: the records written to files and
``selaras insights`` run ``--repeat`` times in a new process each (reading, validating,
preparing, every table, writing), wall-clock and CPU seconds (user + system of the child).
That is the figure the target of 30 s is held to.

Run (from the repository root): ``.venv/bin/python -m benchmarks.bench_insights
[--workers 100000] [--vacancies 2000] [--repeat 3] [--n-jobs 1] [--quick]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.common import parse_args, timed, validated
from benchmarks.synthetic import AS_OF, Pool, generate_pool, write_pool
from matcher.allocation.round import allocate_round
from matcher.allocation.runner import ChunkRunner
from matcher.insights.build import build_tables
from matcher.insights.engine_pass import Timings
from matcher.scoring.matching import prepare_run

PHASES = ("prepare", "encode", "score", "allocate", "one_gaps", "count", "suppress")


def _spread(values: Sequence[float]) -> str:
    return f"{statistics.median(values):.2f} s ({min(values):.2f}-{max(values):.2f})"


def _commands(pool: Pool, repeat: int, min_cell: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds of ``selaras insights`` on ``pool``, ``repeat`` runs."""
    walls: list[float] = []
    cpus: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        files = write_pool(pool, Path(tmp) / "in")
        command = [sys.executable, "-m", "cli.main", "insights"]
        for kind, path in files.items():
            command += [f"--{kind}", str(path)]
        command += ["--as-of", AS_OF.isoformat(), "--min-cell", str(min_cell)]
        for attempt in range(repeat):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run([*command, "--out", f"{tmp}/out{attempt}"], check=True)
            walls.append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return walls, cpus


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=100_000)
    parser.add_argument("--vacancies", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--n-jobs", type=int, default=1)
    parser.add_argument("--min-cell", type=int, default=10)
    args = parse_args(parser, argv, {"workers": 400, "vacancies": 30, "repeat": 1})
    print(f"{args.workers:,} workers x {args.vacancies:,} job orders, n_jobs {args.n_jobs}")
    print(f"  load average at start: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    with timed("generate"):
        raw = generate_pool(args.workers, args.vacancies)
    workers, vacancies, agencies = validated(raw)
    runner = ChunkRunner(n_jobs=args.n_jobs)
    phases: dict[str, list[float]] = {p: [] for p in PHASES}
    phase_cpu: dict[str, list[float]] = {p: [] for p in PHASES}
    totals: list[float] = []
    rounds: list[float] = []
    cpu_engine: list[float] = []
    cpu_rounds: list[float] = []
    for attempt in range(args.repeat):
        start = time.perf_counter()
        cpu = time.process_time()
        run = prepare_run(workers, vacancies, agencies, AS_OF)
        clock = Timings(prepare=time.perf_counter() - start)
        clock.cpu["prepare"] = time.process_time() - cpu
        cpu = time.process_time()
        tables = build_tables(run, workers, min_cell=args.min_cell, runner=runner, timings=clock)
        cpu_engine.append(time.process_time() - cpu)
        totals.append(time.perf_counter() - start)
        for phase in PHASES:
            phases[phase].append(clock.get(phase, 0.0))
            phase_cpu[phase].append(clock.cpu.get(phase, 0.0))
        start, cpu = time.perf_counter(), time.process_time()
        outcome = allocate_round(run, method="optimal", runner=runner)
        cpu_rounds.append(time.process_time() - cpu)
        rounds.append(time.perf_counter() - start)
        if attempt == 0:
            rows = ", ".join(f"{t.schema.name} {t.n_rows}" for t in tables)
            blanked = sum(int(m.sum()) for t in tables for m in t.blanked.values())
            print(f"  tables: {rows}; {blanked:,} cells withheld")
            print(
                f"  open job orders {outcome.graph.n_jobs:,}, eligible pairs "
                f"{len(outcome.graph.worker):,}, placed {int(outcome.chosen.sum()):,}"
            )
    print(f"  load average at end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"  repeats: {args.repeat} (median, min-max); wall-clock and CPU seconds")
    for phase in PHASES:
        print(f"  {phase}: {_spread(phases[phase])}; CPU {_spread(phase_cpu[phase])}")
    print(f"  all tables, from validated records: {_spread(totals)}")
    engine = [t - p for t, p in zip(totals, phases["prepare"], strict=True)]
    print(f"  all tables, after prepare_run: {_spread(engine)}")
    print(f"  baseline: allocate_round --method optimal: {_spread(rounds)}")
    print(f"  CPU time, all tables after prepare_run: {_spread(cpu_engine)}")
    print(f"  CPU time, baseline round: {_spread(cpu_rounds)}")
    ratios = [e / r for e, r in zip(engine, rounds, strict=True)]
    print(
        f"  ratio insights / round: {statistics.median(ratios):.2f} "
        f"({min(ratios):.2f}-{max(ratios):.2f})"
    )
    print(f"  load average before the command: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    walls, cpus = _commands(raw, args.repeat, args.min_cell)
    print(f"  selaras insights (whole command, new process), wall: {_spread(walls)}")
    print(f"  selaras insights (whole command, new process), CPU: {_spread(cpus)}")


if __name__ == "__main__":
    main()
