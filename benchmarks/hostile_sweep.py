"""A hostile sweep of every operation of a real ``selaras serve``: server errors, leaks,
latency and memory.

Starts ``selaras serve`` on a new store (SQLite in a temporary directory, or
``--database``), registers agencies A and B and uploads their workers and job orders
from ``data/sample/pool`` with recognisable names and NIKs, then calls every operation
of ``/openapi.json``:

* with every kind of caller: an officer, agency A, agency B, an auditor, no key, a
  malformed key, a revoked key, another auth scheme;
* with the caller's own ids, the other agency's ids and missing ids;
* with hostile input (``tests/api/hostile.py``): every hostile value in place of each
  query and path parameter, and in place of the whole body and of sampled values of it
  (non-finite numbers, a 5,001-digit integer, lone surrogates, NUL, nesting 50,000 deep,
  out-of-range dates, forged cursors...); hostile upload files; a 20 MB upload of ``{}``
  lines, while another client asks ``/health`` every 50 ms.

Counted as a **leak**: a byte of agency B's workers (name or NIK) or a B-only id in an
answer to agency A's key (and the other way round); a name or NIK in an answer to an
auditor or to a caller without a valid key; an answer to another agency's id that is not
exactly the answer to a missing id; a name or NIK sent in a request, or of a stored
worker, in the server's log. Then the server is restarted with the default rate limits
(which this first phase lifts, to reach every operation): an agency key and a bad key are
sent in a burst, and the 429s counted; a last restart checks that the store starts
cleanly (nothing quarantined) after everything the sweep wrote.

Prints the counts (requests, 5xx, leaks, max latency, peak RSS of the server) and writes
every finding to ``--out`` (JSON). Exit status 1 when there is any 5xx or leak.

Run: ``.venv/bin/python -m benchmarks.hostile_sweep [--database URL] [--out FILE]``
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx2 as httpx
import psutil

from tests.api.hostile import (
    HOSTILE_FILES,
    HOSTILE_PATH_VALUES,
    HOSTILE_QUERY_VALUES,
    HOSTILE_TOKENS,
    leaf_paths,
    with_token,
)

ROOT = Path(__file__).resolve().parents[1]
ADMIN_KEY = "sweep-admin-key-" + "0123456789abcdef" * 2
POOL = ROOT / "data" / "sample" / "pool"
A, B = "P3MI-0001", "P3MI-0002"
SPARE_AGENCY = "P3MI-SWEEP"
AS_OF = "2026-03-01"
PROBE_NAME = "Probe Rahasia Sweep"
PROBE_NIK = "3201234509950007"
FLOOD_BYTES = 20 * 1024 * 1024
LEAF_SAMPLES = 8
TIMEOUT = 180


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _nik(region: str, birth: str, serial: int) -> str:
    year, month, day = birth.split("-")
    return f"{region}{int(day) + 40:02d}{month}{year[2:]}{serial:04d}"


@dataclass
class Pool:
    """The seeded records and the strings that mark them."""

    agencies: list[dict[str, Any]]
    workers: dict[str, list[dict[str, Any]]]
    vacancies: dict[str, list[dict[str, Any]]]
    personal: dict[str, set[str]] = field(default_factory=dict)  # agency -> names, NIKs
    only_ids: dict[str, set[str]] = field(default_factory=dict)  # agency -> ids only it has


def _pool() -> Pool:
    def read(name: str) -> list[dict[str, Any]]:
        with (POOL / name).open(encoding="utf-8") as handle:
            return [json.loads(line) for line in handle]

    agencies = [a for a in read("agencies.jsonl") if a["id"] in (A, B)]
    agencies.append({"id": SPARE_AGENCY, "name": "PT Sweep", "status": "active"})
    workers: dict[str, list[dict[str, Any]]] = {A: [], B: []}
    for index, worker in enumerate(read("workers.jsonl")[:600]):
        owner = (A, B)[index % 2]
        tag = "A" if owner == A else "B"
        region = "3201" + ("01" if owner == A else "02")
        workers[owner].append(
            {
                **worker,
                "agency_id": owner,
                "full_name": f"Nama Sweep{tag} {index:05d}",
                "nik": _nik(region, worker["birth_date"], index),
                "gender": "F",
            }
        )
    vacancies: dict[str, list[dict[str, Any]]] = {A: [], B: []}
    for index, vacancy in enumerate(read("vacancies.jsonl")):
        owner = (A, B)[index % 2]
        vacancies[owner].append({**vacancy, "agency_id": owner})
    # B also has a worker and a job order whose ids A uses.
    twin = workers[A][0]
    twin_nik = _nik("320102", twin["birth_date"], 9999)
    workers[B].append({**twin, "agency_id": B, "full_name": "Nama SweepB twin", "nik": twin_nik})
    vacancies[B].append({**vacancies[A][0], "agency_id": B, "title": "Twin of B"})
    pool = Pool(agencies, workers, vacancies)
    for owner in (A, B):
        pool.personal[owner] = {w["full_name"] for w in workers[owner]} | {
            w["nik"] for w in workers[owner]
        }
    ids = {o: {w["id"] for w in workers[o]} | {v["id"] for v in vacancies[o]} for o in (A, B)}
    pool.only_ids = {A: ids[A] - ids[B], B: ids[B] - ids[A]}
    return pool


class Server:
    """``selaras serve`` in a subprocess; its log goes to a file."""

    def __init__(self, database: str, folder: Path, env: dict[str, str]) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = folder / f"server-{self.port}.log"
        base = {k: v for k, v in os.environ.items() if not k.startswith("SELARAS_")}
        base.update(SELARAS_ADMIN_KEY=ADMIN_KEY, SELARAS_DATA_DIR=str(folder / "data"), **env)
        with self.log.open("wb") as sink:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "cli.main", "serve", "--port", str(self.port),
                 "--database", database],
                cwd=ROOT, env=base, stdout=sink, stderr=subprocess.STDOUT,
            )  # fmt: skip
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            self.stop()
            raise SystemExit(f"selaras serve did not start:\n{self.log.read_text()}")
        self.peak_rss = 0
        self._sampling = True
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()

    def _sample(self) -> None:
        process = psutil.Process(self.process.pid)
        while self._sampling:
            try:
                self.peak_rss = max(self.peak_rss, process.memory_info().rss)
            except psutil.Error:
                return
            time.sleep(0.02)

    def rss(self) -> int:
        """The server's resident memory now."""
        return int(psutil.Process(self.process.pid).memory_info().rss)

    def stop(self) -> None:
        """Stop the server (SIGINT, as Ctrl-C) and wait for it."""
        self._sampling = False
        self.process.send_signal(signal.SIGINT)
        self.process.wait(timeout=60)


@dataclass
class Findings:
    """What the sweep counts."""

    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    server_errors: list[dict[str, Any]] = field(default_factory=list)
    leaks: list[dict[str, Any]] = field(default_factory=list)
    slowest: list[tuple[float, str]] = field(default_factory=list)
    max_latency: float = 0.0


class Sweeper:
    """Sends requests, times them and checks every answer."""

    def __init__(self, server: Server, pool: Pool, findings: Findings) -> None:
        self.server = server
        self.pool = pool
        self.findings = findings
        self.client = httpx.Client(base_url=server.url, timeout=TIMEOUT)
        self.keys: dict[str, dict[str, str]] = {}

    def send(
        self,
        caller: str,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: bytes | None = None,
        files: dict[str, Any] | None = None,
        content_type: str = "application/json",
    ) -> httpx.Response:
        """One request as ``caller``; its answer is checked for 5xx and leaks."""
        headers = dict(self.keys.get(caller, {}))
        if body is not None:
            headers["Content-Type"] = content_type
        started = time.perf_counter()
        try:
            response = self.client.request(
                method, path, params=params, content=body, files=files, headers=headers
            )
        except httpx.TransportError as error:
            self.findings.server_errors.append(
                {"caller": caller, "method": method, "path": path, "error": repr(error)}
            )
            self.findings.requests += 1
            return httpx.Response(599)
        elapsed = time.perf_counter() - started
        self.findings.requests += 1
        self.findings.statuses[response.status_code] += 1
        label = f"{caller} {method} {path} {str(params)[:80]}"
        self.findings.max_latency = max(self.findings.max_latency, elapsed)
        self.findings.slowest = sorted([*self.findings.slowest, (elapsed, label)])[-5:]
        if response.status_code >= 500:
            self.findings.server_errors.append(
                {"caller": caller, "method": method, "path": path, "params": str(params)[:200],
                 "body": (body or b"")[:200].decode("utf-8", "replace"),
                 "status": response.status_code, "answer": response.text[:300]}
            )  # fmt: skip
        self._check_leaks(caller, label, response)
        return response

    def _check_leaks(self, caller: str, label: str, response: httpx.Response) -> None:
        text = response.text
        if caller in ("agency_a", "agency_b"):
            other = B if caller == "agency_a" else A
            found = [m for m in self.pool.personal[other] if m in text]
            found += [i for i in self.pool.only_ids[other] if f'"{i}"' in text]
        elif caller == "officer":
            return
        else:  # an auditor, or a caller without a valid key
            everyone = self.pool.personal[A] | self.pool.personal[B] | {PROBE_NAME, PROBE_NIK}
            found = [m for m in everyone if m in text]
        if found:
            self.findings.leaks.append({"request": label, "found": sorted(found)[:5]})


# --- requests -------------------------------------------------------------------------


def _callers(sweeper: Sweeper) -> None:
    officer = {"Authorization": f"Bearer {ADMIN_KEY}"}
    sweeper.keys["officer"] = officer

    def issue(body: dict[str, Any]) -> dict[str, str]:
        answer = sweeper.client.post("/keys", json=body, headers=officer)
        answer.raise_for_status()
        return {"Authorization": f"Bearer {answer.json()['key']}"}

    sweeper.keys["agency_a"] = issue({"role": "agency", "agency_id": A})
    sweeper.keys["agency_b"] = issue({"role": "agency", "agency_id": B})
    sweeper.keys["auditor"] = issue({"role": "auditor"})
    revoked = issue({"role": "agency", "agency_id": A})
    key_id = revoked["Authorization"].split("_")[1]
    sweeper.client.delete(f"/keys/{key_id}", headers=officer).raise_for_status()
    sweeper.keys["revoked"] = revoked
    sweeper.keys["none"] = {}
    sweeper.keys["malformed"] = {"Authorization": "Bearer not-a-key"}
    sweeper.keys["scheme"] = {"Authorization": "Basic YWRtaW46YWRtaW4="}


def _seed(sweeper: Sweeper) -> None:
    officer = sweeper.keys["officer"]
    for agency in sweeper.pool.agencies:
        sweeper.client.post("/agencies", json=agency, headers=officer).raise_for_status()
    for owner in (A, B):
        for kind, records in (
            ("workers", sweeper.pool.workers),
            ("job-orders", sweeper.pool.vacancies),
        ):
            data = "".join(json.dumps(r) + "\n" for r in records[owner]).encode()
            answer = sweeper.client.post(
                f"/{kind}/bulk", files={"file": (f"{kind}.jsonl", data)}, headers=officer
            )
            answer.raise_for_status()


def _valid_bodies(pool: Pool) -> dict[tuple[str, str], dict[str, Any]]:
    worker = {**pool.workers[A][1], "id": "W-SWEEP", "full_name": PROBE_NAME, "nik": PROBE_NIK}
    vacancy = {**pool.vacancies[A][1], "id": "JO-SWEEP"}
    agency = {"id": "P3MI-NEW", "name": "PT Baru", "status": "active"}
    return {
        ("POST", "/workers"): worker,
        ("PUT", "/workers/{worker_id}"): worker,
        ("POST", "/job-orders"): vacancy,
        ("PUT", "/job-orders/{job_order_id}"): vacancy,
        ("POST", "/match"): {"job_order": pool.vacancies[A][0], "k": 5, "as_of": AS_OF},
        ("POST", "/agencies"): agency,
        ("PUT", "/agencies/{agency_id}"): {**agency, "id": SPARE_AGENCY},
        ("PATCH", "/agencies/{agency_id}/licence"): {"status": "active"},
        ("POST", "/keys"): {"role": "agency", "agency_id": A, "label": "sweep"},
        ("POST", "/batch-runs"): {"as_of": AS_OF, "method": "stable", "n_jobs": 1},
    }


def _path_values(pool: Pool, name: str, run_id: str) -> dict[str, str]:
    """Own, other-agency and missing values of a path parameter (agency A's view)."""
    b_worker = sorted(pool.only_ids[B] & {w["id"] for w in pool.workers[B]})[0]
    values = {
        "worker_id": (pool.workers[A][2]["id"], b_worker, "W-MISSING"),
        "job_order_id": (pool.vacancies[A][1]["id"], pool.vacancies[B][1]["id"], "JO-MISSING"),
        "agency_id": (A, B, "P3MI-MISSING"),
        "key_id": ("admin", "000000000000", "ffffffffffff"),
        "run_id": (run_id, run_id, "run_missing"),
        "seq": ("1", "2", "999999"),
    }[name]
    return {"own": values[0], "other": values[1], "missing": values[2]}


def _query_values(name: str) -> str | None:
    return {
        "k": "5", "as_of": AS_OF, "lang": "id", "include_ineligible": "true",
        "limit": "50", "days": "30", "after": "0", "agency_id": A, "worker_agency_id": A,
    }.get(name)  # fmt: skip


def _operations(sweeper: Sweeper) -> list[tuple[str, str, dict[str, Any]]]:
    spec = sweeper.client.get("/openapi.json").json()
    return [
        (method.upper(), path, op)
        for path, methods in spec["paths"].items()
        for method, op in methods.items()
    ]


def _fill(path: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        path = path.replace("{" + name + "}", quote(value, safe=""))
    return path


def _sweep_operation(
    sweeper: Sweeper, method: str, path: str, op: dict[str, Any], run_id: str, rng: random.Random
) -> None:
    params = [p for p in op.get("parameters", []) if p["in"] in ("path", "query")]
    path_names = [p["name"] for p in params if p["in"] == "path"]
    query_names = [p["name"] for p in params if p["in"] == "query"]
    content = op.get("requestBody", {}).get("content", {})
    bodies = _valid_bodies(sweeper.pool)
    body = bodies.get((method, path))
    own = {n: _path_values(sweeper.pool, n, run_id)["own"] for n in path_names}
    query = {n: v for n in query_names if (v := _query_values(n)) is not None}
    raw = json.dumps(body).encode() if body is not None else None
    upload = "multipart/form-data" in content
    destructive = method == "DELETE"

    def call(
        caller: str, values: dict[str, str], q: dict[str, Any], data: bytes | None
    ) -> httpx.Response:
        if upload:
            records = sweeper.pool.workers if "workers" in path else sweeper.pool.vacancies
            file = "".join(json.dumps(r) + "\n" for r in records[A][:20]).encode()
            return sweeper.send(
                caller, method, _fill(path, values), params=q, files={"file": ("f.jsonl", file)}
            )
        return sweeper.send(caller, method, _fill(path, values), params=q, body=data)

    # Every caller, own ids (a DELETE gets a victim of its own, so later calls still find
    # what they need).
    for caller in sweeper.keys:
        values = dict(own)
        if destructive and path.startswith("/workers/"):
            victim = {**sweeper.pool.workers[A][3], "id": f"W-DEL-{caller}"}
            sweeper.send(
                "officer", "PUT", f"/workers/{victim['id']}", body=json.dumps(victim).encode()
            )
            values = {"worker_id": victim["id"]}
        elif destructive and path.startswith("/job-orders/"):
            victim = {**sweeper.pool.vacancies[A][3], "id": f"JO-DEL-{caller}"}
            sweeper.send(
                "officer", "PUT", f"/job-orders/{victim['id']}", body=json.dumps(victim).encode()
            )
            values = {"job_order_id": victim["id"]}
        call(caller, values, query, raw)

    # Another agency's id must answer exactly as a missing one (agency A's key).
    for name in path_names:
        if name not in ("worker_id", "job_order_id") or destructive:
            continue
        choices = _path_values(sweeper.pool, name, run_id)
        other = call("agency_a", {**own, name: choices["other"]}, query, raw)
        missing = call("agency_a", {**own, name: choices["missing"]}, query, raw)
        same = other.status_code == missing.status_code and other.text.replace(
            choices["other"], "X"
        ) == missing.text.replace(choices["missing"], "X")
        if not same:
            sweeper.findings.leaks.append(
                {"request": f"agency_a {method} {path} ({name} of B)",
                 "found": [other.status_code, missing.status_code, other.text[:120]]}
            )  # fmt: skip
    # Hostile path and query values.
    for name in path_names:
        for value in HOSTILE_PATH_VALUES:
            if not destructive or name in ("key_id", "seq", "run_id"):
                call("officer", {**own, name: value}, query, raw)
    for name in query_names:
        for value in HOSTILE_QUERY_VALUES:
            for caller in ("officer", "agency_a"):
                call(caller, own, {**query, name: value}, raw)
    # Hostile bodies: the whole body, then values of it.
    if upload:
        for data in HOSTILE_FILES:
            for caller in ("officer", "agency_a"):
                sweeper.send(caller, method, _fill(path, own), params=query,
                             files={"file": ("f.jsonl", data)})  # fmt: skip
    elif content:
        skeleton = body if body is not None else {}
        paths = leaf_paths(skeleton)
        sampled = [(), *rng.sample(paths[1:], min(LEAF_SAMPLES, len(paths) - 1))]
        for leaf in sampled:
            for token in HOSTILE_TOKENS:
                data = with_token(skeleton, leaf, token)
                for caller in ("officer", "agency_a"):
                    call(caller, own, query, data)
        for media in ("text/plain", "application/xml", "application/json; charset=latin-1"):
            sweeper.send(
                "officer",
                method,
                _fill(path, own),
                params=query,
                body=raw or b"x",
                content_type=media,
            )


def _flood(sweeper: Sweeper) -> dict[str, Any]:
    """A 20 MB upload of ``{}`` lines, while another client asks /health every 50 ms."""
    latencies: list[float] = []
    done = threading.Event()

    def probe() -> None:
        with httpx.Client(base_url=sweeper.server.url, timeout=TIMEOUT) as other:
            while not done.is_set():
                started = time.perf_counter()
                other.get("/health")
                latencies.append(time.perf_counter() - started)
                time.sleep(0.05)

    watcher = threading.Thread(target=probe)
    before = sweeper.server.rss()
    sweeper.server.peak_rss = before
    watcher.start()
    started = time.perf_counter()
    data = b"{}\n" * (FLOOD_BYTES // 3)
    response = sweeper.send(
        "agency_a", "POST", "/workers/bulk", files={"file": ("flood.jsonl", data)}
    )
    elapsed = time.perf_counter() - started
    done.set()
    watcher.join()
    body = response.json()
    return {
        "status": response.status_code,
        "seconds": round(elapsed, 2),
        "answer_bytes": len(response.content),
        "lines_with_errors": body.get("lines_with_errors"),
        "errors_listed": len(body.get("errors", [])),
        "rss_before_mb": round(before / 2**20, 1),
        "peak_rss_mb": round(sweeper.server.peak_rss / 2**20, 1),
        "health_during_max_ms": round(max(latencies, default=0) * 1000, 1),
        "health_during_count": len(latencies),
    }


def _limits(database: str, folder: Path) -> dict[str, Any]:
    """Default limits: a burst of an agency key, then of a wrong key."""
    server = Server(database, folder, {})
    try:
        with httpx.Client(base_url=server.url, timeout=TIMEOUT) as client:
            officer = {"Authorization": f"Bearer {ADMIN_KEY}"}
            key = client.post("/keys", json={"role": "agency", "agency_id": A}, headers=officer)
            agency = {"Authorization": f"Bearer {key.json()['key']}"}
            burst = [client.get("/workers?limit=1", headers=agency) for _ in range(400)]
            wrong = {"Authorization": "Bearer slr_000000000000_" + "x" * 43}
            guesses = [client.get("/workers", headers=wrong) for _ in range(40)]
            return {
                "agency_burst_400": dict(Counter(r.status_code for r in burst)),
                "agency_retry_after": next(
                    (r.headers.get("retry-after") for r in burst if r.status_code == 429), None
                ),
                "wrong_key_40": dict(Counter(r.status_code for r in guesses)),
                "server_errors": sum(r.status_code >= 500 for r in burst + guesses),
            }
    finally:
        server.stop()


def _restart(database: str, folder: Path, pool: Pool) -> dict[str, Any]:
    server = Server(database, folder, {})
    try:
        with httpx.Client(base_url=server.url, timeout=TIMEOUT) as client:
            health = client.get("/health").json()
            officer = {"Authorization": f"Bearer {ADMIN_KEY}"}
            ranked = client.get(
                f"/job-orders/{pool.vacancies[A][0]['id']}/candidates?agency_id={A}&as_of={AS_OF}",
                headers=officer,
            )
            return {"quarantined": health["quarantined"], "ranking_status": ranked.status_code}
    finally:
        server.stop()


def _log_leaks(server: Server, pool: Pool) -> list[str]:
    text = server.log.read_text(encoding="utf-8", errors="replace")
    markers = pool.personal[A] | pool.personal[B] | {PROBE_NAME, PROBE_NIK}
    return sorted(m for m in markers if m in text)


def main(argv: list[str] | None = None) -> int:
    """Run the sweep; print and write the findings."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", help="store URL (default: SQLite in a temporary directory)")
    parser.add_argument("--out", type=Path, default=None, help="findings as JSON")
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    pool = _pool()
    with tempfile.TemporaryDirectory(prefix="selaras-sweep-") as temporary:
        folder = Path(temporary)
        database = args.database or f"sqlite:///{folder / 'selaras.db'}"
        findings = Findings()
        lifted = {
            "SELARAS_RATE_LIMITS": "officer=0/0,agency=0/0,auditor=0/0",
            "SELARAS_AUTH_FAILURES_BURST": "100000",
            "SELARAS_AUTH_FAILURES_PER_MINUTE": "100000",
        }
        server = Server(database, folder, lifted)
        started = time.perf_counter()
        try:
            sweeper = Sweeper(server, pool, findings)
            sweeper.keys["officer"] = {"Authorization": f"Bearer {ADMIN_KEY}"}
            _seed(sweeper)
            _callers(sweeper)
            seeded_rss = server.rss()
            run = sweeper.client.post(
                "/batch-runs", json={"as_of": AS_OF}, headers=sweeper.keys["officer"]
            ).json()
            operations = _operations(sweeper)
            for method, path, op in operations:
                _sweep_operation(sweeper, method, path, op, run["id"], rng)
            sweep_peak = server.peak_rss
            flood = _flood(sweeper)
        finally:
            server.stop()
        seconds = time.perf_counter() - started
        log_leaks = _log_leaks(server, pool)
        limits = _limits(database, folder)
        restart = _restart(database, folder, pool)
    summary = {
        "operations": len(operations),
        "requests": findings.requests,
        "server_errors": len(findings.server_errors),
        "leaks": len(findings.leaks) + len(log_leaks),
        "max_latency_s": round(findings.max_latency, 3),
        "slowest": [(round(t, 3), label) for t, label in reversed(findings.slowest)],
        "statuses": dict(sorted(findings.statuses.items())),
        "rss_after_seeding_mb": round(seeded_rss / 2**20, 1),
        "peak_rss_mb": round(max(sweep_peak, server.peak_rss) / 2**20, 1),
        "flood_20mb": flood,
        "log_leaks": log_leaks,
        "default_limits": limits,
        "restart": restart,
        "seconds": round(seconds, 1),
        "machine": {"cpus": os.cpu_count()},
    }
    print(json.dumps(summary, indent=2, ensure_ascii=False))
    if args.out:
        details = {
            **summary,
            "server_error_list": findings.server_errors,
            "leak_list": findings.leaks,
        }
        args.out.write_text(json.dumps(details, indent=2, ensure_ascii=False), encoding="utf-8")
    bad = summary["server_errors"] or summary["leaks"] or limits["server_errors"]
    return 1 if bad or restart["quarantined"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
