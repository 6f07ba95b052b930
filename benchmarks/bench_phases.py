"""Benchmark: where the time of a batch run goes, against a plain read of the same file.

Writes a seeded synthetic pool (``benchmarks.synthetic``), then, ``--repeats`` times each:

* **baseline**: plain Python reading the workers file (``json.loads`` on every line and a
  walk over every field): the speed of the data;
* **match phases**, in this process, as ``selaras match --top 50`` runs them:
  ``decode`` (the typed decoder of :mod:`models.typed_workers` on every line: structs
  only), ``validate`` (the rest of reading the file: the records, the checks, the
  all-or-nothing bookkeeping), ``views`` (for comparison: every line decoded into a view
  and checked, :func:`models.typed_workers.decode_view`, what a file read in parts costs
  instead of decode and the records), ``normalize`` (skill,
  certificate and job-title texts read into the taxonomy), ``facts`` (the rest of
  ``worker_facts``), ``screen`` (the job orders against the rule packs), ``encode``
  (the pool as columns), ``score`` (the kernel's top 50 of every job order) and
  ``explain+write`` (the reference scorer on the pairs shown, the records, the file);
  and, for comparison, ``pydantic reader`` (the same file read with pydantic alone,
  ``read_records(typed=False)``: reading as it was before the typed decoder);
* **end to end**: ``selaras match`` and ``selaras allocate`` as commands (a new process
  each: imports included), and the API bulk upload of the workers to a real
  ``selaras serve`` (``POST /workers/bulk``, SQLite in a temporary directory; its CPU is
  the server process's and that of the processes it forks to read the upload's parts,
  read with psutil), once for each ``--upload-read-jobs`` value (the server's
  ``SELARAS_UPLOAD_READ_JOBS``; default one per core), alternated within each repeat;
* **API bulk upload by part**, in this process (``api.records.upload`` on a new server
  with the largest ``--upload-read-jobs``): the upload's own laps (``digest``, ``read``,
  ``checks`` (read whole) or ``other parts`` (the wait for the forked processes) and
  ``store others`` (their rows stored), ``store``, ``rows waited``: the wait for the live
  pool's rows after the store, ``live pool``) and ``rows alongside``: the rows made in the
  helper thread, overlapping the store; wall-clock only, beside the upload's total.

Every phase is timed in wall-clock and in CPU seconds (``time.process_time``; for a
command, the CPU time of the child process), and given as a ratio to the baseline
measured in the same run, wall to wall and CPU to CPU: the machine is shared, so absolute
seconds move with its load, CPU seconds and ratios much less. The spread is the minimum
and maximum over the repeats.

Run (from the repository root): ``.venv/bin/python -m benchmarks.bench_phases
[--workers 100000] [--vacancies 100] [--repeats 3] [--no-api] [--upload-read-jobs N ...]
[--quick]``
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from api.settings import default_read_jobs
from benchmarks.common import parse_args
from benchmarks.synthetic import AS_OF
from benchmarks.synthetic.command import main as write_pool_files

K = 50


def _walk(value: Any) -> int:
    """Touch every field of a decoded value (what any use of the data costs at least)."""
    if isinstance(value, dict):
        return sum(_walk(v) for v in value.values()) + 1
    if isinstance(value, list):
        return sum(_walk(v) for v in value) + 1
    return 1


def _baseline(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(_walk(json.loads(line)) for line in handle if line.strip())


Seconds = tuple[float, float]
"""Wall-clock and CPU seconds."""


def _now() -> Seconds:
    return time.perf_counter(), time.process_time()


def _since(start: Seconds) -> Seconds:
    wall, cpu = _now()
    return wall - start[0], cpu - start[1]


def _minus(total: Seconds, *parts: Seconds) -> Seconds:
    """What is left of ``total`` once ``parts`` are taken out (never below 0)."""
    return (
        max(0.0, total[0] - sum(p[0] for p in parts)),
        max(0.0, total[1] - sum(p[1] for p in parts)),
    )


class Phases:
    """Wall and CPU seconds per phase, over repeats."""

    def __init__(self) -> None:
        self.times: dict[str, list[Seconds]] = {}

    @contextmanager
    def timed(self, name: str) -> Iterator[None]:
        """Add the block's wall and CPU time to phase ``name`` (one entry per repeat)."""
        start = _now()
        yield
        self.add(name, _since(start))

    def add(self, name: str, seconds: Seconds) -> None:
        """Record ``seconds`` (wall, CPU) for ``name``."""
        self.times.setdefault(name, []).append(seconds)

    def last(self, name: str) -> Seconds:
        """The latest entry of phase ``name``."""
        return self.times[name][-1]

    def report(self, baseline: list[Seconds]) -> None:
        """Print each phase: medians, spreads, and the medians' ratios to the baseline's."""
        for name, values in self.times.items():
            self.report_one(name, values, baseline)

    @staticmethod
    def report_one(name: str, values: list[Seconds], baseline: list[Seconds]) -> None:
        """Print one phase's median wall and CPU seconds, spreads and ratios."""
        for label, index in (("wall", 0), ("CPU", 1)):
            times = [v[index] for v in values]
            if any(map(math.isnan, times)):
                continue  # a part timed in wall-clock only (another thread's, overlapping)
            base = statistics.median(b[index] for b in baseline)
            median = statistics.median(times)
            print(
                f"  {name + ',':<20} {label:<4} {median:7.2f} s "
                f"(min {min(times):.2f}, max {max(times):.2f})  {median / base:5.2f}x",
                flush=True,
            )


def _match_phases(paths: dict[str, Path], out: Path, phases: Phases) -> None:
    """One in-process ``match`` run, phase by phase (the CLI's own functions)."""
    from cli.matching import load_records, write_records
    from cli.unmatched import match_records
    from matcher.memory import building_long_lived
    from matcher.rules.packs import load_rule_packs
    from matcher.rules.screening import screen_vacancies
    from matcher.scoring.encoding import encode_pool
    from matcher.scoring.facts import worker_facts
    from matcher.scoring.kernel import PoolScorer
    from matcher.scoring.matching import prepare_run
    from matcher.taxonomy.occupations import default_occupation_normalizer
    from matcher.taxonomy.skills import default_skill_normalizer
    from models.files import read_records
    from models.typed_workers import decode_typed, decode_view

    # The loading phases run as the commands run them: collector paused (matcher.memory).
    with building_long_lived(collect=False):
        with phases.timed("pydantic reader"):
            read_records(paths["workers"], "workers", typed=False)
        gc.collect()
        with phases.timed("decode"), paths["workers"].open("rb") as handle:
            decoded = [decode_typed(line) for line in handle if line.strip()]
        del decoded
        with phases.timed("views"), paths["workers"].open("rb") as handle:
            viewed = [decode_view(line) for line in handle if line.strip()]
        del viewed
        start = _now()
        pool, orders, register = load_records(
            paths["workers"], paths["vacancies"], paths["agencies"]
        )
        phases.add("validate", _minus(_since(start), phases.last("decode")))
        skills, occupations = default_skill_normalizer(), default_occupation_normalizer()
        with phases.timed("normalize"):
            skills.normalize_many(
                [s.name for w in pool for s in w.skills]
                + [c.skill or c.name for w in pool for c in w.certificates]
            )
            occupations.normalize_many(
                [e.title or "" for w in pool for e in w.experience if e.isco is None]
            )
        start = _now()
        worker_facts(pool, skills, occupations)
        phases.add("facts", _minus(_since(start), phases.last("normalize")))
        start = _now()
        run = prepare_run(pool, orders, register, AS_OF)
        prepared = _since(start)
        with phases.timed("screen"):
            by_id = {a.id: a for a in register or ()}
            screen_vacancies(orders, load_rule_packs(), by_id, AS_OF, skills)
    with phases.timed("encode"):
        encoded = encode_pool(run.workers, run.params.taxonomy, run.params.as_of)
    with phases.timed("score"):
        PoolScorer(encoded, run.params).top_workers(
            [v for v in run.vacancies if not v.refused], k=K
        )
    del encoded
    start = _now()
    write_records(match_records(run, "vacancies", K, False, "en"), out)
    phases.add("explain+write", _minus(_since(start), phases.last("encode"), phases.last("score")))
    # prepare_run is facts + normalize + screen; what is left is its own bookkeeping.
    phases.add(
        "prepare (rest)",
        _minus(prepared, phases.last("facts"), phases.last("normalize"), phases.last("screen")),
    )
    del run, pool, orders, register
    gc.collect()


def _command(args: Sequence[str]) -> Seconds:
    start = time.perf_counter()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=Path(__file__).resolve().parent.parent,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
    return time.perf_counter() - start, cpu


def _api_upload(folder: Path, paths: dict[str, Path], read_jobs: int) -> Seconds:
    import psutil

    from benchmarks.bench_api import Connection, _free_port, _start_server, _upload

    port = _free_port()
    server = _start_server(folder, port, SELARAS_UPLOAD_READ_JOBS=str(read_jobs))
    try:
        admin = Connection(port)
        for line in paths["agencies"].read_text().splitlines():
            admin.json("POST", "/agencies", json.loads(line))
        # The server is another process: its own CPU time (all its threads) over the
        # upload, and that of the processes it forked to read the upload's parts.
        process = psutil.Process(server.pid)
        before = process.cpu_times()
        elapsed, _ = _upload(port, paths["workers"], "/workers/bulk")
        after = process.cpu_times()
        return elapsed, _cpu(after) - _cpu(before)
    finally:
        server.terminate()
        server.wait(30)
        (folder / "selaras.db").unlink(missing_ok=True)


def _cpu(times: Any) -> float:
    """User and system seconds of a process and of its children it waited for."""
    return float(times.user + times.system + times.children_user + times.children_system)


def _api_phases(folder: Path, paths: dict[str, Path], phases: Phases, read_jobs: int) -> None:
    """One bulk upload of the workers in this process, part by part: ``api.records.upload``
    as ``POST /workers/bulk`` calls it, on a new server (SQLite store, empty live pool).

    The parts are the upload's own wall-clock laps (``UploadOutcome.phases``, the figures
    the server logs); the facts and rows are made in a helper thread while the records
    are stored, so that lap overlaps the store's and is not part of the sum.
    """
    from api.access.keys import Principal
    from api.app import start_server
    from api.records import upload
    from api.settings import Settings
    from api.storage.database import write_session
    from api.storage.store import WORKERS, put_agency
    from models.agency import Agency

    database = folder / "phases.db"
    server = start_server(
        Settings(database_url=f"sqlite:///{database}", upload_read_jobs=read_jobs)
    )
    try:
        lines = paths["agencies"].read_text().splitlines()
        register = [Agency.model_validate_json(line) for line in lines]
        with write_session(server.engine) as session:
            for agency in register:
                put_agency(session, agency, create_only=True)
        server.agencies = tuple(register)
        officer = Principal("bench-phases", "officer", None)
        with paths["workers"].open("rb") as content, phases.timed("upload, in all"):
            outcome = upload(server, officer, WORKERS, content, filename="w.jsonl", fmt=None)
        if outcome.counts is None:
            raise SystemExit(f"the upload was refused: {outcome.errors[:3]}")
        for name, seconds in outcome.phases:
            phases.add(name, (seconds, math.nan))
    finally:
        server.batches.shutdown()
        server.audit.close()
        server.keys.close()
        server.checkpoints.close()
        server.engine.dispose()
        database.unlink(missing_ok=True)


def pool_parser(doc: str | None) -> argparse.ArgumentParser:
    """The options of a benchmark over a synthetic pool (size, repeats, seed)."""
    parser = argparse.ArgumentParser(description=(doc or "").split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=100_000)
    parser.add_argument("--vacancies", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    return parser


def synthetic_pool(name: str, args: argparse.Namespace, folder: Path) -> dict[str, Path]:
    """Say what benchmark ``name`` runs on, write its seeded pool into ``folder`` and
    return the paths of the workers, vacancies and agencies files."""
    print(
        f"{name}: python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"{args.workers:,} workers x {args.vacancies} job orders, top {K}, as_of {AS_OF}, "
        f"{args.repeats} repeats"
    )
    write_pool_files(
        [
            *("--workers", str(args.workers), "--vacancies", str(args.vacancies)),
            *("--seed", str(args.seed), "--out", str(folder / "pool"), "--jobs", "2"),
        ]
    )
    return {
        kind: folder / "pool" / f"{kind}.jsonl" for kind in ("workers", "vacancies", "agencies")
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    parser = pool_parser(__doc__)
    parser.add_argument("--no-api", action="store_true", help="skip the API bulk upload")
    parser.add_argument(
        "--upload-read-jobs",
        type=int,
        nargs="+",
        default=[default_read_jobs()],
        help="the server's SELARAS_UPLOAD_READ_JOBS, each value in every repeat "
        "(default: one per core, as the server's)",
    )
    args = parse_args(parser, argv, quick={"workers": 400, "vacancies": 6, "repeats": 1})
    with tempfile.TemporaryDirectory(prefix="selaras-bench-phases-") as tmp:
        folder = Path(tmp)
        paths = synthetic_pool("bench_phases", args, folder)
        size = paths["workers"].stat().st_size
        print(f"workers file: {size / 2**20:.0f} MiB JSON Lines")

        def plain() -> Seconds:
            start = _now()
            _baseline(paths["workers"])
            return _since(start)

        files = ["--workers", str(paths["workers"]), "--vacancies", str(paths["vacancies"])]
        common = [*files, "--agencies", str(paths["agencies"]), "--as-of", AS_OF.isoformat()]
        out = str(folder / "out.jsonl")
        baseline: list[Seconds] = []
        phases = Phases()
        ends = Phases()
        for _ in range(args.repeats):
            baseline.append(plain())
            _match_phases(paths, folder / "out.jsonl", phases)
            ends.add("match (command)", _command(["match", *common, "--top", str(K), "--out", out]))
            ends.add("allocate (command)", _command(["allocate", *common, "--out", out]))
        uploads = Phases()
        if not args.no_api:
            # Alternated, so that each value meets the machine's moods alike.
            for _ in range(args.repeats):
                for jobs in args.upload_read_jobs:
                    name = f"API bulk upload, {jobs} read process{'es' if jobs > 1 else ''}"
                    ends.add(name, _api_upload(folder, paths, jobs))
            for _ in range(args.repeats):
                _api_phases(folder, paths, uploads, max(args.upload_read_jobs))
    print("the plain json.loads read (the ratios' base):")
    Phases.report_one("plain read", baseline, baseline)
    print("match, in process, by phase:")
    phases.report(baseline)
    print("end to end:")
    ends.report(baseline)
    if uploads.times:
        print("API bulk upload, in process, by part (wall-clock; rows alongside: during store):")
        uploads.report(baseline)
    return 0


if __name__ == "__main__":
    sys.exit(main())
