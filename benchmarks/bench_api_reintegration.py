"""Benchmark: one returnee's opportunities through the HTTP API, from 32 clients.

Starts ``selaras serve`` (uvicorn, one process) on a new SQLite store, as
:mod:`benchmarks.bench_api` does, registers the sample agencies, uploads ``--returnees``
returnees (the sample's, each copy with its own id and a home drawn from the sample's, as
:mod:`benchmarks.bench_reintegration` makes them) to ``POST /workers/bulk`` and
``--opportunities`` opportunities to ``POST /opportunities``, then measures
``GET /returnees/{id}/opportunities?k=10`` with an officer's key for returnees drawn at
random:

* the **first answer** after the uploads, and when the kept book
  (``matcher.reintegration.book``: every stored returnee's best opportunities, selected
  once) is ready: the server answers from it from then on (a server that builds it in the
  background answers ``X-Selaras-Answered-From: ranked`` until then, ``book`` after);
* then every returnee asked is asked once, and the three loads of
  :mod:`benchmarks.bench_api` (open loop at ``--rate`` requests/s offered by ``--clients``
  clients, closed loop, one client), every answer audited;
* ``k=21`` (above the book's depth, ranked afresh for the one returnee against every
  stored opportunity) from one client, a few requests: what an answer costs without the
  book;
* and **writes during reads** (``--writes``, 0 to skip): the open loop again while a
  writer, every ``--write-every`` seconds, alternately adds a returnee (``PUT
  /workers/{id}``, a copy of an asked returnee under a new id) and uploads an opportunity
  (``POST /opportunities``, a twin of that returnee's best, first by id): the readers'
  p50/p99, and for each write its own time and the time from sending it to the first
  answer that reflects it (the new returnee answered with the copied returnee's
  opportunities; the twin ranked first), asked every 20 ms.

``--store DIR`` keeps the uploaded store in ``DIR`` and reuses it when a later run asks
for the same sizes (the upload of 100,000 returnees is then made once); each server still
starts on a fresh copy of it. ``--rate`` may name several open-loop rates, measured in
turn.

Each load also reports the server's CPU per answer (its process's user + system time over
the load, from ``/proc``) and the machine's state: the load average and how busy all its
CPUs were during the load (other processes included). ``--repeat`` runs the three loads
that many times; ``--baseline PATH`` first measures the same way the server of another
checkout (e.g. ``/work/main``) on the same store, for a before/after in one session.

Target (issue 16): p99 <= 50 ms with 32 clients.

Run (from the repository root): ``.venv/bin/python -m benchmarks.bench_api_reintegration
[--returnees 100000] [--opportunities 5000] [--clients 32] [--rate 100 [200 ...]]
[--seconds 20] [--repeat 1] [--writes 6] [--write-every 2] [--baseline PATH] [--store DIR]
[--quick]``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.bench_api import (
    ROOT,
    Connection,
    _busy_jiffies,
    _cpu_seconds,
    _free_port,
    _load,
    _start_server,
    _upload,
    _warm,
)
from benchmarks.bench_reintegration import AS_OF, SAMPLE, _synthetic
from benchmarks.bench_reintegration import _load as load_sample
from benchmarks.common import parse_args
from models.opportunity import Opportunity
from models.worker import Returnee

K = 10
PATHS = 2_000  # returnees asked for, drawn at random
ANSWERED_FROM = "X-Selaras-Answered-From"  # api.routers.reintegration.ANSWERED_FROM
REFLECT_LIMIT = 1_200.0  # seconds a writer waits for its write to show
POLL = 0.02  # seconds between two questions of a writer waiting for its write to show


def _peak_rss_mib(pid: int) -> float:
    """Peak resident memory of process ``pid`` so far, in MiB (Linux ``VmHWM``)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for process {pid}")


def _measured(
    server: subprocess.Popen[bytes],
    port: int,
    paths: Sequence[str],
    clients: int,
    seconds: float,
    rate: float | None,
) -> str:
    """One load of :func:`benchmarks.bench_api._load` with the server's CPU per answer
    and the machine's load around it, as one line."""
    cpu, (busy, total), load = _cpu_seconds(server.pid), _busy_jiffies(), os.getloadavg()[0]
    stats = _load(port, paths, clients, seconds, rate)
    cpu = _cpu_seconds(server.pid) - cpu
    busy_after, total_after = _busy_jiffies()
    share = (busy_after - busy) / max(1, total_after - total)
    return (
        f"{stats['requests']:,.0f} requests, p50 {stats['p50_ms']:.1f} ms, "
        f"p99 {stats['p99_ms']:.1f} ms, max {stats['max_ms']:.1f} ms, "
        f"{stats['per_second']:.0f} requests/s; server CPU {cpu / stats['requests'] * 1e3:.2f} "
        f"ms/answer; machine {share:.0%} busy, load {load:.1f} -> {os.getloadavg()[0]:.1f}"
    )


def _answered(connection: Connection, path: str) -> tuple[int, bytes, str | None]:
    """GET ``path``: status, body and where the answer came from (None: not said)."""
    connection.http.request("GET", path, headers=connection.headers)
    response = connection.http.getresponse()
    return response.status, response.read(), response.getheader(ANSWERED_FROM)


def _book_ready(port: int, path: str, limit: float = 3_600.0) -> float:
    """Seconds until ``path`` is answered from the kept book (at once for a server that
    does not say where its answers come from: it built the book for the first one)."""
    connection, started = Connection(port), time.perf_counter()
    while time.perf_counter() - started < limit:
        status, answer, source = _answered(connection, path)
        if status != 200:
            raise RuntimeError(f"{path}: {status} {answer[:300]!r}")
        if source in (None, "book"):
            return time.perf_counter() - started
        time.sleep(0.5)
    raise RuntimeError(f"the book was not ready after {limit:.0f} s")


class _Writer(threading.Thread):
    """Writes every ``every`` seconds, alternately a new returnee and a new opportunity,
    and times each until an answer reflects it."""

    def __init__(
        self,
        port: int,
        source: Returnee,
        path: str,
        writes: int,
        every: float,
        owner: str,
    ) -> None:
        super().__init__(name="writer")
        self.port, self.source, self.path, self.writes, self.every = (
            port, source, path, writes, every
        )  # fmt: skip
        self.owner = owner
        # Ids never written before on this store: each twin sorts before the earlier ones.
        self.first = 0
        self.timings: list[tuple[str, float, float]] = []  # (what, write s, reflected s)
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self._run()
        except BaseException as error:  # reported by the measuring thread
            self.error = error

    def _run(self) -> None:
        writer, reader = Connection(self.port), Connection(self.port)
        status, answer, _ = _answered(reader, self.path)
        expected = json.loads(answer)["results"]
        if status != 200 or not expected:
            raise RuntimeError(f"{self.path}: {status}, no opportunity to copy")
        for n in range(self.first, self.first + self.writes):
            time.sleep(self.every)
            started = time.perf_counter()
            if n % 2 == 0:
                worker_id = f"BENCH-W{n:04d}"
                record = self.source.model_copy(update={"id": worker_id})
                body = record.model_dump_json(exclude_none=True).encode()
                status, answer = writer.request(
                    "PUT", f"/workers/{worker_id}", body, "application/json"
                )
                path = self.path.replace(
                    f"/returnees/{self.source.id}/", f"/returnees/{worker_id}/"
                )
                wanted = [r["opportunity_id"] for r in expected]
                what = "returnee"
            else:
                best = expected[0]["opportunity_id"]
                stored = writer.json("GET", f"/opportunities/{best}?agency_id={self.owner}")
                twin = {**stored["opportunity"], "id": f"AAAA-{9_999 - n:04d}"}
                body = json.dumps([twin]).encode()
                status, answer = writer.request(
                    "POST", f"/opportunities?agency_id={self.owner}", body, "application/json"
                )
                path, wanted, what = self.path, [twin["id"]], "opportunity"
            if status >= 300:
                raise RuntimeError(f"{what} write: {status} {answer[:300]!r}")
            wrote = time.perf_counter() - started
            while time.perf_counter() - started < REFLECT_LIMIT:
                status, answer, _ = _answered(reader, path)
                got = [r["opportunity_id"] for r in json.loads(answer).get("results", [])]
                if status == 200 and got[: len(wanted)] == wanted:
                    break
                time.sleep(POLL)
            else:
                raise RuntimeError(f"{what} write not reflected after {REFLECT_LIMIT:.0f} s")
            self.timings.append((what, wrote, time.perf_counter() - started))
            if what == "opportunity":
                expected = json.loads(answer)["results"]


def _writes_during_reads(
    run: int,
    server: subprocess.Popen[bytes],
    port: int,
    paths: Sequence[str],
    asked: Sequence[Returnee],
    owner: str,
    args: argparse.Namespace,
) -> None:
    """The open loop while a writer adds returnees and opportunities; print both sides.

    ``asked`` are the returnees of ``paths``, in order: the first with an opportunity is
    the one copied.
    """
    connection = Connection(port)
    found = next(
        (i for i, p in enumerate(paths) if json.loads(connection.request("GET", p)[1])["results"]),
        None,
    )
    if found is None:
        raise RuntimeError("no returnee asked has an opportunity")
    source, path = asked[found], paths[found]
    writer = _Writer(port, source, path, args.writes, args.write_every, owner)
    writer.first = run * args.writes
    writer.start()
    line = _measured(server, port, paths, args.clients, args.seconds, args.rate[0])
    writer.join()
    if writer.error is not None:
        raise RuntimeError("the writer failed") from writer.error
    print(
        f"    writes during reads, open loop at {args.rate[0]:.0f} requests/s by "
        f"{args.clients} clients: {line}"
    )
    for what in ("returnee", "opportunity"):
        mine = [(w, r) for kind, w, r in writer.timings if kind == what]
        if mine:
            print(
                f"      {len(mine)} {what} writes: the write {_spread([w for w, _ in mine])}; "
                f"written to reflected {_spread([r for _, r in mine])}"
            )


def _spread(seconds: Sequence[float]) -> str:
    return (
        f"median {statistics.median(seconds) * 1000:,.0f} ms "
        f"({min(seconds) * 1000:,.0f}-{max(seconds) * 1000:,.0f})"
    )


def _serve_and_measure(
    folder: Path,
    root: Path,
    paths: Sequence[str],
    asked: Sequence[Returnee],
    owner: str,
    args: argparse.Namespace,
) -> None:
    """Start the server of checkout ``root`` on the store, build its book, then measure."""
    port = _free_port()
    server = _start_server(folder, port, root)
    try:
        admin = Connection(port)
        started = time.perf_counter()
        status, answer = admin.request("GET", paths[0])
        if status != 200:
            raise RuntimeError(f"{paths[0]}: {status} {answer[:300]!r}")
        print(f"  first answer: {time.perf_counter() - started:.1f} s")
        _book_ready(port, paths[0])
        print(
            f"  book ready (every returnee's best selected once): "
            f"{time.perf_counter() - started:.1f} s"
        )
        _warm(port, paths)
        _load(port, paths, args.clients, args.warmup, args.rate[0])
        for run in range(1, args.repeat + 1):
            print(f"  run {run}/{args.repeat}:")
            for rate in args.rate:
                line = _measured(server, port, paths, args.clients, args.seconds, rate)
                print(f"    open loop, {rate:.0f} requests/s by {args.clients} clients: {line}")
            line = _measured(server, port, paths, args.clients, args.seconds, None)
            print(f"    closed loop, {args.clients} clients (saturation): {line}")
            line = _measured(server, port, paths, 1, min(args.seconds, 5.0), None)
            print(f"    one client, closed loop: {line}")
            if args.writes:
                _writes_during_reads(run, server, port, paths, asked, owner, args)
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
        print(f"  server peak RSS: {_peak_rss_mib(server.pid):,.0f} MiB")
    finally:
        server.terminate()
        server.wait(timeout=60)


def _upload_records(
    folder: Path, people: Sequence[Returnee], offers: Sequence[Opportunity]
) -> None:
    """Register the sample agencies and upload ``people`` and ``offers`` to a new store in
    ``folder`` through a server of this checkout."""
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
        print(f"opportunities: {len(offers):,} uploaded in {time.perf_counter() - started:.1f} s")
    finally:
        server.terminate()
        server.wait(timeout=60)
    returnees.unlink()


def _uploaded_store(
    folder: Path,
    people: Sequence[Returnee],
    offers: Sequence[Opportunity],
    keep: Path | None,
) -> list[Path]:
    """The files of the store holding ``people`` and ``offers``, as uploaded.

    Without ``keep`` they are uploaded into a new folder in ``folder``. With it, a store
    kept there by an earlier run of the same sizes is reused (the records are seeded: the
    same sizes are the same records); otherwise the upload is made and its files kept
    there.
    """
    if keep is None:
        # Beside the folder each server runs in: its store is replaced before each.
        keep = folder / "uploaded"
        keep.mkdir()
        _upload_records(keep, people, offers)
        return sorted(keep.glob("selaras.db*"))
    sizes = {"returnees": len(people), "opportunities": len(offers)}
    marker = keep / "uploaded.json"
    if marker.exists() and json.loads(marker.read_text("utf-8")) == sizes:
        print(f"store reused from {keep}: {len(people):,} returnees, {len(offers):,} opportunities")
        return sorted(keep.glob("selaras.db*"))
    keep.mkdir(parents=True, exist_ok=True)
    marker.unlink(missing_ok=True)
    for stale in keep.glob("selaras.db*"):
        stale.unlink()
    _upload_records(folder, people, offers)
    for stored in folder.glob("selaras.db*"):
        shutil.copyfile(stored, keep / stored.name)
    marker.write_text(json.dumps(sizes), "utf-8")  # last: a partial copy is never reused
    return sorted(keep.glob("selaras.db*"))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--returnees", type=int, default=100_000)
    parser.add_argument("--opportunities", type=int, default=5_000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument(
        "--rate", type=float, nargs="+", default=[100.0], help="open-loop requests/s, each"
    )
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--fresh", type=int, default=5, help="requests ranked afresh")
    parser.add_argument("--repeat", type=int, default=1, help="runs of the three loads")
    parser.add_argument("--writes", type=int, default=6, help="writes during reads (0: none)")
    parser.add_argument("--write-every", type=float, default=2.0, help="seconds between writes")
    parser.add_argument(
        "--baseline", type=Path, help="a checkout whose server is measured first, the same way"
    )
    parser.add_argument(
        "--store", type=Path, help="a folder keeping the uploaded store for later runs"
    )
    args = parse_args(
        parser,
        argv,
        quick={
            "returnees": 500,
            "opportunities": 60,
            "clients": 4,
            "rate": [20.0],
            "seconds": 0.5,
            "warmup": 0.2,
            "fresh": 1,
            "writes": 2,
            "write_every": 0.2,
        },
    )
    print(
        f"bench_api_reintegration: python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"{args.returnees:,} returnees, {args.opportunities:,} opportunities, as_of {AS_OF}"
    )
    people, offers = _synthetic(*load_sample(), args)
    with tempfile.TemporaryDirectory(prefix="selaras-bench-reint-") as tmp:
        folder = Path(tmp)
        uploaded = _uploaded_store(folder, people, offers, args.store)
        order = random.Random(16)
        asked = order.sample(people, min(PATHS, len(people)))
        paths = [
            f"/returnees/{p.id}/opportunities?k={K}&as_of={AS_OF}&agency_id={p.agency_id}"
            for p in asked
        ]
        owner = people[0].agency_id
        # Each server starts on the same stored records (and builds its own book): the
        # store as uploaded is put back before each, the writes of the one before undone.
        for label, root in (("baseline", args.baseline), ("this checkout", ROOT)):
            if root is not None:
                for stale in folder.glob("selaras.db*"):
                    stale.unlink()
                for stored in uploaded:
                    shutil.copyfile(stored, folder / stored.name)
                print(f"{label} ({root}):")
                _serve_and_measure(folder, root, paths, asked, owner, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
