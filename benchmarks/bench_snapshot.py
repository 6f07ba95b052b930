"""Benchmark: pool snapshots against the plain read of the same worker file.

Writes a seeded synthetic pool (``benchmarks.synthetic``), then, ``--repeats`` times each:

* **baseline**: plain Python reading the workers file (``json.loads`` on every line and a
  walk over every field), as in :mod:`benchmarks.bench_phases`;
* ``pool build`` as a command (a new process: imports included);
* ``read_snapshot`` in this process: mapping the snapshot and checking its versions and
  checksums (what a run pays instead of reading the file);
* ``match --top 50`` and ``allocate`` as commands, from the worker file and from the
  snapshot (unless ``--build-only`` or ``--server-only``);
* with ``--server`` (or ``--server-only``), the API server's start on a SQLite store
  holding the pool (filled as bulk uploads leave it), each start a new process, timed
  from the process's start until it has ranked one job order (top 50): once loading every
  stored worker (no saved pool), which saves the pool beside the store (timed apart: the
  server writes it in the background once ready), then ``--repeats`` restarts from the
  saved pool (``api.live_pool.saved``), the figure issue 17 asks for (<= 20 s at a
  million workers). Each start also gives its peak resident memory; the restart's
  answer is checked to be the full load's.

Every figure is wall-clock and CPU seconds (a command's CPU is its process's), with its
ratio to the baseline measured in the same run; the spread is the minimum and maximum
over the repeats. The snapshot's output is checked to be the same bytes as the file's.

With ``--read-jobs 1 2``, ``pool build``, ``match`` and ``allocate`` from the file run
once with each value in every repeat, one after the other (reading the worker file in one
process, then in two: :mod:`matcher.pool.parallel`), and must write the same bytes.

Run (from the repository root): ``.venv/bin/python -m benchmarks.bench_snapshot
[--workers 100000] [--vacancies 100] [--repeats 3] [--build-only] [--server |
--server-only] [--read-jobs N [N ...]] [--quick]``
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

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


def _fill_store(database: Path, paths: dict[str, Path]) -> None:
    """A migrated SQLite store holding the files' records, as bulk uploads leave it (one
    write time for all), written in chunks without the API in between."""
    import datetime as dt

    from sqlalchemy import insert

    from api.storage.database import connect, migrate, write_session
    from api.storage.store import JOB_ORDERS, put_agency, upsert_records
    from api.storage.tables import WorkerRow
    from models.files import read_records

    engine = connect(f"sqlite:///{database}")
    try:
        migrate(engine)
        with write_session(engine) as session:
            for agency in read_records(paths["agencies"], "agencies").records:
                put_agency(session, agency, create_only=True)
            upsert_records(
                session, JOB_ORDERS, read_records(paths["vacancies"], "vacancies").records
            )
        now = dt.datetime.now(dt.UTC)
        with paths["workers"].open(encoding="utf-8") as handle:
            while chunk := [line for _, line in zip(range(20_000), handle, strict=False)]:
                rows = []
                for line in chunk:
                    record = json.loads(line)
                    rows.append({
                        "agency_id": record["agency_id"], "id": record["id"],
                        "record": line.rstrip("\n"), "education": record.get("education"),
                        "created_at": now, "updated_at": now,
                    })  # fmt: skip
                with write_session(engine) as session:
                    session.execute(insert(WorkerRow), rows)
    finally:
        engine.dispose()


def _start(database: Path, vacancies: Path) -> dict[str, Any]:
    """Start a server in a new process; its figures (see :func:`_child`)."""
    found = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_snapshot", "--child", str(database),
         str(vacancies)],
        check=True, capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent,
    )  # fmt: skip
    figures: dict[str, Any] = json.loads(found.stdout.splitlines()[-1])
    return figures


def _child(database: Path, vacancies: Path) -> None:
    """One server start: ``start_server`` on the store, then one ranking; print JSON with
    the seconds (wall, CPU) until ready, those of saving the pool (when it does), the
    peak resident memory, whether the saved pool was used, and the answer."""
    started = time.perf_counter(), time.process_time()
    import logging
    from dataclasses import replace

    from api.app import start_server
    from api.settings import Settings
    from models.files import read_records

    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    url = f"sqlite:///{database}"
    settings = replace(Settings(database_url=url), pool_snapshot=Path(f"{database}.pool"))
    server = start_server(settings)
    order = read_records(vacancies, "vacancies").records[0]
    answer = server.ranking.candidates(
        order, agencies=server.agencies, as_of=AS_OF, k=50, include_ineligible=False,
        agency_id=None, lang="en",
    )  # fmt: skip
    ready = time.perf_counter() - started[0], time.process_time() - started[1]
    keeper = server.pool_keeper
    assert keeper is not None
    saving = time.perf_counter()
    restored = not keeper.wait()
    saved = time.perf_counter() - saving
    server.batches.shutdown()
    server.engine.dispose()
    print(json.dumps({
        "ready": ready, "save_wall": saved, "restored": restored,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "answer": [r["worker_id"] for r in answer.records()],
    }))  # fmt: skip


def _server(paths: dict[str, Path], folder: Path, repeats: int) -> None:
    """Time the first start (full load) and ``repeats`` restarts from the saved pool."""
    database = folder / "selaras.db"
    start = _now()
    _fill_store(database, paths)
    print(f"store filled in {_since(start)[0]:.1f} s wall", flush=True)
    first = _start(database, paths["vacancies"])
    assert not first["restored"]
    phases = Phases()
    phases.add("start, full load", (first["ready"][0], first["ready"][1]))
    rss = {"start, full load": [first["peak_rss_mib"]]}
    for _ in range(repeats):
        again = _start(database, paths["vacancies"])
        if not again["restored"] or again["answer"] != first["answer"]:
            raise SystemExit("the restart did not restore the saved pool, or answered otherwise")
        phases.add("restart, saved", (again["ready"][0], again["ready"][1]))
        rss.setdefault("restart, saved", []).append(again["peak_rss_mib"])
    size = Path(f"{database}.pool").stat().st_size / 2**20
    print(
        f"server: store {database.stat().st_size / 2**20:.0f} MiB, saved pool {size:.0f} MiB, "
        f"written in {first['save_wall']:.2f} s wall (in the background, once ready)"
    )
    full = phases.times["start, full load"]
    phases.report(full)
    for name, values in rss.items():
        print(f"  {name + ',':<20} peak RSS {max(values):,.0f} MiB")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    if argv is None and sys.argv[1:2] == ["--child"]:
        _child(Path(sys.argv[2]), Path(sys.argv[3]))
        return 0
    parser = pool_parser(__doc__)
    parser.add_argument(
        "--build-only", action="store_true", help="time pool build and loading only"
    )
    parser.add_argument("--server", action="store_true", help="also time server restarts")
    parser.add_argument("--server-only", action="store_true", help="time server starts only")
    parser.add_argument(
        "--read-jobs",
        type=int,
        nargs="+",
        metavar="N",
        help="run pool build, match and allocate from the file once with each --read-jobs "
        "N, in turn (checking the same bytes); default: the commands' own default",
    )
    args = parse_args(parser, argv, quick={"workers": 400, "vacancies": 6, "repeats": 1})
    if args.quick:
        args.server = True
    with tempfile.TemporaryDirectory(prefix="selaras-bench-snapshot-") as tmp:
        folder = Path(tmp)
        paths = synthetic_pool("bench_snapshot", args, folder)
        if not args.server_only:
            _files(args, folder, paths)
        if args.server or args.server_only:
            _server(paths, folder, args.repeats)
    return 0


def _files(args: Any, folder: Path, paths: dict[str, Path]) -> None:
    """Time pool build, loading, and the commands from the file and from the snapshot;
    with ``--read-jobs``, build and the commands from the file once per value, in turn."""
    workers, vacancies, agencies = paths["workers"], paths["vacancies"], paths["agencies"]
    snapshot = folder / "workers.pool"
    build = ["pool", "build", "--workers", str(workers), "--agencies", str(agencies)]
    common = ["--vacancies", str(vacancies), "--as-of", AS_OF.isoformat()]
    from_file = ["--workers", str(workers), "--agencies", str(agencies), *common]
    from_pool = ["--pool", str(snapshot), *common]
    # Each --read-jobs value's flag and the label of its figures (none: the default).
    jobs = [(["--read-jobs", str(n)], f" read-jobs {n}") for n in args.read_jobs or ()] or [
        ([], "")
    ]
    baseline: list[Seconds] = []
    phases = Phases()
    for _ in range(args.repeats):
        start = _now()
        _baseline(workers)
        baseline.append(_since(start))
        built: list[bytes] = []
        for flag, label in jobs:
            phases.add(f"pool build{label}", _command([*build, *flag, "--out", str(snapshot)]))
            built.append(snapshot.read_bytes())
        if any(b != built[0] for b in built):
            raise SystemExit("pool build wrote other bytes with another --read-jobs")
        phases.add("load snapshot", _load(snapshot))
        if args.build_only:
            continue
        for command in ("match", "allocate"):
            outs: list[bytes] = []
            runs = [(f"{label} (file)", [*from_file, *flag]) for flag, label in jobs]
            for name, options in [*runs, (" (pool)", from_pool)]:
                out = folder / "out.jsonl"
                top = ["--top", str(K)] if command == "match" else []
                phases.add(
                    f"{command}{name}", _command([command, *options, *top, "--out", str(out)])
                )
                outs.append(out.read_bytes())
            if any(o != outs[0] for o in outs):
                raise SystemExit(f"{command} wrote other bytes from the snapshot or the file")
    print(
        f"workers file: {workers.stat().st_size / 2**20:.0f} MiB JSON Lines; "
        f"snapshot: {snapshot.stat().st_size / 2**20:.0f} MiB"
    )
    print("the plain json.loads read (the ratios' base):")
    Phases.report_one("plain read", baseline, baseline)
    print("snapshots:")
    phases.report(baseline)


if __name__ == "__main__":
    sys.exit(main())
