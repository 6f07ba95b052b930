"""Benchmark: importing HR-JSON candidates, and reading workers from Parquet into a pool.

Each is timed beside a baseline run in the same process on the same workers:

* ``hr-json``: ``--candidates`` workers (the sample pool's 2,000, repeated with new ids)
  exported as HR-JSON JSON Lines once; then ``read_candidates`` (the ``selaras import
  hr-json`` mapping) and the Selaras JSON Lines read (``models.files.read_records``) of the
  same workers, alternately.
* ``parquet``: ``--workers`` workers written as Parquet and as JSON Lines once; then
  ``read_records`` of each, alternately.
* ``pool``: ``--workers`` workers written as Parquet once; then read into a pool (the
  encoded columns the kernel scores and the workers' facts) as columns
  (:func:`matcher.pool.columnar.read_columnar`, what ``match`` and ``explain`` do) and, the
  baseline, by rows in row ranges (:func:`matcher.pool.parallel.read_pool`, what they did
  before), alternately, one forked process per core each; checked every time to give the
  same columns and the same facts (of about a thousand workers spread over the file).

Each is repeated ``--repeats`` times with the cyclic collector paused, as the CLI reads
(:mod:`matcher.memory`); the best, the median and the spread (max - min) of the wall and the
CPU seconds of each (with its processes') are printed with the ratio of the medians. The
issue's targets: 100,000 candidates imported in 15 s or less; 1,000,000 workers read from
Parquet into a pool in 10 s or less. ``--parts`` runs some of them (the 1,000,000-worker
runs need several GB).

Run: ``.venv/bin/python -m benchmarks.bench_interchange [--candidates 100000]
[--workers 1000000] [--repeats 3] [--parts hr-json,parquet,pool]`` (``--quick`` for a
smoke test).
"""

from __future__ import annotations

import argparse
import dataclasses
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

import numpy as np

from benchmarks.common import parse_args
from matcher.interchange.hrjson_export import export_candidates
from matcher.interchange.hrjson_import import read_candidates
from matcher.pool.columnar import read_columnar
from matcher.pool.parallel import ReadPool, read_pool
from matcher.taxonomy.occupations import load_default_normalizers
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


def bench_pool(n: int, repeats: int, folder: Path) -> None:
    """Time ``n`` workers read from Parquet into a pool: by rows in parts (the baseline,
    :func:`matcher.pool.parallel.read_pool`) and as columns
    (:func:`matcher.pool.columnar.read_columnar`), alternately, one process per core."""
    parquet = folder / "workers.parquet"
    write_parquet(parquet_table(_raw_workers(n), "workers"), parquet)
    jobs = max(os.cpu_count() or 1, 2)
    print(f"pool: {n:,} workers ({parquet.stat().st_size / 1e6:.0f} MB Parquet), {jobs} processes")
    # Both readers need the normalizers, built once a process: built first, timed apart.
    start = time.perf_counter()
    load_default_normalizers()
    print(f"  normalizers built (once a process) in {time.perf_counter() - start:.2f} s")
    found: dict[str, Any] = {}

    def by_rows() -> None:
        found["rows"] = read_pool(parquet, AS_OF, jobs)

    def as_columns() -> None:
        found["columns"] = read_columnar(parquet, AS_OF, jobs)

    times: dict[str, list[tuple[float, float]]] = {"as columns": [], "by rows in parts": []}
    for _ in range(repeats):
        for name, run in (("by rows in parts", by_rows), ("as columns", as_columns)):
            gc.collect()
            gc.disable()  # as the commands read (matcher.memory)
            start, cpu = time.perf_counter(), _cpu_with_children()
            run()
            times[name].append((time.perf_counter() - start, _cpu_with_children() - cpu))
            gc.enable()
            if name == "by rows in parts":
                # Only what the check needs is kept while the other reader runs.
                rows = found.pop("rows")
                found["reference"] = (rows.encoded, _sampled(rows.facts))
                del rows
        _check_same(found.pop("columns"), *found.pop("reference"))
    medians = [_report(name, got) for name, got in times.items()]
    verdict = "met" if medians[0] <= 10.0 else "NOT met"
    print(
        f"  pool: as columns {medians[0] / medians[1]:.2f}x the row reader's time (wall "
        f"medians), the same columns and facts; target <= 10 s: {verdict}",
        flush=True,
    )


def _sampled(facts: Sequence[Any]) -> dict[int, str]:
    """About a thousand workers' facts spread over the pool, as text."""
    return {i: repr(facts[i]) for i in range(0, len(facts), max(1, len(facts) // 997))}


def _check_same(columns: ReadPool | None, encoded: object, facts: dict[int, str]) -> None:
    """The same encoded pool, column by column, and the same facts of sampled workers."""
    if columns is None:
        raise SystemExit("the column reader declined the file")
    if not _same_columns(columns.encoded, encoded):
        raise SystemExit("the column reader encoded another pool")
    if any(repr(columns.facts[i]) != text for i, text in facts.items()):
        raise SystemExit("the column reader made other facts")


def _same_columns(a: object, b: object) -> bool:
    for field in dataclasses.fields(a):  # type: ignore[arg-type]
        x, y = getattr(a, field.name), getattr(b, field.name)
        if isinstance(x, np.ndarray):
            if x.dtype != y.dtype or not np.array_equal(x, y, equal_nan=x.dtype.kind == "f"):
                return False
        elif dataclasses.is_dataclass(x):
            if not _same_columns(x, y):
                return False
        elif repr(x) != repr(y):
            return False
    return True


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
    parser.add_argument(
        "--parts", default="hr-json,parquet,pool", help="which to run, comma-separated"
    )
    args = parse_args(parser, argv, {"candidates": 300, "workers": 500, "repeats": 1})
    parts = set(args.parts.split(","))
    if "hr-json" in parts:
        bench_hrjson(args.candidates, args.repeats)
    if "parquet" in parts:
        with tempfile.TemporaryDirectory() as folder:
            bench_parquet(args.workers, args.repeats, Path(folder))
    if "pool" in parts:
        with tempfile.TemporaryDirectory() as folder:
            bench_pool(args.workers, args.repeats, Path(folder))


if __name__ == "__main__":
    main()
