"""Benchmark: pool snapshots against the plain read of the same worker file.

Writes a seeded synthetic pool (``benchmarks.synthetic``), then, ``--repeats`` times each:

* **baseline**: plain Python reading the workers file (``json.loads`` on every line and a
  walk over every field), as in :mod:`benchmarks.bench_phases`;
* ``pool build`` as a command (a new process: imports included);
* ``read_snapshot`` in this process: mapping the snapshot and checking its versions and
  checksums (what a run pays instead of reading the file);
* ``match --top 50`` and ``allocate`` as commands, from the worker file and from the
  snapshot (unless ``--build-only``).

Every figure is wall-clock and CPU seconds (a command's CPU is its process's), with its
ratio to the baseline measured in the same run; the spread is the minimum and maximum
over the repeats. The snapshot's output is checked to be the same bytes as the file's.

Run (from the repository root): ``.venv/bin/python -m benchmarks.bench_snapshot
[--workers 100000] [--vacancies 100] [--repeats 3] [--build-only] [--quick]``
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from benchmarks.bench_phases import (
    K,
    Phases,
    Seconds,
    _baseline,
    _command,
    _now,
    _since,
    pool_parser,
    synthetic_pool,
)
from benchmarks.common import parse_args
from benchmarks.synthetic import AS_OF


def _load(path: Path) -> Seconds:
    from matcher.pool.snapshot import read_snapshot

    start = _now()
    snapshot = read_snapshot(path)
    elapsed = _since(start)
    del snapshot
    return elapsed


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    parser = pool_parser(__doc__)
    parser.add_argument(
        "--build-only", action="store_true", help="time pool build and loading only"
    )
    args = parse_args(parser, argv, quick={"workers": 400, "vacancies": 6, "repeats": 1})
    with tempfile.TemporaryDirectory(prefix="selaras-bench-snapshot-") as tmp:
        folder = Path(tmp)
        paths = synthetic_pool("bench_snapshot", args, folder)
        workers, vacancies, agencies = paths["workers"], paths["vacancies"], paths["agencies"]
        snapshot = folder / "workers.pool"
        build = ["pool", "build", "--workers", str(workers), "--agencies", str(agencies)]
        common = ["--vacancies", str(vacancies), "--as-of", AS_OF.isoformat()]
        from_file = ["--workers", str(workers), "--agencies", str(agencies), *common]
        from_pool = ["--pool", str(snapshot), *common]
        outs = {name: str(folder / f"{name}.jsonl") for name in ("file", "pool")}
        baseline: list[Seconds] = []
        phases = Phases()
        for _ in range(args.repeats):
            start = _now()
            _baseline(workers)
            baseline.append(_since(start))
            phases.add("pool build", _command([*build, "--out", str(snapshot)]))
            phases.add("load snapshot", _load(snapshot))
            if args.build_only:
                continue
            for source, options in (("file", from_file), ("pool", from_pool)):
                match = ["match", *options, "--top", str(K), "--out", outs[source]]
                phases.add(f"match ({source})", _command(match))
            if Path(outs["file"]).read_bytes() != Path(outs["pool"]).read_bytes():
                raise SystemExit("match --pool wrote other bytes than match --workers")
            for source, options in (("file", from_file), ("pool", from_pool)):
                allocate = ["allocate", *options, "--out", outs[source]]
                phases.add(f"allocate ({source})", _command(allocate))
            if Path(outs["file"]).read_bytes() != Path(outs["pool"]).read_bytes():
                raise SystemExit("allocate --pool wrote other bytes than allocate --workers")
        print(
            f"workers file: {workers.stat().st_size / 2**20:.0f} MiB JSON Lines; "
            f"snapshot: {snapshot.stat().st_size / 2**20:.0f} MiB"
        )
    print("the plain json.loads read (the ratios' base):")
    Phases.report_one("plain read", baseline, baseline)
    print("snapshots:")
    phases.report(baseline)
    return 0


if __name__ == "__main__":
    sys.exit(main())
