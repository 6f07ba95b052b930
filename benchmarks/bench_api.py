"""Benchmark: the HTTP API on a real ``selaras serve`` (uvicorn, one process) on loopback.

Writes a seeded synthetic pool with ``benchmarks.synthetic``, starts the server on a new
SQLite store in a temporary directory, registers the agencies and measures

* **bulk upload of the workers** (``--workers``, default 100,000) as one JSON Lines file
  to ``POST /workers/bulk``: wall time from the first byte sent to the answer (parsing and
  validating every line, one transaction, the live pool updated);
* **candidates for one job order, top 50**, ``GET /job-orders/{id}/candidates?k=50`` with
  an officer's key (the whole pool), from ``--clients`` concurrent clients (default 32)
  each on its own keep-alive connection, picking open job orders at random, after every
  job order has been asked once. Every answer is audited (its entry committed before the
  answer leaves), as in production. Three loads, ``--seconds`` each:

  - *open loop*: the clients together offer ``--rate`` requests per second (default 200),
    each on a fixed schedule; a latency counts from when the request was due, so time
    spent waiting behind a slow answer is counted (no coordinated omission). This is the
    target's load: 32 clients active at once, 200 requests/s between them.
  - *closed loop*: each client sends its next request as soon as its answer arrives; the
    throughput is the server's saturation, and the latency is mostly queueing (32 clients
    / throughput, by Little's law).
  - *one client*, closed loop: the latency of a request alone.

  The server keeps the candidate lists of an unchanged pool (``SELARAS_CACHED_RANKINGS``),
  so after the first round these answers are served from memory. The same loads then run
  against a restarted server with ``SELARAS_CACHED_RANKINGS=0``, every answer ranked
  afresh over the 100,000 workers: what a request costs right after a write.
  ``--baseline PATH`` serves another checkout (main's, say) ranked afresh on the same
  store too, alternating with this one's ``--repeat`` times; ``--afresh-only`` skips the
  cached server. Each line gives the server's CPU time per answer (``/proc``) and how
  busy the machine was; the servers' first answers to every job order are compared byte
  for byte.

The clients run on asyncio in this process, on the same machine as the server, so they
take CPU from it (about a third of a core at 200 requests/s).

Targets (issue #4, this 2-core machine): p50 <= 20 ms, p99 <= 100 ms, >= 200 requests/s;
upload of 100,000 workers <= 60 s. Issue 18: ranked afresh (``SELARAS_CACHED_RANKINGS=0``),
>= 600 requests/s at 32 clients with p99 <= 50 ms.

Run (from the repository root): ``.venv/bin/python -m benchmarks.bench_api [--workers 100000]
[--clients 32] [--rate 200] [--seconds 20] [--baseline PATH] [--repeat 1] [--afresh-only]
[--quick]``
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks.common import parse_args
from benchmarks.synthetic import AS_OF
from benchmarks.synthetic import main as write_pool_files

ROOT = Path(__file__).resolve().parents[1]

ADMIN_KEY = "bench-admin-key-" + "0123456789abcdef" * 2
K = 50


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Connection:
    """One keep-alive HTTP/1.1 connection to the server, with the officer's key."""

    def __init__(self, port: int, timeout: float = 600) -> None:
        self.http = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        self.headers = {"Authorization": f"Bearer {ADMIN_KEY}"}

    def request(
        self, method: str, path: str, body: bytes | None = None, content_type: str | None = None
    ) -> tuple[int, bytes]:
        """Send a request; the status and the body of the answer."""
        headers = dict(self.headers)
        if content_type is not None:
            headers["Content-Type"] = content_type
        try:
            self.http.request(method, path, body=body, headers=headers)
            response = self.http.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # The server closed an idle keep-alive connection: open a new one.
            self.http.close()
            self.http.request(method, path, body=body, headers=headers)
            response = self.http.getresponse()
        return response.status, response.read()

    def json(self, method: str, path: str, record: Any = None) -> Any:
        """A JSON request; the decoded answer (a non-2xx status is an error)."""
        body = None if record is None else json.dumps(record).encode()
        status, answer = self.request(method, path, body, "application/json")
        if status >= 300:
            raise RuntimeError(f"{method} {path}: {status} {answer[:300]!r}")
        return json.loads(answer) if answer else None


def _multipart(name: str, content: bytes) -> tuple[bytes, str]:
    boundary = "selaras-bench-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: application/x-ndjson\r\n\r\n"
    ).encode()
    return head + content + f"\r\n--{boundary}--\r\n".encode(), (
        f"multipart/form-data; boundary={boundary}"
    )


def _start_server(
    folder: Path, port: int, root: Path = ROOT, **settings: str
) -> subprocess.Popen[bytes]:
    """``selaras serve`` of the checkout ``root`` on the store in ``folder``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SELARAS_")}
    # The officer's rate limit is lifted: the benchmark measures the server's capacity.
    env.update(
        SELARAS_ADMIN_KEY=ADMIN_KEY,
        SELARAS_MAX_UPLOAD_MB="512",
        SELARAS_RATE_LIMITS="officer=0/0",
        **settings,
    )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cli.main",
            "serve",
            "--port",
            str(port),
            "--database",
            f"sqlite:///{folder / 'selaras.db'}",
        ],
        cwd=root,  # ``-m`` puts the working directory first on the path: root's code runs
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if Connection(port, timeout=2).request("GET", "/health")[0] == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("the server did not start")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` so far (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _busy_jiffies() -> tuple[int, int]:
    """(busy, total) CPU time of the whole machine so far, in clock ticks."""
    ticks = [int(t) for t in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = ticks[3] + ticks[4]  # idle + iowait
    return sum(ticks) - idle, sum(ticks)


def _upload(port: int, path: Path, endpoint: str) -> tuple[float, Any]:
    body, content_type = _multipart(path.name, path.read_bytes())
    started = time.perf_counter()
    status, answer = Connection(port).request("POST", endpoint, body, content_type)
    elapsed = time.perf_counter() - started
    if status != 200:
        raise RuntimeError(f"upload failed: {status} {answer[:500]!r}")
    return elapsed, json.loads(answer)


async def _client(
    port: int,
    paths: Sequence[str],
    seed: int,
    stop: float,
    interval: float | None,
    offset: float,
    latencies: list[float],
    errors: list[str],
) -> None:
    """One keep-alive connection sending GETs until ``stop`` (event-loop time).

    Open loop (``interval``): requests are due every ``interval`` seconds from ``offset``
    and each latency counts from when the request was due, so a slow answer that delays
    the next request is charged to it too (no coordinated omission). Closed loop
    (``interval`` None): the next request leaves when the answer arrives.
    """
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    order = random.Random(seed)
    loop = asyncio.get_running_loop()
    due = loop.time() + offset
    try:
        while True:
            if interval is None:
                started = loop.time()
            else:
                if due > loop.time():
                    await asyncio.sleep(due - loop.time())
                started, due = due, due + interval
            if started >= stop:
                return
            path = order.choice(paths)
            writer.write(
                f"GET {path} HTTP/1.1\r\nHost: bench\r\n"
                f"Authorization: Bearer {ADMIN_KEY}\r\n\r\n".encode()
            )
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            await reader.readexactly(length)
            latencies.append(loop.time() - started)
            if head[9:12] != b"200":
                errors.append(f"{head[9:12].decode()} {path}")
    finally:
        writer.close()


def _load(
    port: int, paths: Sequence[str], clients: int, seconds: float, rate: float | None
) -> dict[str, float]:
    """``clients`` connections sending GETs of ``paths`` for ``seconds``; latency stats.

    ``rate``: requests per second offered by all clients together (open loop), or None
    for a closed loop.
    """
    latencies: list[float] = []
    errors: list[str] = []

    async def run() -> float:
        loop = asyncio.get_running_loop()
        interval = None if rate is None else clients / rate
        stop = loop.time() + seconds
        started = time.perf_counter()
        offsets = [0.0 if interval is None else interval * c / clients for c in range(clients)]
        await asyncio.gather(
            *(
                _client(port, paths, c, stop, interval, offsets[c], latencies, errors)
                for c in range(clients)
            )
        )
        return time.perf_counter() - started

    elapsed = asyncio.run(run())
    if errors:
        raise RuntimeError(f"{len(errors)} failed requests, e.g. {errors[0]}")
    ordered = sorted(latencies)
    return {
        "requests": len(ordered),
        "p50_ms": statistics.median(ordered) * 1000,
        "p99_ms": ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] * 1000,
        "max_ms": ordered[-1] * 1000,
        "per_second": len(ordered) / elapsed,
    }


def _warm(port: int, paths: Sequence[str]) -> list[bytes]:
    """Ask every path once (each job order is screened and ranked once); the answers."""
    connection = Connection(port)
    answers = []
    for path in paths:
        status, answer = connection.request("GET", path)
        if status != 200:
            raise RuntimeError(f"{path}: {status} {answer[:300]!r}")
        answers.append(answer)
    return answers


def _measured_line(
    server: subprocess.Popen[bytes], label: str, load: Callable[[], dict[str, float]]
) -> dict[str, float]:
    """Run ``load``; print its latencies with the server's CPU per answer and the
    machine's state around it (how busy, the load average before and after)."""
    cpu, (busy, total), before = _cpu_seconds(server.pid), _busy_jiffies(), os.getloadavg()[0]
    stats = load()
    cpu = _cpu_seconds(server.pid) - cpu
    busy_after, total_after = _busy_jiffies()
    share = (busy_after - busy) / max(1, total_after - total)
    print(
        f"  {label}: {stats['requests']:,.0f} requests, p50 {stats['p50_ms']:.1f} ms, "
        f"p99 {stats['p99_ms']:.1f} ms, max {stats['max_ms']:.1f} ms, "
        f"{stats['per_second']:.0f} requests/s; server CPU "
        f"{cpu / stats['requests'] * 1e3:.2f} ms/answer; machine {share:.0%} busy, "
        f"load {before:.1f} -> {os.getloadavg()[0]:.1f}"
    )
    return stats


def _measure(
    server: subprocess.Popen[bytes], port: int, paths: Sequence[str], args: argparse.Namespace
) -> tuple[dict[str, float], list[bytes]]:
    """Warm up, then the open loop, the closed loop and one client; print each. The
    closed loop's figures and the first answer to each path."""
    answers = _warm(port, paths)
    _load(port, paths, args.clients, args.warmup, args.rate)
    label = f"open loop, {args.rate:.0f} requests/s offered by {args.clients} clients"
    _measured_line(server, label, lambda: _load(port, paths, args.clients, args.seconds, args.rate))
    closed = _measured_line(
        server,
        f"closed loop, {args.clients} clients (saturation)",
        lambda: _load(port, paths, args.clients, args.seconds, None),
    )
    _measured_line(
        server,
        "one client, closed loop",
        lambda: _load(port, paths, 1, min(args.seconds, 5.0), None),
    )
    return closed, answers


def load_options(parser: argparse.ArgumentParser, rate: float) -> None:
    """The options of :func:`measure`'s loads (``rate``: the default open-loop rate)."""
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--rate", type=float, default=rate, help="open-loop requests/s")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=3.0)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=100_000)
    parser.add_argument("--vacancies", type=int, default=200)
    load_options(parser, 200.0)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--baseline",
        type=Path,
        help="a checkout whose server is measured too (on the same store), ranked afresh, "
        "alternating with this one's",
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs of the loads ranked afresh, per server"
    )
    parser.add_argument(
        "--afresh-only",
        action="store_true",
        help="measure only servers ranking every answer afresh (no cached-server run)",
    )
    args = parse_args(
        parser,
        argv,
        quick={
            "workers": 2_000,
            "vacancies": 30,
            "clients": 4,
            "rate": 50.0,
            "seconds": 0.5,
            "warmup": 0.2,
        },
    )
    print(
        f"bench_api: python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"{args.workers:,} workers, {args.vacancies} job orders, as_of {AS_OF}"
    )
    with tempfile.TemporaryDirectory(prefix="selaras-bench-api-") as tmp:
        folder = Path(tmp)
        write_pool_files(
            [
                *("--workers", str(args.workers), "--vacancies", str(args.vacancies)),
                *("--seed", str(args.seed), "--out", str(folder / "pool"), "--jobs", "2"),
            ]
        )
        port = _free_port()
        server = _start_server(folder, port)
        try:
            admin = Connection(port)
            for line in (folder / "pool" / "agencies.jsonl").read_text().splitlines():
                admin.json("POST", "/agencies", json.loads(line))
            size = (folder / "pool" / "workers.jsonl").stat().st_size
            elapsed, report = _upload(port, folder / "pool" / "workers.jsonl", "/workers/bulk")
            print(
                f"bulk upload: {report['created']:,} workers ({size / 2**20:.0f} MiB JSON Lines) "
                f"in {elapsed:.1f} s ({report['created'] / elapsed:,.0f} workers/s)"
            )
            _upload(port, folder / "pool" / "vacancies.jsonl", "/job-orders/bulk")
            refused = admin.json("GET", f"/refusals?as_of={AS_OF}")["refusals"]
            closed = {(r["agency_id"], r["vacancy_id"]) for r in refused}
            orders = admin.json("GET", "/job-orders?limit=500")["items"]
            paths = [
                f"/job-orders/{o['id']}/candidates?k={K}&as_of={AS_OF}&agency_id={o['agency_id']}"
                for o in orders
                if (o["agency_id"], o["id"]) not in closed
            ]
            print(
                f"candidates: {len(paths)} open job orders, top {K}, officer key (whole pool), "
                "every job order asked once before measuring"
            )
            if not args.afresh_only:
                print("as served (the pool keeps the candidate lists of an unchanged pool):")
                served, answers = _measure(server, port, paths, args)
            else:
                served, answers = None, []
        finally:
            server.terminate()
            server.wait(timeout=60)
        # Every answer ranked afresh over the same store (as after a write): this
        # checkout's server, and the baseline's in turn when one is given.
        servers = (
            [(None, ROOT)]
            if args.baseline is None
            else [("baseline", args.baseline.resolve()), (None, ROOT)]
        )
        for run in range(args.repeat):
            for label, root in servers:
                server = _start_server(folder, port, root, SELARAS_CACHED_RANKINGS="0")
                try:
                    name = f"{label} ({root})" if label else "this checkout"
                    print(
                        f"{name}, SELARAS_CACHED_RANKINGS=0 (every answer ranked afresh), "
                        f"run {run + 1} of {args.repeat}:"
                    )
                    fresh, afresh = _measure(server, port, paths, args)
                finally:
                    server.terminate()
                    server.wait(timeout=60)
                if answers:  # the first server's answers, bytes
                    differ = sum(a != b for a, b in zip(answers, afresh, strict=True))
                    print(f"  answers that differ from the first server's (bytes): {differ}")
                else:
                    answers = afresh
    if served is None:
        return 0
    ratio = served["per_second"] / fresh["per_second"]
    print(f"closed-loop throughput as served / ranked afresh: {ratio:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
