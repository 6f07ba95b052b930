"""A real ``selaras serve`` killed with SIGKILL in the middle of a bulk upload keeps all or
none of it, and starts again on the same store."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx2 as httpx

from tests.api.conftest import ADMIN_KEY, POOL, jsonl

_COPIES = 8  # 8 x 2,000 workers: long enough to kill the transaction half-written
_OFFICER = {"Authorization": f"Bearer {ADMIN_KEY}"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class _Server:
    """``selaras serve`` in a subprocess on a SQLite store."""

    def __init__(self, database: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("SELARAS_")}
        env["SELARAS_ADMIN_KEY"] = ADMIN_KEY
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "cli.main",
                "serve",
                "--port",
                str(self.port),
                "--database",
                f"sqlite:///{database}",
            ],
            cwd=Path(__file__).resolve().parents[3],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        self.kill()
        raise AssertionError("selaras serve did not start within 60 s")

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)


def _workers() -> list[dict[str, Any]]:
    with (POOL / "workers.jsonl").open(encoding="utf-8") as handle:
        base = [json.loads(line) for line in handle]
    return [{**w, "id": f"{w['id']}-{copy}"} for copy in range(_COPIES) for w in base]


def _stored(database: Path) -> int:
    with sqlite3.connect(database) as connection:
        count: int = connection.execute("SELECT count(*) FROM workers").fetchone()[0]
        return count


def test_sigkill_mid_upload_keeps_all_or_none(tmp_path: Path) -> None:
    store = tmp_path / "selaras.db"
    server = _Server(store)
    try:
        with (POOL / "agencies.jsonl").open(encoding="utf-8") as handle:
            for line in handle:
                response = httpx.post(
                    f"{server.url}/agencies", json=json.loads(line), headers=_OFFICER
                )
                assert response.status_code == 201
        workers = _workers()
        content = jsonl(workers)
        wal = store.with_name(store.name + "-wal")
        baseline = wal.stat().st_size if wal.exists() else 0

        def send() -> None:
            # The server dies under the request, as intended.
            with contextlib.suppress(httpx.TransportError):
                httpx.post(
                    f"{server.url}/workers/bulk",
                    files={"file": ("w.jsonl", content)},
                    headers=_OFFICER,
                    timeout=120,
                )

        upload = threading.Thread(target=send)
        upload.start()
        # Kill once the transaction has written pages to the WAL but not committed.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if wal.exists() and wal.stat().st_size > baseline + 4_000_000:
                break
            time.sleep(0.005)
        server.kill()
        upload.join(timeout=30)
    finally:
        if server.process.poll() is None:
            server.kill()
    assert _stored(store) in (0, len(workers))
    killed_with = _stored(store)
    assert killed_with in (0, len(workers))
    restarted = _Server(store)
    try:
        page = httpx.get(f"{restarted.url}/workers?limit=500", headers=_OFFICER).json()
        assert len(page["items"]) == min(killed_with, 500)
        response = httpx.post(
            f"{restarted.url}/workers/bulk",
            files={"file": ("w.jsonl", jsonl(workers[:100]))},
            headers=_OFFICER,
        )
        assert response.status_code == 200, response.text
        assert _stored(store) == max(killed_with, 100)
    finally:
        restarted.kill()
