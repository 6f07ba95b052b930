"""Benchmark: what the store's own checks on records (migration 0003) cost a bulk upsert.

Two SQLite stores in a temporary directory, one at revision 0002 (no checks) and one at
the head (triggers that walk every inserted record's JSON), get the same upsert of
``--workers`` workers (the sample pool's, with new ids) in one transaction, alternately,
``--repeats`` times; the upsert is ``api.storage.store.upsert_records``, as a bulk upload runs it.
Prints the best and median time of each and the ratio of the medians.

Run: ``.venv/bin/python -m benchmarks.bench_store_checks [--workers 20000] [--repeats 5]``
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text

from api.storage.database import connect, write_session
from api.storage.store import WORKERS, put_agency, upsert_records
from benchmarks.common import parse_args
from models.agency import Agency
from models.worker import Worker

ROOT = Path(__file__).resolve().parents[1]

AGENCY = "P3MI-0001"


def _store(path: Path, revision: str) -> Engine:
    engine = connect(f"sqlite:///{path}")
    config = Config()
    config.set_main_option("script_location", str(files("api.storage") / "migrations"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    with write_session(engine) as session:
        put_agency(session, Agency(id=AGENCY, name="PT Bench", status="active"), create_only=True)
    return engine


def main(argv: Sequence[str] | None = None) -> None:
    """Time the upserts and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parse_args(parser, argv, {"workers": 500, "repeats": 1})
    with (ROOT / "data" / "sample" / "pool" / "workers.jsonl").open(encoding="utf-8") as handle:
        base = [json.loads(line) for line in handle]
    workers = [
        Worker.model_validate({**base[i % len(base)], "id": f"W-{i}", "agency_id": AGENCY})
        for i in range(args.workers)
    ]
    times: dict[str, list[float]] = {"0002 (no checks)": [], "0003 (checks)": []}
    with tempfile.TemporaryDirectory() as folder:
        engines = {
            "0002 (no checks)": _store(Path(folder) / "old.db", "0002"),
            "0003 (checks)": _store(Path(folder) / "new.db", "head"),
        }
        for _ in range(args.repeats):
            for name, engine in engines.items():
                with write_session(engine) as session:
                    session.execute(text("DELETE FROM workers"))
                started = time.perf_counter()
                with write_session(engine) as session:
                    upsert_records(session, WORKERS, workers)
                times[name].append(time.perf_counter() - started)
        for engine in engines.values():
            engine.dispose()
    for name, found in times.items():
        print(
            f"{name}: best {min(found):.2f} s, median {statistics.median(found):.2f} s, "
            f"spread {min(found):.2f}-{max(found):.2f} s for {args.workers:,} workers"
        )
    ratio = statistics.median(times["0003 (checks)"]) / statistics.median(times["0002 (no checks)"])
    print(f"ratio of medians (checks / no checks): {ratio:.2f}")


if __name__ == "__main__":
    main()
