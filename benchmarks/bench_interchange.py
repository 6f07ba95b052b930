"""Benchmark: importing HR-JSON candidates, and reading workers from Parquet into a pool.

Both are timed beside a baseline run in the same process on the same workers: the
Selaras JSON Lines read (``models.files.read_records``) of the same records.

* ``hr-json``: ``--candidates`` workers (the sample pool's 2,000, repeated with new ids)
  exported as HR-JSON JSON Lines once; then ``read_candidates`` (the ``selaras import
  hr-json`` mapping) and the JSON Lines read of the same workers, alternately.
* ``parquet``: ``--workers`` workers written as Parquet and as JSON Lines once; then
  ``read_records`` of each, alternately, and the records read into a pool (worker facts
  and the encoded columns the kernel scores: ``matcher.scoring``) once.

Each is repeated ``--repeats`` times; the best, the median and the spread (max - min) of
each are printed with the ratio of the medians. The issue's targets: 100,000 candidates
imported in 15 s or less; 1,000,000 workers read from Parquet into a pool in 10 s or less.

Run: ``.venv/bin/python -m benchmarks.bench_interchange [--candidates 100000]
[--workers 1000000] [--repeats 3]`` (``--quick`` for a smoke test).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks.common import parse_args
from matcher.interchange.hrjson_export import export_candidates
from matcher.interchange.hrjson_import import read_candidates
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


def _times(run: Callable[[], object]) -> float:
    gc.collect()
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def _report(name: str, times: list[float]) -> float:
    median = statistics.median(times)
    spread = max(times) - min(times)
    print(f"  {name}: best {min(times):.2f} s, median {median:.2f} s, spread {spread:.2f} s")
    return median


def _compare(
    runs: dict[str, Callable[[], object]], repeats: int, label: str, target_s: float | None
) -> None:
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():  # alternately, so load on the machine hits both
            times[name].append(_times(run))
    medians = [_report(name, found) for name, found in times.items()]
    ratio = medians[0] / medians[1]
    verdict = ""
    if target_s is not None:
        verdict = f"; target <= {target_s:.0f} s: {'met' if medians[0] <= target_s else 'NOT met'}"
    print(f"  {label}: {ratio:.2f}x the JSON Lines read{verdict}")


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
    start = time.perf_counter()
    workers = read_records(parquet, "workers").records
    read_s = time.perf_counter() - start
    skills = default_skill_normalizer()
    facts = worker_facts(workers, skills, default_occupation_normalizer())
    encode_pool(facts, skills.taxonomy, AS_OF)
    total = time.perf_counter() - start
    verdict = "met" if total <= 10.0 else "NOT met"
    print(
        f"  Parquet into a pool (read {read_s:.2f} s, facts and encoding "
        f"{total - read_s:.2f} s): {total:.2f} s; target <= 10 s: {verdict}"
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Run both benchmarks and print the comparisons."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--candidates", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parse_args(parser, argv, {"candidates": 300, "workers": 500, "repeats": 1})
    bench_hrjson(args.candidates, args.repeats)
    with tempfile.TemporaryDirectory() as folder:
        bench_parquet(args.workers, args.repeats, Path(folder))


if __name__ == "__main__":
    main()
