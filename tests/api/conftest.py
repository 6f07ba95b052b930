"""Fixtures of the API tests: a server on a temporary store, keys of every role, and
two agencies' records from the bundled pool (``data/sample/pool``).

Agency A is P3MI-0001 and agency B is P3MI-0002 of the bundled pool (see ``pool_data``).
B also holds a worker and a job order whose ids A uses too (ids are unique only within
an agency).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.batch_runs import BatchRunner
from api.settings import Settings
from matcher.scoring.matching import prepare_run
from models.vacancy import Vacancy
from models.worker import Worker

POOL = Path(__file__).resolve().parents[2] / "data" / "sample" / "pool"
AGENCY_A = "P3MI-0001"
AGENCY_B = "P3MI-0002"
AS_OF = "2026-03-01"
ADMIN_KEY = "test-admin-key-0123456789abcdefghijklmnop"
POSTGRES_URL = os.environ.get("SELARAS_TEST_DATABASE_URL")
"""A PostgreSQL database the storage tests may wipe (``.ci/run`` sets it)."""


def _read(name: str) -> list[dict[str, Any]]:
    with (POOL / name).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


@dataclass(frozen=True)
class PoolData:
    """The two agencies' records."""

    agencies: list[dict[str, Any]]
    workers: list[dict[str, Any]]
    vacancies: list[dict[str, Any]]

    def of(self, kind: str, agency_id: str) -> list[dict[str, Any]]:
        """Records of one agency (``kind`` is ``workers`` or ``vacancies``)."""
        records: list[dict[str, Any]] = getattr(self, kind)
        return [r for r in records if r["agency_id"] == agency_id]


@pytest.fixture(scope="session")
def pool_data() -> PoolData:
    """Agencies A and B sharing the bundled pool's job orders and part of its workers.

    Job orders alternate between A and B; so do the workers eligible somewhere (so each
    agency's own pool has eligible candidates) and the first 200 others. B also gets a
    twin of A's first worker and first job order (same ids).
    """
    agencies = [a for a in _read("agencies.jsonl") if a["id"] in (AGENCY_A, AGENCY_B)]
    pool_vacancies = _read("vacancies.jsonl")
    pool_workers = _read("workers.jsonl")
    run = prepare_run(
        [Worker.model_validate(w) for w in pool_workers],
        [Vacancy.model_validate(v) for v in pool_vacancies],
        None,
        dt.date.fromisoformat(AS_OF),
    )
    eligible = {r.worker_id for r in run.rank("vacancies", 0, False, "en")}
    others = [w for w in pool_workers if w["id"] not in eligible][:200]
    chosen = [w for w in pool_workers if w["id"] in eligible] + others
    owners = (AGENCY_A, AGENCY_B)
    workers = [{**w, "agency_id": owners[i % 2]} for i, w in enumerate(chosen)]
    vacancies = [{**v, "agency_id": owners[i % 2]} for i, v in enumerate(pool_vacancies)]
    workers.append({**workers[0], "agency_id": AGENCY_B, "full_name": "Twin of B"})
    vacancies.append({**vacancies[0], "agency_id": AGENCY_B, "title": "Twin of B"})
    return PoolData(agencies, workers, vacancies)


def jsonl(records: list[dict[str, Any]]) -> bytes:
    """Records as a JSON Lines file."""
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()


def sqlite_settings(folder: Path, **overrides: Any) -> Settings:
    """Settings of a server on a new SQLite store in ``folder``."""
    return Settings(
        database_url=f"sqlite:///{folder / 'selaras.db'}", admin_key=ADMIN_KEY, **overrides
    )


@dataclass
class Api:
    """A started server, its client, and keys of every role."""

    client: TestClient
    officer: dict[str, str]
    keys: dict[str, dict[str, str]]

    def key(self, role: str, agency_id: str | None = None) -> dict[str, str]:
        """Headers with a new key of ``role`` (issued by the officer)."""
        body = {"role": role, "agency_id": agency_id}
        response = self.client.post("/keys", json=body, headers=self.officer)
        assert response.status_code == 201, response.text
        return {"Authorization": f"Bearer {response.json()['key']}"}

    def upload(
        self, kind: str, records: list[dict[str, Any]], headers: dict[str, str]
    ) -> dict[str, Any]:
        """Bulk-upload JSON Lines; the JSON answer (asserted to be 200)."""
        path = "/workers/bulk" if kind == "workers" else "/job-orders/bulk"
        response = self.client.post(
            path, files={"file": (f"{kind}.jsonl", jsonl(records))}, headers=headers
        )
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer


def seed(client: TestClient, data: PoolData) -> Api:
    """Register A and B, upload their records and issue a key of every role."""
    officer = {"Authorization": f"Bearer {ADMIN_KEY}"}
    api = Api(client, officer, {})
    for agency in data.agencies:
        assert client.post("/agencies", json=agency, headers=officer).status_code == 201
    api.upload("workers", data.workers, officer)
    api.upload("vacancies", data.vacancies, officer)
    api.keys.update(
        officer=officer,
        a=api.key("agency", AGENCY_A),
        b=api.key("agency", AGENCY_B),
        auditor=api.key("auditor"),
    )
    return api


def record_progress_writes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, float]]:
    """Every (stage, progress) a batch run's progress writes to its row, in order."""
    written: list[tuple[str, float]] = []
    write = BatchRunner._write_progress

    def recording(self: BatchRunner, run_id: str, stage: str, progress: float) -> None:
        written.append((stage, progress))
        write(self, run_id, stage, progress)

    monkeypatch.setattr(BatchRunner, "_write_progress", recording)
    return written


@contextmanager
def bundled_pool_api(folder: Path) -> Iterator[Api]:
    """A server on a new store in ``folder`` holding the whole bundled pool, every
    agency's records as in the files (only the officer's key)."""
    with TestClient(create_app(sqlite_settings(folder))) as client:
        officer = {"Authorization": f"Bearer {ADMIN_KEY}"}
        api = Api(client, officer, {"officer": officer})
        for agency in _read("agencies.jsonl"):
            assert client.post("/agencies", json=agency, headers=officer).status_code == 201
        api.upload("workers", _read("workers.jsonl"), officer)
        api.upload("vacancies", _read("vacancies.jsonl"), officer)
        yield api


@pytest.fixture
def empty_api(tmp_path: Path) -> Iterator[Api]:
    """A server on a new, empty store (only the admin key)."""
    with TestClient(create_app(sqlite_settings(tmp_path))) as client:
        officer = {"Authorization": f"Bearer {ADMIN_KEY}"}
        yield Api(client, officer, {"officer": officer})


@pytest.fixture
def api(tmp_path: Path, pool_data: PoolData) -> Iterator[Api]:
    """A server on a new store holding A's and B's records (tests may write)."""
    with TestClient(create_app(sqlite_settings(tmp_path))) as client:
        yield seed(client, pool_data)


@pytest.fixture(scope="module")
def shared_api(tmp_path_factory: pytest.TempPathFactory, pool_data: PoolData) -> Iterator[Api]:
    """Like ``api`` but shared by a module's tests: they must not write records."""
    with TestClient(create_app(sqlite_settings(tmp_path_factory.mktemp("shared")))) as client:
        yield seed(client, pool_data)
