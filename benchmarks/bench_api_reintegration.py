"""Benchmark: one returnee's opportunities through the HTTP API, from 32 clients.

Starts ``selaras serve`` (uvicorn, one process) on a new SQLite store, as
:mod:`benchmarks.bench_api` does, registers the sample agencies, uploads ``--returnees``
returnees (the sample's, each copy with its own id and a home drawn from the sample's, as
:mod:`benchmarks.bench_reintegration` makes them) to ``POST /workers/bulk`` and
``--opportunities`` opportunities to ``POST /opportunities``, then measures
``GET /returnees/{id}/opportunities?k=10`` with an officer's key for returnees drawn at
random:

* the **first answer** after the uploads: the server selects every stored returnee's best
  opportunities once (the kept book, ``matcher.reintegration.book``) and answers from it
  until a worker, an opportunity or the day changes;
* then every returnee asked is asked once, and the three loads of
  :mod:`benchmarks.bench_api` (open loop at ``--rate`` requests/s offered by ``--clients``
  clients, closed loop, one client), every answer audited;
* and ``k=21`` (above the book's depth, ranked afresh for the one returnee against every
  stored opportunity) from one client, a few requests: what an answer costs without the
  book.

Target (issue 16): p99 <= 50 ms with 32 clients.

Run (from the repository root): ``.venv/bin/python -m benchmarks.bench_api_reintegration
[--returnees 100000] [--opportunities 5000] [--clients 32] [--rate 100] [--seconds 20]
[--quick]``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.bench_api import (
    Connection,
    _free_port,
    _measure,
    _start_server,
    _upload,
    load_options,
)
from benchmarks.bench_reintegration import AS_OF, SAMPLE, _synthetic
from benchmarks.bench_reintegration import _load as load_sample
from benchmarks.common import parse_args

K = 10
PATHS = 2_000  # returnees asked for, drawn at random


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--returnees", type=int, default=100_000)
    parser.add_argument("--opportunities", type=int, default=5_000)
    load_options(parser, 100.0)
    parser.add_argument("--fresh", type=int, default=5, help="requests ranked afresh")
    args = parse_args(
        parser,
        argv,
        quick={
            "returnees": 500,
            "opportunities": 60,
            "clients": 4,
            "rate": 20.0,
            "seconds": 0.5,
            "warmup": 0.2,
            "fresh": 1,
        },
    )
    print(
        f"bench_api_reintegration: python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"{args.returnees:,} returnees, {args.opportunities:,} opportunities, as_of {AS_OF}"
    )
    people, offers = _synthetic(*load_sample(), args)
    with tempfile.TemporaryDirectory(prefix="selaras-bench-reint-") as tmp:
        folder = Path(tmp)
        returnees = folder / "returnees.jsonl"
        returnees.write_text(
            "".join(p.model_dump_json(exclude_none=True) + "\n" for p in people), "utf-8"
        )
        port = _free_port()
        server = _start_server(folder, port)
        try:
            admin = Connection(port)
            for line in (SAMPLE / "agencies.jsonl").read_text("utf-8").splitlines():
                admin.json("POST", "/agencies", json.loads(line))
            elapsed, report = _upload(port, returnees, "/workers/bulk")
            print(f"bulk upload: {report['created']:,} returnees in {elapsed:.1f} s")
            owner = people[0].agency_id
            started = time.perf_counter()
            records = [o.model_dump(mode="json", exclude_none=True) for o in offers]
            for first in range(0, len(records), 1_000):  # within the 1 MiB body limit
                batch = records[first : first + 1_000]
                admin.json("POST", f"/opportunities?agency_id={owner}", batch)
            print(
                f"opportunities: {len(offers):,} uploaded in {time.perf_counter() - started:.1f} s"
            )
            order = random.Random(16)
            asked = order.sample(people, min(PATHS, len(people)))
            paths = [
                f"/returnees/{p.id}/opportunities?k={K}&as_of={AS_OF}&agency_id={p.agency_id}"
                for p in asked
            ]
            started = time.perf_counter()
            status, answer = admin.request("GET", paths[0])
            if status != 200:
                raise RuntimeError(f"{paths[0]}: {status} {answer[:300]!r}")
            print(
                f"first answer (every returnee's best selected once): "
                f"{time.perf_counter() - started:.1f} s"
            )
            _measure(port, paths, args)
            fresh = []
            for path in paths[: args.fresh]:
                started = time.perf_counter()
                status, answer = admin.request("GET", path.replace(f"k={K}", "k=21"))
                if status != 200:
                    raise RuntimeError(f"{path}: {status} {answer[:300]!r}")
                fresh.append(time.perf_counter() - started)
            print(
                f"  ranked afresh (k=21, one client, {len(fresh)} requests): median "
                f"{statistics.median(fresh) * 1000:.0f} ms (min {min(fresh) * 1000:.0f}, "
                f"max {max(fresh) * 1000:.0f})"
            )
        finally:
            server.terminate()
            server.wait(timeout=60)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
