"""``python -m benchmarks.synthetic``: write a pool to a directory, streaming workers so
memory stays flat at any size."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.synthetic.agencies import generate_agencies
from benchmarks.synthetic.files import write_records, write_workers
from benchmarks.synthetic.job_orders import generate_vacancies
from benchmarks.synthetic.settings import AS_OF, FILE_NAMES, SEED


def main(argv: Sequence[str] | None = None) -> int:
    """Write a pool to ``--out``, streaming workers so memory stays flat at any size.

    Returns the exit status (0); argparse exits with 2 on bad usage.
    """
    parser = argparse.ArgumentParser(
        description="Write a seeded synthetic Selaras pool (workers, job orders, agencies)."
    )
    parser.add_argument("--workers", type=int, default=2000, help="number of workers")
    parser.add_argument("--vacancies", type=int, default=60, help="number of job orders")
    parser.add_argument("--agencies", type=int, default=30, help="number of agencies")
    parser.add_argument("--seed", type=int, default=SEED, help="random seed")
    parser.add_argument(
        "--as-of", type=dt.date.fromisoformat, default=AS_OF, help="evaluation date YYYY-MM-DD"
    )
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    parser.add_argument(
        "--jobs",
        type=int,
        default=1,
        help="worker processes (-1: one per CPU); the files are the same for every value",
    )
    args = parser.parse_args(argv)
    n_jobs = (os.cpu_count() or 1) if args.jobs == -1 else args.jobs
    if n_jobs < 1:
        parser.error(f"--jobs must be -1 or at least 1; got {args.jobs}")
    for name in ("workers", "vacancies", "agencies"):
        if getattr(args, name) < (1 if name == "agencies" else 0):
            parser.error(f"--{name} must be {'at least 1' if name == 'agencies' else '>= 0'}")
    started = time.perf_counter()
    args.out.mkdir(parents=True, exist_ok=True)
    agencies = generate_agencies(args.agencies, seed=args.seed, as_of=args.as_of)
    vacancies = generate_vacancies(args.vacancies, agencies, seed=args.seed, as_of=args.as_of)
    write_records(args.out / FILE_NAMES[2], agencies)
    write_records(args.out / FILE_NAMES[1], vacancies)
    n_written = write_workers(
        args.out / FILE_NAMES[0], args.workers, agencies,
        seed=args.seed, as_of=args.as_of, n_jobs=n_jobs,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    print(
        f"{n_written} workers, {len(vacancies)} job orders, {len(agencies)} agencies "
        f"(seed {args.seed}, as of {args.as_of}) -> {args.out} in {elapsed:.2f} s "
        f"({n_jobs} process{'es' if n_jobs > 1 else ''})",
        file=sys.stderr,
    )
    return 0
