"""The group commit of the audit entries of reads: an answer leaves only after the batch
holding its entry has committed, a failed batch answers nobody, a dropped connection is
replaced, and a server killed under load leaves no answered request without its entry."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.access.keys import Principal
from api.app import create_app
from api.audit.batch import AuditBatcher
from api.audit.log import entry_values
from api.storage.database import connect, migrate
from api.storage.tables import AuditRow
from tests.api.conftest import ADMIN_KEY, AGENCY_A, AS_OF, PoolData, sqlite_settings
from tests.api.storage.test_api_crash import _Server
from tests.paths import SAMPLE

_OFFICER = {"Authorization": f"Bearer {ADMIN_KEY}"}
_ENTRIES = 64
_CLIENTS = 16  # on 8 returnees: several requests in flight when the server is killed


def _values(target: str) -> dict[str, Any]:
    principal = Principal("admin", "officer", None)
    return entry_values(
        principal, "candidates", target=target, params={"k": 1}, result_ids=[], versions={}
    )


def _count(database: Path, target: str | None = None) -> int:
    with sqlite3.connect(database) as connection:
        sql, args = "SELECT count(*) FROM audit_log", tuple[str, ...]()
        if target is not None:
            sql, args = sql + " WHERE target = ?", (target,)
        found: int = connection.execute(sql, args).fetchone()[0]
        return found


def test_each_write_returns_once_its_entry_is_committed(tmp_path: Path) -> None:
    database = tmp_path / "audit.db"
    engine = connect(f"sqlite:///{database}")
    migrate(engine)
    batcher = AuditBatcher(engine)
    seen: dict[str, int] = {}

    async def one(target: str) -> None:
        await batcher.write(_values(target))
        # Read on a connection of its own: committed, not only written.
        seen[target] = _count(database, target)

    async def all_at_once() -> None:
        await asyncio.gather(*(one(f"A/{i}") for i in range(_ENTRIES)))

    try:
        asyncio.run(all_at_once())
    finally:
        batcher.close()
        engine.dispose()
    assert seen == {f"A/{i}": 1 for i in range(_ENTRIES)}


def test_a_dropped_connection_is_replaced(tmp_path: Path) -> None:
    engine = connect(f"sqlite:///{tmp_path / 'audit.db'}")
    migrate(engine)
    batcher = AuditBatcher(engine)
    try:
        asyncio.run(batcher.write(_values("A/1")))
        held = batcher._connection
        assert held is not None
        held.invalidate()  # as the database going away does
        asyncio.run(batcher.write(_values("A/2")))
        assert batcher._connection is not None
        assert batcher._connection is not held
    finally:
        batcher.close()
        engine.dispose()
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(AuditRow)) == 2


def test_an_answer_whose_entry_fails_is_never_sent(
    tmp_path: Path, pool_data: PoolData, monkeypatch: pytest.MonkeyPatch
) -> None:
    with TestClient(create_app(sqlite_settings(tmp_path)), raise_server_exceptions=False) as client:
        for agency in pool_data.agencies:
            assert client.post("/agencies", json=agency, headers=_OFFICER).status_code == 201
        returnee = {**_sample("returnees.jsonl")[6], "agency_id": AGENCY_A}
        assert client.put(f"/workers/{returnee['id']}", json=returnee, headers=_OFFICER)
        offers = _sample("opportunities.jsonl")
        url = f"/opportunities?agency_id={AGENCY_A}"
        assert client.post(url, json=offers, headers=_OFFICER).status_code == 200
        path = f"/returnees/{returnee['id']}/opportunities?as_of={AS_OF}&agency_id={AGENCY_A}"
        assert client.get(path, headers=_OFFICER).status_code == 200

        def fail(self: AuditBatcher, rows: list[dict[str, Any]]) -> None:
            raise OSError("disk full")

        monkeypatch.setattr(AuditBatcher, "_insert", fail)
        refused = client.get(path, headers=_OFFICER)
    assert refused.status_code == 500
    assert "results" not in refused.text


def _sample(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (SAMPLE / name).read_text("utf-8").splitlines()]


def test_no_answer_lacks_its_entry_when_the_server_is_killed(
    tmp_path: Path, pool_data: PoolData
) -> None:
    store = tmp_path / "selaras.db"
    server = _Server(store)
    answered: list[Counter[str]] = [Counter() for _ in range(_CLIENTS)]
    stop = threading.Event()
    try:
        for agency in pool_data.agencies:
            response = httpx.post(f"{server.url}/agencies", json=agency, headers=_OFFICER)
            assert response.status_code == 201
        returnees = [{**r, "agency_id": AGENCY_A} for r in _sample("returnees.jsonl")[:8]]
        for record in returnees:
            url = f"{server.url}/workers/{record['id']}"
            assert httpx.put(url, json=record, headers=_OFFICER).status_code == 201
        url = f"{server.url}/opportunities?agency_id={AGENCY_A}"
        offers = _sample("opportunities.jsonl")
        assert httpx.post(url, json=offers, headers=_OFFICER).status_code == 200

        def ask(record: dict[str, Any], mine: Counter[str]) -> None:
            path = f"/returnees/{record['id']}/opportunities?as_of={AS_OF}&agency_id={AGENCY_A}"
            # The server dies under the requests, as intended.
            with (
                httpx.Client(base_url=server.url, headers=_OFFICER, timeout=30) as client,
                contextlib.suppress(httpx.TransportError),
            ):
                while not stop.is_set():
                    if client.get(path).status_code == 200:
                        mine[f"{AGENCY_A}/{record['id']}"] += 1

        clients = [
            threading.Thread(target=ask, args=(returnees[c % len(returnees)], answered[c]))
            for c in range(_CLIENTS)
        ]
        for thread in clients:
            thread.start()
        deadline = time.monotonic() + 60
        while sum(sum(c.values()) for c in answered) < 200 and time.monotonic() < deadline:
            time.sleep(0.01)
        server.kill()
        stop.set()
        for thread in clients:
            thread.join(timeout=30)
    finally:
        stop.set()
        if server.process.poll() is None:
            server.kill()
    total = sum(answered, Counter[str]())
    assert total.total() >= 200
    # An entry may outlive its answer (committed, then killed before sending), never the
    # reverse.
    for target, count in total.items():
        assert _count(store, target) >= count, target
