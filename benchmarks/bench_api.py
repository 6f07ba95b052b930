"""Benchmark: the HTTP API on a real ``selaras serve`` (uvicorn, one process) on loopback.

Writes a seeded synthetic pool with ``benchmarks/pool.py``, starts the server on a new
SQLite store in a temporary directory, registers the agencies and measures

* **bulk upload of the workers** (``--workers``, default 100,000) as one JSON Lines file
  to ``POST /workers/bulk``: wall time from the first byte sent to the answer (parsing and
  validating every line, one transaction, the live pool updated);
* **candidates for one job order, top 50**, ``GET /job-orders/{id}/candidates?k=50`` with
  an officer's key (the whole pool), from ``--clients`` concurrent clients (default 32)
  each on its own keep-alive connection, cycling over the open job orders, for
  ``--seconds``: median and 99th-percentile latency and requests per second. Every answer
  is also audited (one committed row per request), as in production.

The clients run as threads of this process on the same machine as the server, so they
take CPU from it; the numbers are therefore a lower bound on what the server does alone.

Targets (issue #4, this 2-core machine): p50 <= 20 ms, p99 <= 100 ms, >= 200 requests/s;
upload of 100,000 workers <= 60 s.

Run: ``.venv/bin/python benchmarks/bench_api.py [--workers 100000] [--clients 32]
[--seconds 20]``
"""

from __future__ import annotations

import argparse
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
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from pool import AS_OF  # noqa: E402
from pool import main as write_pool_files  # noqa: E402

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


def _start_server(folder: Path, port: int) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SELARAS_")}
    env.update(SELARAS_ADMIN_KEY=ADMIN_KEY, SELARAS_MAX_UPLOAD_MB="512")
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
        cwd=ROOT,
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


def _upload(port: int, path: Path, endpoint: str) -> tuple[float, Any]:
    body, content_type = _multipart(path.name, path.read_bytes())
    started = time.perf_counter()
    status, answer = Connection(port).request("POST", endpoint, body, content_type)
    elapsed = time.perf_counter() - started
    if status != 200:
        raise RuntimeError(f"upload failed: {status} {answer[:500]!r}")
    return elapsed, json.loads(answer)


def _load(port: int, paths: Sequence[str], clients: int, seconds: float) -> dict[str, float]:
    """Run ``clients`` threads sending GETs of ``paths`` for ``seconds``; latency stats."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client(seed: int) -> None:
        connection = Connection(port)
        order = random.Random(seed)
        mine: list[float] = []
        while time.perf_counter() < stop:
            path = order.choice(paths)
            started = time.perf_counter()
            status, _ = connection.request("GET", path)
            mine.append(time.perf_counter() - started)
            if status != 200:
                errors.append(f"{status} {path}")
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(seed,)) for seed in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=100_000)
    parser.add_argument("--vacancies", type=int, default=200)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
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
            print(f"candidates: {len(paths)} open job orders, top {K}, {args.clients} clients")
            _load(port, paths, args.clients, args.warmup)
            stats = _load(port, paths, args.clients, args.seconds)
            print(
                f"  {stats['requests']:,} requests in {args.seconds:.0f} s: "
                f"p50 {stats['p50_ms']:.1f} ms, p99 {stats['p99_ms']:.1f} ms, "
                f"max {stats['max_ms']:.1f} ms, {stats['per_second']:.0f} requests/s"
            )
            single = _load(port, paths, 1, min(args.seconds, 5.0))
            print(
                f"  one client: p50 {single['p50_ms']:.1f} ms, p99 {single['p99_ms']:.1f} ms, "
                f"{single['per_second']:.0f} requests/s"
            )
        finally:
            server.terminate()
            server.wait(timeout=60)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
