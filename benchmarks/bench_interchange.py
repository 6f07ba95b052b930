"""Benchmark: importing HR-JSON candidates, and reading workers from Parquet into a pool.

Both are timed beside a baseline run in the same process on the same workers: the
Selaras JSON Lines read (``models.files.read_records``) of the same records.

* ``hr-json``: ``--candidates`` workers (the sample pool's 2,000, repeated with new ids)
  exported as HR-JSON JSON Lines once; then ``read_candidates`` (the ``selaras import
  hr-json`` mapping) and the JSON Lines read of the same workers, alternately.
* ``parquet``: ``--workers`` workers written as Parquet and as JSON Lines once; then
  ``read_records`` of each, alternately, and the records read into a pool (worker facts
  and the encoded columns the kernel scores: ``matcher.scoring``) once in this process,
  then once in row ranges by one forked process per core
  (:func:`matcher.pool.parallel.read_pool`, as ``--read-jobs`` does), checked to give the
  same facts.

Each is repeated ``--repeats`` times with the cyclic collector paused, as the CLI reads
(:mod:`matcher.memory`); the best, the median and the spread (max - min) of the wall and the
CPU seconds of each are printed with the ratio of the medians. The issue's targets:
100,000 candidates imported in 15 s or less; 1,000,000 workers read from Parquet into a
pool in 10 s or less. ``--parts`` runs one of the two (the 1,000,000-worker Parquet run
alone needs several GB).

Run: ``.venv/bin/python -m benchmarks.bench_interchange [--candidates 100000]
[--workers 1000000] [--repeats 3] [--parts hr-json,parquet]`` (``--quick`` for a smoke
test).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import resource
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks.common import parse_args
from matcher.interchange.hrjson_export import export_candidates
from matcher.interchange.hrjson_import import read_candidates
from matcher.pool.packed import PackedFacts
from matcher.pool.parallel import read_pool
from matcher.scoring.encoding import encode_pool
from matcher.scoring.facts import worker_facts
from matcher.taxonomy.occupations import default_occupation_normalizer
from matcher.taxonomy.skills import default_skill_normalizer
from models.files import parse_records, read_records
from models.parquet_files import parquet_table, write_parquet
from models.worker import Worker

ROOT = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2026, 3, 1)


def _raw_workers(n: int) -> list[dict[str, Any]]:
    """``n`` worker records: the sample pool's, repeated with new ids."""
    with (ROOT / "data" / "sample" / "pool" / "workers.jsonl").open(encoding="utf-8") as handle:
        base = [json.loads(line) for line in handle]
    return [{**base[i % len(base)], "id": f"W-{i:07d}"} for i in range(n)]


def _times(run: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU seconds of one run, the collector paused as the CLI pauses it."""
    gc.collect()
    gc.disable()
    try:
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        return time.perf_counter() - wall, time.process_time() - cpu
    finally:
        gc.enable()


def _report(name: str, times: list[tuple[float, float]]) -> float:
    walls, cpus = [t[0] for t in times], [t[1] for t in times]
    median = statistics.median(walls)
    print(
        f"  {name}: wall best {min(walls):.2f} s, median {median:.2f} s, spread "
        f"{max(walls) - min(walls):.2f} s; CPU best {min(cpus):.2f} s, median "
        f"{statistics.median(cpus):.2f} s, spread {max(cpus) - min(cpus):.2f} s",
        flush=True,
    )
    return median


def _compare(
    runs: dict[str, Callable[[], object]], repeats: int, label: str, target_s: float | None
) -> None:
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():  # alternately, so load on the machine hits both
            times[name].append(_times(run))
    medians = [_report(name, found) for name, found in times.items()]
    ratio = medians[0] / medians[1]
    verdict = ""
    if target_s is not None:
        verdict = f"; target <= {target_s:.0f} s: {'met' if medians[0] <= target_s else 'NOT met'}"
    print(f"  {label}: {ratio:.2f}x the JSON Lines read (wall medians){verdict}", flush=True)


def bench_hrjson(n: int, repeats: int) -> None:
    """Time ``read_candidates`` on ``n`` HR-JSON documents against the JSON Lines read."""
    raw = _raw_workers(n)
    workers = [Worker.model_validate(w) for w in raw]
    documents = "".join(
        json.dumps(d, ensure_ascii=False) + "\n" for d in export_candidates(workers).candidates
    )
    records = "".join(json.dumps(w, ensure_ascii=False) + "\n" for w in raw)
    del workers
    print(f"hr-json: {n:,} candidates ({len(documents) / 1e6:.0f} MB of HR-JSON)")

    def hrjson() -> None:
        result = read_candidates(documents, name="candidates.jsonl")
        assert result.ok, result.errors[:3]
        assert len(result.records) == n

    def jsonl() -> None:
        result = parse_records(records, "workers", name="workers.jsonl", fmt="jsonl")
        assert result.ok, result.errors[:3]
        assert len(result.records) == n

    _compare({"import hr-json": hrjson, "read JSON Lines": jsonl}, repeats, "hr-json", 15.0)


def bench_parquet(n: int, repeats: int, folder: Path) -> None:
    """Time reading ``n`` workers from Parquet against JSON Lines, then into a pool."""
    raw = _raw_workers(n)
    parquet, jsonl = folder / "workers.parquet", folder / "workers.jsonl"
    write_parquet(parquet_table(raw, "workers"), parquet)
    with jsonl.open("w", encoding="utf-8") as handle:
        handle.writelines(json.dumps(w, ensure_ascii=False) + "\n" for w in raw)
    del raw
    print(
        f"parquet: {n:,} workers ({parquet.stat().st_size / 1e6:.0f} MB Parquet, "
        f"{jsonl.stat().st_size / 1e6:.0f} MB JSON Lines)"
    )

    def read(path: Path) -> Callable[[], None]:
        def run() -> None:
            result = read_records(path, "workers")
            assert len(result.records) == n

        return run

    _compare(
        {"read Parquet": read(parquet), "read JSON Lines": read(jsonl)}, repeats, "parquet", None
    )
    skills = default_skill_normalizer()
    occupations = default_occupation_normalizer()
    gc.collect()
    gc.disable()
    start, cpu = time.perf_counter(), time.process_time()
    # As match and pool build read it in one process: views (models.typed_workers).
    workers = read_records(parquet, "workers", views=True).records
    read_s, read_cpu = time.perf_counter() - start, time.process_time() - cpu
    facts = worker_facts(workers, skills, occupations)
    encode_pool(facts, skills.taxonomy, AS_OF)
    total, total_cpu = time.perf_counter() - start, time.process_time() - cpu
    gc.enable()
    verdict = "met" if total <= 10.0 else "NOT met"
    print(
        f"  Parquet into a pool, one run (read {read_s:.2f} s wall / {read_cpu:.2f} s CPU, "
        f"facts and encoding {total - read_s:.2f} s / {total_cpu - read_cpu:.2f} s): "
        f"{total:.2f} s wall, {total_cpu:.2f} s CPU; target <= 10 s: {verdict}",
        flush=True,
    )
    whole = bytes(PackedFacts.pack(facts).blob)
    del workers, facts
    gc.collect()
    gc.disable()
    # The same in row ranges, one forked process per core (what --read-jobs does).
    jobs = max(os.cpu_count() or 1, 2)
    start, cpu = time.perf_counter(), _cpu_with_children()
    parts = read_pool(parquet, AS_OF, jobs)
    wall, used = time.perf_counter() - start, _cpu_with_children() - cpu
    gc.enable()
    if bytes(parts.facts.blob) != whole:
        raise SystemExit("the Parquet file read in parts gave other facts")
    verdict = "met" if wall <= 10.0 else "NOT met"
    print(
        f"  Parquet into a pool in parts ({jobs} processes, the same facts): {wall:.2f} s "
        f"wall ({wall / total:.2f}x the one-process run), {used:.2f} s CPU with the "
        f"processes'; target <= 10 s: {verdict}",
        flush=True,
    )


def _cpu_with_children() -> float:
    """CPU seconds of this process and of its ended children."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main(argv: Sequence[str] | None = None) -> None:
    """Run both benchmarks and print the comparisons."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--candidates", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--parts", default="hr-json,parquet", help="which to run, comma-separated")
    args = parse_args(parser, argv, {"candidates": 300, "workers": 500, "repeats": 1})
    parts = set(args.parts.split(","))
    if "hr-json" in parts:
        bench_hrjson(args.candidates, args.repeats)
    if "parquet" in parts:
        with tempfile.TemporaryDirectory() as folder:
            bench_parquet(args.workers, args.repeats, Path(folder))


if __name__ == "__main__":
    main()
