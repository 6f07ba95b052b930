"""Benchmark: where the time of a batch run goes, against a plain read of the same file.

Writes a seeded synthetic pool (``benchmarks.synthetic``), then, ``--repeats`` times each:

* **baseline**: plain Python reading the workers file (``json.loads`` on every line and a
  walk over every field): the speed of the data;
* **match phases**, in this process, as ``selaras match --top 50`` runs them:
  ``decode`` (the strict JSON decoder on every line), ``validate`` (the rest of reading the
  file: the records, the checks, the all-or-nothing bookkeeping), ``normalize`` (skill,
  certificate and job-title texts read into the taxonomy), ``facts`` (the rest of
  ``worker_facts``), ``screen`` (the job orders against the rule packs), ``encode``
  (the pool as columns), ``score`` (the kernel's top 50 of every job order) and
  ``explain+write`` (the reference scorer on the pairs shown, the records, the file);
* **end to end**: ``selaras match`` and ``selaras allocate`` as commands (a new process
  each: imports included), and the API bulk upload of the workers to a real
  ``selaras serve`` (``POST /workers/bulk``, SQLite in a temporary directory).

Every figure is also given as a ratio to the baseline measured in the same run: the
machine is shared, so absolute seconds move with its load and ratios much less. The
spread is the minimum and maximum over the repeats.

Run (from the repository root): ``.venv/bin/python -m benchmarks.bench_phases
[--workers 100000] [--vacancies 100] [--repeats 3] [--no-api] [--quick]``
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

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


class Phases:
    """Seconds per phase, over repeats."""

    def __init__(self) -> None:
        self.times: dict[str, list[float]] = {}

    @contextmanager
    def timed(self, name: str) -> Iterator[None]:
        """Add the block's wall time to phase ``name`` (one entry per repeat)."""
        start = time.perf_counter()
        yield
        self.add(name, time.perf_counter() - start)

    def add(self, name: str, seconds: float) -> None:
        """Record ``seconds`` for ``name``."""
        self.times.setdefault(name, []).append(seconds)

    def report(self, baseline: list[float]) -> None:
        """Print each phase: median, spread, and the median's ratio to the baseline's."""
        base = statistics.median(baseline)
        for name, values in self.times.items():
            median = statistics.median(values)
            print(
                f"  {name:<24} {median:7.2f} s  (min {min(values):.2f}, max {max(values):.2f})"
                f"  {median / base:6.2f}x the plain read",
                flush=True,
            )


def _match_phases(paths: dict[str, Path], out: Path, phases: Phases) -> None:
    """One in-process ``match`` run, phase by phase (the CLI's own functions)."""
    from cli.matching import load_records, write_records
    from cli.memory import loading
    from cli.unmatched import match_records
    from matcher.rules.packs import load_rule_packs
    from matcher.rules.screening import screen_vacancies
    from matcher.scoring.encoding import encode_pool
    from matcher.scoring.facts import worker_facts
    from matcher.scoring.kernel import PoolScorer
    from matcher.scoring.matching import prepare_run
    from matcher.taxonomy.occupations import default_occupation_normalizer
    from matcher.taxonomy.skills import default_skill_normalizer
    from models.strict_json import loads

    # The loading phases run as the commands run them: collector paused (cli.memory).
    with loading():
        with phases.timed("decode"), paths["workers"].open("rb") as handle:
            decoded = [loads(line) for line in handle if line.strip()]
        del decoded
        start = time.perf_counter()
        pool, orders, register = load_records(
            paths["workers"], paths["vacancies"], paths["agencies"]
        )
        phases.add("validate", time.perf_counter() - start - phases.times["decode"][-1])
        skills, occupations = default_skill_normalizer(), default_occupation_normalizer()
        with phases.timed("normalize"):
            skills.normalize_many(
                [s.name for w in pool for s in w.skills]
                + [c.skill or c.name for w in pool for c in w.certificates]
            )
            occupations.normalize_many(
                [e.title or "" for w in pool for e in w.experience if e.isco is None]
            )
        start = time.perf_counter()
        worker_facts(pool, skills, occupations)
        phases.add("facts", time.perf_counter() - start - phases.times["normalize"][-1])
        start = time.perf_counter()
        run = prepare_run(pool, orders, register, AS_OF)
        prepared = time.perf_counter() - start
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
    start = time.perf_counter()
    write_records(match_records(run, "vacancies", K, False, "en"), out)
    whole = time.perf_counter() - start
    phases.add("explain+write", whole - phases.times["encode"][-1] - phases.times["score"][-1])
    # prepare_run is facts + normalize + screen; what is left is its own bookkeeping.
    phases.add(
        "prepare (rest)",
        max(
            0.0,
            prepared
            - phases.times["facts"][-1]
            - phases.times["normalize"][-1]
            - phases.times["screen"][-1],
        ),
    )
    del run, pool, orders, register
    gc.collect()


def _command(args: Sequence[str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=Path(__file__).resolve().parent.parent,
    )
    return time.perf_counter() - start


def _api_upload(folder: Path, paths: dict[str, Path]) -> float:
    from benchmarks.bench_api import Connection, _free_port, _start_server, _upload

    port = _free_port()
    server = _start_server(folder, port)
    try:
        admin = Connection(port)
        for line in paths["agencies"].read_text().splitlines():
            admin.json("POST", "/agencies", json.loads(line))
        elapsed, _ = _upload(port, paths["workers"], "/workers/bulk")
        return elapsed
    finally:
        server.terminate()
        server.wait(30)
        (folder / "selaras.db").unlink(missing_ok=True)


def _repeat(repeats: int, what: Callable[[], float]) -> list[float]:
    return [what() for _ in range(repeats)]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=100_000)
    parser.add_argument("--vacancies", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-api", action="store_true", help="skip the API bulk upload")
    args = parse_args(parser, argv, quick={"workers": 400, "vacancies": 6, "repeats": 1})
    print(
        f"bench_phases: python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"{args.workers:,} workers x {args.vacancies} job orders, top {K}, as_of {AS_OF}, "
        f"{args.repeats} repeats"
    )
    with tempfile.TemporaryDirectory(prefix="selaras-bench-phases-") as tmp:
        folder = Path(tmp)
        write_pool_files(
            [
                *("--workers", str(args.workers), "--vacancies", str(args.vacancies)),
                *("--seed", str(args.seed), "--out", str(folder / "pool"), "--jobs", "2"),
            ]
        )
        paths = {kind: folder / "pool" / f"{kind}.jsonl" for kind in ("workers", "vacancies")}
        paths["agencies"] = folder / "pool" / "agencies.jsonl"
        size = paths["workers"].stat().st_size
        print(f"workers file: {size / 2**20:.0f} MiB JSON Lines")

        def plain() -> float:
            start = time.perf_counter()
            _baseline(paths["workers"])
            return time.perf_counter() - start

        files = ["--workers", str(paths["workers"]), "--vacancies", str(paths["vacancies"])]
        common = [*files, "--agencies", str(paths["agencies"]), "--as-of", AS_OF.isoformat()]
        out = str(folder / "out.jsonl")
        baseline: list[float] = []
        phases = Phases()
        ends = Phases()
        for _ in range(args.repeats):
            baseline.append(plain())
            _match_phases(paths, folder / "out.jsonl", phases)
            ends.add("match (command)", _command(["match", *common, "--top", str(K), "--out", out]))
            ends.add("allocate (command)", _command(["allocate", *common, "--out", out]))
        if not args.no_api:
            ends.times["API bulk upload"] = _repeat(
                args.repeats, lambda: _api_upload(folder, paths)
            )
    print(
        f"plain json.loads read: {statistics.median(baseline):.2f} s "
        f"(min {min(baseline):.2f}, max {max(baseline):.2f})"
    )
    print("match, in process, by phase:")
    phases.report(baseline)
    print("end to end:")
    ends.report(baseline)
    return 0


if __name__ == "__main__":
    sys.exit(main())
